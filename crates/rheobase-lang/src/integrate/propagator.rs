//! `exact` by a numeric propagator matrix, for linear systems with constant coefficients that
//! have no closed form here (three or more coupled variables, a coupled pair driving or driven
//! by others, singular matrices with an input, long chains).
//!
//! For `dx/dt = A x + b` over one step, `x_new = P x + q` with `P = exp(A dt)` and
//! `q = ∫_0^dt exp(A s) ds b`, both read off one matrix exponential of the augmented matrix
//! `[[A, b], [0, 0]] dt` (so a singular `A` needs no inverse). The integrator only says which
//! matrix: it emits one statement `__linear_<k> = _linear_system(A_00, A_01, ..., b_0, ...)`
//! (row-major `A`, then `b`; see [`LinearSystem`]) followed by updates that read the entries
//! `__linear_<k>_P_<r>_<c>` and `__linear_<k>_q_<r>` ([`entry_names`]). The runtime evaluates
//! the coefficients per element at the start of each run (when `dt` may have changed),
//! computes [`propagate`] and stores the entries in arrays that the state update reads.
//!
//! The matrix exponential is Higham's scaling and squaring with a degree-13 Padé approximant
//! (Higham 2005, "The scaling and squaring method for the matrix exponential revisited"),
//! accurate to a few ulp times the condition of the problem for the small matrices of neuron
//! models.

use super::exact::Linear;
use super::system::Prepared;
use super::{AbstractStatement, Failure};
use crate::ast::{Expr, ExprKind};
use crate::span::Span;
use crate::symbolic::eval::eval;
use crate::symbolic::functions::{LINEAR_SYSTEM, SELECT};
use crate::symbolic::identity::test_value;
use crate::symbolic::simplify::{add, call, float, mul, sum};

/// A `_linear_system(...)` statement, decoded.
#[derive(Clone, Copy, Debug)]
pub struct LinearSystem<'a> {
    /// The statement's target, the prefix of the entry names.
    pub name: &'a str,
    /// The number of variables.
    pub n: usize,
    /// The coefficients of `A`, row-major (`n*n` expressions).
    pub matrix: &'a [Expr],
    /// The constant inputs `b` (`n` expressions).
    pub constant: &'a [Expr],
}

