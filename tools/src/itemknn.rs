//! ItemKNN: cosine similarity with shrinkage,
//! `sim(i, j) = c_ij / (sqrt(c_i) · sqrt(c_j) + shrinkage)`.

use crate::counts::CoCounts;

/// One row of similarities per item (unsorted, self excluded, only co-occurring pairs).
pub fn similarity_rows(counts: &CoCounts, shrinkage: f64) -> Vec<Vec<(u32, f32)>> {
    let norms: Vec<f64> = counts.item.iter().map(|c| c.sqrt()).collect();
    counts
        .pairs
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .map(|&(j, c)| (j, (c / (norms[i] * norms[j as usize] + shrinkage)) as f32))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_with_shrinkage() {
        let counts =
            CoCounts::parse("item_a,item_b,count\na,b,2\n", "item,count\na,4\nb,1\n").unwrap();
        let rows = similarity_rows(&counts, 0.0);
        assert_eq!(rows[0], vec![(1, 1.0)]);
        let rows = similarity_rows(&counts, 2.0);
        assert_eq!(rows[1], vec![(0, 0.5)]);
    }
}
