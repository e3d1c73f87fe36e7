//! MovieLens 100K as shipped in the recbole wheel (`ml-100k.inter`,
//! `ml-100k.item`, tab-separated with typed headers) and the two splits:
//! leave-last-out per user, and a global temporal cut.

use std::path::Path;

/// One rating event, as an implicit interaction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Item index (position in [`Dataset::item_ids`]).
    pub item: u32,
    /// Seconds since the epoch.
    pub ts: f64,
    /// The 1–5 star rating (unused by the models: all interactions are implicit).
    pub rating: f32,
}

/// Items and per-user time-ordered sequences.
#[derive(Debug, Clone)]
#[allow(dead_code)] // titles and genres feed the on-device catalogue (device.rs)
pub struct Dataset {
    /// Item ids sorted as strings (the same order the builder uses).
    pub item_ids: Vec<String>,
    /// Title per item.
    pub titles: Vec<String>,
    /// Genres per item (the catalogue categories on device).
    pub genres: Vec<Vec<String>>,
    /// Release year per item, when known.
    pub years: Vec<Option<u32>>,
    /// Each user's events sorted by (timestamp, numeric item id).
    pub users: Vec<Vec<Event>>,
}

/// A train/target split: per user, the training history and the held-out item.
#[derive(Debug, Clone)]
pub struct Split {
    /// Short label.
    pub name: String,
    /// Per user, training events in time order.
    pub train: Vec<Vec<Event>>,
    /// Per user, the held-out next event (None: user not evaluated).
    pub target: Vec<Option<Event>>,
}

impl Split {
    /// Users that are evaluated.
    pub fn evaluated(&self) -> usize {
        self.target.iter().filter(|t| t.is_some()).count()
    }
}

/// Loads the two files from `dir`.
pub fn load(dir: &Path) -> Result<Dataset, String> {
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p).map_err(|e| {
            format!(
                "cannot read {} ({e}); run scripts/fetch-movielens.sh first",
                p.display()
            )
        })
    };
    let items_text = read("ml-100k.item")?;
    let inter_text = read("ml-100k.inter")?;
    let mut items: Vec<(String, String, Option<u32>, Vec<String>)> = Vec::new();
    for (n, line) in items_text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 {
            return Err(format!("ml-100k.item line {}: expected 4 fields", n + 1));
        }
        let genres = f[3]
            .split(' ')
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect();
        items.push((
            f[0].to_string(),
            f[1].to_string(),
            f[2].parse().ok(),
            genres,
        ));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let item_ids: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
    let index: std::collections::HashMap<&str, u32> = item_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32))
        .collect();
    let mut users: std::collections::BTreeMap<u64, Vec<Event>> = Default::default();
    for (n, line) in inter_text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |field: &str| format!("ml-100k.inter line {}: bad field {field}", n + 1);
        if f.len() < 4 {
            return Err(bad("count"));
        }
        let user: u64 = f[0].parse().map_err(|_| bad("user_id"))?;
        let item = *index.get(f[1]).ok_or_else(|| bad("item_id"))?;
        let rating: f32 = f[2].parse().map_err(|_| bad("rating"))?;
        let ts: f64 = f[3].parse().map_err(|_| bad("timestamp"))?;
        users
            .entry(user)
            .or_default()
            .push(Event { item, ts, rating });
    }
    let numeric: Vec<u64> = item_ids
        .iter()
        .map(|id| id.parse().unwrap_or(u64::MAX))
        .collect();
    let users = users
        .into_values()
        .map(|mut seq| {
            seq.sort_by(|a, b| {
                a.ts.total_cmp(&b.ts)
                    .then(numeric[a.item as usize].cmp(&numeric[b.item as usize]))
            });
            seq
        })
        .collect();
    Ok(Dataset {
        titles: items.iter().map(|i| i.1.clone()).collect(),
        years: items.iter().map(|i| i.2).collect(),
        genres: items.into_iter().map(|i| i.3).collect(),
        item_ids,
        users,
    })
}

