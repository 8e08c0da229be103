//! Files that are either complete and intact or refused: every writer of rheobase (store to a
//! file, the CLI's outputs) goes through here.
//!
//! - [`write_atomic`] writes to a temporary name in the same folder, flushes it to disk and
//!   renames it over the destination, so a crash or a full disk never leaves half a file
//!   under the real name;
//! - [`write_checked`] / [`read_checked`] add a frame around a payload: the magic
//!   `RHEOBASE`, an 8-byte kind (what the payload is, e.g. `STATE`), the payload's format
//!   version, its length and a CRC-32 of everything before it. Reading tells apart a file
//!   that is not ours (`io::not_a_rheobase_file`), of another kind (`io::wrong_file_kind`),
//!   truncated (`io::truncated_file`), corrupted (`io::corrupted_file`) or of a format version
//!   this build cannot read (`io::unsupported_file_version`).
//!
//! Layout (little-endian): `magic[8] kind[8] version:u32 length:u64 payload[length] crc32:u32`.

use crate::error::{Result, RuntimeError};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MAGIC: [u8; 8] = *b"RHEOBASE";
const HEADER: usize = 8 + 8 + 4 + 8;
const TRAILER: usize = 4;

/// What a framed file holds and in which format version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind {
    /// Up to 8 ASCII bytes, padded with zeros (`*b"STATE\0\0\0"`).
    pub tag: [u8; 8],
    pub version: u32,
}

impl FileKind {
    fn name(tag: &[u8; 8]) -> String {
        let end = tag.iter().position(|b| *b == 0).unwrap_or(8);
        String::from_utf8_lossy(&tag[..end]).into_owned()
    }
}

fn file_error(code: &'static str, path: &Path, message: impl Into<String>) -> RuntimeError {
    RuntimeError::File {
        code,
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// The temporary name next to `path`: hidden, with the process id so that two processes
/// writing the same file do not share it.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

/// Writes `bytes` to `path` all at once or not at all: to a temporary file in the same
/// folder, flushed to disk, then renamed over `path`. On failure the temporary is removed and
/// `path` keeps its old contents.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary_name(path);
    write_then_rename(&tmp, path, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        file_error(
            "io::write_failed",
            path,
            format!("cannot write the file: {e}"),
        )
    })
}

fn write_then_rename(tmp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(tmp, path)
}

/// The framed bytes of `payload` (see the module documentation).
pub fn frame(kind: FileKind, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + payload.len() + TRAILER);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&kind.tag);
    out.extend_from_slice(&kind.version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The payload of framed bytes, checked; `path` only names the file in errors.
pub fn unframe<'a>(bytes: &'a [u8], kind: FileKind, path: &Path) -> Result<&'a [u8]> {
    let what = FileKind::name(&kind.tag);
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        // A prefix of the magic is a file cut short, anything else is not ours.
        if !bytes.is_empty() && MAGIC.starts_with(bytes) {
            return Err(file_error(
                "io::truncated_file",
                path,
                format!(
                    "the file ends after {} bytes (an incomplete write?)",
                    bytes.len()
                ),
            ));
        }
        return Err(file_error(
            "io::not_a_rheobase_file",
            path,
            format!("not a file written by rheobase (expected a {what} file)"),
        ));
    }
    if bytes.len() < HEADER + TRAILER {
        return Err(file_error(
            "io::truncated_file",
            path,
            format!(
                "the file ends after {} bytes, inside its header",
                bytes.len()
            ),
        ));
    }
    let tag: [u8; 8] = bytes[8..16].try_into().expect("8 bytes");
    let version = u32::from_le_bytes(bytes[16..20].try_into().expect("4 bytes"));
    let length = u64::from_le_bytes(bytes[20..28].try_into().expect("8 bytes"));
    let expected = (HEADER + TRAILER) as u64 + length;
    let actual = bytes.len() as u64;
    if actual < expected {
        return Err(file_error(
            "io::truncated_file",
            path,
            format!("the file has {actual} bytes where its header announces {expected} (an incomplete write or copy?)"),
        ));
    }
    if actual > expected {
        return Err(file_error(
            "io::corrupted_file",
            path,
            format!("the file has {actual} bytes where its header announces {expected}"),
        ));
    }
    let body = bytes.len() - TRAILER;
    let stored = u32::from_le_bytes(bytes[body..].try_into().expect("4 bytes"));
    let computed = crc32fast::hash(&bytes[..body]);
    if stored != computed {
        return Err(file_error(
            "io::corrupted_file",
            path,
            format!("checksum mismatch (stored {stored:08x}, computed {computed:08x}): the file was changed or damaged after it was written"),
        ));
    }
    if tag != kind.tag {
        return Err(file_error(
            "io::wrong_file_kind",
            path,
            format!(
                "this is a rheobase {} file, not a {what} file",
                FileKind::name(&tag)
            ),
        ));
    }
    if version != kind.version {
        return Err(file_error(
            "io::unsupported_file_version",
            path,
            format!(
                "{what} format version {version}; this rheobase reads version {} only",
                kind.version
            ),
        ));
    }
    Ok(&bytes[HEADER..body])
}

