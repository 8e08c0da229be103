//! The implicit cable step: backward Euler on the linearised membrane current, solved in
//! O(compartments) on the tree.
//!
//! The linear system is Brian2's (`spatialstateupdate`): each compartment `k` obeys
//! `Cm (v_k - v_k^old)/dt = I0_k - gtot_k v_k + (1/area_k) sum_j g_kj (v_j - v_k)`;
//! neighbours in a section are coupled by `g = 1/(Ri (1/r_length_2[k-1] + 1/r_length_1[k]))`,
//! and each section end meets a junction node without capacitance through its half-compartment
//! conductance (`r_length_1[first]/Ri` at the start, `r_length_2[last]/Ri` at the end), where
//! the currents sum to zero (sealed ends where nothing is attached). Brian2 solves this by
//! domain decomposition (tridiagonal solves per section plus a system over the junctions);
//! we eliminate the same system directly on the tree (Hines' ordering: every node's parent
//! comes before it), which gives the same solution up to rounding.

use rheobase_morphology::FlatMorphology;

/// The tree of nodes (compartments and junctions) of one morphology, with the axial
/// conductances (siemens) of each node to its parent. It is read-only during a step, so the
/// cells of a group can be solved on several threads at once, each with its own
/// [`CableScratch`].
#[derive(Clone, Debug)]
pub struct CableTree {
    /// Parent node of each node (`usize::MAX` for the root), parents first.
    parent: Vec<usize>,
    /// Conductance between each node and its parent.
    g_parent: Vec<f64>,
    /// Sum of the conductances of each node to all its neighbours.
    g_sum: Vec<f64>,
    /// The compartment a node stands for (`None` for junctions).
    compartment: Vec<Option<usize>>,
    compartments: usize,
}

/// Working space for one solve on a [`CableTree`] (one per thread).
#[derive(Clone, Debug, Default)]
pub struct CableScratch {
    diag: Vec<f64>,
    rhs: Vec<f64>,
}

const ROOT: usize = usize::MAX;

impl CableTree {
    /// `ri` is the intracellular resistivity (ohm*meter).
    pub fn new(flat: &FlatMorphology, ri: f64) -> CableTree {
        let mut t = CableTree {
            parent: Vec::new(),
            g_parent: Vec::new(),
            g_sum: Vec::new(),
            compartment: Vec::new(),
            compartments: flat.len(),
        };
        // Junction at the start of the root section.
        t.push(ROOT, 0.0, None);
        let mut section_end = vec![0usize; flat.sections.len()];
        for (s, section) in flat.sections.iter().enumerate() {
            // Sections are listed parents first (depth-first order).
            let start_junction = section.parent.map_or(0, |p| section_end[p]);
            let range = section.compartments.clone();
            let mut previous = start_junction;
            for k in range.clone() {
                let g = if k == range.start {
                    flat.r_length_1[k] / ri
                } else {
                    1.0 / (ri * (1.0 / flat.r_length_2[k - 1] + 1.0 / flat.r_length_1[k]))
                };
                previous = t.push(previous, g, Some(k));
            }
            let last = range.end - 1;
            section_end[s] = t.push(previous, flat.r_length_2[last] / ri, None);
        }
        t
    }

    /// Working space for [`CableTree::step`].
    pub fn scratch(&self) -> CableScratch {
        CableScratch {
            diag: vec![0.0; self.parent.len()],
            rhs: vec![0.0; self.parent.len()],
        }
    }

    fn push(&mut self, parent: usize, g: f64, compartment: Option<usize>) -> usize {
        let node = self.parent.len();
        self.parent.push(parent);
        self.g_parent.push(g);
        self.g_sum.push(g);
        self.compartment.push(compartment);
        if parent != ROOT {
            self.g_sum[parent] += g;
        }
        node
    }

    pub fn compartments(&self) -> usize {
        self.compartments
    }

