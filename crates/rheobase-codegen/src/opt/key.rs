//! Structural keys of expressions, for hash maps: two expressions have the same key exactly
//! when they are the same tree with bitwise equal constants (`-0.0` and `0.0` differ, NaNs
//! with different payloads differ).

use crate::ir::{Expr, Index, RandKind};

/// Tags of the encoding; each node is its tag followed by its fields and children.
mod tag {
    pub const CONST: u64 = 1;
    pub const SCALAR: u64 = 2;
    pub const TEMP: u64 = 3;
    pub const ELEM_INDEX: u64 = 4;
    pub const LOAD_ELEM: u64 = 5;
    pub const LOAD_SHARED: u64 = 6;
    pub const LOAD_GATHER: u64 = 7;
    pub const LOAD_AT: u64 = 8;
    pub const UNARY: u64 = 9;
    pub const BINARY: u64 = 10;
    pub const CALL: u64 = 11;
    pub const SELECT: u64 = 12;
    pub const RAND: u64 = 13;
    pub const LOAD_CLAMPED: u64 = 14;
}

/// The key of `expr`.
pub fn key(expr: &Expr) -> Vec<u64> {
    let mut out = Vec::new();
    encode(expr, &mut out);
    out
}

fn encode(expr: &Expr, out: &mut Vec<u64>) {
    match expr {
        Expr::Const(c) => out.extend([tag::CONST, c.to_bits()]),
        Expr::Scalar(s) => out.extend([tag::SCALAR, u64::from(s.0)]),
        Expr::Temp(t) => out.extend([tag::TEMP, u64::from(t.0)]),
        Expr::ElemIndex => out.push(tag::ELEM_INDEX),
        Expr::Load(a, index) => match index {
            Index::Elem => out.extend([tag::LOAD_ELEM, u64::from(a.0)]),
            Index::Shared => out.extend([tag::LOAD_SHARED, u64::from(a.0)]),
            Index::Gather(by) => out.extend([tag::LOAD_GATHER, u64::from(a.0), u64::from(by.0)]),
            Index::At(at) => {
                out.extend([tag::LOAD_AT, u64::from(a.0)]);
                encode(at, out);
            }
            Index::Clamped(at) => {
                out.extend([tag::LOAD_CLAMPED, u64::from(a.0)]);
                encode(at, out);
            }
        },
        Expr::Unary(op, a) => {
            out.extend([tag::UNARY, *op as u64]);
            encode(a, out);
        }
        Expr::Binary(op, a, b) => {
            out.extend([tag::BINARY, *op as u64]);
            encode(a, out);
            encode(b, out);
        }
        Expr::Call(f, args) => {
            out.extend([tag::CALL, *f as u64, args.len() as u64]);
            args.iter().for_each(|a| encode(a, out));
        }
        Expr::Select(c, a, b) => {
            out.push(tag::SELECT);
            encode(c, out);
            encode(a, out);
            encode(b, out);
        }
        Expr::Rand { kind, site } => {
            out.extend([tag::RAND, u64::from(*site)]);
            match kind {
                RandKind::Uniform => out.push(0),
                RandKind::Normal => out.push(1),
                RandKind::Poisson(l) => {
                    out.push(2);
                    encode(l, out);
                }
                RandKind::Binomial(n, p) => {
                    out.push(3);
                    encode(n, out);
                    encode(p, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayId, BinaryOp};

    #[test]
    fn keys_tell_apart_signed_zeros_and_structure() {
        assert_ne!(key(&Expr::c(0.0)), key(&Expr::c(-0.0)));
        let v = Expr::Load(ArrayId(0), Index::Elem);
        let a = Expr::bin(BinaryOp::Sub, v.clone(), Expr::c(1.0));
        let b = Expr::bin(BinaryOp::Sub, Expr::c(1.0), v.clone());
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a), key(&a.clone()));
    }
}
