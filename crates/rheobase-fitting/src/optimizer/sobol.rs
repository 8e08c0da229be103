//! Sobol' low-discrepancy points with Joe and Kuo's direction numbers (the `new-joe-kuo-6.21201`
//! table, S. Joe and F. Y. Kuo, SIAM J. Sci. Comput. 30, 2635-2654, 2008), generated in Gray
//! code order with 32-bit integers. The first dimension is the van der Corput sequence; the
//! table below covers the next 25, so up to [`SOBOL_MAX_DIMENSIONS`] dimensions.
//!
//! An optional random digital shift (XOR of each coordinate with a seeded random word) gives
//! a randomised sequence that keeps the net structure.

use super::rng::SearchRng;

/// `(s, a, m_1..m_s)` per dimension after the first: the degree of the primitive polynomial,
/// its coefficients as bits, and the initial direction numbers.
const JOE_KUO: [(u32, u32, &[u32]); 25] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
];

/// The most dimensions the built-in direction numbers cover.
pub const SOBOL_MAX_DIMENSIONS: usize = JOE_KUO.len() + 1;

const BITS: usize = 32;

/// A Sobol' sequence in `dims` dimensions.
#[derive(Clone, Debug)]
pub struct SobolSequence {
    directions: Vec<[u32; BITS]>,
    state: Vec<u32>,
    shift: Vec<u32>,
    index: u64,
}

impl SobolSequence {
    /// The plain sequence (first point is the origin), or `None` for more than
    /// [`SOBOL_MAX_DIMENSIONS`] dimensions.
    pub fn new(dims: usize) -> Option<SobolSequence> {
        if dims > SOBOL_MAX_DIMENSIONS {
            return None;
        }
        let mut directions = Vec::with_capacity(dims);
        for d in 0..dims {
            let mut v = [0u32; BITS];
            if d == 0 {
                for (k, vk) in v.iter_mut().enumerate() {
                    *vk = 1 << (BITS - 1 - k);
                }
            } else {
                let (s, a, m) = JOE_KUO[d - 1];
                let s = s as usize;
                for k in 0..s.min(BITS) {
                    v[k] = m[k] << (BITS - 1 - k);
                }
                for k in s..BITS {
                    let mut x = v[k - s] ^ (v[k - s] >> s);
                    for i in 1..s {
                        if (a >> (s - 1 - i)) & 1 == 1 {
                            x ^= v[k - i];
                        }
                    }
                    v[k] = x;
                }
            }
            directions.push(v);
        }
        Some(SobolSequence {
            directions,
            state: vec![0; dims],
            shift: vec![0; dims],
            index: 0,
        })
    }

    /// The sequence with a random digital shift drawn from `seed`.
    pub fn shifted(dims: usize, seed: u64) -> Option<SobolSequence> {
        let mut s = SobolSequence::new(dims)?;
        let mut rng = SearchRng::new(seed);
        s.shift = (0..dims).map(|_| (rng.next_u64() >> 32) as u32).collect();
        Some(s)
    }

    /// The next point, each coordinate in `[0, 1)`.
    pub fn next_point(&mut self) -> Vec<f64> {
        let scale = 1.0 / (1u64 << BITS) as f64;
        let point = self
            .state
            .iter()
            .zip(&self.shift)
            .map(|(&x, &s)| (x ^ s) as f64 * scale)
            .collect();
        // Gray code: the next state flips the direction of the lowest zero bit of the index.
        let c = (!self.index).trailing_zeros() as usize;
        if c < BITS {
            for (x, v) in self.state.iter_mut().zip(&self.directions) {
                *x ^= v[c];
            }
        }
        self.index += 1;
        point
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_the_published_sequence() {
        let mut s = SobolSequence::new(3).unwrap();
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for e in expected {
            assert_eq!(s.next_point(), e.to_vec());
        }
    }

    #[test]
    fn every_dimension_is_stratified() {
        // The first 2^m points put exactly one point in each interval [k/2^m, (k+1)/2^m) of
        // every coordinate, for all dimensions of the table.
        let dims = SOBOL_MAX_DIMENSIONS;
        let mut s = SobolSequence::new(dims).unwrap();
        let n = 256;
        let points: Vec<Vec<f64>> = (0..n).map(|_| s.next_point()).collect();
        for d in 0..dims {
            let mut seen = vec![false; n];
            for p in &points {
                let cell = (p[d] * n as f64) as usize;
                assert!(!seen[cell], "dimension {d} cell {cell} twice");
                seen[cell] = true;
            }
        }
    }

    #[test]
    fn pairs_of_dimensions_are_stratified_on_a_coarse_grid() {
        // A (t, m, s)-net with small t: 2^10 points fill each cell of a 4x4 grid equally.
        let mut s = SobolSequence::new(SOBOL_MAX_DIMENSIONS).unwrap();
        let points: Vec<Vec<f64>> = (0..1024).map(|_| s.next_point()).collect();
        for a in 0..SOBOL_MAX_DIMENSIONS {
            for b in a + 1..SOBOL_MAX_DIMENSIONS {
                let mut counts = [0usize; 16];
                for p in &points {
                    counts[(p[a] * 4.0) as usize * 4 + (p[b] * 4.0) as usize] += 1;
                }
                assert!(counts.iter().all(|&c| c == 64), "dims {a},{b}: {counts:?}");
            }
        }
    }

    #[test]
    fn shifted_sequence_keeps_stratification_and_depends_on_seed() {
        let mut a = SobolSequence::shifted(4, 1).unwrap();
        let mut b = SobolSequence::shifted(4, 2).unwrap();
        let pa: Vec<Vec<f64>> = (0..64).map(|_| a.next_point()).collect();
        let pb: Vec<Vec<f64>> = (0..64).map(|_| b.next_point()).collect();
        assert_ne!(pa, pb);
        for d in 0..4 {
            let mut cells: Vec<usize> = pa.iter().map(|p| (p[d] * 64.0) as usize).collect();
            cells.sort();
            assert_eq!(cells, (0..64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn too_many_dimensions_is_refused() {
        assert!(SobolSequence::new(SOBOL_MAX_DIMENSIONS + 1).is_none());
    }
}
