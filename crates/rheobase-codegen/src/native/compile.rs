//! Running the system C compiler on a translation unit, with an on-disk cache of the shared
//! libraries keyed by a hash of everything that decides their contents: the C source, the
//! compiler (its path and `--version`), the flags, and the host CPU (`-march=native`).
//!
//! The compiler is `RHEOBASE_CC`, else `CC`, else `cc`. The cache directory is
//! `RHEOBASE_CACHE_DIR`, else `$XDG_CACHE_HOME/rheobase`, else `~/.cache/rheobase`. Files are
//! written under a temporary name and renamed into place, so concurrent processes never see a
//! half-written library; each library `rb_<key>.so` has its C source `rb_<key>.c` beside it.

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
    let c_file = dir.join(format!("rb_{key}.{unique}.c"));
    let tmp_library = dir.join(format!("rb_{key}.{unique}.so.tmp"));
    let result = compile_to(compiler, source, &c_file, &tmp_library).and_then(|()| {
        std::fs::rename(&tmp_library, &library)
            .map_err(|e| CompileFailure::Io(format!("renaming into {}: {e}", library.display())))
    });
    if result.is_ok() {
        // The source stays beside its library, for reading and profiling.
        let _ = std::fs::rename(&c_file, dir.join(format!("rb_{key}.c")));
    } else {
        let _ = std::fs::remove_file(&c_file);
        let _ = std::fs::remove_file(&tmp_library);
    }
    result.map(|()| (library, false))
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

fn compile_to(
    compiler: &Compiler,
    source: &str,
    c_file: &Path,
    library: &Path,
) -> Result<(), CompileFailure> {
    std::fs::write(c_file, source)
        .map_err(|e| CompileFailure::Io(format!("writing {}: {e}", c_file.display())))?;
    let output = Command::new(&compiler.program)
        .args(FLAGS)
        .arg("-o")
        .arg(library)
        .arg(c_file)
        .output()
        .map_err(|e| CompileFailure::NoCompiler(format!("'{}': {e}", compiler.program)))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr.lines().take(6).collect();
        Err(CompileFailure::Failed(first.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