/// Leave-last-out: `holdout = 1` holds out the last event (test), `2` the
/// second-last (validation, with the last dropped entirely).
pub fn leave_out(data: &Dataset, holdout: usize, name: &str) -> Split {
    let mut train = Vec::new();
    let mut target = Vec::new();
    for seq in &data.users {
        if seq.len() > holdout {
            let cut = seq.len() - holdout;
            train.push(seq[..cut].to_vec());
            target.push(Some(seq[cut]));
        } else {
            train.push(seq.clone());
            target.push(None);
        }
    }
    Split {
        name: name.to_string(),
        train,
        target,
    }
}

/// Global temporal cut at the `quantile` of all timestamps: everything before
/// it is training data (for every user); each user's first event at or after
/// it is the target. Users without training events or without a later event
/// are not evaluated.
pub fn temporal(data: &Dataset, quantile: f64, name: &str) -> Split {
    let mut all: Vec<f64> = data.users.iter().flatten().map(|e| e.ts).collect();
    all.sort_by(f64::total_cmp);
    let cut = all[((all.len() as f64 * quantile) as usize).min(all.len() - 1)];
    let mut train = Vec::new();
    let mut target = Vec::new();
    for seq in &data.users {
        let before: Vec<Event> = seq.iter().copied().filter(|e| e.ts < cut).collect();
        let next = seq.iter().copied().find(|e| e.ts >= cut);
        target.push(if before.is_empty() { None } else { next });
        train.push(before);
    }
    Split {
        name: name.to_string(),
        train,
        target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, inter: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("ml-100k.item"),
            "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n\
             1\tA\t1995\tDrama\n2\tB\t1995\tComedy Drama\n10\tC\t\tHorror\n",
        )
        .unwrap();
        std::fs::write(dir.join("ml-100k.inter"), inter).unwrap();
    }

    fn dataset(name: &str) -> Dataset {
        let dir =
            std::env::temp_dir().join(format!("lighttouch-eval-{name}-{}", std::process::id()));
        // u1: ties at t=5 between items 10 and 2 -> numeric order puts 2 first.
        write(
            &dir,
            "user_id:token\titem_id:token\trating:float\ttimestamp:float\n\
             1\t10\t4\t5\n1\t2\t3\t5\n1\t1\t5\t1\n2\t1\t2\t7\n2\t10\t1\t9\n",
        );
        load(&dir).unwrap()
    }

    #[test]
    fn users_are_sorted_by_time_then_numeric_item_id() {
        let d = dataset("sorted");
        assert_eq!(d.item_ids, ["1", "10", "2"]);
        let ids: Vec<&str> = d.users[0]
            .iter()
            .map(|e| d.item_ids[e.item as usize].as_str())
            .collect();
        assert_eq!(ids, ["1", "2", "10"]);
        assert_eq!(d.genres[2], ["Comedy", "Drama"]);
    }

    #[test]
    fn leave_last_out_and_temporal_splits() {
        let d = dataset("splits");
        let test = leave_out(&d, 1, "t");
        assert_eq!(test.train[0].len(), 2);
        assert_eq!(d.item_ids[test.target[0].unwrap().item as usize], "10");
        let val = leave_out(&d, 2, "v");
        assert_eq!(val.train[0].len(), 1);
        assert_eq!(d.item_ids[val.target[0].unwrap().item as usize], "2");
        assert!(val.target[1].is_none(), "user 2 has only two events");
        // Timestamps 1,5,5,7,9: the 60 % quantile is 7.
        let cut = temporal(&d, 0.6, "c");
        assert!(cut.target[0].is_none(), "user 1 has nothing after the cut");
        assert_eq!(cut.train[1].len(), 0);
        assert!(
            cut.target[1].is_none(),
            "user 2 has no training event before the cut"
        );
        let cut = temporal(&d, 0.2, "c");
        assert_eq!(cut.train[0].len(), 1);
        assert_eq!(d.item_ids[cut.target[0].unwrap().item as usize], "2");
        assert_eq!(cut.evaluated(), 1);
    }
}
