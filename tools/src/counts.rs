//! Item counts and item-pair co-occurrence counts: the sufficient statistics
//! of ItemKNN and EASE. Computed here from raw logs (one process), or read
//! from files that any SQL engine produces with one self-join (see
//! docs/ranking.md), so that a site whose logs do not fit one machine can
//! still build the model.

use crate::interactions::Interaction;
use crate::progress::Progress;
use std::collections::HashMap;
use std::path::Path;

/// Co-occurrence statistics over a fixed, sorted item id table.
#[derive(Debug, Clone, PartialEq)]
pub struct CoCounts {
    /// Item ids, sorted (byte order): index `i` everywhere refers to `ids[i]`.
    pub ids: Vec<String>,
    /// Σ over users of weight² (= number of users for unweighted logs).
    pub item: Vec<f64>,
    /// Row `i`: `(j, Σ_u w_ui·w_uj)` for every `j ≠ i` seen with `i`, sorted by `j`.
    pub pairs: Vec<Vec<(u32, f64)>>,
}

impl CoCounts {
    /// Counts from raw interactions: each (user, item) counts once, with its
    /// largest weight. Progress goes to stderr unless `quiet`.
    pub fn from_interactions(rows: &[Interaction], quiet: bool) -> CoCounts {
        let mut ids: Vec<String> = rows.iter().map(|r| r.item.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        let index: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        let mut baskets: HashMap<&str, HashMap<u32, f64>> = HashMap::new();
        for r in rows {
            let slot = baskets
                .entry(r.user.as_str())
                .or_default()
                .entry(index[r.item.as_str()])
                .or_insert(0.0);
            *slot = slot.max(r.weight);
        }
        let mut users: Vec<(&str, Vec<(u32, f64)>)> = baskets
            .into_iter()
            .map(|(u, items)| {
                let mut v: Vec<(u32, f64)> = items.into_iter().collect();
                v.sort_by_key(|&(i, _)| i);
                (u, v)
            })
            .collect();
        users.sort_by(|a, b| a.0.cmp(b.0));
        let baskets: Vec<Vec<(u32, f64)>> = users.into_iter().map(|(_, v)| v).collect();
        let mut progress = Progress::new("co-occurrence counts", ids.len(), quiet);
        CoCounts::from_baskets(ids, &baskets, &mut progress)
    }

    /// Counts from per-user baskets of distinct `(item index, weight)`.
    pub fn from_baskets(
        ids: Vec<String>,
        baskets: &[Vec<(u32, f64)>],
        progress: &mut Progress,
    ) -> CoCounts {
        let n = ids.len();
        let mut users_of: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        let mut item = vec![0.0; n];
        for (u, basket) in baskets.iter().enumerate() {
            for &(i, w) in basket {
                users_of[i as usize].push((u as u32, w));
                item[i as usize] += w * w;
            }
        }
        let mut scratch = vec![0.0f64; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut pairs = Vec::with_capacity(n);
        for (a, users) in users_of.iter().enumerate() {
            progress.tick(a);
            for &(u, wa) in users {
                for &(b, wb) in &baskets[u as usize] {
                    if b as usize != a {
                        if scratch[b as usize] == 0.0 {
                            touched.push(b);
                        }
                        scratch[b as usize] += wa * wb;
                    }
                }
            }
            touched.sort_unstable();
            pairs.push(touched.iter().map(|&b| (b, scratch[b as usize])).collect());
            for &b in &touched {
                scratch[b as usize] = 0.0;
            }
            touched.clear();
        }
        progress.tick(n);
        CoCounts { ids, item, pairs }
    }

    /// Reads `item,count` and `item_a,item_b,count` CSV files. Each unordered
    /// pair appears once (either orientation); every item of a pair must be
    /// listed in the item counts.
    pub fn read(pairs_path: &Path, items_path: &Path) -> Result<CoCounts, String> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        CoCounts::parse(&read(pairs_path)?, &read(items_path)?)
    }

    /// Parses the two count files' text (see [`CoCounts::read`]).
    pub fn parse(pairs_text: &str, items_text: &str) -> Result<CoCounts, String> {
        let mut items: Vec<(String, f64)> = Vec::new();
        for (n, fields) in csv_rows(items_text, &["item", "count"], "item counts")? {
            let count = positive(fields[1], n, "count", "item counts")?;
            items.push((fields[0].to_string(), count));
        }
        items.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(pair) = items.windows(2).find(|p| p[0].0 == p[1].0) {
            return Err(format!("item counts: item {:?} is listed twice", pair[0].0));
        }
        let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
        let item: Vec<f64> = items.iter().map(|&(_, c)| c).collect();
        let index: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
        let mut pairs: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ids.len()];
        for (n, fields) in csv_rows(pairs_text, &["item_a", "item_b", "count"], "pair counts")? {
            let lookup = |k: usize, name: &str| {
                index.get(fields[k]).copied().ok_or_else(|| {
                    format!("pair counts line {n}: field \"{name}\": item {:?} is not in the item counts", fields[k])
                })
            };
            let (a, b) = (lookup(0, "item_a")?, lookup(1, "item_b")?);
            if a == b {
                return Err(format!(
                    "pair counts line {n}: item_a and item_b are both {:?}",
                    fields[0]
                ));
            }
            let count = positive(fields[2], n, "count", "pair counts")?;
            if let Some(first) = seen.insert((a.min(b), a.max(b)), n) {
                return Err(format!(
                    "pair counts line {n}: the pair ({:?}, {:?}) was already given on line {first}; list each unordered pair once",
                    fields[0], fields[1]
                ));
            }
            pairs[a as usize].push((b, count));
            pairs[b as usize].push((a, count));
        }
        for row in &mut pairs {
            row.sort_by_key(|&(j, _)| j);
        }
        Ok(CoCounts { ids, item, pairs })
    }
}

