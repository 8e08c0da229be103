//! CMA-ES with a full covariance matrix (Hansen's tutorial, "The CMA Evolution Strategy",
//! 2016, with its default constants), bounded to the unit cube by reflection: sampled points
//! are folded back into the cube and the update uses the folded points, so that the mean and
//! the covariance only ever learn from what was evaluated.
//!
//! The population size is the `n` of each `ask` (Hansen's default is `4 + 3 ln d`; fits
//! usually ask for more to fill a simulated group).

use super::linalg::{identity, symmetric_eigen, Matrix};
use super::rng::SearchRng;
use super::{error_at, ranking, reflect_into_unit, Optimizer};

#[derive(Clone, Debug)]
pub struct CmaEsOptions {
    /// Initial step size in cube units (the cube has side 1).
    pub sigma0: f64,
    /// Initial mean; `None` is the centre of the cube.
    pub mean0: Option<Vec<f64>>,
    pub seed: u64,
}

impl Default for CmaEsOptions {
    fn default() -> Self {
        CmaEsOptions {
            sigma0: 0.3,
            mean0: None,
            seed: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct CmaEs {
    options: CmaEsOptions,
    rng: SearchRng,
    dims: usize,
    mean: Vec<f64>,
    sigma: f64,
    cov: Matrix,
    /// Eigenvectors (columns) and square roots of the eigenvalues of `cov`.
    basis: Matrix,
    scales: Vec<f64>,
    path_c: Vec<f64>,
    path_sigma: Vec<f64>,
    generation: u32,
    pending: Vec<Vec<f64>>,
}

impl CmaEs {
    pub fn new(options: CmaEsOptions) -> CmaEs {
        CmaEs {
            rng: SearchRng::new(options.seed),
            options,
            dims: 0,
            mean: Vec::new(),
            sigma: 0.0,
            cov: Vec::new(),
            basis: Vec::new(),
            scales: Vec::new(),
            path_c: Vec::new(),
            path_sigma: Vec::new(),
            generation: 0,
            pending: Vec::new(),
        }
    }

    /// The current step size (for tests and progress output).
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// The current mean of the search distribution.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    fn decompose(&mut self) {
        let (values, vectors) = symmetric_eigen(&self.cov);
        self.scales = values.iter().map(|&l| l.max(1e-20).sqrt()).collect();
        self.basis = vectors;
    }

    /// `C^{-1/2} y = B D^{-1} B^T y`.
    fn inverse_sqrt_times(&self, y: &[f64]) -> Vec<f64> {
        let d = self.dims;
        let bt_y: Vec<f64> = (0..d)
            .map(|k| (0..d).map(|i| self.basis[i][k] * y[i]).sum::<f64>() / self.scales[k])
            .collect();
        (0..d)
            .map(|i| (0..d).map(|k| self.basis[i][k] * bt_y[k]).sum())
            .collect()
    }
}

impl Optimizer for CmaEs {
    fn name(&self) -> String {
        "CMA-ES".into()
    }

    fn start(&mut self, dims: usize) {
        *self = CmaEs::new(self.options.clone());
        self.dims = dims;
        self.mean = match &self.options.mean0 {
            Some(m) if m.len() == dims => m.iter().map(|&x| x.clamp(0.0, 1.0)).collect(),
            _ => vec![0.5; dims],
        };
        self.sigma = self.options.sigma0.clamp(1e-6, 1.0);
        self.cov = identity(dims);
        self.basis = identity(dims);
        self.scales = vec![1.0; dims];
        self.path_c = vec![0.0; dims];
        self.path_sigma = vec![0.0; dims];
    }

    fn ask(&mut self, n: usize) -> Vec<Vec<f64>> {
        let d = self.dims;
        self.pending = (0..n)
            .map(|_| {
                let z: Vec<f64> = (0..d).map(|_| self.rng.normal()).collect();
                (0..d)
                    .map(|i| {
                        let y: f64 = (0..d)
                            .map(|k| self.basis[i][k] * self.scales[k] * z[k])
                            .sum();
                        reflect_into_unit(self.mean[i] + self.sigma * y)
                    })
                    .collect()
            })
            .collect();
        self.pending.clone()
    }

    fn tell(&mut self, errors: &[f64]) {
        let points = std::mem::take(&mut self.pending);
        let lambda = points.len();
        let d = self.dims;
        if lambda < 2 || d == 0 {
            return;
        }
        let errs: Vec<f64> = (0..lambda).map(|k| error_at(errors, k)).collect();
        let order = ranking(&errs);
        let mu = lambda / 2;
        let raw: Vec<f64> = (0..mu)
            .map(|i| ((lambda as f64 + 1.0) / 2.0).ln() - ((i + 1) as f64).ln())
            .collect();
        let total: f64 = raw.iter().sum();
        let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
        let mu_eff = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
        let df = d as f64;
        let c_c = (4.0 + mu_eff / df) / (df + 4.0 + 2.0 * mu_eff / df);
        let c_s = (mu_eff + 2.0) / (df + mu_eff + 5.0);
        let c_1 = 2.0 / ((df + 1.3).powi(2) + mu_eff);
        let c_mu =
            (1.0 - c_1).min(2.0 * (mu_eff - 2.0 + 1.0 / mu_eff) / ((df + 2.0).powi(2) + mu_eff));
        let d_s = 1.0 + 2.0 * (((mu_eff - 1.0) / (df + 1.0)).sqrt() - 1.0).max(0.0) + c_s;
        let chi_n = df.sqrt() * (1.0 - 1.0 / (4.0 * df) + 1.0 / (21.0 * df * df));

        let steps: Vec<Vec<f64>> = order[..mu]
            .iter()
            .map(|&k| {
                (0..d)
                    .map(|i| (points[k][i] - self.mean[i]) / self.sigma)
                    .collect()
            })
            .collect();
        let y_w: Vec<f64> = (0..d)
            .map(|i| (0..mu).map(|j| weights[j] * steps[j][i]).sum())
            .collect();
        for (m, y) in self.mean.iter_mut().zip(&y_w) {
            *m = (*m + self.sigma * y).clamp(0.0, 1.0);
        }
        let c_inv_y = self.inverse_sqrt_times(&y_w);
        let ks = (c_s * (2.0 - c_s) * mu_eff).sqrt();
        for (p, c) in self.path_sigma.iter_mut().zip(&c_inv_y) {
            *p = (1.0 - c_s) * *p + ks * c;
        }
        let ps_norm = self.path_sigma.iter().map(|x| x * x).sum::<f64>().sqrt();
        self.generation += 1;
        let decay = 1.0 - (1.0 - c_s).powi(2 * self.generation as i32);
        let h_sigma = ps_norm / decay.max(1e-300).sqrt() < (1.4 + 2.0 / (df + 1.0)) * chi_n;
        let h = if h_sigma { 1.0 } else { 0.0 };
        let kc = (c_c * (2.0 - c_c) * mu_eff).sqrt();
        for (p, y) in self.path_c.iter_mut().zip(&y_w) {
            *p = (1.0 - c_c) * *p + h * kc * y;
        }
        let keep = 1.0 - c_1 - c_mu + (1.0 - h) * c_1 * c_c * (2.0 - c_c);
        for i in 0..d {
            for j in 0..d {
                let rank_mu: f64 = (0..mu)
                    .map(|k| weights[k] * steps[k][i] * steps[k][j])
                    .sum();
                self.cov[i][j] =
                    keep * self.cov[i][j] + c_1 * self.path_c[i] * self.path_c[j] + c_mu * rank_mu;
            }
        }
        self.sigma *= ((c_s / d_s) * (ps_norm / chi_n - 1.0)).exp();
        // Steps wider than the cube only fold back and forth; a tiny sigma has converged.
        self.sigma = self.sigma.clamp(1e-14, 1.0);
        self.decompose();
    }
}

#[cfg(test)]
mod tests {
    use super::super::testfns::*;
    use super::*;

    fn cma(seed: u64) -> CmaEs {
        CmaEs::new(CmaEsOptions {
            seed,
            ..Default::default()
        })
    }

    #[test]
    fn solves_sphere_in_10_dims() {
        let (e, _) = minimise(&mut cma(1), sphere, 10, 12, 200);
        assert!(e < 1e-8, "sphere10 {e}");
    }

    #[test]
    fn solves_rosenbrock_in_2_and_5_dims() {
        let (e, _) = minimise(&mut cma(2), rosenbrock, 2, 8, 300);
        assert!(e < 1e-8, "rosenbrock2 {e}");
        let (e, _) = minimise(&mut cma(3), rosenbrock, 5, 12, 600);
        assert!(e < 1e-6, "rosenbrock5 {e}");
    }

    #[test]
    fn large_population_handles_rastrigin_in_2_dims() {
        let (e, _) = minimise(&mut cma(4), rastrigin, 2, 50, 100);
        assert!(e < 1e-6, "rastrigin {e}");
    }

    #[test]
    fn same_seed_same_search() {
        let a = trajectory(&mut cma(5), 4, 8, 6);
        let b = trajectory(&mut cma(5), 4, 8, 6);
        let c = trajectory(&mut cma(6), 4, 8, 6);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn optimum_on_a_face_is_reached_within_bounds() {
        // Minimum at x = 0 in every coordinate: the search must press against the faces.
        fn corner(x: &[f64]) -> f64 {
            x.iter().sum()
        }
        let (e, _) = minimise(&mut cma(7), corner, 3, 10, 200);
        assert!(e < 1e-3, "corner {e}");
    }
}
