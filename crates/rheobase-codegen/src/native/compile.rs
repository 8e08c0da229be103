//! Running the system C compiler on a translation unit, with an on-disk cache of the shared
//! libraries keyed by a hash of everything that decides their contents: the C source, the
//! compiler (its path and `--version`), the flags, and the host CPU (`-march=native`).
//!
//! The compiler is `RHEOBASE_CC`, else `CC`, else `cc`. The cache directory is
//! `RHEOBASE_CACHE_DIR`, else `$XDG_CACHE_HOME/rheobase`, else `~/.cache/rheobase`. Files are
//! written under a temporary name and renamed into place, so concurrent processes never see a
//! half-written library; each library `rb_<key>.so` has its C source `rb_<key>.c` beside it.
//! The rename is done by the shell that runs the compiler, so a compile still running when
//! this process exits lands in the cache for the next run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// Flags for every translation unit: vector instructions of this CPU, but no contraction
/// into fused multiply-adds and no reassociation, so results are the JIT's bits.
/// `-fno-trapping-math` only says that nobody reads the floating-point exception flags (no
/// value changes); without it gcc will not if-convert the selects of `exp` and friends, and
/// the element loop stays scalar. `-fno-thread-jumps`: jump threading duplicates everything
/// between two selects on the same condition (as in `exprel`) into both arms, and the
/// if-converted loop then computes both, divisions included (a third slower HH loop).
/// `-fschedule-insns -fsched-pressure`: scheduling before register allocation (off by default
/// on x86) interleaves the independent exp/exprel chains of a long loop body, so the
/// out-of-order window sees more than one chain at a time (about 20 % off the HH loop).
pub const FLAGS: [&str; 10] = [
    "-O3",
    "-march=native",
    "-ffp-contract=off",
    "-fno-math-errno",
    "-fno-trapping-math",
    "-fno-thread-jumps",
    "-fschedule-insns",
    "-fsched-pressure",
    "-fPIC",
    "-shared",
];

/// The compiler this process uses, found once.
#[derive(Clone, Debug)]
pub struct Compiler {
    pub program: String,
    /// `--version` output: part of the cache key.
    pub version: String,
}

/// Why no library came out.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CompileFailure {
    #[error("no C compiler: {0}")]
    NoCompiler(String),
    #[error("the C compiler failed: {0}")]
    Failed(String),
    #[error("the kernel cache: {0}")]
    Io(String),
}

fn program_from_env() -> String {
    std::env::var("RHEOBASE_CC")
        .or_else(|_| std::env::var("CC"))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "cc".into())
}

/// Checks that `program` runs (`--version` must succeed).
pub fn find_compiler(program: &str) -> Result<Compiler, CompileFailure> {
    let program = program.to_string();
    let output = Command::new(&program)
        .arg("--version")
        .output()
        .map_err(|e| CompileFailure::NoCompiler(format!("'{program}': {e}")))?;
    if !output.status.success() {
        return Err(CompileFailure::NoCompiler(format!(
            "'{program} --version' failed"
        )));
    }
    Ok(Compiler {
        version: String::from_utf8_lossy(&output.stdout).into_owned(),
        program,
    })
}

/// A compiler and a cache directory.
#[derive(Clone, Debug)]
pub struct Toolchain {
    pub compiler: Result<Compiler, CompileFailure>,
    pub cache_dir: Option<PathBuf>,
}

impl Toolchain {
    /// `program` as the compiler, libraries cached in `cache_dir`.
    pub fn new(program: &str, cache_dir: Option<PathBuf>) -> Toolchain {
        Toolchain {
            compiler: find_compiler(program),
            cache_dir,
        }
    }

    /// The toolchain the environment names, looked for once per process.
    pub fn from_env() -> &'static Toolchain {
        static TOOLCHAIN: OnceLock<Toolchain> = OnceLock::new();
        TOOLCHAIN.get_or_init(|| Toolchain::new(&program_from_env(), cache_dir_from_env()))
    }

    /// A library for `source`: from the cache if it holds one, else compiled into it.
    /// Returns its path and whether it came from the cache.
    pub fn library_for(&self, source: &str) -> Result<(PathBuf, bool), CompileFailure> {
        let compiler = self.compiler.clone()?;
        let dir = self.cache_dir.clone().ok_or_else(|| {
            CompileFailure::Io("no cache directory (set RHEOBASE_CACHE_DIR or HOME)".into())
        })?;
        library_for(&compiler, &dir, source)
    }
}

/// Where compiled libraries are kept, by the environment.
pub fn cache_dir_from_env() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("RHEOBASE_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("rheobase"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".cache").join("rheobase"))
}

