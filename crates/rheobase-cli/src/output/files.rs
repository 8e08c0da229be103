//! Where every output file is written, so that the way files are made safe lives in one place:
//! outputs go into a hidden folder inside the output folder and are moved into place when the
//! run is complete (the summary last), so a failed run never leaves output that looks finished.

use crate::error::CliError;
use std::path::{Path, PathBuf};

/// Writes a text file whole or not at all (a temporary name, synced, then renamed: the
/// runtime's `safe_file::write_atomic`, which every file rheobase writes goes through).
pub fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    rheobase::runtime::safe_file::write_atomic(path, text.as_bytes())
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The hidden folder outputs are written into; removed unless committed.
pub struct TempDir {
    path: PathBuf,
    committed: bool,
}

impl TempDir {
    pub fn create(out: &Path) -> Result<TempDir, CliError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = out.join(format!(".rheobase-partial-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| {
            CliError::io(
                format!("cannot write into the output folder {}", out.display()),
                e,
            )
        })?;
        Ok(TempDir {
            path,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the finished files into `out` (the last one last) and removes the folder.
    pub fn commit(mut self, files: &[PathBuf], out: &Path) -> Result<Vec<PathBuf>, CliError> {
        // An old summary would mark a mix of old and new files as complete.
        let old_summary = out.join("summary.json");
        if old_summary.exists() {
            std::fs::remove_file(&old_summary)
                .map_err(|e| CliError::io("cannot replace the old summary.json", e))?;
        }
        let mut moved = Vec::new();
        for f in files {
            let target = out.join(f.file_name().expect("a file name"));
            std::fs::rename(f, &target).map_err(|e| {
                CliError::io(format!("cannot move {} into place", target.display()), e)
            })?;
            moved.push(target);
        }
        std::fs::remove_dir_all(&self.path)
            .map_err(|e| CliError::io("cannot remove the temporary folder", e))?;
        self.committed = true;
        Ok(moved)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_when_committed() {
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("summary.json"), "old").unwrap();
        let temp = TempDir::create(out.path()).unwrap();
        let a = temp.path().join("a.npz");
        let summary = temp.path().join("summary.json");
        write_text(&a, "a").unwrap();
        write_text(&summary, "new").unwrap();
        assert!(!out.path().join("a.npz").exists());
        let moved = temp.commit(&[a, summary], out.path()).unwrap();
        assert_eq!(moved.len(), 2);
        assert_eq!(
            std::fs::read_to_string(out.path().join("summary.json")).unwrap(),
            "new"
        );
        let left: Vec<_> = std::fs::read_dir(out.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 2, "the hidden folder is gone");
    }

    #[test]
    fn an_abandoned_run_leaves_nothing() {
        let out = tempfile::tempdir().unwrap();
        {
            let temp = TempDir::create(out.path()).unwrap();
            write_text(&temp.path().join("a.npz"), "partial").unwrap();
        }
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }
}
