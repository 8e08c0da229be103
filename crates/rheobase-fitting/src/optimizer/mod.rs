//! Optimizers behind one ask/tell interface, all working in the unit cube `[0, 1]^d`
//! ([`crate::ParameterSpace`] maps it to parameter values, linearly or logarithmically).
//!
//! A round is `let xs = opt.ask(n); /* evaluate */ opt.tell(&errors);`. Every optimizer is
//! seeded: the same seed, dimension and sequence of errors give the same points. An external
//! optimizer (Python's PyGAD, Nevergrad, scipy) drives a fitter the same way through
//! [`crate::fitter`]'s `evaluate`, without implementing this trait.

mod cmaes;
mod de;
mod ga;
pub(crate) mod linalg;
mod nelder_mead;
mod rng;
mod sampling;
mod sobol;

pub use cmaes::{CmaEs, CmaEsOptions};
pub use de::{DeStrategy, DifferentialEvolution, DifferentialEvolutionOptions};
pub use ga::{
    Crossover, GeneticAlgorithm, GeneticAlgorithmOptions, Mutation, MutationGenes, ParentSelection,
};
pub use nelder_mead::{nelder_mead, nelder_mead_batch_size, NelderMeadOptions};
pub use rng::SearchRng;
pub use sampling::{RandomSearch, SobolSearch};
pub use sobol::{SobolSequence, SOBOL_MAX_DIMENSIONS};

/// An ask/tell optimizer that minimises an error over the unit cube.
pub trait Optimizer: Send {
    /// A short name for progress output (`"DE rand/1/bin"`, `"CMA-ES"`, ...).
    fn name(&self) -> String;

    /// Starts a new search in `dims` dimensions, forgetting any previous one.
    fn start(&mut self, dims: usize);

    /// `n` points to evaluate next, each with `dims` coordinates in `[0, 1]`.
    fn ask(&mut self, n: usize) -> Vec<Vec<f64>>;

    /// The errors of the points of the last `ask`, in the same order (lower is better; NaN
    /// counts as the worst). Extra or missing errors are ignored / treated as NaN.
    fn tell(&mut self, errors: &[f64]);
}

/// Orders errors with NaN last, so that a failed evaluation never wins.
pub(crate) fn error_order(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal),
    }
}

/// `errors[k]`, or NaN when the caller told fewer errors than points.
pub(crate) fn error_at(errors: &[f64], k: usize) -> f64 {
    errors.get(k).copied().unwrap_or(f64::NAN)
}

/// Folds a coordinate back into `[0, 1]` by reflection at the faces (repeatedly, for points
/// far outside).
pub(crate) fn reflect_into_unit(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.5;
    }
    let period = x.rem_euclid(2.0);
    if period <= 1.0 {
        period
    } else {
        2.0 - period
    }
}

/// Indices of `errors` sorted from best to worst.
pub(crate) fn ranking(errors: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..errors.len()).collect();
    order.sort_by(|&a, &b| error_order(errors[a], errors[b]));
    order
}

/// Standard test functions on the unit cube, shifted so that the optimum is not the centre.
#[cfg(test)]
pub(crate) mod testfns {
    use super::Optimizer;

    /// Maps the unit cube to `[-5, 5]^d`.
    fn scale(x: &[f64]) -> Vec<f64> {
        x.iter().map(|&u| 10.0 * u - 5.0).collect()
    }

    /// Sphere with its minimum (0) at 1.0 in every coordinate.
    pub fn sphere(x: &[f64]) -> f64 {
        scale(x).iter().map(|&z| (z - 1.0) * (z - 1.0)).sum()
    }

    /// Rosenbrock, minimum 0 at (1, ..., 1).
    pub fn rosenbrock(x: &[f64]) -> f64 {
        let z = scale(x);
        z.windows(2)
            .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
            .sum()
    }

    /// Rastrigin, minimum 0 at the origin, many local minima.
    pub fn rastrigin(x: &[f64]) -> f64 {
        let z = scale(x);
        10.0 * z.len() as f64
            + z.iter()
                .map(|&v| v * v - 10.0 * (2.0 * std::f64::consts::PI * v).cos())
                .sum::<f64>()
    }

    /// Runs `opt` for `rounds` rounds of `n` points; returns the best error and checks that
    /// every point lies in the unit cube.
    pub fn minimise(
        opt: &mut dyn Optimizer,
        f: fn(&[f64]) -> f64,
        dims: usize,
        n: usize,
        rounds: usize,
    ) -> (f64, Vec<f64>) {
        opt.start(dims);
        let mut best = (f64::INFINITY, Vec::new());
        for _ in 0..rounds {
            let xs = opt.ask(n);
            assert_eq!(xs.len(), n);
            for x in &xs {
                assert_eq!(x.len(), dims);
                assert!(x.iter().all(|&c| (0.0..=1.0).contains(&c)), "{x:?}");
            }
            let errors: Vec<f64> = xs.iter().map(|x| f(x)).collect();
            for (x, &e) in xs.iter().zip(&errors) {
                if e < best.0 {
                    best = (e, x.clone());
                }
            }
            opt.tell(&errors);
        }
        best
    }

    /// The whole sequence of points asked, for reproducibility checks.
    pub fn trajectory(opt: &mut dyn Optimizer, dims: usize, n: usize, rounds: usize) -> Vec<f64> {
        opt.start(dims);
        let mut all = Vec::new();
        for _ in 0..rounds {
            let xs = opt.ask(n);
            let errors: Vec<f64> = xs.iter().map(|x| rosenbrock(x)).collect();
            all.extend(xs.into_iter().flatten());
            opt.tell(&errors);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflection_folds_into_the_cube() {
        assert_eq!(reflect_into_unit(0.3), 0.3);
        assert!((reflect_into_unit(1.2) - 0.8).abs() < 1e-12);
        assert!((reflect_into_unit(-0.25) - 0.25).abs() < 1e-12);
        assert!((reflect_into_unit(2.3) - 0.3).abs() < 1e-12);
        assert_eq!(reflect_into_unit(f64::NAN), 0.5);
    }

    #[test]
    fn ranking_puts_nan_last() {
        assert_eq!(ranking(&[3.0, f64::NAN, 1.0, 2.0]), vec![2, 3, 0, 1]);
    }
}