impl<'a> LinearSystem<'a> {
    /// The linear system declared by `statement`, if it is a `_linear_system(...)` statement.
    pub fn of(statement: &'a AbstractStatement) -> Option<LinearSystem<'a>> {
        let ExprKind::Call { name, args, .. } = &statement.expr.kind else {
            return None;
        };
        if name != LINEAR_SYSTEM {
            return None;
        }
        let n = (1..=64).find(|n| n * n + n == args.len())?;
        Some(LinearSystem {
            name: &statement.target,
            n,
            matrix: &args[..n * n],
            constant: &args[n * n..],
        })
    }

    /// The names of the entries of `P` (row-major) and `q`.
    pub fn entry_names(&self) -> (Vec<String>, Vec<String>) {
        entry_names(self.name, self.n)
    }
}

/// The names of the entries `P_<r>_<c>` (row-major) and `q_<r>` of system `name`.
pub fn entry_names(name: &str, n: usize) -> (Vec<String>, Vec<String>) {
    let p = (0..n * n)
        .map(|k| format!("{name}_P_{}_{}", k / n, k % n))
        .collect();
    let q = (0..n).map(|r| format!("{name}_q_{r}")).collect();
    (p, q)
}

/// The coefficients of `A` (row-major) and `b`; rows of variables flagged in `frozen` are zero
/// (held constant).
fn coefficients(lin: &Linear, frozen: &[bool], s: Span) -> Vec<Expr> {
    let n = lin.rate.len();
    let zero = || float(0.0, s);
    let mut args = Vec::with_capacity(n * n + n);
    for (r, &held) in frozen.iter().enumerate().take(n) {
        for c in 0..n {
            let entry = if held {
                None
            } else if r == c {
                Some(lin.rate[r].clone())
            } else {
                lin.inputs[r]
                    .iter()
                    .find(|(j, _)| *j == c)
                    .map(|(_, e)| e.clone())
            };
            args.push(entry.unwrap_or_else(zero));
        }
    }
    for (r, &held) in frozen.iter().enumerate().take(n) {
        let entry = if held {
            None
        } else {
            lin.constant[r].clone()
        };
        args.push(entry.unwrap_or_else(zero));
    }
    args
}

/// `x_new_r = Σ_c P_r_c x_c + q_r` for every variable of system `name`.
fn updates(p: &Prepared, name: &str, s: Span) -> Vec<Expr> {
    let n = p.eqs.len();
    let (pn, qn) = entry_names(name, n);
    (0..n)
        .map(|r| {
            let terms = (0..n).map(|c| {
                mul(
                    Expr::name(pn[r * n + c].clone(), s),
                    Expr::name(p.eqs[c].var.clone(), s),
                    s,
                )
            });
            add(sum(terms, s), Expr::name(qn[r].clone(), s), s)
        })
        .collect()
}

/// The statements of one step by numeric propagators: `__linear_0` for the whole system and,
/// when some variables are `(unless refractory)`, `__linear_1` with those held constant (used
/// by the other variables while the neuron is refractory, as the closed forms do).
pub(super) fn statements(p: &Prepared, lin: &Linear) -> Vec<AbstractStatement> {
    let s = p.eqs.first().map(|e| e.rhs.span).unwrap_or_default();
    let n = p.eqs.len();
    let mut out = vec![AbstractStatement::temp(
        "__linear_0",
        call(LINEAR_SYSTEM, coefficients(lin, &vec![false; n], s), s),
    )];
    let normal = updates(p, "__linear_0", s);
    let frozen_flags: Vec<bool> = p.eqs.iter().map(|e| e.unless_refractory).collect();
    let frozen = frozen_flags.iter().any(|f| *f).then(|| {
        out.push(AbstractStatement::temp(
            "__linear_1",
            call(LINEAR_SYSTEM, coefficients(lin, &frozen_flags, s), s),
        ));
        updates(p, "__linear_1", s)
    });
    for (i, eq) in p.eqs.iter().enumerate() {
        let s = eq.rhs.span;
        let mut value = normal[i].clone();
        if let Some(frozen) = &frozen {
            if !eq.unless_refractory {
                value = call(
                    SELECT,
                    vec![Expr::name("not_refractory", s), value, frozen[i].clone()],
                    s,
                );
            }
        }
        out.push(AbstractStatement::temp(format!("_{}", eq.var), value));
    }
    out.extend(p.final_assignments());
    out
}

/// Refuses, in the automatic choice, a system Brian2's `exact` refuses: a singular matrix
/// (`sympy.solve_linear_system` finds no unique fixed point), so that the same method is
/// picked. The matrix is tested at the symbolic layer's test points.
pub(super) fn check_brian2_solvable(p: &Prepared, lin: &Linear) -> Result<(), Failure> {
    let n = p.eqs.len();
    let s = p.eqs.first().map(|e| e.rhs.span).unwrap_or_default();
    let args = coefficients(lin, &vec![false; n], s);
    let singular_everywhere = (0..6u64).all(|point| {
        let names = |name: &str| Some(test_value(name, point));
        let values: Option<Vec<f64>> = args[..n * n]
            .iter()
            .map(|e| eval(e, &names).ok().filter(|x| x.is_finite()))
            .collect();
        values.is_none_or(|a| is_singular(&a, n))
    });
    if singular_everywhere {
        return Err(Failure::unsupported(
            "the linear system has a singular matrix (Brian2's exact solver needs an invertible \
             matrix)",
            s,
        )
        .labelled("singular linear system"));
    }
    Ok(())
}

/// Is the row-major `n x n` matrix singular (to rounding)?
fn is_singular(a: &[f64], n: usize) -> bool {
    let scale = a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 {
        return true;
    }
    let identity = (0..n * n)
        .map(|k| if k / n == k % n { 1.0 } else { 0.0 })
        .collect();
    let scaled: Vec<f64> = a.iter().map(|x| x / scale).collect();
    match solve(scaled, identity, n) {
        None => true,
        Some(inverse) => inverse.iter().any(|x| !x.is_finite() || x.abs() > 1e12),
    }
}

/// `(P, q)` for `dx/dt = A x + b` over `dt` (`a` row-major `n x n`, `b` of length `n`), or
/// `None` when an entry is not finite (a coefficient that is infinite or NaN, or a system that
/// grows past the range of f64 within one step).
pub fn propagate(a: &[f64], b: &[f64], dt: f64) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = b.len();
    debug_assert_eq!(a.len(), n * n);
    let m = n + 1;
    let mut aug = vec![0.0; m * m];
    for r in 0..n {
        for c in 0..n {
            aug[r * m + c] = a[r * n + c] * dt;
        }
        aug[r * m + n] = b[r] * dt;
    }
    let e = expm(&aug, m)?;
    let mut p = vec![0.0; n * n];
    let mut q = vec![0.0; n];
    for r in 0..n {
        p[r * n..(r + 1) * n].copy_from_slice(&e[r * m..r * m + n]);
        q[r] = e[r * m + n];
    }
    let finite = p.iter().chain(&q).all(|x| x.is_finite());
    finite.then_some((p, q))
}

