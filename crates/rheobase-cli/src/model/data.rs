//! Numbers from data files named in a model file: `.npy` arrays (as numpy writes them, `<f8`
//! or `<i8`, 1-D or 2-D, either memory order) and `.csv` tables (numbers separated by commas
//! or whitespace, one row per line, an optional header line, `#` comments).

use crate::output::npy;
use std::path::Path;

/// A 1-D or 2-D table of numbers, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub rows: usize,
    /// `None` for a 1-D array (one value per row).
    pub cols: Option<usize>,
    pub values: Vec<f64>,
}

impl Table {
    /// Column `k` of a 2-D table.
    pub fn column(&self, k: usize) -> Vec<f64> {
        let cols = self.cols.unwrap_or(1);
        self.values.iter().skip(k).step_by(cols).copied().collect()
    }
}

/// Reads `path` by its extension (`.npy` or `.csv`).
pub fn read(path: &Path) -> Result<Table, String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let shown = path.display();
    match ext.as_str() {
        "npy" => {
            let mut f =
                std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
            let a = npy::read(&mut std::io::BufReader::new(&mut f))
                .map_err(|e| format!("cannot read {shown} as a .npy array: {e}"))?;
            match a.shape.len() {
                1 => Ok(Table {
                    rows: a.shape[0],
                    cols: None,
                    values: a.data,
                }),
                2 => {
                    let (rows, cols) = (a.shape[0], a.shape[1]);
                    let mut values = Vec::with_capacity(rows * cols);
                    for r in 0..rows {
                        for c in 0..cols {
                            values.push(a.at2(r, c));
                        }
                    }
                    Ok(Table {
                        rows,
                        cols: Some(cols),
                        values,
                    })
                }
                n => Err(format!(
                    "{shown}: expected a 1-D or 2-D array, found {n} dimensions"
                )),
            }
        }
        "csv" | "txt" => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
            parse_csv(&text).map_err(|e| format!("{shown}: {e}"))
        }
        _ => Err(format!(
            "{shown}: unknown data file type (use .npy or .csv)"
        )),
    }
}

/// Parses CSV text; a table with one column is 1-D.
pub fn parse_csv(text: &str) -> Result<Table, String> {
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|f| !f.is_empty())
            .collect();
        let parsed: Result<Vec<f64>, _> = fields.iter().map(|f| f.parse::<f64>()).collect();
        match parsed {
            Ok(row) => rows.push(row),
            // A header: only before the first row of numbers.
            Err(_) if rows.is_empty() => continue,
            Err(_) => return Err(format!("line {}: not a row of numbers: '{line}'", k + 1)),
        }
    }
    let Some(first) = rows.first() else {
        return Err("no numbers found".into());
    };
    let cols = first.len();
    if let Some(bad) = rows.iter().position(|r| r.len() != cols) {
        return Err(format!(
            "row {} has {} values, the first row has {cols}",
            bad + 1,
            rows[bad].len()
        ));
    }
    Ok(Table {
        rows: rows.len(),
        cols: (cols > 1).then_some(cols),
        values: rows.concat(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::npy::{header, Dtype};

    #[test]
    fn csv_with_header_comments_and_separators() {
        let t = parse_csv("i,t\n# spikes\n0, 0.001\n1 0.002\n2;0.003\n").unwrap();
        assert_eq!((t.rows, t.cols), (3, Some(2)));
        assert_eq!(t.column(0), vec![0.0, 1.0, 2.0]);
        assert_eq!(t.column(1), vec![0.001, 0.002, 0.003]);
        let one = parse_csv("1\n2\n3\n").unwrap();
        assert_eq!((one.rows, one.cols), (3, None));
        assert!(parse_csv("1,2\n3\n").unwrap_err().contains("row 2"));
        assert!(parse_csv("1\nx\n").is_err());
        assert!(parse_csv("").is_err());
    }

    #[test]
    fn npy_in_fortran_order_comes_back_row_major() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.npy");
        let mut bytes = header(Dtype::F64, &[2, 3], true);
        // [[0, 1, 2], [10, 11, 12]] stored column by column.
        for x in [0.0, 10.0, 1.0, 11.0, 2.0, 12.0f64] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        std::fs::write(&path, bytes).unwrap();
        let t = read(&path).unwrap();
        assert_eq!((t.rows, t.cols), (2, Some(3)));
        assert_eq!(t.values, vec![0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
        assert!(read(&dir.path().join("missing.npy"))
            .unwrap_err()
            .contains("cannot read"));
        assert!(read(&dir.path().join("x.mat"))
            .unwrap_err()
            .contains(".npy or .csv"));
    }
}