/// Frames `payload` and writes it atomically.
pub fn write_checked(path: &Path, kind: FileKind, payload: &[u8]) -> Result<()> {
    write_atomic(path, &frame(kind, payload))
}

/// Reads a file written by [`write_checked`] and returns its payload, checked.
pub fn read_checked(path: &Path, kind: FileKind) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|e| {
        file_error(
            "io::read_failed",
            path,
            format!("cannot read the file: {e}"),
        )
    })?;
    unframe(&bytes, kind, path).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: FileKind = FileKind {
        tag: *b"TEST\0\0\0\0",
        version: 3,
    };

    fn code(r: Result<impl std::fmt::Debug>) -> &'static str {
        r.expect_err("an error").code()
    }

    /// A file in a folder of its own: tests run in parallel, and one test looks for
    /// temporaries left in its folder.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("rheobase-safe-file-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_written_file_reads_back_and_leaves_no_temporary() {
        let path = scratch("round.bin");
        write_checked(&path, KIND, b"payload").unwrap();
        assert_eq!(read_checked(&path, KIND).unwrap(), b"payload");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // Overwriting replaces the whole file.
        write_checked(&path, KIND, b"xy").unwrap();
        assert_eq!(read_checked(&path, KIND).unwrap(), b"xy");
    }

    #[test]
    fn every_truncation_is_refused_as_truncated() {
        let bytes = frame(KIND, b"some payload bytes");
        for len in 1..bytes.len() {
            let r = unframe(&bytes[..len], KIND, Path::new("f"));
            assert_eq!(code(r), "io::truncated_file", "cut at {len}");
        }
        assert_eq!(
            code(unframe(&[], KIND, Path::new("f"))),
            "io::not_a_rheobase_file"
        );
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let bytes = frame(KIND, b"some payload bytes");
        for at in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[at] ^= bit;
                let r = unframe(&bad, KIND, Path::new("f"));
                let c = code(r);
                // The magic and the length may look like another file or a cut; all else is
                // caught by the checksum.
                let allowed: &[&str] = match at {
                    0..=7 => &["io::not_a_rheobase_file"],
                    20..=27 => &["io::truncated_file", "io::corrupted_file"],
                    _ => &["io::corrupted_file"],
                };
                assert!(allowed.contains(&c), "byte {at} bit {bit:#x}: {c}");
            }
        }
    }

    #[test]
    fn another_version_or_kind_is_refused_with_its_name() {
        let newer = FileKind { version: 4, ..KIND };
        let e = unframe(&frame(newer, b"x"), KIND, Path::new("f")).unwrap_err();
        assert_eq!(e.code(), "io::unsupported_file_version");
        assert!(e.to_string().contains("version 4"), "{e}");
        let other = FileKind {
            tag: *b"OTHER\0\0\0",
            ..KIND
        };
        let e = unframe(&frame(other, b"x"), KIND, Path::new("f")).unwrap_err();
        assert_eq!(e.code(), "io::wrong_file_kind");
        assert!(e.to_string().contains("OTHER"), "{e}");
        let e = unframe(b"\x80\x04pickle data", KIND, Path::new("f")).unwrap_err();
        assert_eq!(e.code(), "io::not_a_rheobase_file");
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let path = scratch("kept.bin");
        write_checked(&path, KIND, b"old").unwrap();
        let missing_dir = path.with_file_name("no-such-folder").join("f.bin");
        assert_eq!(
            code(write_checked(&missing_dir, KIND, b"new")),
            "io::write_failed"
        );
        assert_eq!(read_checked(&path, KIND).unwrap(), b"old");
    }
}
