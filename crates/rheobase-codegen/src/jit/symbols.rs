//! The one table of functions JIT-compiled code may call, by symbol name. Every entry is an
//! `extern "C"` function from [`crate::mathfn`], the same code the interpreter calls, so both
//! backends give the same bits. Functions that are single IEEE instructions (sqrt, abs, floor,
//! ceil, trunc) or comparisons (sign, min, max, clip) are lowered inline and are not here.

use cranelift_codegen::ir::{types, AbiParam, Signature};
use cranelift_codegen::isa::CallConv;

use crate::block_draws::DrawKind;
use crate::ir::{MathFn, RandKind};
use crate::mathfn as m;

/// The shape of a callable function.
#[derive(Clone, Copy, Debug)]
pub enum SymbolFn {
    /// `f(x)`
    Unary(extern "C" fn(f64) -> f64),
    /// `f(x, y)`
    Binary(extern "C" fn(f64, f64) -> f64),
    /// `f(key, step, idx, site)`
    Rand(extern "C" fn(u64, u64, u64, u32) -> f64),
    /// `f(key, step, idx, site, a)`
    Rand1(extern "C" fn(u64, u64, u64, u32, f64) -> f64),
    /// `f(key, step, idx, site, a, b)`
    Rand2(extern "C" fn(u64, u64, u64, u32, f64, f64) -> f64),
    /// `f(key, step, first, count, site, a, b, out)`, no result ([`m::FillFn`]).
    Fill(m::FillFn),
    /// `f(code, x, out, n)`, no result ([`m::MathBlockFn`]).
    MathBlock(m::MathBlockFn),
}

#[derive(Clone, Copy, Debug)]
pub struct Symbol {
    pub name: &'static str,
    pub func: SymbolFn,
}

const fn unary(name: &'static str, f: extern "C" fn(f64) -> f64) -> Symbol {
    Symbol {
        name,
        func: SymbolFn::Unary(f),
    }
}

/// Every symbol JIT code may import.
pub static SYMBOLS: &[Symbol] = &[
    unary("rb_exp", m::rb_exp),
    unary("rb_log", m::rb_log),
    unary("rb_log10", m::rb_log10),
    unary("rb_expm1", m::rb_expm1),
    unary("rb_exprel", m::rb_exprel),
    unary("rb_log1p", m::rb_log1p),
    unary("rb_sin", m::rb_sin),
    unary("rb_cos", m::rb_cos),
    unary("rb_tan", m::rb_tan),
    unary("rb_sinh", m::rb_sinh),
    unary("rb_cosh", m::rb_cosh),
    unary("rb_tanh", m::rb_tanh),
    unary("rb_asin", m::rb_asin),
    unary("rb_acos", m::rb_acos),
    unary("rb_atan", m::rb_atan),
    Symbol {
        name: POW,
        func: SymbolFn::Binary(m::rb_pow),
    },
    Symbol {
        name: "rb_rand_uniform",
        func: SymbolFn::Rand(m::rb_rand_uniform),
    },
    Symbol {
        name: "rb_rand_normal",
        func: SymbolFn::Rand(m::rb_rand_normal),
    },
    Symbol {
        name: "rb_rand_poisson",
        func: SymbolFn::Rand1(m::rb_rand_poisson),
    },
    Symbol {
        name: "rb_rand_binomial",
        func: SymbolFn::Rand2(m::rb_rand_binomial),
    },
    Symbol {
        name: "rb_fill_uniform",
        func: SymbolFn::Fill(m::rb_fill_uniform),
    },
    Symbol {
        name: "rb_fill_normal",
        func: SymbolFn::Fill(m::rb_fill_normal),
    },
    Symbol {
        name: "rb_fill_poisson",
        func: SymbolFn::Fill(m::rb_fill_poisson),
    },
    Symbol {
        name: "rb_fill_binomial",
        func: SymbolFn::Fill(m::rb_fill_binomial),
    },
    Symbol {
        name: MATH_BLOCK,
        func: SymbolFn::MathBlock(m::rb_math_block),
    },
];

/// The symbol that applies an `exp`-family function to a block buffer.
pub const MATH_BLOCK: &str = "rb_math_block";

