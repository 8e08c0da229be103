//! `.npz` archives (what `numpy.savez_compressed` writes: a zip of `.npy` files), written from
//! raw column files so that arrays of any length go through in bounded memory.

use super::columns::Column;
use super::npy::{self, Dtype, NpyArray};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;

/// One array of an archive: where its elements are and how numpy should see them.
pub enum Entry<'a> {
    /// Elements streamed to a raw column file, with the array's shape and order.
    Column {
        column: &'a Column,
        shape: Vec<usize>,
        fortran_order: bool,
    },
    /// A small array held in memory.
    F64(Vec<f64>),
    I64(Vec<i64>),
}

/// Writes `entries` (name without `.npy`, array) into a new archive at `path`.
pub fn write(path: &Path, entries: &[(&str, Entry<'_>)]) -> io::Result<()> {
    let file = BufWriter::new(File::create(path)?);
    let mut zip = zip::ZipWriter::new(file);
    for (name, entry) in entries {
        let (dtype, shape, fortran, bytes) = match entry {
            Entry::Column {
                column,
                shape,
                fortran_order,
            } => (
                column.dtype(),
                shape.clone(),
                *fortran_order,
                column.len() * 8,
            ),
            Entry::F64(v) => (Dtype::F64, vec![v.len()], false, v.len() * 8),
            Entry::I64(v) => (Dtype::I64, vec![v.len()], false, v.len() * 8),
        };
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(bytes as u64 >= u32::MAX as u64 / 2);
        zip.start_file(format!("{name}.npy"), options)
            .map_err(io::Error::other)?;
        zip.write_all(&npy::header(dtype, &shape, fortran))?;
        match entry {
            Entry::Column { column, .. } => {
                let mut raw = BufReader::new(File::open(column.path())?);
                io::copy(&mut raw, &mut zip)?;
            }
            Entry::F64(v) => {
                for x in v {
                    zip.write_all(&x.to_le_bytes())?;
                }
            }
            Entry::I64(v) => {
                for x in v {
                    zip.write_all(&x.to_le_bytes())?;
                }
            }
        }
    }
    let mut file = zip.finish().map_err(io::Error::other)?;
    file.flush()?;
    file.get_ref().sync_all()
}

/// Reads every array of an archive (for tests and for plotting).
pub fn read(path: &Path) -> io::Result<BTreeMap<String, NpyArray>> {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path)?))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut out = BTreeMap::new();
    for k in 0..zip.len() {
        let mut member = zip
            .by_index(k)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let name = member.name().trim_end_matches(".npy").to_string();
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes)?;
        out.insert(name, npy::read(&mut bytes.as_slice())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_round_trip_with_a_streamed_column() {
        let dir = tempfile::tempdir().unwrap();
        let mut col = Column::create(&dir.path().join("v.raw"), Dtype::F64).unwrap();
        col.push_f64(&[1.0, 2.0]).unwrap();
        col.push_f64(&[3.0, 4.0, 5.0, 6.0]).unwrap();
        col.flush().unwrap();
        let path = dir.path().join("m.npz");
        let entries = [
            (
                "v",
                Entry::Column {
                    column: &col,
                    shape: vec![2, 3],
                    fortran_order: true,
                },
            ),
            ("record", Entry::I64(vec![4, 9])),
        ];
        write(&path, &entries).unwrap();
        let arrays = read(&path).unwrap();
        assert_eq!(arrays["v"].shape, vec![2, 3]);
        assert_eq!(arrays["v"].at2(1, 2), 6.0);
        assert_eq!(arrays["record"].data, vec![4.0, 9.0]);
        assert_eq!(arrays["record"].dtype, Dtype::I64);
    }
}