/// The CPU's model and feature flags (what `-march=native` compiles for), where readable.
fn cpu_identity() -> &'static str {
    static CPU: OnceLock<String> = OnceLock::new();
    CPU.get_or_init(|| {
        let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        info.lines()
            .filter(|l| l.starts_with("model name") || l.starts_with("flags"))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The cache key of `source` compiled by `compiler`.
pub fn cache_key(compiler: &Compiler, source: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        source,
        &compiler.program,
        &compiler.version,
        &FLAGS.join(" "),
        cpu_identity(),
        std::env::consts::ARCH,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn library_for(
    compiler: &Compiler,
    dir: &Path,
    source: &str,
) -> Result<(PathBuf, bool), CompileFailure> {
    let key = cache_key(compiler, source);
    let library = dir.join(format!("rb_{key}.so"));
    if library.is_file() {
        return Ok((library, true));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| CompileFailure::Io(format!("creating {}: {e}", dir.display())))?;
    let unique = temp_suffix();
    let files = UnitFiles {
        c_file: dir.join(format!("rb_{key}.{unique}.c")),
        tmp_library: dir.join(format!("rb_{key}.{unique}.so.tmp")),
        errors: dir.join(format!("rb_{key}.{unique}.err")),
        library: library.clone(),
        // The source stays beside its library, for reading and profiling.
        kept_source: dir.join(format!("rb_{key}.c")),
    };
    let result = compile_into_cache(compiler, source, &files);
    let _ = std::fs::remove_file(&files.errors);
    if result.is_err() {
        let _ = std::fs::remove_file(&files.c_file);
        let _ = std::fs::remove_file(&files.tmp_library);
    }
    result.map(|()| (library, false))
}

/// The files of one compile into the cache.
struct UnitFiles {
    c_file: PathBuf,
    tmp_library: PathBuf,
    errors: PathBuf,
    library: PathBuf,
    kept_source: PathBuf,
}

/// Moves the finished library (and its source) into place: run by the shell that runs the
/// compiler, so that a compile outlives this process. A short run often ends before its
/// background compile does; the next run then finds the library in the cache instead of
/// compiling it again (and again) in a process that exits too soon. The compiler's messages
/// go to a file rather than a pipe, which would break when this process is gone.
const FINISH: &str = r#"src="$1"; tmp="$2"; err="$3"; lib="$4"; kept="$5"; shift 5
"$@" -o "$tmp" "$src" 2>"$err" && mv -f "$tmp" "$lib" && mv -f "$src" "$kept" && rm -f "$err""#;

fn compile_into_cache(
    compiler: &Compiler,
    source: &str,
    files: &UnitFiles,
) -> Result<(), CompileFailure> {
    std::fs::write(&files.c_file, source)
        .map_err(|e| CompileFailure::Io(format!("writing {}: {e}", files.c_file.display())))?;
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(FINISH)
        .arg("sh")
        .args([
            &files.c_file,
            &files.tmp_library,
            &files.errors,
            &files.library,
            &files.kept_source,
        ])
        .arg(&compiler.program)
        .args(FLAGS)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| {
            CompileFailure::NoCompiler(format!("'/bin/sh' for '{}': {e}", compiler.program))
        })?;
    if status.success() && files.library.is_file() {
        return Ok(());
    }
    let stderr = std::fs::read_to_string(&files.errors).unwrap_or_default();
    let first: Vec<&str> = stderr.lines().take(6).collect();
    Err(CompileFailure::Failed(if first.is_empty() {
        format!("'{}' exited with {status}", compiler.program)
    } else {
        first.join("\n")
    }))
}

fn temp_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native::tests::scratch_dir;

    #[test]
    fn keys_change_with_source_and_compiler() {
        let a = Compiler {
            program: "cc".into(),
            version: "gcc 12".into(),
        };
        let b = Compiler {
            version: "gcc 13".into(),
            ..a.clone()
        };
        assert_eq!(cache_key(&a, "x"), cache_key(&a, "x"));
        assert_ne!(cache_key(&a, "x"), cache_key(&a, "y"));
        assert_ne!(cache_key(&a, "x"), cache_key(&b, "x"));
        assert_eq!(cache_key(&a, "x").len(), 32);
    }

    /// A fake compiler: a shell script that answers `--version` and then runs `body` with
    /// the compile's arguments (`-o <output> <source>` last).
    #[cfg(unix)]
    fn fake_compiler(dir: &Path, body: &str) -> Compiler {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join("fake-cc");
        let script =
            format!("#!/bin/sh\nif [ \"$1\" = --version ]; then echo fake 1; exit 0; fi\n{body}\n");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        find_compiler(path.to_str().unwrap()).unwrap()
    }

    /// A scratch directory `name`, a [`fake_compiler`] running `body` in it, and its cache
    /// directory.
    #[cfg(unix)]
    fn fake_setup(name: &str, body: &str) -> (PathBuf, Compiler, PathBuf) {
        let dir = scratch_dir(name);
        let compiler = fake_compiler(&dir.join("bin"), body);
        let cache = dir.join("cache");
        (dir, compiler, cache)
    }

    #[cfg(unix)]
    #[test]
    fn the_compile_moves_its_library_and_source_into_place_and_then_hits() {
        // Writes the source's text as the "library" (the output follows `-o`).
        let (dir, compiler, cache) = fake_setup(
            "compile-finish",
            r#"while [ "$1" != -o ]; do shift; done; cp "$3" "$2""#,
        );
        let (library, from_cache) = library_for(&compiler, &cache, "int x;").unwrap();
        assert!(!from_cache);
        assert_eq!(std::fs::read_to_string(&library).unwrap(), "int x;");
        let key = cache_key(&compiler, "int x;");
        assert!(cache.join(format!("rb_{key}.c")).is_file());
        // Nothing temporary is left beside them.
        let mut names: Vec<String> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [format!("rb_{key}.c"), format!("rb_{key}.so")]);
        assert_eq!(
            library_for(&compiler, &cache, "int x;").unwrap(),
            (library, true)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_compile_reports_the_compiler_messages_and_leaves_nothing() {
        let (dir, compiler, cache) = fake_setup(
            "compile-fail",
            "echo 'kernel.c:3: error: expected something' >&2; exit 1",
        );
        match library_for(&compiler, &cache, "int x;") {
            Err(CompileFailure::Failed(text)) => {
                assert!(text.contains("error: expected something"), "{text}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
