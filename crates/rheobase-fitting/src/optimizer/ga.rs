//! A genetic algorithm with PyGAD's options (names in parentheses are PyGAD's):
//! parents mating (`num_parents_mating`), parent selection (`parent_selection_type`:
//! `sss`, `rws`, `tournament` with `K_tournament`, `rank`, `random`), crossover
//! (`crossover_type`: `single_point`, `two_points`, `uniform`, with `crossover_probability`),
//! random mutation (`mutation_percent_genes` or `mutation_probability`,
//! `mutation_by_replacement`, `random_mutation_min_val`/`max_val`) and elitism
//! (`keep_elitism`).
//!
//! Genes live in the unit cube: additive mutations are clipped to `[0, 1]`, and a mutation by
//! replacement draws a new gene uniformly in the cube. PyGAD maximises a fitness; here the
//! error is minimised, and roulette selection uses the fitness `1 / (error + 1e-12)` that
//! PyGAD users usually write (errors are shifted to start at 0 when some are negative).
//!
//! The first `ask(n)` returns a random population; each later `ask(n)` returns the next
//! generation: the `keep_elitism` best of the last one (evaluated again, so a noisy error
//! cannot stay lucky forever) followed by offspring.

use super::rng::SearchRng;
use super::{error_at, ranking, Optimizer};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParentSelection {
    /// Steady state (`sss`): the best solutions.
    SteadyState,
    /// Roulette wheel (`rws`): probability proportional to fitness.
    Roulette,
    /// Tournament (`tournament`): the best of `k` drawn at random, per parent.
    Tournament { k: usize },
    /// Rank (`rank`): probability proportional to rank (best has the highest).
    Rank,
    /// Random (`random`).
    Random,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crossover {
    SinglePoint,
    TwoPoints,
    Uniform,
    /// No crossover: offspring are copies of parents (then mutated).
    None,
}

/// How many genes of an offspring a random mutation changes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MutationGenes {
    /// `mutation_percent_genes`: this percentage of the genes (at least one).
    Percent(f64),
    /// `mutation_probability`: each gene independently with this probability.
    Probability(f64),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mutation {
    None,
    Random {
        genes: MutationGenes,
        /// Replace the gene by a uniform draw in the cube instead of adding a random step.
        by_replacement: bool,
        /// The additive step is uniform in `[min, max]` (cube units).
        min_val: f64,
        max_val: f64,
    },
}

#[derive(Clone, Debug)]
pub struct GeneticAlgorithmOptions {
    pub num_parents_mating: usize,
    pub parent_selection: ParentSelection,
    pub crossover: Crossover,
    /// Probability that a pair of parents is crossed at all (`None`: always).
    pub crossover_probability: Option<f64>,
    pub mutation: Mutation,
    pub keep_elitism: usize,
    pub seed: u64,
}

impl Default for GeneticAlgorithmOptions {
    /// PyGAD's defaults, with steps scaled to the unit cube.
    fn default() -> Self {
        GeneticAlgorithmOptions {
            num_parents_mating: 4,
            parent_selection: ParentSelection::SteadyState,
            crossover: Crossover::SinglePoint,
            crossover_probability: None,
            mutation: Mutation::Random {
                genes: MutationGenes::Percent(10.0),
                by_replacement: false,
                min_val: -0.1,
                max_val: 0.1,
            },
            keep_elitism: 1,
            seed: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct GeneticAlgorithm {
    options: GeneticAlgorithmOptions,
    rng: SearchRng,
    dims: usize,
    /// The last evaluated generation and its errors.
    population: Vec<Vec<f64>>,
    errors: Vec<f64>,
    pending: Vec<Vec<f64>>,
}

impl GeneticAlgorithm {
    pub fn new(options: GeneticAlgorithmOptions) -> GeneticAlgorithm {
        GeneticAlgorithm {
            rng: SearchRng::new(options.seed),
            options,
            dims: 0,
            population: Vec::new(),
            errors: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn select_parents(&mut self, count: usize) -> Vec<Vec<f64>> {
        let n = self.population.len();
        let order = ranking(&self.errors);
        let picks: Vec<usize> = match self.options.parent_selection {
            ParentSelection::SteadyState => (0..count).map(|k| order[k % n]).collect(),
            ParentSelection::Random => (0..count).map(|_| self.rng.below(n)).collect(),
            ParentSelection::Tournament { k } => (0..count)
                .map(|_| {
                    let k = k.max(1);
                    (0..k)
                        .map(|_| self.rng.below(n))
                        .min_by(|&a, &b| super::error_order(self.errors[a], self.errors[b]))
                        .unwrap_or(0)
                })
                .collect(),
            ParentSelection::Rank => {
                // Rank weights n for the best down to 1 for the worst.
                let mut weights = vec![0.0; n];
                for (r, &idx) in order.iter().enumerate() {
                    weights[idx] = (n - r) as f64;
                }
                (0..count).map(|_| self.wheel(&weights)).collect()
            }
            ParentSelection::Roulette => {
                let finite_min = self
                    .errors
                    .iter()
                    .copied()
                    .filter(|e| e.is_finite())
                    .fold(f64::INFINITY, f64::min);
                let shift = if finite_min < 0.0 { -finite_min } else { 0.0 };
                let weights: Vec<f64> = self
                    .errors
                    .iter()
                    .map(|&e| {
                        if e.is_finite() {
                            1.0 / (e + shift + 1e-12)
                        } else {
                            0.0
                        }
                    })
                    .collect();
                (0..count).map(|_| self.wheel(&weights)).collect()
            }
        };
        picks
            .into_iter()
            .map(|k| self.population[k].clone())
            .collect()
    }

    /// An index drawn with probability proportional to `weights` (uniform when all are 0).
    fn wheel(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return self.rng.below(weights.len());
        }
        let mut r = self.rng.uniform() * total;
        for (k, &w) in weights.iter().enumerate() {
            r -= w;
            if r < 0.0 {
                return k;
            }
        }
        weights.len() - 1
    }

    fn cross(&mut self, a: &[f64], b: &[f64]) -> Vec<f64> {
        let d = a.len();
        let crossing = match self.options.crossover_probability {
            Some(p) => self.rng.uniform() < p,
            None => true,
        };
        if !crossing || d < 2 {
            return match self.options.crossover {
                Crossover::Uniform if crossing => self.uniform_cross(a, b),
                _ => a.to_vec(),
            };
        }
        match self.options.crossover {
            Crossover::None => a.to_vec(),
            Crossover::SinglePoint => {
                let cut = 1 + self.rng.below(d - 1);
                a[..cut].iter().chain(&b[cut..]).copied().collect()
            }
            Crossover::TwoPoints => {
                let mut c1 = self.rng.below(d + 1);
                let mut c2 = self.rng.below(d + 1);
                if c1 > c2 {
                    std::mem::swap(&mut c1, &mut c2);
                }
                (0..d)
                    .map(|i| if i >= c1 && i < c2 { b[i] } else { a[i] })
                    .collect()
            }
            Crossover::Uniform => self.uniform_cross(a, b),
        }
    }

    fn uniform_cross(&mut self, a: &[f64], b: &[f64]) -> Vec<f64> {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| if self.rng.uniform() < 0.5 { x } else { y })
            .collect()
    }

    fn mutate(&mut self, x: &mut [f64]) {
        let Mutation::Random {
            genes,
            by_replacement,
            min_val,
            max_val,
        } = self.options.mutation
        else {
            return;
        };
        let d = x.len();
        let chosen: Vec<usize> = match genes {
            MutationGenes::Percent(p) => {
                let count = ((p / 100.0 * d as f64).round() as usize).clamp(1, d);
                self.rng.distinct(d, count, None)
            }
            MutationGenes::Probability(p) => (0..d).filter(|_| self.rng.uniform() < p).collect(),
        };
        for i in chosen {
            x[i] = if by_replacement {
                self.rng.uniform()
            } else {
                (x[i] + self.rng.uniform_in(min_val, max_val)).clamp(0.0, 1.0)
            };
        }
    }
}

impl Optimizer for GeneticAlgorithm {
    fn name(&self) -> String {
        "GA".into()
    }

    fn start(&mut self, dims: usize) {
        *self = GeneticAlgorithm::new(self.options.clone());
        self.dims = dims;
    }

    fn ask(&mut self, n: usize) -> Vec<Vec<f64>> {
        if self.population.is_empty() {
            self.pending = (0..n)
                .map(|_| (0..self.dims).map(|_| self.rng.uniform()).collect())
                .collect();
            return self.pending.clone();
        }
        let order = ranking(&self.errors);
        let elites = self.options.keep_elitism.min(n).min(order.len());
        let mut next: Vec<Vec<f64>> = order[..elites]
            .iter()
            .map(|&k| self.population[k].clone())
            .collect();
        let n_parents = self.options.num_parents_mating.max(1);
        let parents = self.select_parents(n_parents);
        let mut k = 0;
        while next.len() < n {
            let a = &parents[k % parents.len()];
            let b = &parents[(k + 1) % parents.len()];
            let (a, b) = (a.clone(), b.clone());
            let mut child = self.cross(&a, &b);
            self.mutate(&mut child);
            next.push(child);
            k += 1;
        }
        self.pending = next;
        self.pending.clone()
    }

    fn tell(&mut self, errors: &[f64]) {
        let pending = std::mem::take(&mut self.pending);
        self.errors = (0..pending.len()).map(|k| error_at(errors, k)).collect();
        self.population = pending;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testfns::*;
    use super::*;

    fn ga(parent_selection: ParentSelection, crossover: Crossover, seed: u64) -> GeneticAlgorithm {
        GeneticAlgorithm::new(GeneticAlgorithmOptions {
            num_parents_mating: 10,
            parent_selection,
            crossover,
            seed,
            ..Default::default()
        })
    }

    #[test]
    fn every_selection_and_crossover_improves_the_sphere() {
        let selections = [
            ParentSelection::SteadyState,
            ParentSelection::Roulette,
            ParentSelection::Tournament { k: 3 },
            ParentSelection::Rank,
        ];
        let crossovers = [
            Crossover::SinglePoint,
            Crossover::TwoPoints,
            Crossover::Uniform,
        ];
        for (s, sel) in selections.iter().enumerate() {
            for (c, cross) in crossovers.iter().enumerate() {
                let mut opt = ga(*sel, *cross, (s * 3 + c) as u64);
                let (first, _) = minimise(&mut opt, sphere, 4, 30, 1);
                let (e, _) = minimise(&mut opt, sphere, 4, 30, 150);
                assert!(e < 0.05 && e < first, "{sel:?} {cross:?}: {first} -> {e}");
            }
        }
    }

    #[test]
    fn per_gene_probability_and_replacement_mutation_work() {
        let mut opt = GeneticAlgorithm::new(GeneticAlgorithmOptions {
            num_parents_mating: 8,
            parent_selection: ParentSelection::Tournament { k: 3 },
            crossover: Crossover::Uniform,
            crossover_probability: Some(0.8),
            mutation: Mutation::Random {
                genes: MutationGenes::Probability(0.2),
                by_replacement: true,
                min_val: 0.0,
                max_val: 0.0,
            },
            keep_elitism: 2,
            seed: 11,
        });
        let (e, _) = minimise(&mut opt, rastrigin, 2, 40, 100);
        assert!(e < 1.0, "rastrigin {e}");
    }

    #[test]
    fn elitism_never_loses_the_best() {
        let mut opt = ga(ParentSelection::Random, Crossover::SinglePoint, 5);
        opt.start(3);
        let mut best = f64::INFINITY;
        for _ in 0..20 {
            let xs = opt.ask(10);
            let errors: Vec<f64> = xs.iter().map(|x| sphere(x)).collect();
            let round_best = errors.iter().copied().fold(f64::INFINITY, f64::min);
            assert!(round_best <= best);
            best = round_best;
            opt.tell(&errors);
        }
    }

    #[test]
    fn same_seed_same_search() {
        let a = trajectory(
            &mut ga(ParentSelection::Rank, Crossover::TwoPoints, 1),
            3,
            10,
            5,
        );
        let b = trajectory(
            &mut ga(ParentSelection::Rank, Crossover::TwoPoints, 1),
            3,
            10,
            5,
        );
        let c = trajectory(
            &mut ga(ParentSelection::Rank, Crossover::TwoPoints, 2),
            3,
            10,
            5,
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
