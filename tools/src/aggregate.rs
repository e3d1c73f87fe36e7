//! `lighttouch aggregate`: unbiased per-bucket estimates from lighttouch
//! reports (or partial sums), grouped by (epoch, question, taxonomy
//! version, ε), with standard errors and 95% intervals.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use clap::Parser;
use lighttouch::privacy::{BucketEstimate, Sums};
use serde::Serialize;
use serde_json::{json, Value};

use crate::aggregate_input::{parse_report, parse_sums, GroupKey, SumsRow};

/// Estimate how often each answer occurs among lighttouch reports.
///
/// Reads reports (one JSON object per line, exactly as the browser sent
/// them) from the given files, or from standard input when none is given or
/// the file is `-`. Groups them by (epoch, question, taxonomy version, ε)
/// and prints, per bucket, the unbiased frequency estimate, its standard
/// error and a 95% confidence interval. Groups with fewer than --min-batch
/// reports are refused: no estimate is printed for them.
#[derive(Debug, Parser)]
#[command(name = "lighttouch aggregate")]
pub struct AggregateArgs {
    /// JSON-lines input files (`-` = standard input; none = standard input).
    pub files: Vec<PathBuf>,
    /// Input lines are partial sums (as printed by --emit-sums, or one row
    /// per bucket as the SQL GROUP BY in docs/privacy.md produces), not reports.
    #[arg(long)]
    pub sums: bool,
    /// Print the merged partial sums (JSON lines, one per group) instead of
    /// estimates; they merge exactly with other partial sums via --sums.
    #[arg(long)]
    pub emit_sums: bool,
    /// Print estimates as one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Smallest group that gets an estimate; smaller groups are refused.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub min_batch: u64,
}

/// Per-bucket accumulators of one group: (reports counted, ones).
type Buckets = Vec<Option<(u64, u64)>>;