/// Padé(13) coefficients (Higham 2005, table 10.4).
const PADE13: [f64; 14] = [
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
];

/// The largest 1-norm for which Padé(13) without scaling is accurate to double precision.
const THETA13: f64 = 5.371920351148152;

fn matmul(x: &[f64], y: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for r in 0..n {
        for k in 0..n {
            let xrk = x[r * n + k];
            if xrk == 0.0 {
                continue;
            }
            for c in 0..n {
                out[r * n + c] += xrk * y[k * n + c];
            }
        }
    }
    out
}

fn norm1(x: &[f64], n: usize) -> f64 {
    (0..n)
        .map(|c| (0..n).map(|r| x[r * n + c].abs()).sum::<f64>())
        .fold(0.0, f64::max)
}

/// `exp(x)` of a row-major `n x n` matrix; `None` if it is not finite.
pub fn expm(x: &[f64], n: usize) -> Option<Vec<f64>> {
    let norm = norm1(x, n);
    if !norm.is_finite() {
        return None;
    }
    let squarings = if norm > THETA13 {
        (norm / THETA13).log2().ceil().max(0.0) as i32
    } else {
        0
    };
    if squarings > 1000 {
        return None;
    }
    let scale = 0.5f64.powi(squarings);
    let a: Vec<f64> = x.iter().map(|v| v * scale).collect();
    let identity = |k: f64| -> Vec<f64> {
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            m[i * n + i] = k;
        }
        m
    };
    let a2 = matmul(&a, &a, n);
    let a4 = matmul(&a2, &a2, n);
    let a6 = matmul(&a4, &a2, n);
    let c = PADE13;
    let combine = |terms: &[(f64, &Vec<f64>)], with_identity: f64| -> Vec<f64> {
        let mut m = identity(with_identity);
        for (k, t) in terms {
            for (o, v) in m.iter_mut().zip(t.iter()) {
                *o += k * v;
            }
        }
        m
    };
    let u_inner = combine(&[(c[13], &a6), (c[11], &a4), (c[9], &a2)], 0.0);
    let u_outer = combine(&[(c[7], &a6), (c[5], &a4), (c[3], &a2)], c[1]);
    let mut u_sum = matmul(&a6, &u_inner, n);
    for (o, v) in u_sum.iter_mut().zip(&u_outer) {
        *o += v;
    }
    let u = matmul(&a, &u_sum, n);
    let v_inner = combine(&[(c[12], &a6), (c[10], &a4), (c[8], &a2)], 0.0);
    let v_outer = combine(&[(c[6], &a6), (c[4], &a4), (c[2], &a2)], c[0]);
    let mut v = matmul(&a6, &v_inner, n);
    for (o, w) in v.iter_mut().zip(&v_outer) {
        *o += w;
    }
    // (V - U) R = (V + U)
    let lhs: Vec<f64> = v.iter().zip(&u).map(|(v, u)| v - u).collect();
    let rhs: Vec<f64> = v.iter().zip(&u).map(|(v, u)| v + u).collect();
    let mut r = solve(lhs, rhs, n)?;
    for _ in 0..squarings {
        r = matmul(&r, &r, n);
    }
    r.iter().all(|v| v.is_finite()).then_some(r)
}