type Row<'a> = (usize, Vec<&'a str>);

fn csv_rows<'a>(text: &'a str, header: &[&str], what: &str) -> Result<Vec<Row<'a>>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines.next().ok_or_else(|| format!("{what}: empty file"))?;
    let got: Vec<&str> = first.split(',').map(str::trim).collect();
    if got != header {
        return Err(format!(
            "{what} line 1: header must be {}, got {first:?}",
            header.join(",")
        ));
    }
    lines
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            if fields.len() != header.len() {
                return Err(format!(
                    "{what} line {}: expected {} fields, got {}",
                    i + 1,
                    header.len(),
                    fields.len()
                ));
            }
            Ok((i + 1, fields))
        })
        .collect()
}

fn positive(field: &str, line: usize, name: &str, what: &str) -> Result<f64, String> {
    match field.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!(
            "{what} line {line}: field \"{name}\" must be a number > 0, got {field:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactions::parse_csv;

    #[test]
    fn raw_logs_and_count_files_agree() {
        let raw =
            parse_csv("user,item,timestamp\nu1,a,1\nu1,b,2\nu2,a,1\nu2,b,3\nu2,c,4\nu1,a,5\n")
                .unwrap();
        let from_raw = CoCounts::from_interactions(&raw, true);
        let from_files = CoCounts::parse(
            "item_a,item_b,count\na,b,2\nc,a,1\nb,c,1\n",
            "item,count\nc,1\nb,2\na,2\n",
        )
        .unwrap();
        assert_eq!(from_raw, from_files);
        assert_eq!(from_raw.pairs[0], vec![(1, 2.0), (2, 1.0)]);
    }

    #[test]
    fn count_file_errors_name_line_and_field() {
        let err = CoCounts::parse("item_a,item_b,count\na,z,2\n", "item,count\na,1\n").unwrap_err();
        assert_eq!(
            err,
            "pair counts line 2: field \"item_b\": item \"z\" is not in the item counts"
        );
        let err = CoCounts::parse(
            "item_a,item_b,count\na,b,2\nb,a,2\n",
            "item,count\na,1\nb,1\n",
        )
        .unwrap_err();
        assert!(err.contains("line 3") && err.contains("line 2"), "{err}");
        let err = CoCounts::parse("item_a,item_b,count\n", "item,count\na,-1\n").unwrap_err();
        assert!(err.contains("\"count\""), "{err}");
    }
}
