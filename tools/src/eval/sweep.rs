//! Model size per k and the quality cost of quantisation (leave-last-out test).

use super::data::{Dataset, Split};
use super::server;
use super::Tuned;
use lighttouch::model::{NeighbourModel, NeighbourTable, Quantisation};

/// Prints one line per (algorithm, k): bytes, bytes per item, NDCG@10 / HR@10
/// with unquantised f32 weights, u16 and u8.
pub fn print(data: &Dataset, test: &Split, tuned: &Tuned, seed: u64) {
    let n = data.item_ids.len();
    let counts = server::train_counts(test, &data.item_ids);
    let ease = server::ease_dense(&counts, tuned.lambda);
    println!("\nModel size and quantisation (leave-last-out test, full ranking; NDCG@10 / HR@10)");
    println!(
        "{:<9} {:>4} | {:>9} {:>8} | {:>9} {:>8} | {:>15} | {:>15} | {:>15}",
        "algorithm", "k", "u8 bytes", "B/item", "u16 bytes", "B/item", "f32", "u16", "u8"
    );
    for algorithm in ["itemknn", "ease"] {
        for k in [10u16, 20, 50, 100] {
            let table = match algorithm {
                "itemknn" => server::knn_table(&counts, tuned.shrinkage, k),
                _ => server::ease_table(&ease, n, k),
            };
            let quality = |t: &NeighbourTable| {
                let m = server::evaluate(test, n, seed, |_, h| server::score_table(t, n, h));
                format!("{:.4} / {:.4}", m.ndcg, m.hr)
            };
            let model =
                NeighbourModel::new(data.item_ids.clone(), vec![table.clone()]).expect("valid ids");
            let mut cells = Vec::new();
            let mut sizes = Vec::new();
            for q in [Quantisation::U16, Quantisation::U8] {
                let bytes = model.encode(q);
                let back = NeighbourModel::decode(&bytes).expect("fresh encoding decodes");
                sizes.push(bytes.len());
                cells.push(quality(&back.tables()[0]));
            }
            println!(
                "{:<9} {:>4} | {:>9} {:>8.1} | {:>9} {:>8.1} | {:>15} | {:>15} | {:>15}",
                algorithm,
                k,
                sizes[1],
                sizes[1] as f64 / n as f64,
                sizes[0],
                sizes[0] as f64 / n as f64,
                quality(&table),
                cells[0],
                cells[1]
            );
        }
    }
}