/// Solves `l X = r` for `X` (both row-major `n x n`) by Gaussian elimination with partial
/// pivoting; `None` if `l` is singular.
fn solve(mut l: Vec<f64>, mut r: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&i, &j| l[i * n + col].abs().total_cmp(&l[j * n + col].abs()))?;
        if l[pivot * n + col] == 0.0 || !l[pivot * n + col].is_finite() {
            return None;
        }
        if pivot != col {
            for c in 0..n {
                l.swap(pivot * n + c, col * n + c);
                r.swap(pivot * n + c, col * n + c);
            }
        }
        let d = l[col * n + col];
        for row in col + 1..n {
            let f = l[row * n + col] / d;
            if f == 0.0 {
                continue;
            }
            for c in col..n {
                l[row * n + c] -= f * l[col * n + c];
            }
            for c in 0..n {
                r[row * n + c] -= f * r[col * n + c];
            }
        }
    }
    for col in (0..n).rev() {
        let d = l[col * n + col];
        for c in 0..n {
            r[col * n + c] /= d;
        }
        for row in 0..col {
            let f = l[row * n + col];
            if f == 0.0 {
                continue;
            }
            for c in 0..n {
                r[row * n + c] -= f * r[col * n + c];
            }
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + b.abs())
    }

    #[test]
    fn scalar_and_diagonal() {
        for x in [-50.0, -1.0, 0.0, 1e-8, 0.3, 7.0, 40.0] {
            let e = expm(&[x], 1).unwrap();
            assert!(close(e[0], f64::exp(x), 1e-13), "{x}: {}", e[0]);
        }
        let e = expm(&[-2.0, 0.0, 0.0, 3.0], 2).unwrap();
        assert!(close(e[0], (-2f64).exp(), 1e-14) && close(e[3], 3f64.exp(), 1e-14));
        assert_eq!((e[1], e[2]), (0.0, 0.0));
    }

    #[test]
    fn rotation_and_jordan_block() {
        // exp([[0, w], [-w, 0]]) is a rotation by w
        for w in [0.1, 2.0, 30.0] {
            let e = expm(&[0.0, w, -w, 0.0], 2).unwrap();
            let expected = [w.cos(), w.sin(), -w.sin(), w.cos()];
            for (got, want) in e.iter().zip(expected) {
                assert!(close(*got, want, 1e-13), "{w}: {e:?}");
            }
        }
        // a Jordan block: exp([[l, 1], [0, l]]) = e^l [[1, 1], [0, 1]]
        let e = expm(&[-3.0, 1.0, 0.0, -3.0], 2).unwrap();
        let el = (-3f64).exp();
        assert!(close(e[0], el, 1e-14) && close(e[1], el, 1e-14) && e[2] == 0.0);
    }

    #[test]
    fn affine_part_of_a_singular_system() {
        // dx/dt = 2 (A = 0): x_new = x + 2 dt
        let (p, q) = propagate(&[0.0], &[2.0], 0.1).unwrap();
        assert_eq!(p, vec![1.0]);
        assert!(close(q[0], 0.2, 1e-15));
        // dx/dt = -x/tau + b/tau: q = b (1 - exp(-dt/tau))
        let (p, q) = propagate(&[-100.0], &[5.0], 1e-3).unwrap();
        assert!(close(p[0], (-0.1f64).exp(), 1e-15));
        assert!(close(q[0], 0.05 * -(-0.1f64).exp_m1(), 1e-14));
    }

    #[test]
    fn not_finite_is_refused() {
        assert!(propagate(&[f64::NAN], &[0.0], 0.1).is_none());
        assert!(propagate(&[1e300], &[0.0], 1.0).is_none());
    }
}