    /// One backward-Euler step for the compartments of one cell: `v` holds the old values on
    /// entry and the new ones on return. All slices have one value per compartment (SI).
    /// `scratch` comes from [`CableTree::scratch`] of this tree.
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &self,
        scratch: &mut CableScratch,
        v: &mut [f64],
        cm: &[f64],
        area: &[f64],
        gtot: &[f64],
        i0: &[f64],
        dt: f64,
    ) {
        let n = self.parent.len();
        let CableScratch { diag, rhs } = scratch;
        let inv_dt = 1.0 / dt;
        for node in 0..n {
            match self.compartment[node] {
                Some(k) => {
                    let c = cm[k] * inv_dt;
                    diag[node] = area[k] * (c + gtot[k]) + self.g_sum[node];
                    rhs[node] = area[k] * (c * v[k] + i0[k]);
                }
                None => {
                    diag[node] = self.g_sum[node];
                    rhs[node] = 0.0;
                }
            }
        }
        // Eliminate from the leaves up: row i is `diag_i v_i - g_i v_parent = rhs_i`. Each
        // row's pivot is final once its children are done, so `diag` keeps its reciprocal
        // (one division per node instead of two).
        for node in (1..n).rev() {
            let p = self.parent[node];
            let inv = 1.0 / diag[node];
            diag[node] = inv;
            let f = self.g_parent[node] * inv;
            diag[p] -= f * self.g_parent[node];
            rhs[p] += f * rhs[node];
        }
        rhs[0] /= diag[0];
        for node in 1..n {
            let p = self.parent[node];
            rhs[node] = (rhs[node] + self.g_parent[node] * rhs[p]) * diag[node];
        }
        for (compartment, x) in self.compartment.iter().zip(rhs.iter()) {
            if let Some(k) = *compartment {
                v[k] = *x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_morphology::{Extent, Morphology};

    /// A dense solve of the same system (compartments and junctions) for comparison.
    #[allow(clippy::needless_range_loop)]
    fn dense_step(
        tree: &CableTree,
        v: &[f64],
        cm: &[f64],
        area: &[f64],
        gtot: &[f64],
        i0: &[f64],
        dt: f64,
    ) -> Vec<f64> {
        let n = tree.parent.len();
        let mut a = vec![vec![0.0; n]; n];
        let mut b = vec![0.0; n];
        for node in 0..n {
            a[node][node] = tree.g_sum[node];
            if let Some(k) = tree.compartment[node] {
                a[node][node] += area[k] * (cm[k] / dt + gtot[k]);
                b[node] = area[k] * (cm[k] / dt * v[k] + i0[k]);
            }
            let p = tree.parent[node];
            if p != ROOT {
                a[node][p] -= tree.g_parent[node];
                a[p][node] -= tree.g_parent[node];
            }
        }
        // Gaussian elimination with partial pivoting.
        for col in 0..n {
            let pivot = (col..n)
                .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
                .unwrap();
            a.swap(col, pivot);
            b.swap(col, pivot);
            for row in col + 1..n {
                let f = a[row][col] / a[col][col];
                for c in col..n {
                    a[row][c] -= f * a[col][c];
                }
                b[row] -= f * b[col];
            }
        }
        let mut x = vec![0.0; n];
        for row in (0..n).rev() {
            let s: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
            x[row] = (b[row] - s) / a[row][row];
        }
        let mut out = vec![0.0; tree.compartments];
        for node in 0..n {
            if let Some(k) = tree.compartment[node] {
                out[k] = x[node];
            }
        }
        out
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // index loops read best in a dense solve
    fn tree_solve_matches_a_dense_solve() {
        let um = 1e-6;
        let mut m = Morphology::soma(20.0 * um).unwrap();
        m.add_child(
            "dend",
            Morphology::cylinder(2.0 * um, 3, Extent::Length(vec![60.0 * um])).unwrap(),
        )
        .unwrap();
        let cone = Morphology::section(
            vec![2.0 * um, 1.0 * um, 0.5 * um],
            2,
            Extent::Length(vec![20.0 * um]),
        )
        .unwrap();
        m.get_mut("dend").unwrap().add_child("L", cone).unwrap();
        m.get_mut("dend")
            .unwrap()
            .add_child(
                "R",
                Morphology::cylinder(1.0 * um, 2, Extent::Length(vec![30.0 * um])).unwrap(),
            )
            .unwrap();
        m.add_child(
            "axon",
            Morphology::cylinder(1.0 * um, 4, Extent::Length(vec![100.0 * um])).unwrap(),
        )
        .unwrap();
        let flat = m.flatten();
        let n = flat.len();
        let tree = CableTree::new(&flat, 1.5);
        let v0: Vec<f64> = (0..n).map(|k| -0.065 + 0.001 * k as f64).collect();
        let cm = vec![0.01; n];
        let gtot: Vec<f64> = (0..n).map(|k| 0.5 + 0.1 * k as f64).collect();
        let i0: Vec<f64> = (0..n).map(|k| 0.01 * (k as f64 - 3.0)).collect();
        let expected = dense_step(&tree, &v0, &cm, &flat.area, &gtot, &i0, 1e-4);
        let mut v = v0.clone();
        tree.step(
            &mut tree.scratch(),
            &mut v,
            &cm,
            &flat.area,
            &gtot,
            &i0,
            1e-4,
        );
        for k in 0..n {
            assert!(
                (v[k] - expected[k]).abs() < 1e-9,
                "compartment {k}: {} vs {}",
                v[k],
                expected[k]
            );
        }
    }
}