/// Entry point: parses `args` (without the `aggregate` word) and runs.
pub fn main(args: Vec<String>) -> i32 {
    let args =
        AggregateArgs::parse_from(std::iter::once("lighttouch aggregate".to_string()).chain(args));
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match run(&args, &mut out) {
        Ok(refused) => {
            for r in refused {
                eprintln!("refused: {r}");
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// Runs the aggregation, writing results to `out`; returns the refusal
/// messages (also part of the output) so the caller can echo them on stderr.
pub fn run(args: &AggregateArgs, out: &mut dyn Write) -> Result<Vec<String>, String> {
    let mut groups: BTreeMap<GroupKey, Buckets> = BTreeMap::new();
    let inputs: Vec<PathBuf> = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    for path in &inputs {
        let reader: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(path).map_err(|e| format!("{}: {e}", path.display()))?)
        };
        read_lines(BufReader::new(reader), args.sums, &mut groups)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut finished = Vec::new();
    for (key, buckets) in groups {
        finished.push((key, finish(&key, buckets)?));
    }
    if args.emit_sums {
        for (key, sums) in &finished {
            let mut row = key_json(key);
            row["n"] = json!(sums.n);
            row["ones"] = json!(sums.ones);
            writeln!(out, "{row}").map_err(|e| e.to_string())?;
        }
        return Ok(Vec::new());
    }
    let mut refused = Vec::new();
    let mut reports = Vec::new();
    for (key, sums) in &finished {
        if sums.n < args.min_batch {
            let why = format!(
                "{} reports, fewer than --min-batch {}; no estimate given",
                sums.n, args.min_batch
            );
            refused.push(format!("{}: {why}", describe_key(key)));
            reports.push(GroupResult {
                key: *key,
                n: sums.n,
                estimates: None,
                refused: Some(why),
            });
        } else {
            let estimates = sums.estimate(key.epsilon()).map_err(|e| {
                format!(
                    "{}: field \"{}\": {}",
                    describe_key(key),
                    e.field,
                    e.message
                )
            })?;
            reports.push(GroupResult {
                key: *key,
                n: sums.n,
                estimates: Some(estimates),
                refused: None,
            });
        }
    }
    let text = if args.json {
        serde_json::to_string_pretty(
            &json!({ "groups": reports.iter().map(GroupResult::to_json).collect::<Vec<_>>() }),
        )
        .map_err(|e| e.to_string())?
            + "\n"
    } else {
        reports
            .iter()
            .map(GroupResult::to_table)
            .collect::<Vec<_>>()
            .join("\n")
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(refused)
}

fn read_lines(
    reader: impl BufRead,
    sums_input: bool,
    groups: &mut BTreeMap<GroupKey, Buckets>,
) -> Result<(), String> {
    for (i, line) in reader.lines().enumerate() {
        let no = i + 1;
        let line = line.map_err(|e| format!("line {no}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        if sums_input {
            let (key, row) = parse_sums(no, &line)?;
            let buckets = groups.entry(key).or_default();
            match row {
                SumsRow::Wide { n, ones } => {
                    check_width(no, &key, buckets, ones.len(), "ones")?;
                    for (b, c) in ones.into_iter().enumerate() {
                        add(buckets, b, n, c);
                    }
                }
                SumsRow::Long {
                    bucket,
                    buckets: width,
                    n,
                    ones,
                } => {
                    check_width(no, &key, buckets, width, "buckets")?;
                    if buckets.is_empty() {
                        buckets.resize(width, None);
                    }
                    add(buckets, bucket, n, ones)
                }
            }
        } else {
            let (key, bits) = parse_report(no, &line)?;
            let buckets = groups.entry(key).or_default();
            check_width(no, &key, buckets, bits.len(), "bits")?;
            for (b, bit) in bits.into_iter().enumerate() {
                add(buckets, b, 1, bit as u64);
            }
        }
    }
    Ok(())
}

fn check_width(
    line: usize,
    key: &GroupKey,
    buckets: &Buckets,
    width: usize,
    field: &str,
) -> Result<(), String> {
    if !buckets.is_empty() && buckets.len() != width {
        return Err(format!(
            "line {line}: field \"{field}\": {} buckets, but earlier lines of {} have {}",
            width,
            describe_key(key),
            buckets.len()
        ));
    }
    Ok(())
}

fn add(buckets: &mut Buckets, b: usize, n: u64, ones: u64) {
    if buckets.len() <= b {
        buckets.resize(b + 1, None);
    }
    let slot = buckets[b].get_or_insert((0, 0));
    slot.0 += n;
    slot.1 += ones;
}

/// Turns per-bucket accumulators into [`Sums`]: every bucket must be present
/// and count the same number of reports.
fn finish(key: &GroupKey, buckets: Buckets) -> Result<Sums, String> {
    let mut n = None;
    let mut ones = Vec::with_capacity(buckets.len());
    for (b, slot) in buckets.iter().enumerate() {
        let Some((bn, c)) = *slot else {
            return Err(format!("{}: bucket {b} has no sums row", describe_key(key)));
        };
        if *n.get_or_insert(bn) != bn {
            return Err(format!(
                "{}: bucket {b} counts n = {bn} reports, bucket 0 counts {}",
                describe_key(key),
                n.unwrap_or(0)
            ));
        }
        ones.push(c);
    }
    let sums = Sums {
        n: n.unwrap_or(0),
        ones,
    };
    sums.validate().map_err(|e| {
        format!(
            "{}: field \"{}\": {}",
            describe_key(key),
            e.field,
            e.message
        )
    })?;
    Ok(sums)
}

fn key_json(key: &GroupKey) -> Value {
    json!({
        "epoch": key.epoch,
        "question": key.question,
        "taxonomyVersion": key.taxonomy_version,
        "epsilon": key.epsilon(),
    })
}

fn describe_key(key: &GroupKey) -> String {
    format!(
        "group epoch {} / {} / taxonomy v{} / epsilon {}",
        key.epoch,
        key.question.label(),
        key.taxonomy_version,
        key.epsilon()
    )
}

#[derive(Debug, Serialize)]
struct GroupResult {
    #[serde(skip)]
    key: GroupKey,
    n: u64,
    estimates: Option<Vec<BucketEstimate>>,
    refused: Option<String>,
}

impl GroupResult {
    fn to_json(&self) -> Value {
        let mut v = key_json(&self.key);
        v["n"] = json!(self.n);
        match (&self.estimates, &self.refused) {
            (Some(est), _) => {
                v["status"] = json!("ok");
                v["buckets"] = est
                    .iter()
                    .enumerate()
                    .map(|(b, e)| {
                        json!({
                            "bucket": b,
                            "label": self.key.question.bucket_label(b),
                            "frequency": e.frequency,
                            "stdError": e.std_error,
                            "ciLow": e.ci_low,
                            "ciHigh": e.ci_high,
                            "count": e.count,
                        })
                    })
                    .collect();
            }
            (None, why) => {
                v["status"] = json!("refused");
                v["reason"] = json!(why);
            }
        }
        v
    }

    fn to_table(&self) -> String {
        let mut s = format!("{} (n = {})\n", describe_key(&self.key), self.n);
        match &self.estimates {
            None => s.push_str(&format!(
                "  REFUSED: {}\n",
                self.refused.as_deref().unwrap_or("too few reports")
            )),
            Some(est) => {
                s.push_str(&format!(
                    "  {:<14} {:>9} {:>9} {:>21} {:>11}\n",
                    "bucket", "estimate", "std.err", "95% interval", "est. count"
                ));
                for (b, e) in est.iter().enumerate() {
                    s.push_str(&format!(
                        "  {:<14} {:>9.4} {:>9.4} {:>21} {:>11.1}\n",
                        self.key.question.bucket_label(b),
                        e.frequency,
                        e.std_error,
                        format!("[{:.4}, {:.4}]", e.ci_low, e.ci_high),
                        e.count
                    ));
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate_simulate::{generate, SimulateArgs};

    fn args(files: Vec<PathBuf>) -> AggregateArgs {
        AggregateArgs {
            files,
            sums: false,
            emit_sums: false,
            json: false,
            min_batch: 100,
        }
    }

    fn sim(n: usize, question: &str, seed: u64) -> (Vec<u8>, Vec<f64>) {
        let mut out = Vec::new();
        let truth = generate(
            &SimulateArgs {
                n,
                buckets: 8,
                question: question.into(),
                epoch: 100,
                taxonomy_version: 2,
                epsilon: 1.0,
                zipf: 1.0,
                seed,
            },
            &mut out,
        )
        .unwrap();
        (out, truth)
    }

    fn write_temp(name: &str, data: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lighttouch-agg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, data).unwrap();
        path
    }

    fn run_to_string(a: &AggregateArgs) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let refused = run(a, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), refused)
    }

    #[test]
    fn estimates_cover_the_truth_and_small_groups_are_refused() {
        let (big, truth) = sim(5000, "topInterest", 1);
        let (small, _) = sim(50, "outcome:1", 2);
        let mut all = big.clone();
        all.extend_from_slice(&small);
        let path = write_temp("mixed.jsonl", &all);
        let mut a = args(vec![path]);
        a.json = true;
        let (text, refused) = run_to_string(&a);
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(
            refused[0].contains("50 reports, fewer than --min-batch 100"),
            "{}",
            refused[0]
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        let groups = v["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 2);
        let top = groups
            .iter()
            .find(|g| g["question"]["kind"] == "topInterest")
            .unwrap();
        assert_eq!(top["status"], "ok");
        assert_eq!(top["n"], 5000);
        for (b, t) in truth.iter().enumerate() {
            let e = &top["buckets"][b];
            let (lo, hi) = (e["ciLow"].as_f64().unwrap(), e["ciHigh"].as_f64().unwrap());
            // 4 standard errors wide of slack: a seeded, deterministic check.
            let se = e["stdError"].as_f64().unwrap();
            assert!(
                lo - 2.0 * se <= *t && *t <= hi + 2.0 * se,
                "bucket {b}: {t} vs [{lo}, {hi}]"
            );
        }
        let out = groups
            .iter()
            .find(|g| g["question"]["kind"] == "outcome")
            .unwrap();
        assert_eq!(out["status"], "refused");
        assert!(out.get("buckets").is_none());
        a.json = false;
        let (table, _) = run_to_string(&a);
        assert!(table.contains("REFUSED"), "{table}");
        assert!(table.contains("95% interval"), "{table}");
    }

    #[test]
    fn partial_sums_merge_exactly() {
        let (reports, _) = sim(3000, "interestLevel:3", 3);
        let text = String::from_utf8(reports.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let (first, second) = lines.split_at(1234);
        let p1 = write_temp("part1.jsonl", (first.join("\n") + "\n").as_bytes());
        let p2 = write_temp("part2.jsonl", (second.join("\n") + "\n").as_bytes());
        let all = write_temp("all.jsonl", &reports);

        let mut emit = args(vec![p1]);
        emit.emit_sums = true;
        let (s1, _) = run_to_string(&emit);
        emit.files = vec![p2];
        let (s2, _) = run_to_string(&emit);
        let s1p = write_temp("s1.jsonl", s1.as_bytes());
        let s2p = write_temp("s2.jsonl", s2.as_bytes());

        let mut direct = args(vec![all.clone()]);
        direct.json = true;
        let (want, _) = run_to_string(&direct);
        let mut merged = args(vec![s1p.clone(), s2p.clone()]);
        merged.sums = true;
        merged.json = true;
        let (got, _) = run_to_string(&merged);
        assert_eq!(
            got, want,
            "merged partial sums differ from direct aggregation"
        );

        // Merged sums re-emitted equal the direct sums.
        merged.json = false;
        merged.emit_sums = true;
        let (sums_merged, _) = run_to_string(&merged);
        emit.files = vec![all];
        let (sums_direct, _) = run_to_string(&emit);
        assert_eq!(sums_merged, sums_direct);
    }

    #[test]
    fn long_form_rows_from_sql_merge_like_wide_rows() {
        let key =
            r#""epoch":1,"question":{"kind":"outcome","arm":0},"taxonomyVersion":1,"epsilon":1.0"#;
        let long: String = [(0, 60), (1, 70), (2, 55), (3, 80)]
            .iter()
            .map(|(b, c)| {
                format!("{{{key},\"bucket\":{b},\"buckets\":4,\"n\":200,\"ones\":{c}}}\n")
            })
            .collect();
        let wide = format!("{{{key},\"n\":200,\"ones\":[60,70,55,80]}}\n");
        let mut a = args(vec![write_temp("long.jsonl", long.as_bytes())]);
        a.sums = true;
        a.emit_sums = true;
        let (from_long, _) = run_to_string(&a);
        a.files = vec![write_temp("wide.jsonl", wide.as_bytes())];
        let (from_wide, _) = run_to_string(&a);
        assert_eq!(from_long, from_wide);
        // A missing bucket row is an error naming the group and bucket.
        let partial: String = long.lines().take(3).map(|l| format!("{l}\n")).collect();
        a.files = vec![write_temp("partial.jsonl", partial.as_bytes())];
        let mut sink = Vec::new();
        let err = run(&a, &mut sink).unwrap_err();
        assert!(
            err.contains("outcome:0") && err.contains("bucket 3 has no sums row"),
            "{err}"
        );
    }

    #[test]
    fn bad_lines_are_reported_with_line_number_and_field() {
        let (reports, _) = sim(5, "topInterest", 4);
        let mut text = String::from_utf8(reports).unwrap();
        text.push_str(r#"{"schemaVersion":1,"epoch":100,"question":{"kind":"topInterest"},"taxonomyVersion":2,"bits":"0101","epsilon":1.0}"#);
        text.push('\n');
        let a = args(vec![write_temp("bad.jsonl", text.as_bytes())]);
        let mut sink = Vec::new();
        let err = run(&a, &mut sink).unwrap_err();
        assert!(
            err.contains("line 6: field \"bits\": 4 buckets, but earlier lines"),
            "{err}"
        );
        let a = args(vec![write_temp("bad2.jsonl", b"\n{\"epoch\":1}\n")]);
        let err = run(&a, &mut sink).unwrap_err();
        assert!(
            err.contains("line 2: field \"schemaVersion\": missing"),
            "{err}"
        );
    }
}
