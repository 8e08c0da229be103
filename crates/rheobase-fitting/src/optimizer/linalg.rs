//! The little dense linear algebra CMA-ES needs: the eigendecomposition of a symmetric matrix
//! by cyclic Jacobi rotations (robust and plenty fast for the tens of dimensions of a fit).

/// A square matrix, row major.
pub type Matrix = Vec<Vec<f64>>;

pub fn identity(n: usize) -> Matrix {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// Eigenvalues and eigenvectors (as the columns of the returned matrix) of symmetric `a`.
pub fn symmetric_eigen(a: &Matrix) -> (Vec<f64>, Matrix) {
    let n = a.len();
    let mut m = a.clone();
    let mut v = identity(n);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i][j] * m[i][j])
            .sum();
        let scale: f64 = (0..n).map(|i| m[i][i] * m[i][i]).sum::<f64>().max(1e-300);
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if m[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (m[q][q] - m[p][p]) / (2.0 * m[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in m.iter_mut() {
                    let (mkp, mkq) = (row[p], row[q]);
                    row[p] = c * mkp - s * mkq;
                    row[q] = s * mkp + c * mkq;
                }
                let (row_p, row_q) = (m[p].clone(), m[q].clone());
                for k in 0..n {
                    m[p][k] = c * row_p[k] - s * row_q[k];
                    m[q][k] = s * row_p[k] + c * row_q[k];
                }
                for row in v.iter_mut() {
                    let vkp = row[p];
                    let vkq = row[q];
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| m[i][i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconstructs_a_symmetric_matrix() {
        let a = vec![
            vec![4.0, 1.0, 0.5],
            vec![1.0, 3.0, -0.2],
            vec![0.5, -0.2, 2.0],
        ];
        let (w, v) = symmetric_eigen(&a);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3).map(|k| v[i][k] * w[k] * v[j][k]).sum();
                assert!((r - a[i][j]).abs() < 1e-10, "{i} {j}: {r}");
            }
        }
        // Eigenvectors are orthonormal.
        for p in 0..3 {
            for q in 0..3 {
                let d: f64 = (0..3).map(|k| v[k][p] * v[k][q]).sum();
                assert!((d - if p == q { 1.0 } else { 0.0 }).abs() < 1e-10);
            }
        }
        let mut sorted = w.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((sorted.iter().sum::<f64>() - 9.0).abs() < 1e-10);
    }
}
