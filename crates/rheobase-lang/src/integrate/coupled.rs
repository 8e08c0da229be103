//! `exact` for a coupled pair of linear equations (a 2x2 block, e.g. a LIF neuron with linear
//! adaptation `dw/dt = (a*(v - El) - w)/tauw`), which Brian2 solves with sympy's matrix
//! exponential.
//!
//! With `M = [[a_i, c_ij], [c_ji, a_j]]`, `m = tr(M)/2`, `N = M - m*I` and `q = N²/I =
//! ((a_i - a_j)/2)² + c_ij*c_ji` (the squared half-difference of the eigenvalues):
//! `exp(M dt) = exp(m dt) * (C*I + S*N)` with `C = cosh(sqrt(q) dt)` and
//! `S = sinh(sqrt(q) dt)/sqrt(q)`, which become `cos` and `sin(sqrt(-q) dt)/sqrt(-q)` for complex
//! eigenvalues (q < 0) and `dt*(1 + q dt²/6)` near q = 0. So real, complex and repeated
//! eigenvalues all get a finite, exact form (Brian2 refuses complex ones and produces NaN for
//! real-looking ones that turn out complex at run time).
//!
//! An input `g*exp(λ s)` from a decaying variable solved before the pair adds
//! `F(M) g` with `F(μ) = dt e^{λ dt} exprel((μ-λ) dt)` (see `response`), finite also at
//! resonance. A constant input `b` goes through the fixed point `x* = -M⁻¹ b`:
//! `x_new = x* + exp(M dt) (x - x*)`, as in Brian2; a matrix that is singular for all
//! parameter values with a non-zero input is "not yet supported".

use super::exact::{Linear, Propagators};
use super::system::Prepared;
use super::{Choice, Failure};
use crate::ast::{BinOp, Expr};
use crate::span::Span;
use crate::symbolic::differentiate::exprel_derivative;
use crate::symbolic::eval::eval;
use crate::symbolic::functions::SELECT;
use crate::symbolic::is_zero;
use crate::symbolic::simplify::{add, call, div, float, mul, neg, pow, sub, sum};

/// A coupled pair `(i, j)` taking no input from other state variables.
pub(super) struct Block<'a> {
    i: usize,
    j: usize,
    lin: &'a Linear,
}

impl<'a> Block<'a> {
    pub(super) fn new(i: usize, j: usize, lin: &'a Linear) -> Block<'a> {
        Block { i, j, lin }
    }

    fn coupling(&self, from: usize, to: usize) -> Expr {
        self.lin.inputs[to]
            .iter()
            .find(|(k, _)| *k == from)
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| float(0.0, Span::default()))
    }

    fn parts(&self, s: Span) -> (Expr, Expr, Expr, Expr) {
        let (ai, aj) = (self.lin.rate[self.i].clone(), self.lin.rate[self.j].clone());
        let (cij, cji) = (self.coupling(self.j, self.i), self.coupling(self.i, self.j));
        let det = sub(
            mul(ai.clone(), aj.clone(), s),
            mul(cij.clone(), cji.clone(), s),
            s,
        );
        let half = div(sub(ai.clone(), aj.clone(), s), float(2.0, s), s);
        let q = add(mul(half.clone(), half.clone(), s), mul(cij, cji, s), s);
        let mean = div(add(ai, aj, s), float(2.0, s), s);
        (det, q, half, mean)
    }

    /// Refuses, in automatic mode, what Brian2's exact solver refuses: a singular matrix and
    /// eigenvalues that are complex for every parameter value (an undamped oscillator).
    pub(super) fn check(&self, p: &Prepared, choice: Choice) -> Result<(), Failure> {
        let s = p.eqs[self.i].rhs.span;
        let (det, q, _, _) = self.parts(s);
        let has_input = self.lin.constant[self.i].is_some() || self.lin.constant[self.j].is_some();
        if is_zero(&det) && (has_input || choice == Choice::Automatic) {
            return Err(Failure::unsupported(
                format!(
                    "not yet supported: the coupled linear equations of '{}' and '{}' have a \
                     singular matrix",
                    p.eqs[self.i].var, p.eqs[self.j].var
                ),
                s,
            )
            .labelled("singular coupled pair"));
        }
        if choice == Choice::Automatic && always_negative(&q) {
            return Err(Failure::unsupported(
                format!(
                    "the coupled linear equations of '{}' and '{}' oscillate (complex \
                     eigenvalues, which Brian2's exact solver refuses)",
                    p.eqs[self.i].var, p.eqs[self.j].var
                ),
                s,
            )
            .labelled("oscillating coupled pair"));
        }
        Ok(())
    }

