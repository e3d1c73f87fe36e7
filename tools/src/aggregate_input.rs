//! Parsing the aggregator's input lines — reports and partial sums — with
//! errors that name the line number and the field.

use std::collections::BTreeSet;

use lighttouch::privacy::{Payload, Question};
use serde_json::{Map, Value};

/// What identifies a group of reports that may be summed together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    /// Epoch index.
    pub epoch: i64,
    /// The question.
    pub question: Question,
    /// Taxonomy version.
    pub taxonomy_version: u32,
    /// ε, as its IEEE bits (so the key is totally ordered).
    pub epsilon_bits: u64,
}

impl GroupKey {
    /// ε as a number.
    pub fn epsilon(&self) -> f64 {
        f64::from_bits(self.epsilon_bits)
    }
}

/// One partial-sum row: either a whole vector (`ones` is an array) or one
/// bucket (`bucket` + `ones` a number).
#[derive(Debug, Clone, PartialEq)]
pub enum SumsRow {
    /// `{..., "n": N, "ones": [c0, c1, ...]}`
    Wide {
        /// Reports counted.
        n: u64,
        /// Ones per bucket.
        ones: Vec<u64>,
    },
    /// `{..., "bucket": b, "buckets": d, "n": N, "ones": c}` (one row per
    /// bucket, as a SQL `GROUP BY ..., bucket` produces).
    Long {
        /// Bucket index.
        bucket: usize,
        /// Number of buckets of the group (the bit-vector length).
        buckets: usize,
        /// Reports counted.
        n: u64,
        /// Ones in this bucket.
        ones: u64,
    },
}

/// An input error: `line 12: field "bits": ...`.
pub fn line_error(line: usize, field: &str, message: impl std::fmt::Display) -> String {
    format!("line {line}: field \"{field}\": {message}")
}