/// The symbol for `**`.
pub const POW: &str = "rb_pow";

/// The symbol a math function calls, or `None` if the JIT lowers it to instructions.
pub fn math_symbol(f: MathFn) -> Option<&'static str> {
    Some(match f {
        MathFn::Exp => "rb_exp",
        MathFn::Log => "rb_log",
        MathFn::Log10 => "rb_log10",
        MathFn::Expm1 => "rb_expm1",
        MathFn::Exprel => "rb_exprel",
        MathFn::Log1p => "rb_log1p",
        MathFn::Sin => "rb_sin",
        MathFn::Cos => "rb_cos",
        MathFn::Tan => "rb_tan",
        MathFn::Sinh => "rb_sinh",
        MathFn::Cosh => "rb_cosh",
        MathFn::Tanh => "rb_tanh",
        MathFn::Asin => "rb_asin",
        MathFn::Acos => "rb_acos",
        MathFn::Atan => "rb_atan",
        MathFn::Sqrt
        | MathFn::Abs
        | MathFn::Sign
        | MathFn::Floor
        | MathFn::Ceil
        | MathFn::Trunc
        | MathFn::Clip => return None,
    })
}

/// The symbol a random draw calls.
pub fn rand_symbol(kind: &RandKind) -> &'static str {
    match kind {
        RandKind::Uniform => "rb_rand_uniform",
        RandKind::Normal => "rb_rand_normal",
        RandKind::Poisson(_) => "rb_rand_poisson",
        RandKind::Binomial(..) => "rb_rand_binomial",
    }
}

/// The symbol that fills a block buffer of draws of `kind`.
pub fn fill_symbol(kind: &DrawKind) -> &'static str {
    match kind {
        DrawKind::Uniform => "rb_fill_uniform",
        DrawKind::Normal => "rb_fill_normal",
        DrawKind::Poisson(_) => "rb_fill_poisson",
        DrawKind::Binomial(..) => "rb_fill_binomial",
    }
}

pub fn lookup(name: &str) -> Option<&'static Symbol> {
    SYMBOLS.iter().find(|s| s.name == name)
}

impl SymbolFn {
    pub fn address(self) -> *const u8 {
        match self {
            SymbolFn::Unary(f) => f as *const u8,
            SymbolFn::Binary(f) => f as *const u8,
            SymbolFn::Rand(f) => f as *const u8,
            SymbolFn::Rand1(f) => f as *const u8,
            SymbolFn::Rand2(f) => f as *const u8,
            SymbolFn::Fill(f) => f as *const u8,
            SymbolFn::MathBlock(f) => f as *const u8,
        }
    }

