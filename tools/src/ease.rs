//! EASE (Steck 2019): `B = I − P · diagMat(1 / diag(P))` with
//! `P = (XᵀX + λI)⁻¹`, then `B_ii = 0`. Scores are `x_u · B`, so row `i` of B
//! holds what history item `i` adds to every candidate. The inverse comes from
//! faer's Cholesky factorisation (XᵀX + λI is symmetric positive definite).

use crate::counts::CoCounts;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};

/// The dense `n × n` EASE matrix, row-major, as `f32`.
pub fn fit(counts: &CoCounts, lambda: f64) -> Result<Vec<f32>, String> {
    let n = counts.ids.len();
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(format!("--lambda must be > 0, got {lambda}"));
    }
    let mut gram = Mat::<f64>::zeros(n, n);
    for i in 0..n {
        gram[(i, i)] = counts.item[i] + lambda;
        for &(j, c) in &counts.pairs[i] {
            gram[(i, j as usize)] = c;
        }
    }
    let llt = gram.llt(Side::Lower).map_err(|e| {
        format!("EASE: the Gram matrix is not positive definite ({e:?}); raise --lambda")
    })?;
    let p = llt.inverse();
    let mut b = vec![0.0f32; n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                b[i * n + j] = (-p[(i, j)] / p[(j, j)]) as f32;
            }
        }
    }
    Ok(b)
}

/// Converts the dense matrix into one row of `(j, B_ij)` per item.
pub fn rows(b: &[f32], n: usize) -> Vec<Vec<(u32, f32)>> {
    (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j != i && b[i * n + j] != 0.0)
                .map(|j| (j as u32, b[i * n + j]))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ease_matches_the_two_item_closed_form() {
        // G = [[c+λ, p], [p, c+λ]] gives B_ab = p / (c + λ); an unrelated item gets 0.
        let counts = CoCounts::parse(
            "item_a,item_b,count\na,b,8\n",
            "item,count\na,10\nb,10\nc,5\n",
        )
        .unwrap();
        let b = fit(&counts, 2.0).unwrap();
        assert!((b[1] - 8.0 / 12.0).abs() < 1e-6, "{b:?}");
        assert!((b[3] - 8.0 / 12.0).abs() < 1e-6, "{b:?}");
        assert_eq!((b[0], b[2], b[5]), (0.0, 0.0, 0.0));
        assert!(fit(&counts, 0.0).is_err());
    }
}