fn object(line: usize, text: &str) -> Result<Map<String, Value>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("line {line}: not valid JSON: {e}"))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(format!(
            "line {line}: expected a JSON object, got {}",
            kind_of(&other)
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_keys(
    line: usize,
    map: &Map<String, Value>,
    allowed: &[&str],
    required: &[&str],
    what: &str,
) -> Result<(), String> {
    let allowed: BTreeSet<&str> = allowed.iter().copied().collect();
    if let Some(k) = map.keys().find(|k| !allowed.contains(k.as_str())) {
        return Err(line_error(
            line,
            k,
            format!(
                "unknown field ({what} carries exactly {})",
                allowed.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if let Some(k) = required.iter().find(|k| !map.contains_key(**k)) {
        return Err(line_error(line, k, "missing"));
    }
    Ok(())
}

fn get<'a>(line: usize, map: &'a Map<String, Value>, field: &str) -> Result<&'a Value, String> {
    map.get(field)
        .ok_or_else(|| line_error(line, field, "missing"))
}

fn uint(line: usize, map: &Map<String, Value>, field: &str) -> Result<u64, String> {
    let v = get(line, map, field)?;
    v.as_u64().ok_or_else(|| {
        line_error(
            line,
            field,
            format!("must be a non-negative integer, got {v}"),
        )
    })
}

fn int(line: usize, map: &Map<String, Value>, field: &str) -> Result<i64, String> {
    let v = get(line, map, field)?;
    v.as_i64()
        .ok_or_else(|| line_error(line, field, format!("must be an integer, got {v}")))
}

fn key_of(line: usize, map: &Map<String, Value>) -> Result<GroupKey, String> {
    let epoch = int(line, map, "epoch")?;
    let question: Question = serde_json::from_value(get(line, map, "question")?.clone())
        .map_err(|e| line_error(line, "question", e))?;
    let taxonomy_version = u32::try_from(uint(line, map, "taxonomyVersion")?)
        .map_err(|_| line_error(line, "taxonomyVersion", "must fit in 32 bits"))?;
    let eps_value = get(line, map, "epsilon")?;
    let epsilon = eps_value.as_f64().ok_or_else(|| {
        line_error(
            line,
            "epsilon",
            format!("must be a number, got {eps_value}"),
        )
    })?;
    Ok(GroupKey {
        epoch,
        question,
        taxonomy_version,
        epsilon_bits: epsilon.to_bits(),
    })
}

const REPORT_FIELDS: [&str; 6] = [
    "schemaVersion",
    "epoch",
    "question",
    "taxonomyVersion",
    "bits",
    "epsilon",
];

/// Parses and validates one report line.
pub fn parse_report(line: usize, text: &str) -> Result<(GroupKey, Vec<bool>), String> {
    let map = object(line, text)?;
    check_keys(line, &map, &REPORT_FIELDS, &REPORT_FIELDS, "a report")?;
    let schema_version = u32::try_from(uint(line, &map, "schemaVersion")?)
        .map_err(|_| line_error(line, "schemaVersion", "must fit in 32 bits"))?;
    let key = key_of(line, &map)?;
    let bits_value = get(line, &map, "bits")?;
    let bits = bits_value.as_str().ok_or_else(|| {
        line_error(
            line,
            "bits",
            format!("must be a string of 0 and 1, got {bits_value}"),
        )
    })?;
    let payload = Payload {
        schema_version,
        epoch: key.epoch,
        question: key.question,
        taxonomy_version: key.taxonomy_version,
        bits: bits.to_string(),
        epsilon: key.epsilon(),
    };
    payload
        .validate()
        .map_err(|e| line_error(line, &e.field, e.message))?;
    Ok((key, payload.bit_vec()))
}

/// Parses one partial-sums line (wide or long form).
pub fn parse_sums(line: usize, text: &str) -> Result<(GroupKey, SumsRow), String> {
    let map = object(line, text)?;
    let fields = [
        "epoch",
        "question",
        "taxonomyVersion",
        "epsilon",
        "n",
        "ones",
        "bucket",
        "buckets",
    ];
    check_keys(line, &map, &fields, &fields[..6], "a sums row")?;
    let key = key_of(line, &map)?;
    if !(key.epsilon().is_finite() && key.epsilon() > 0.0) {
        return Err(line_error(
            line,
            "epsilon",
            format!("must be > 0, got {}", key.epsilon()),
        ));
    }
    let n = uint(line, &map, "n")?;
    let ones = get(line, &map, "ones")?;
    let check = |field: &str, c: u64| {
        if c > n {
            Err(line_error(line, field, format!("{c} ones exceed n = {n}")))
        } else {
            Ok(c)
        }
    };
    let row = if map.contains_key("bucket") {
        let buckets = uint(line, &map, "buckets")?;
        if !(1..=64).contains(&buckets) {
            return Err(line_error(
                line,
                "buckets",
                format!("must be 1 to 64, got {buckets}"),
            ));
        }
        let bucket = uint(line, &map, "bucket")?;
        if bucket >= buckets {
            return Err(line_error(
                line,
                "bucket",
                format!("must be < buckets ({buckets}), got {bucket}"),
            ));
        }
        let c = ones.as_u64().ok_or_else(|| {
            line_error(
                line,
                "ones",
                format!("with \"bucket\" it must be a non-negative integer, got {ones}"),
            )
        })?;
        SumsRow::Long {
            bucket: bucket as usize,
            buckets: buckets as usize,
            n,
            ones: check("ones", c)?,
        }
    } else {
        let arr = ones.as_array().ok_or_else(|| {
            line_error(
                line,
                "ones",
                format!("must be an array of counts, got {}", kind_of(ones)),
            )
        })?;
        if arr.is_empty() || arr.len() > 64 {
            return Err(line_error(
                line,
                "ones",
                format!("must hold 1 to 64 counts, got {}", arr.len()),
            ));
        }
        let mut counts = Vec::with_capacity(arr.len());
        for (i, v) in arr.iter().enumerate() {
            let field = format!("ones[{i}]");
            let c = v.as_u64().ok_or_else(|| {
                line_error(
                    line,
                    &field,
                    format!("must be a non-negative integer, got {v}"),
                )
            })?;
            counts.push(check(&field, c)?);
        }
        SumsRow::Wide { n, ones: counts }
    };
    Ok((key, row))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"schemaVersion":1,"epoch":5,"question":{"kind":"topInterest"},"taxonomyVersion":2,"bits":"0101","epsilon":1.0}"#;

    #[test]
    fn parses_a_report() {
        let (key, bits) = parse_report(1, GOOD).unwrap();
        assert_eq!(key.epoch, 5);
        assert_eq!(key.question, Question::TopInterest);
        assert_eq!(bits, vec![false, true, false, true]);
    }

    #[test]
    fn errors_name_line_and_field() {
        let cases = [
            (
                GOOD.replace("\"bits\":\"0101\"", "\"bits\":\"01x1\""),
                "field \"bits\"",
            ),
            (
                GOOD.replace("\"bits\":\"0101\"", "\"bits\":5"),
                "field \"bits\"",
            ),
            (
                GOOD.replace(",\"epsilon\":1.0", ""),
                "field \"epsilon\": missing",
            ),
            (
                GOOD.replace("\"epsilon\":1.0", "\"epsilon\":1.0,\"userId\":\"u1\""),
                "field \"userId\": unknown",
            ),
            (
                GOOD.replace("\"epoch\":5", "\"epoch\":\"5\""),
                "field \"epoch\"",
            ),
            (
                GOOD.replace("topInterest", "favourite"),
                "field \"question\"",
            ),
            (
                GOOD.replace("\"schemaVersion\":1", "\"schemaVersion\":9"),
                "field \"schemaVersion\"",
            ),
            (
                GOOD.replace("\"epsilon\":1.0", "\"epsilon\":-1"),
                "field \"epsilon\"",
            ),
            ("[1,2]".to_string(), "expected a JSON object"),
            ("{\"epoch\":".to_string(), "not valid JSON"),
        ];
        for (text, want) in cases {
            let e = parse_report(7, &text).unwrap_err();
            assert!(e.starts_with("line 7: "), "{e}");
            assert!(e.contains(want), "{e} lacks {want}");
        }
    }

    #[test]
    fn parses_wide_and_long_sums() {
        let wide = r#"{"epoch":5,"question":{"kind":"outcome","arm":1},"taxonomyVersion":2,"epsilon":1.0,"n":10,"ones":[1,2,3,4]}"#;
        let (_, row) = parse_sums(1, wide).unwrap();
        assert_eq!(
            row,
            SumsRow::Wide {
                n: 10,
                ones: vec![1, 2, 3, 4]
            }
        );
        let long = r#"{"epoch":5,"question":{"kind":"outcome","arm":1},"taxonomyVersion":2,"epsilon":1.0,"bucket":3,"buckets":4,"n":10,"ones":4}"#;
        let (_, row) = parse_sums(2, long).unwrap();
        assert_eq!(
            row,
            SumsRow::Long {
                bucket: 3,
                buckets: 4,
                n: 10,
                ones: 4
            }
        );
        let e = parse_sums(5, &long.replace(",\"buckets\":4", "")).unwrap_err();
        assert!(e.contains("line 5: field \"buckets\": missing"), "{e}");
        let e = parse_sums(3, &wide.replace("[1,2,3,4]", "[1,2,30,4]")).unwrap_err();
        assert!(e.contains("line 3: field \"ones[2]\""), "{e}");
        let e = parse_sums(4, &wide.replace("\"n\":10,", "")).unwrap_err();
        assert!(e.contains("field \"n\": missing"), "{e}");
    }
}
