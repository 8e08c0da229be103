//! What the symbolic layer knows about Brian2's default functions: arity, purity and numeric
//! value. (Derivatives live in `differentiate`.)
//!
//! `_select(cond, a, b)` is rheobase's own three-way choice (`a` where `cond` is true, else `b`);
//! the integrators emit it and the runtime lowers it to a branch-free select. It must be a true
//! select, not an arithmetic blend `c*a + (1-c)*b`: the branch not taken may be inf or NaN
//! (e.g. `(exp(u) - exprel(u))/u` at `u == 0`).

/// The name of the select function emitted by the integrators: `_select(cond, a, b)`.
pub const SELECT: &str = "_select";

/// The marker emitted by `exact` for a numeric propagator matrix:
/// `__linear_<k> = _linear_system(A_00, ..., A_nn, b_0, ..., b_n)` (see
/// [`crate::integrate::LinearSystem`]). It is not a function of the language: the runtime
/// takes such statements out of the kernel and computes the propagator at run start.
pub const LINEAR_SYSTEM: &str = "_linear_system";

/// Functions whose value changes from call to call (never folded, never constant over a step).
pub fn is_random(name: &str) -> bool {
    matches!(name, "rand" | "randn" | "poisson")
}

/// The number of arguments a known function takes, `None` for an unknown function.
pub fn arity(name: &str) -> Option<usize> {
    Some(match name {
        "sin" | "cos" | "tan" | "sinh" | "cosh" | "tanh" | "arcsin" | "arccos" | "arctan"
        | "exp" | "log" | "log10" | "expm1" | "log1p" | "exprel" | "sqrt" | "ceil" | "floor"
        | "abs" | "sign" | "int" | "poisson" => 1,
        "rand" | "randn" => 0,
        "timestep" => 2,
        "clip" | SELECT => 3,
        _ => return None,
    })
}

/// Brian2's `exprel(x) = (exp(x) - 1)/x`, 1 at 0, accurate near 0.
pub fn exprel(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        x.exp_m1() / x
    }
}

/// Numeric value of a pure known function; `None` for unknown or random functions or a wrong
/// number of arguments.
pub fn apply(name: &str, args: &[f64]) -> Option<f64> {
    if arity(name)? != args.len() || is_random(name) {
        return None;
    }
    let x = args.first().copied().unwrap_or(0.0);
    Some(match name {
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "tanh" => x.tanh(),
        "arcsin" => x.asin(),
        "arccos" => x.acos(),
        "arctan" => x.atan(),
        "exp" => x.exp(),
        "log" => x.ln(),
        "log10" => x.log10(),
        "expm1" => x.exp_m1(),
        "log1p" => x.ln_1p(),
        "exprel" => exprel(x),
        "sqrt" => x.sqrt(),
        "ceil" => x.ceil(),
        "floor" => x.floor(),
        "abs" => x.abs(),
        // numpy's sign: 0 at 0, NaN at NaN.
        "sign" => {
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                x
            }
        }
        // C's cast: truncation towards zero.
        "int" => x.trunc(),
        // Brian2: int((t + 1e-3*dt)/dt).
        "timestep" => ((args[0] + 1e-3 * args[1]) / args[1]).floor(),
        "clip" => x.max(args[1]).min(args[2]),
        SELECT => {
            if x != 0.0 {
                args[1]
            } else {
                args[2]
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exprel_is_continuous_at_zero() {
        assert_eq!(exprel(0.0), 1.0);
        assert!((exprel(1e-12) - 1.0).abs() < 1e-12);
        assert!((exprel(1.0) - (std::f64::consts::E - 1.0)).abs() < 1e-15);
    }

    #[test]
    fn apply_checks_arity_and_randomness() {
        assert_eq!(apply("exp", &[0.0]), Some(1.0));
        assert_eq!(apply("exp", &[0.0, 1.0]), None);
        assert_eq!(apply("rand", &[]), None);
        assert_eq!(apply("nope", &[1.0]), None);
        assert_eq!(apply("clip", &[5.0, 0.0, 2.0]), Some(2.0));
        assert_eq!(apply(SELECT, &[0.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(apply("int", &[-1.5]), Some(-1.0));
        assert_eq!(apply("sign", &[-3.0]), Some(-1.0));
        assert_eq!(apply("timestep", &[0.3, 0.1]), Some(3.0));
    }
}