    /// The Cranelift signature matching the Rust one.
    pub fn signature(self, call_conv: CallConv) -> Signature {
        let mut sig = Signature::new(call_conv);
        if let SymbolFn::Fill(_) = self {
            for ty in [types::I64, types::I64, types::I64, types::I64, types::I32] {
                sig.params.push(AbiParam::new(ty));
            }
            sig.params.push(AbiParam::new(types::F64));
            sig.params.push(AbiParam::new(types::F64));
            sig.params.push(AbiParam::new(types::I64));
            return sig;
        }
        if let SymbolFn::MathBlock(_) = self {
            for ty in [types::I32, types::I64, types::I64, types::I64] {
                sig.params.push(AbiParam::new(ty));
            }
            return sig;
        }
        let f64s = match self {
            SymbolFn::Unary(_) => 1,
            SymbolFn::Binary(_) => 2,
            SymbolFn::Rand(_) => 0,
            SymbolFn::Rand1(_) => 1,
            SymbolFn::Rand2(_) => 2,
            SymbolFn::Fill(_) | SymbolFn::MathBlock(_) => unreachable!("handled above"),
        };
        if matches!(
            self,
            SymbolFn::Rand(_) | SymbolFn::Rand1(_) | SymbolFn::Rand2(_)
        ) {
            for ty in [types::I64, types::I64, types::I64, types::I32] {
                sig.params.push(AbiParam::new(ty));
            }
        }
        for _ in 0..f64s {
            sig.params.push(AbiParam::new(types::F64));
        }
        sig.returns.push(AbiParam::new(types::F64));
        sig
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const ALL_MATH: [MathFn; 22] = [
        MathFn::Exp,
        MathFn::Log,
        MathFn::Log10,
        MathFn::Expm1,
        MathFn::Exprel,
        MathFn::Log1p,
        MathFn::Sqrt,
        MathFn::Sin,
        MathFn::Cos,
        MathFn::Tan,
        MathFn::Sinh,
        MathFn::Cosh,
        MathFn::Tanh,
        MathFn::Asin,
        MathFn::Acos,
        MathFn::Atan,
        MathFn::Abs,
        MathFn::Sign,
        MathFn::Floor,
        MathFn::Ceil,
        MathFn::Trunc,
        MathFn::Clip,
    ];

    #[test]
    fn names_are_unique_and_every_referenced_symbol_exists() {
        let names: HashSet<_> = SYMBOLS.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), SYMBOLS.len());
        for f in ALL_MATH {
            if let Some(name) = math_symbol(f) {
                assert!(matches!(lookup(name).unwrap().func, SymbolFn::Unary(_)));
            }
        }
        assert!(lookup(POW).is_some());
        for kind in [RandKind::Uniform, RandKind::Normal] {
            assert!(lookup(rand_symbol(&kind)).is_some());
        }
        let c = crate::block_draws::Param::Const(1.0);
        for kind in [
            DrawKind::Uniform,
            DrawKind::Normal,
            DrawKind::Poisson(c),
            DrawKind::Binomial(c, c),
        ] {
            assert!(matches!(
                lookup(fill_symbol(&kind)).unwrap().func,
                SymbolFn::Fill(_)
            ));
        }
    }

    /// The table entries compute what `mathfn::apply` (the interpreter) computes.
    #[test]
    fn table_entries_match_the_interpreter() {
        for f in ALL_MATH {
            let Some(name) = math_symbol(f) else { continue };
            let SymbolFn::Unary(g) = lookup(name).unwrap().func else {
                panic!("{name} is not unary")
            };
            for x in [-3.5, -0.5, 0.0, 1e-10, 0.25, 0.9, 2.0, 40.0] {
                let (a, b) = (g(x), m::apply(f, &[x]));
                assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{name}({x})"
                );
            }
        }
    }

    /// Accuracy of the libm functions against exactly known values.
    #[test]
    fn libm_functions_are_accurate() {
        let ulp = f64::EPSILON;
        let close = |a: f64, b: f64| (a - b).abs() <= 2.0 * ulp * b.abs().max(f64::MIN_POSITIVE);
        assert!(close(m::rb_exp(1.0), std::f64::consts::E));
        assert!(close(m::rb_log(std::f64::consts::E), 1.0));
        assert!(close(m::rb_log10(1000.0), 3.0));
        assert!(close(m::rb_sin(std::f64::consts::FRAC_PI_6), 0.5));
        assert!(close(m::rb_cos(std::f64::consts::FRAC_PI_3), 0.5));
        assert!(close(m::rb_tan(std::f64::consts::FRAC_PI_4), 1.0));
        assert!(close(m::rb_atan(1.0), std::f64::consts::FRAC_PI_4));
        assert!(close(m::rb_asin(0.5), std::f64::consts::FRAC_PI_6));
        assert!(close(m::rb_acos(0.5), std::f64::consts::FRAC_PI_3));
        assert!(close(m::rb_tanh(0.5), 0.462_117_157_260_009_74));
        assert!(close(m::rb_sinh(1.0), 1.175_201_193_643_801_4));
        assert!(close(m::rb_cosh(1.0), 1.543_080_634_815_243_7));
        assert!(close(m::rb_expm1(1e-10), 1.000_000_000_05e-10));
        assert!(close(m::rb_log1p(1e-10), 9.999_999_999_5e-11));
        assert_eq!(m::rb_pow(2.0, 10.0), 1024.0);
        assert!(close(m::rb_pow(2.0, 0.5), std::f64::consts::SQRT_2));
    }
}
