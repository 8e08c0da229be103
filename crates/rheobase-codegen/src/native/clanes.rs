//! [`Lanes`] that writes C: running a [`crate::vmath`] algorithm over [`CLanes`] gives the
//! body of a C function with exactly the same IEEE operations in the same order as the
//! interpreter's and the JIT's, one statement per operation (`fma()` where the algorithm fuses).
//! Compiled without FMA contraction or reassociation (`-ffp-contract=off`, no `-ffast-math`)
//! it gives the same bits, and gcc may
//! run it four lanes at a time.

use std::fmt::Write;

use crate::vmath::{self, Lanes};

/// A C local holding a double, a 64-bit unsigned integer or a mask (`int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Local(u32);

/// Writes one statement per lane operation into `code`.
#[derive(Default)]
pub struct CLanes {
    code: String,
    next: u32,
}

impl CLanes {
    fn define(&mut self, ty: &str, prefix: char, value: std::fmt::Arguments<'_>) -> Local {
        let local = Local(self.next);
        self.next += 1;
        let _ = writeln!(self.code, "    const {ty} {prefix}{} = {value};", local.0);
        local
    }

    fn f(&mut self, value: std::fmt::Arguments<'_>) -> Local {
        self.define("double", 'f', value)
    }

    fn i(&mut self, value: std::fmt::Arguments<'_>) -> Local {
        self.define("uint64_t", 'i', value)
    }

    fn m(&mut self, value: std::fmt::Arguments<'_>) -> Local {
        self.define("int", 'm', value)
    }
}

/// The C text of a double local.
struct F(Local);
/// ... an integer local.
struct I(Local);
/// ... a mask local.
struct M(Local);

impl std::fmt::Display for F {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "f{}", self.0 .0)
    }
}
impl std::fmt::Display for I {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "i{}", self.0 .0)
    }
}
impl std::fmt::Display for M {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "m{}", self.0 .0)
    }
}

/// An exact C literal for `x`: hexadecimal floating point (no decimal rounding anywhere),
/// builtins for infinities and NaN.
pub fn double_literal(x: f64) -> String {
    if x.is_nan() {
        return "__builtin_nan(\"\")".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "__builtin_inf()".into()
        } else {
            "(-__builtin_inf())".into()
        };
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = bits & 0x000f_ffff_ffff_ffff;
    let (lead, exp) = if exponent == 0 {
        (0, -1022)
    } else {
        (1, exponent - 1023)
    };
    format!("({sign}0x{lead}.{mantissa:013x}p{exp})")
}

impl Lanes for CLanes {
    type F = Local;
    type I = Local;
    type M = Local;

    fn splat(&mut self, c: f64) -> Local {
        self.f(format_args!("{}", double_literal(c)))
    }
    fn splat_int(&mut self, c: i64) -> Local {
        self.i(format_args!("0x{:x}ull", c as u64))
    }
    fn add(&mut self, a: Local, b: Local) -> Local {
        self.f(format_args!("{} + {}", F(a), F(b)))
    }
    fn sub(&mut self, a: Local, b: Local) -> Local {
        self.f(format_args!("{} - {}", F(a), F(b)))
    }
    fn mul(&mut self, a: Local, b: Local) -> Local {
        self.f(format_args!("{} * {}", F(a), F(b)))
    }
    fn div(&mut self, a: Local, b: Local) -> Local {
        self.f(format_args!("{} / {}", F(a), F(b)))
    }
    fn fma(&mut self, a: Local, b: Local, c: Local) -> Local {
        self.f(format_args!("fma({}, {}, {})", F(a), F(b), F(c)))
    }
    fn trunc(&mut self, a: Local) -> Local {
        self.f(format_args!("trunc({})", F(a)))
    }
    fn lt(&mut self, a: Local, b: Local) -> Local {
        self.m(format_args!("{} < {}", F(a), F(b)))
    }
    fn gt(&mut self, a: Local, b: Local) -> Local {
        self.m(format_args!("{} > {}", F(a), F(b)))
    }
    fn eq(&mut self, a: Local, b: Local) -> Local {
        self.m(format_args!("{} == {}", F(a), F(b)))
    }
    fn is_nan(&mut self, a: Local) -> Local {
        self.m(format_args!("{} != {}", F(a), F(a)))
    }
    fn or(&mut self, a: Local, b: Local) -> Local {
        self.m(format_args!("{} | {}", M(a), M(b)))
    }
    fn select(&mut self, m: Local, a: Local, b: Local) -> Local {
        self.f(format_args!("{} ? {} : {}", M(m), F(a), F(b)))
    }
    fn to_bits(&mut self, a: Local) -> Local {
        self.i(format_args!("rb_bits({})", F(a)))
    }
    fn bits_to_float(&mut self, a: Local) -> Local {
        self.f(format_args!("rb_float({})", I(a)))
    }
    fn iadd(&mut self, a: Local, b: Local) -> Local {
        self.i(format_args!("{} + {}", I(a), I(b)))
    }
    fn isub(&mut self, a: Local, b: Local) -> Local {
        self.i(format_args!("{} - {}", I(a), I(b)))
    }
    fn iand(&mut self, a: Local, b: Local) -> Local {
        self.i(format_args!("{} & {}", I(a), I(b)))
    }
    fn shl(&mut self, a: Local, by: u8) -> Local {
        self.i(format_args!("{} << {by}", I(a)))
    }
    fn ushr(&mut self, a: Local, by: u8) -> Local {
        self.i(format_args!("{} >> {by}", I(a)))
    }
}

/// `static inline` C definitions of `rb_exp`, `rb_expm1`, `rb_log` and `rb_exprel`, each the
/// [`crate::vmath`] algorithm statement by statement.
pub fn vmath_functions() -> String {
    type Algorithm = fn(&mut CLanes, Local) -> Local;
    let functions: [(&str, Algorithm); 4] = [
        ("rb_exp", vmath::exp::<CLanes>),
        ("rb_expm1", vmath::expm1::<CLanes>),
        ("rb_log", vmath::log::<CLanes>),
        ("rb_exprel", vmath::exprel::<CLanes>),
    ];
    let mut out = String::new();
    for (name, algorithm) in functions {
        let mut lanes = CLanes {
            code: String::new(),
            next: 1,
        };
        // Local 0 is the argument.
        let result = algorithm(&mut lanes, Local(0));
        let _ = write!(
            out,
            "static inline __attribute__((always_inline)) double {name}(double f0) {{\n{}    return {};\n}}\n\n",
            lanes.code,
            F(result)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_exact_hex_floats() {
        assert_eq!(double_literal(1.0), "(0x1.0000000000000p0)");
        assert_eq!(double_literal(-0.0), "(-0x0.0000000000000p-1022)");
        assert_eq!(double_literal(0.5), "(0x1.0000000000000p-1)");
        assert_eq!(
            double_literal(f64::from_bits(1)),
            "(0x0.0000000000001p-1022)"
        );
        assert_eq!(double_literal(f64::NEG_INFINITY), "(-__builtin_inf())");
        assert_eq!(double_literal(f64::NAN), "__builtin_nan(\"\")");
    }

    #[test]
    fn vmath_functions_are_one_statement_per_operation() {
        let c = vmath_functions();
        for name in ["rb_exp(", "rb_expm1(", "rb_log(", "rb_exprel("] {
            assert!(c.contains(name), "{name} missing");
        }
        // exp's reduction multiplies by 1/ln 2 and adds the rounding shift 1.5 * 2^52.
        assert!(c.contains("f1 * f2") || c.contains(" * "));
        assert!(c.contains("(0x1.8000000000000p52)"));
    }
}