    /// The new values of both variables. `drive` lists the inputs from variables solved
    /// before: `(0 for i or 1 for j, g, λ)` for an input `g*exp(λ s)` over the step.
    pub(super) fn solve(
        &self,
        p: &Prepared,
        drive: &[(usize, Expr, Expr)],
        temps: &mut Propagators,
    ) -> (Expr, Expr) {
        let s = p.eqs[self.i].rhs.span;
        let (det, q, half, mean) = self.parts(s);
        let (own_i, own_j) = self.own(p, det, q.clone(), half.clone(), mean.clone(), temps);
        let mut terms_i = vec![own_i];
        let mut terms_j = vec![own_j];
        let q = temps.temp(q);
        let half = temps.temp(half);
        for (side, g, rate) in drive {
            let (mean_part, difference) = response(&q, &mean, rate, s, temps);
            // F(M) e_k = mean_part*e_k + difference*N e_k, N e_i = (h, c_ji), N e_j = (c_ij, -h)
            let (to_i, to_j) = if *side == 0 {
                (
                    add(mean_part, mul(difference.clone(), half.clone(), s), s),
                    mul(difference, self.coupling(self.i, self.j), s),
                )
            } else {
                (
                    mul(difference.clone(), self.coupling(self.j, self.i), s),
                    sub(mean_part, mul(difference, half.clone(), s), s),
                )
            };
            terms_i.push(mul(g.clone(), to_i, s));
            terms_j.push(mul(g.clone(), to_j, s));
        }
        (sum(terms_i, s), sum(terms_j, s))
    }

    /// The response to the initial values and the constant inputs.
    fn own(
        &self,
        p: &Prepared,
        det: Expr,
        q: Expr,
        half: Expr,
        mean: Expr,
        temps: &mut Propagators,
    ) -> (Expr, Expr) {
        let s = p.eqs[self.i].rhs.span;
        let dt = || Expr::name("dt", s);
        let q = temps.temp(q);
        let growth = temps.temp(call("exp", vec![mul(mean, dt(), s)], s));
        let sqrt = |e: Expr| call("sqrt", vec![e], s);
        let real = Expr::binary(BinOp::Gt, q.clone(), float(0.0, s), s);
        let r_real = mul(sqrt(q.clone()), dt(), s);
        let r_complex = mul(sqrt(neg(q.clone(), s)), dt(), s);
        let cosine = call(
            SELECT,
            vec![
                real.clone(),
                call("cosh", vec![r_real.clone()], s),
                call("cos", vec![r_complex.clone()], s),
            ],
            s,
        );
        let small = Expr::binary(
            BinOp::Lt,
            call("abs", vec![mul(q.clone(), mul(dt(), dt(), s), s)], s),
            float(1e-8, s),
            s,
        );
        let series = mul(
            dt(),
            add(
                float(1.0, s),
                div(mul(q.clone(), mul(dt(), dt(), s), s), float(6.0, s), s),
                s,
            ),
            s,
        );
        let sine = call(
            SELECT,
            vec![
                small,
                series,
                call(
                    SELECT,
                    vec![
                        real,
                        div(call("sinh", vec![r_real], s), sqrt(q.clone()), s),
                        div(call("sin", vec![r_complex], s), sqrt(neg(q, s)), s),
                    ],
                    s,
                ),
            ],
            s,
        );
        let c = temps.temp(mul(growth.clone(), cosine, s));
        let sn = temps.temp(mul(growth, sine, s));
        // exp(M dt) = c*I + sn*N, N = [[half, c_ij], [c_ji, -half]]
        let phi_ii = temps.temp(add(c.clone(), mul(sn.clone(), half.clone(), s), s));
        let phi_jj = temps.temp(sub(c, mul(sn.clone(), half, s), s));
        let phi_ij = temps.temp(mul(sn.clone(), self.coupling(self.j, self.i), s));
        let phi_ji = temps.temp(mul(sn, self.coupling(self.i, self.j), s));

        let (xi, xj) = (
            Expr::name(p.eqs[self.i].var.clone(), s),
            Expr::name(p.eqs[self.j].var.clone(), s),
        );
        let (bi, bj) = (&self.lin.constant[self.i], &self.lin.constant[self.j]);
        if bi.is_none() && bj.is_none() {
            let new_i = add(mul(phi_ii, xi.clone(), s), mul(phi_ij, xj.clone(), s), s);
            let new_j = add(mul(phi_ji, xi, s), mul(phi_jj, xj, s), s);
            return (new_i, new_j);
        }
        // x* = -M⁻¹ b, M⁻¹ = [[a_j, -c_ij], [-c_ji, a_i]]/det
        let zero = || float(0.0, s);
        let (bi, bj) = (
            bi.clone().unwrap_or_else(zero),
            bj.clone().unwrap_or_else(zero),
        );
        let ai = self.lin.rate[self.i].clone();
        let aj = self.lin.rate[self.j].clone();
        let fixed_i = temps.temp(div(
            sub(
                mul(self.coupling(self.j, self.i), bj.clone(), s),
                mul(aj, bi.clone(), s),
                s,
            ),
            det.clone(),
            s,
        ));
        let fixed_j = temps.temp(div(
            sub(mul(self.coupling(self.i, self.j), bi, s), mul(ai, bj, s), s),
            det,
            s,
        ));
        let (di, dj) = (sub(xi, fixed_i.clone(), s), sub(xj, fixed_j.clone(), s));
        let new_i = add(
            fixed_i,
            add(mul(phi_ii, di.clone(), s), mul(phi_ij, dj.clone(), s), s),
            s,
        );
        let new_j = add(fixed_j, add(mul(phi_ji, di, s), mul(phi_jj, dj, s), s), s);
        (new_i, new_j)
    }
}

