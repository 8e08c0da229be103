//! Raw column files: the elements of one growing array, appended chunk by chunk during a run
//! and turned into a `.npy` member of an archive at the end.

use super::npy::Dtype;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

pub struct Column {
    path: PathBuf,
    dtype: Dtype,
    out: BufWriter<File>,
    len: usize,
}

impl Column {
    pub fn create(path: &Path, dtype: Dtype) -> io::Result<Column> {
        Ok(Column {
            path: path.to_path_buf(),
            dtype,
            out: BufWriter::with_capacity(1 << 16, File::create(path)?),
            len: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn dtype(&self) -> Dtype {
        self.dtype
    }

    /// Elements written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push_f64(&mut self, values: &[f64]) -> io::Result<()> {
        debug_assert_eq!(self.dtype, Dtype::F64);
        for x in values {
            self.out.write_all(&x.to_le_bytes())?;
        }
        self.len += values.len();
        Ok(())
    }

    pub fn push_i64(&mut self, values: impl IntoIterator<Item = i64>) -> io::Result<()> {
        debug_assert_eq!(self.dtype, Dtype::I64);
        for x in values {
            self.out.write_all(&x.to_le_bytes())?;
            self.len += 1;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Calls `f` on consecutive chunks of the elements as `f64` (the column must be flushed).
    pub fn for_each_chunk(&self, mut f: impl FnMut(&[f64])) -> io::Result<()> {
        let mut input = BufReader::new(File::open(&self.path)?);
        let mut bytes = vec![0u8; 8 * 8192];
        let mut values = Vec::with_capacity(8192);
        let mut left = self.len;
        while left > 0 {
            let n = left.min(8192);
            input.read_exact(&mut bytes[..n * 8])?;
            values.clear();
            values.extend(bytes[..n * 8].chunks_exact(8).map(|c| {
                let b: [u8; 8] = c.try_into().expect("chunks of 8");
                match self.dtype {
                    Dtype::F64 => f64::from_le_bytes(b),
                    Dtype::I64 => i64::from_le_bytes(b) as f64,
                }
            }));
            f(&values);
            left -= n;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Column::create(&dir.path().join("i.raw"), Dtype::I64).unwrap();
        c.push_i64(0..20_000).unwrap();
        c.flush().unwrap();
        assert_eq!(c.len(), 20_000);
        let mut seen = Vec::new();
        c.for_each_chunk(|x| seen.extend_from_slice(x)).unwrap();
        assert_eq!(seen.len(), 20_000);
        assert_eq!(seen[19_999], 19_999.0);
    }
}
