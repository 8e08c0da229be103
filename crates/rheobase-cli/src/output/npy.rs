//! The `.npy` format (version 1.0): a magic string, a Python-literal header giving the dtype,
//! the memory order and the shape, padded to 64 bytes, then the raw little-endian data.

use std::io::{self, Read, Write};

const MAGIC: &[u8] = b"\x93NUMPY";

/// The element types the program writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    F64,
    I64,
}

impl Dtype {
    fn descr(self) -> &'static str {
        match self {
            Dtype::F64 => "<f8",
            Dtype::I64 => "<i8",
        }
    }

    pub fn size(self) -> usize {
        8
    }
}

/// The header of an array of `shape`; `fortran_order` means the first index varies fastest
/// (how a `[neuron, time]` trace streamed time step by time step is laid out).
pub fn header(dtype: Dtype, shape: &[usize], fortran_order: bool) -> Vec<u8> {
    let shape_text = match shape {
        [n] => format!("({n},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let order = if fortran_order { "True" } else { "False" };
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': {order}, 'shape': {shape_text}, }}",
        dtype.descr()
    );
    // magic (6) + version (2) + length (2) + dict + '\n' is a multiple of 64.
    let unpadded = 10 + dict.len() + 1;
    dict.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    dict.push('\n');
    let mut out = Vec::with_capacity(10 + dict.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

/// Writes a whole 1-D array of `f64`.
pub fn write_f64(out: &mut impl Write, data: &[f64]) -> io::Result<()> {
    out.write_all(&header(Dtype::F64, &[data.len()], false))?;
    for x in data {
        out.write_all(&x.to_le_bytes())?;
    }
    Ok(())
}

/// An array read back: its shape, memory order and elements as `f64` (integers converted).
#[derive(Clone, Debug, PartialEq)]
pub struct NpyArray {
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub fortran_order: bool,
    /// Elements in file order.
    pub data: Vec<f64>,
}

impl NpyArray {
    /// Element `[row, col]` of a 2-D array, whatever its memory order.
    pub fn at2(&self, row: usize, col: usize) -> f64 {
        let (rows, cols) = (self.shape[0], self.shape[1]);
        if self.fortran_order {
            self.data[row + col * rows]
        } else {
            self.data[row * cols + col]
        }
    }
}

/// Reads an array written by this module (`<f8` or `<i8`, any shape and order).
pub fn read(input: &mut impl Read) -> io::Result<NpyArray> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    let mut fixed = [0u8; 10];
    input.read_exact(&mut fixed)?;
    if &fixed[..6] != MAGIC || fixed[6] != 1 {
        return Err(bad("not a version 1 .npy array"));
    }
    let len = u16::from_le_bytes([fixed[8], fixed[9]]) as usize;
    let mut dict = vec![0u8; len];
    input.read_exact(&mut dict)?;
    let dict = String::from_utf8(dict).map_err(|_| bad("header is not text"))?;
    let dtype = if dict.contains("'descr': '<f8'") {
        Dtype::F64
    } else if dict.contains("'descr': '<i8'") {
        Dtype::I64
    } else {
        return Err(bad("only <f8 and <i8 arrays are read"));
    };
    let fortran_order = dict.contains("'fortran_order': True");
    let shape_text = dict
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| bad("header has no shape"))?;
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| bad("bad shape")))
        .collect::<io::Result<Vec<usize>>>()?;
    let n: usize = shape.iter().product();
    let mut bytes = vec![0u8; n * 8];
    input.read_exact(&mut bytes)?;
    let data = bytes
        .chunks_exact(8)
        .map(|c| {
            let b: [u8; 8] = c.try_into().expect("chunks of 8");
            match dtype {
                Dtype::F64 => f64::from_le_bytes(b),
                Dtype::I64 => i64::from_le_bytes(b) as f64,
            }
        })
        .collect();
    Ok(NpyArray {
        dtype,
        shape,
        fortran_order,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_padded_to_64_bytes_and_ends_in_newline() {
        for shape in [vec![0], vec![7], vec![3, 100_000]] {
            let h = header(Dtype::F64, &shape, false);
            assert_eq!(h.len() % 64, 0);
            assert_eq!(*h.last().unwrap(), b'\n');
        }
        let h = header(Dtype::I64, &[5], false);
        let text = String::from_utf8_lossy(&h[10..]);
        assert!(text.starts_with("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"));
    }

    #[test]
    fn round_trip_in_both_orders() {
        let mut buf = Vec::new();
        write_f64(&mut buf, &[1.5, -2.0, 3.25]).unwrap();
        let a = read(&mut buf.as_slice()).unwrap();
        assert_eq!(a.shape, vec![3]);
        assert_eq!(a.data, vec![1.5, -2.0, 3.25]);

        // A [2 neurons, 3 times] trace written time step by time step.
        let mut buf = header(Dtype::F64, &[2, 3], true);
        for x in [0.0, 10.0, 1.0, 11.0, 2.0, 12.0f64] {
            buf.extend_from_slice(&x.to_le_bytes());
        }
        let a = read(&mut buf.as_slice()).unwrap();
        assert!(a.fortran_order);
        assert_eq!(a.at2(1, 2), 12.0);
        assert_eq!(a.at2(0, 1), 1.0);
    }
}
