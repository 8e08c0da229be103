//! Nelder-Mead local refinement in the unit cube, evaluating in batches: each iteration asks
//! for the reflection, expansion and both contractions at once (one simulated batch instead
//! of up to three sequential runs), then applies the standard rules (coefficients 1, 2, ½, ½).
//! Points are clamped to the cube. Every batch is padded to the same size so that a fitter
//! can keep one simulated network.

use super::error_order;

#[derive(Clone, Debug)]
pub struct NelderMeadOptions {
    /// Edge of the initial simplex in cube units.
    pub initial_step: f64,
    /// Stop after this many evaluations (padding excluded).
    pub max_evaluations: usize,
    /// Stop when the errors of the simplex differ by less than this.
    pub error_tolerance: f64,
}

impl Default for NelderMeadOptions {
    fn default() -> Self {
        NelderMeadOptions {
            initial_step: 0.05,
            max_evaluations: 200,
            error_tolerance: 0.0,
        }
    }
}

/// The batch size [`nelder_mead`] uses in `dims` dimensions.
pub fn nelder_mead_batch_size(dims: usize) -> usize {
    (dims + 1).max(4)
}

/// Minimises from `start`; `evaluate(points, real)` scores a batch of cube points (always
/// [`nelder_mead_batch_size`] of them, of which the first `real` are new and the rest
/// padding). Returns the best point, its error and the number of
/// evaluations; stops early when `evaluate` fails.
pub fn nelder_mead<E>(
    start: &[f64],
    options: &NelderMeadOptions,
    mut evaluate: impl FnMut(&[Vec<f64>], usize) -> Result<Vec<f64>, E>,
) -> Result<(Vec<f64>, f64, usize), E> {
    let d = start.len();
    let batch = nelder_mead_batch_size(d);
    let mut evaluations = 0;
    let mut run = |points: Vec<Vec<f64>>, evaluations: &mut usize| -> Result<Vec<f64>, E> {
        let real = points.len();
        *evaluations += real;
        let mut padded = points;
        while padded.len() < batch {
            padded.push(padded[0].clone());
        }
        let mut errors = evaluate(&padded, real)?;
        errors.truncate(real);
        Ok(errors)
    };
    let clamp = |x: Vec<f64>| -> Vec<f64> { x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect() };
    let start: Vec<f64> = clamp(start.to_vec());
    let mut simplex = vec![start.clone()];
    for i in 0..d {
        let mut x = start.clone();
        x[i] = if x[i] + options.initial_step <= 1.0 {
            x[i] + options.initial_step
        } else {
            x[i] - options.initial_step
        };
        simplex.push(x);
    }
    let mut errors = run(simplex.clone(), &mut evaluations)?;
    while evaluations < options.max_evaluations && d > 0 {
        let mut order: Vec<usize> = (0..=d).collect();
        order.sort_by(|&a, &b| error_order(errors[a], errors[b]));
        simplex = order.iter().map(|&k| simplex[k].clone()).collect();
        errors = order.iter().map(|&k| errors[k]).collect();
        if (errors[d] - errors[0]).abs() <= options.error_tolerance {
            break;
        }
        let centroid: Vec<f64> = (0..d)
            .map(|i| simplex[..d].iter().map(|x| x[i]).sum::<f64>() / d as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            clamp(
                (0..d)
                    .map(|i| centroid[i] + t * (simplex[d][i] - centroid[i]))
                    .collect(),
            )
        };
        // Reflection (t = -1), expansion (-2), outside (-½) and inside (+½) contraction.
        let trial = vec![along(-1.0), along(-2.0), along(-0.5), along(0.5)];
        let f = run(trial.clone(), &mut evaluations)?;
        let (fr, fe, foc, fic) = (f[0], f[1], f[2], f[3]);
        let replace = if error_order(fr, errors[0]).is_lt() {
            Some(if error_order(fe, fr).is_lt() { 1 } else { 0 })
        } else if error_order(fr, errors[d - 1]).is_lt() {
            Some(0)
        } else if error_order(fr, errors[d]).is_lt() {
            error_order(foc, fr).is_le().then_some(2)
        } else {
            error_order(fic, errors[d]).is_lt().then_some(3)
        };
        match replace {
            Some(k) => {
                simplex[d] = trial[k].clone();
                errors[d] = f[k];
            }
            None => {
                let best = simplex[0].clone();
                let shrunk: Vec<Vec<f64>> = simplex[1..]
                    .iter()
                    .map(|x| (0..d).map(|i| best[i] + 0.5 * (x[i] - best[i])).collect())
                    .collect();
                let fs = run(shrunk.clone(), &mut evaluations)?;
                for (k, (x, e)) in shrunk.into_iter().zip(fs).enumerate() {
                    simplex[k + 1] = x;
                    errors[k + 1] = e;
                }
            }
        }
    }
    let best = (0..errors.len())
        .min_by(|&a, &b| error_order(errors[a], errors[b]))
        .unwrap_or(0);
    Ok((simplex[best].clone(), errors[best], evaluations))
}

#[cfg(test)]
mod tests {
    use super::super::testfns::{rosenbrock, sphere};
    use super::*;

    fn run(f: fn(&[f64]) -> f64, start: &[f64], max: usize) -> (Vec<f64>, f64, usize) {
        let batch = nelder_mead_batch_size(start.len());
        let options = NelderMeadOptions {
            max_evaluations: max,
            ..Default::default()
        };
        nelder_mead(
            start,
            &options,
            |xs: &[Vec<f64>], _| -> Result<Vec<f64>, ()> {
                assert_eq!(xs.len(), batch);
                assert!(xs.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
                Ok(xs.iter().map(|x| f(x)).collect())
            },
        )
        .unwrap()
    }

    #[test]
    fn refines_sphere_and_rosenbrock() {
        let (x, e, n) = run(sphere, &[0.55, 0.7, 0.5], 600);
        assert!(e < 1e-8, "sphere {e} at {x:?}");
        assert!(n <= 610);
        // Rosenbrock's valley from near the optimum (0.6 in cube units).
        let (_, e, _) = run(rosenbrock, &[0.55, 0.58], 1000);
        assert!(e < 1e-6, "rosenbrock {e}");
    }

    #[test]
    fn stops_at_the_budget_and_on_errors() {
        let (_, _, n) = run(sphere, &[0.2, 0.2], 30);
        assert!((30..34).contains(&n), "{n}");
        let failed = nelder_mead(
            &[0.5],
            &NelderMeadOptions::default(),
            |_: &[Vec<f64>], _| Err::<Vec<f64>, &str>("boom"),
        );
        assert_eq!(failed.unwrap_err(), "boom");
    }
}
