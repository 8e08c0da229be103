//! Non-adaptive searches: uniform random sampling and Sobol' sampling. Both ignore the errors
//! they are told; the fitter keeps the best point.

use super::rng::SearchRng;
use super::sobol::{SobolSequence, SOBOL_MAX_DIMENSIONS};
use super::Optimizer;

/// Independent uniform points in the cube.
#[derive(Clone, Debug)]
pub struct RandomSearch {
    seed: u64,
    rng: SearchRng,
    dims: usize,
}

impl RandomSearch {
    pub fn new(seed: u64) -> RandomSearch {
        RandomSearch {
            seed,
            rng: SearchRng::new(seed),
            dims: 0,
        }
    }
}

impl Optimizer for RandomSearch {
    fn name(&self) -> String {
        "random".into()
    }

    fn start(&mut self, dims: usize) {
        self.rng = SearchRng::new(self.seed);
        self.dims = dims;
    }

    fn ask(&mut self, n: usize) -> Vec<Vec<f64>> {
        (0..n)
            .map(|_| (0..self.dims).map(|_| self.rng.uniform()).collect())
            .collect()
    }

    fn tell(&mut self, _errors: &[f64]) {}
}

/// Consecutive points of a Sobol' sequence (digitally shifted when a seed is given). Beyond
/// [`SOBOL_MAX_DIMENSIONS`] dimensions the extra coordinates are uniform random, which the
/// name reports.
#[derive(Clone, Debug)]
pub struct SobolSearch {
    seed: Option<u64>,
    sequence: Option<SobolSequence>,
    extra: SearchRng,
    dims: usize,
}

impl SobolSearch {
    pub fn new(seed: Option<u64>) -> SobolSearch {
        SobolSearch {
            seed,
            sequence: None,
            extra: SearchRng::new(seed.unwrap_or(0)),
            dims: 0,
        }
    }
}

impl Optimizer for SobolSearch {
    fn name(&self) -> String {
        if self.dims > SOBOL_MAX_DIMENSIONS {
            format!("Sobol ({SOBOL_MAX_DIMENSIONS} dims) + random")
        } else {
            "Sobol".into()
        }
    }

    fn start(&mut self, dims: usize) {
        let sobol_dims = dims.min(SOBOL_MAX_DIMENSIONS);
        self.sequence = match self.seed {
            Some(s) => SobolSequence::shifted(sobol_dims, s),
            None => SobolSequence::new(sobol_dims),
        };
        self.extra = SearchRng::new(self.seed.unwrap_or(0));
        self.dims = dims;
    }

    fn ask(&mut self, n: usize) -> Vec<Vec<f64>> {
        (0..n)
            .map(|_| {
                let mut x = match self.sequence.as_mut() {
                    Some(s) => s.next_point(),
                    None => Vec::new(),
                };
                while x.len() < self.dims {
                    x.push(self.extra.uniform());
                }
                x
            })
            .collect()
    }

    fn tell(&mut self, _errors: &[f64]) {}
}

#[cfg(test)]
mod tests {
    use super::super::testfns::*;
    use super::*;

    #[test]
    fn random_search_gets_near_the_sphere_optimum_in_2_dims() {
        let (e, _) = minimise(&mut RandomSearch::new(1), sphere, 2, 100, 20);
        assert!(e < 0.1, "{e}");
        let a = trajectory(&mut RandomSearch::new(3), 2, 5, 3);
        assert_eq!(a, trajectory(&mut RandomSearch::new(3), 2, 5, 3));
    }

    #[test]
    fn sobol_search_covers_the_cube_better_than_chance() {
        let (e, _) = minimise(&mut SobolSearch::new(None), sphere, 2, 64, 16);
        assert!(e < 0.05, "{e}");
        let a = trajectory(&mut SobolSearch::new(Some(3)), 2, 5, 3);
        assert_eq!(a, trajectory(&mut SobolSearch::new(Some(3)), 2, 5, 3));
    }

    #[test]
    fn sobol_search_beyond_the_table_pads_with_random_coordinates() {
        let mut s = SobolSearch::new(Some(1));
        s.start(SOBOL_MAX_DIMENSIONS + 3);
        let xs = s.ask(4);
        assert!(xs.iter().all(|x| x.len() == SOBOL_MAX_DIMENSIONS + 3));
        assert!(s.name().contains("random"));
    }
}
