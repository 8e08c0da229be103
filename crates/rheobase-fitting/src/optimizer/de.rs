//! Differential evolution (Storn and Price 1997), strategies rand/1/bin and best/1/bin.
//!
//! The first `ask(n)` returns the initial population (n points, uniform in the cube); later
//! asks return one trial per population member in turn (cycling when n differs from the
//! population size). A trial replaces its target when its error is not worse. Coordinates that
//! leave the cube are redrawn uniformly between the base vector and the violated face, which
//! keeps the search near the edge without piling points onto it.

use super::rng::SearchRng;
use super::{error_at, error_order, Optimizer};

/// How the mutant vector is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeStrategy {
    /// `v = x_r1 + F (x_r2 - x_r3)`: explores more.
    Rand1Bin,
    /// `v = x_best + F (x_r1 - x_r2)`: converges faster on unimodal problems.
    Best1Bin,
}

#[derive(Clone, Debug)]
pub struct DifferentialEvolutionOptions {
    pub strategy: DeStrategy,
    /// Differential weight F (scipy's `mutation`), typically 0.5-1.
    pub differential_weight: f64,
    /// Crossover probability CR (scipy's `recombination`).
    pub crossover_probability: f64,
    pub seed: u64,
}

impl Default for DifferentialEvolutionOptions {
    fn default() -> Self {
        DifferentialEvolutionOptions {
            strategy: DeStrategy::Rand1Bin,
            differential_weight: 0.7,
            crossover_probability: 0.9,
            seed: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct DifferentialEvolution {
    options: DifferentialEvolutionOptions,
    rng: SearchRng,
    dims: usize,
    population: Vec<Vec<f64>>,
    fitness: Vec<f64>,
    /// Population member each trial of the last ask competes with; empty for the initial ask.
    pending_targets: Vec<usize>,
    pending: Vec<Vec<f64>>,
    cursor: usize,
}

impl DifferentialEvolution {
    pub fn new(options: DifferentialEvolutionOptions) -> DifferentialEvolution {
        DifferentialEvolution {
            rng: SearchRng::new(options.seed),
            options,
            dims: 0,
            population: Vec::new(),
            fitness: Vec::new(),
            pending_targets: Vec::new(),
            pending: Vec::new(),
            cursor: 0,
        }
    }

    fn best_index(&self) -> usize {
        (0..self.fitness.len())
            .min_by(|&a, &b| error_order(self.fitness[a], self.fitness[b]))
            .unwrap_or(0)
    }

    fn trial(&mut self, target: usize) -> Vec<f64> {
        let pop = self.population.len();
        let f = self.options.differential_weight;
        let (base, a, b) = match self.options.strategy {
            DeStrategy::Rand1Bin => {
                let r = self.rng.distinct(pop, 3, Some(target));
                let get = |k: usize| r.get(k).copied().unwrap_or(target);
                (get(0), get(1), get(2))
            }
            DeStrategy::Best1Bin => {
                let best = self.best_index();
                let r = self.rng.distinct(pop, 2, Some(target));
                let get = |k: usize| r.get(k).copied().unwrap_or(target);
                (best, get(0), get(1))
            }
        };
        let forced = self.rng.below(self.dims);
        let mut x = self.population[target].clone();
        for (d, xd) in x.iter_mut().enumerate() {
            if d == forced || self.rng.uniform() < self.options.crossover_probability {
                let base_d = self.population[base][d];
                let v = base_d + f * (self.population[a][d] - self.population[b][d]);
                *xd = if v < 0.0 {
                    self.rng.uniform_in(0.0, base_d)
                } else if v > 1.0 {
                    self.rng.uniform_in(base_d, 1.0)
                } else {
                    v
                };
            }
        }
        x
    }
}

impl Optimizer for DifferentialEvolution {
    fn name(&self) -> String {
        match self.options.strategy {
            DeStrategy::Rand1Bin => "DE rand/1/bin".into(),
            DeStrategy::Best1Bin => "DE best/1/bin".into(),
        }
    }

    fn start(&mut self, dims: usize) {
        *self = DifferentialEvolution::new(self.options.clone());
        self.dims = dims;
    }

    fn ask(&mut self, n: usize) -> Vec<Vec<f64>> {
        self.pending_targets.clear();
        if self.population.is_empty() {
            self.pending = (0..n)
                .map(|_| (0..self.dims).map(|_| self.rng.uniform()).collect())
                .collect();
        } else {
            let pop = self.population.len();
            self.pending = Vec::with_capacity(n);
            for k in 0..n {
                let target = (self.cursor + k) % pop;
                self.pending_targets.push(target);
                let x = self.trial(target);
                self.pending.push(x);
            }
            self.cursor = (self.cursor + n) % pop;
        }
        self.pending.clone()
    }

    fn tell(&mut self, errors: &[f64]) {
        let pending = std::mem::take(&mut self.pending);
        if self.population.is_empty() {
            self.fitness = (0..pending.len()).map(|k| error_at(errors, k)).collect();
            self.population = pending;
            return;
        }
        for (k, x) in pending.into_iter().enumerate() {
            let target = self.pending_targets[k];
            let e = error_at(errors, k);
            if error_order(e, self.fitness[target]).is_le() {
                self.fitness[target] = e;
                self.population[target] = x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testfns::*;
    use super::*;

    fn de(strategy: DeStrategy, seed: u64) -> DifferentialEvolution {
        DifferentialEvolution::new(DifferentialEvolutionOptions {
            strategy,
            seed,
            ..Default::default()
        })
    }

    #[test]
    fn rand1bin_solves_sphere_and_rosenbrock() {
        let (e, x) = minimise(&mut de(DeStrategy::Rand1Bin, 1), sphere, 5, 30, 150);
        assert!(e < 1e-6, "sphere {e} at {x:?}");
        let (e, _) = minimise(&mut de(DeStrategy::Rand1Bin, 2), rosenbrock, 2, 20, 200);
        assert!(e < 1e-4, "rosenbrock {e}");
    }

    #[test]
    fn best1bin_solves_sphere_in_10_dims() {
        let (e, _) = minimise(&mut de(DeStrategy::Best1Bin, 3), sphere, 10, 40, 150);
        assert!(e < 1e-4, "sphere10 {e}");
    }

    #[test]
    fn rand1bin_finds_rastrigin_global_minimum_in_2_dims() {
        let (e, _) = minimise(&mut de(DeStrategy::Rand1Bin, 4), rastrigin, 2, 30, 150);
        assert!(e < 1e-3, "rastrigin {e}");
    }

    #[test]
    fn same_seed_same_search() {
        let a = trajectory(&mut de(DeStrategy::Rand1Bin, 9), 3, 10, 5);
        let b = trajectory(&mut de(DeStrategy::Rand1Bin, 9), 3, 10, 5);
        let c = trajectory(&mut de(DeStrategy::Rand1Bin, 10), 3, 10, 5);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn tiny_populations_and_nan_errors_do_not_panic() {
        let mut opt = de(DeStrategy::Rand1Bin, 0);
        opt.start(2);
        let xs = opt.ask(2);
        opt.tell(&[f64::NAN]);
        let ys = opt.ask(3);
        assert_eq!((xs.len(), ys.len()), (2, 3));
        opt.tell(&[1.0, 2.0, 3.0]);
        assert!(opt.fitness.iter().all(|e| !e.is_nan()));
    }
}