/// Is `e` negative at every test point (as sympy would know for `-1/tau**2`)?
fn always_negative(e: &Expr) -> bool {
    (0..6u64).all(|point| {
        let names = |n: &str| {
            // the same kind of mixed-sign test values as `same_value`
            let h = n.bytes().fold(point.wrapping_mul(0x9e37_79b9), |h, b| {
                h.wrapping_mul(31).wrapping_add(u64::from(b))
            });
            let magnitude = 0.5 + (h % 1000) as f64 / 500.0;
            Some(if (h >> 7) & 1 == 0 {
                magnitude
            } else {
                -magnitude
            })
        };
        matches!(eval(e, &names), Ok(x) if x < 0.0)
    })
}

/// `(F̄, F[μ1, μ2])` for `F(μ) = ∫_0^dt exp(μ (dt - s)) exp(λ s) ds = dt e^{λ dt} exprel((μ-λ) dt)`
/// over the eigenvalues `μ = m ± sqrt(q)` of the pair, so that `F(M) = F̄ I + F[μ1, μ2] N`.
/// Three regimes, all finite (also at resonance, when `λ` is an eigenvalue): real eigenvalues
/// (`exprel` at both), complex ones (real and imaginary parts of `exprel(x + iy)`, written with
/// `expm1` and `sin(y/2)**2` so nothing cancels), and nearly equal ones (`|q| dt² < 2.5e-11`:
/// `F[μ1, μ2] ≈ F'(m)`, relative error about 1e-11).
fn response(q: &Expr, mean: &Expr, rate: &Expr, s: Span, temps: &mut Propagators) -> (Expr, Expr) {
    let dt = || Expr::name("dt", s);
    let f = |name: &str, e: Expr| call(name, vec![e], s);
    let z0 = temps.temp(mul(sub(mean.clone(), rate.clone(), s), dt(), s));
    let w = temps.temp(mul(q.clone(), mul(dt(), dt(), s), s));
    let scale = temps.temp(mul(dt(), f("exp", mul(rate.clone(), dt(), s)), s));
    let small = Expr::binary(BinOp::Lt, f("abs", w.clone()), float(2.5e-11, s), s);
    let real = Expr::binary(BinOp::Gt, w.clone(), float(0.0, s), s);
    // real eigenvalues
    let r = f("sqrt", w.clone());
    let plus = f("exprel", add(z0.clone(), r.clone(), s));
    let minus = f("exprel", sub(z0.clone(), r.clone(), s));
    let mean_real = div(add(plus.clone(), minus.clone(), s), float(2.0, s), s);
    let diff_real = div(sub(plus, minus, s), mul(float(2.0, s), r, s), s);
    // complex eigenvalues: exprel(x + iy) = (x A + y B + i (x B - y A))/(x² + y²)
    let (x, y) = (z0.clone(), f("sqrt", neg(w.clone(), s)));
    let a = sub(
        mul(f("expm1", x.clone()), f("cos", y.clone()), s),
        mul(
            float(2.0, s),
            pow(f("sin", div(y.clone(), float(2.0, s), s)), float(2.0, s), s),
            s,
        ),
        s,
    );
    let b = mul(f("exp", x.clone()), f("sin", y.clone()), s);
    let norm = add(
        mul(x.clone(), x.clone(), s),
        mul(y.clone(), y.clone(), s),
        s,
    );
    let re = div(
        add(
            mul(x.clone(), a.clone(), s),
            mul(y.clone(), b.clone(), s),
            s,
        ),
        norm.clone(),
        s,
    );
    let im = div(sub(mul(x, b, s), mul(y.clone(), a, s), s), norm, s);
    let diff_complex = div(im, y, s);
    // nearly equal eigenvalues
    let mean_close = f("exprel", z0.clone());
    let diff_close = exprel_derivative(&z0, s);

    let choose = |close: Expr, real_value: Expr, complex_value: Expr| {
        call(
            SELECT,
            vec![
                small.clone(),
                close,
                call(SELECT, vec![real.clone(), real_value, complex_value], s),
            ],
            s,
        )
    };
    let mean_part = temps.temp(mul(scale.clone(), choose(mean_close, mean_real, re), s));
    let difference = temps.temp(mul(
        mul(scale, dt(), s),
        choose(diff_close, diff_real, diff_complex),
        s,
    ));
    (mean_part, difference)
}
