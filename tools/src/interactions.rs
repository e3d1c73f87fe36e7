//! Reading interaction logs: CSV with header `user,item,timestamp[,weight]`
//! or JSON lines `{"user":..,"item":..,"timestamp":..,"weight":..}`.
//! Errors name the line and the field.

use std::path::Path;

/// One logged interaction of a user with an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Interaction {
    /// The user (any string; never leaves the builder).
    pub user: String,
    /// The item id, as in the site's catalogue.
    pub item: String,
    /// When it happened (any monotone unit, e.g. seconds or ms since the epoch).
    pub timestamp: f64,
    /// Strength of the interaction (default 1).
    pub weight: f64,
}

/// Reads a `.csv` or `.jsonl`/`.ndjson`/`.json` file of interactions.
pub fn read_interactions(path: &Path) -> Result<Vec<Interaction>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "jsonl" | "ndjson" | "json") {
        parse_jsonl(&text)
    } else {
        parse_csv(&text)
    }
}

/// Parses CSV text with header `user,item,timestamp[,weight]` (no quoting:
/// fields must not contain commas).
pub fn parse_csv(text: &str) -> Result<Vec<Interaction>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or("empty input: expected header user,item,timestamp[,weight]")?;
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    let has_weight = match columns.as_slice() {
        ["user", "item", "timestamp"] => false,
        ["user", "item", "timestamp", "weight"] => true,
        _ => {
            return Err(format!(
                "line 1: header must be user,item,timestamp[,weight], got {header:?}"
            ))
        }
    };
    let mut out = Vec::new();
    for (index, line) in lines {
        let n = index + 1;
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != columns.len() {
            return Err(format!(
                "line {n}: expected {} fields, got {}",
                columns.len(),
                fields.len()
            ));
        }
        let timestamp = parse_number(fields[2], n, "timestamp")?;
        let weight = if has_weight {
            parse_number(fields[3], n, "weight")?
        } else {
            1.0
        };
        out.push(check(
            Interaction {
                user: fields[0].into(),
                item: fields[1].into(),
                timestamp,
                weight,
            },
            n,
        )?);
    }
    Ok(out)
}

/// Parses JSON lines; `user` and `item` may be strings or numbers, `weight` is optional.
pub fn parse_jsonl(text: &str) -> Result<Vec<Interaction>, String> {
    let mut out = Vec::new();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let n = index + 1;
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("line {n}: invalid JSON: {e}"))?;
        let text_field = |name: &str| -> Result<String, String> {
            match value.get(name) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(serde_json::Value::Number(x)) => Ok(x.to_string()),
                _ => Err(format!(
                    "line {n}: field \"{name}\" must be a string or number"
                )),
            }
        };
        let number_field = |name: &str| -> Result<Option<f64>, String> {
            match value.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => v
                    .as_f64()
                    .map(Some)
                    .ok_or_else(|| format!("line {n}: field \"{name}\" must be a number")),
            }
        };
        let timestamp = number_field("timestamp")?
            .ok_or_else(|| format!("line {n}: field \"timestamp\" is missing"))?;
        let weight = number_field("weight")?.unwrap_or(1.0);
        out.push(check(
            Interaction {
                user: text_field("user")?,
                item: text_field("item")?,
                timestamp,
                weight,
            },
            n,
        )?);
    }
    Ok(out)
}

fn parse_number(field: &str, line: usize, name: &str) -> Result<f64, String> {
    field
        .parse::<f64>()
        .map_err(|_| format!("line {line}: field \"{name}\" must be a number, got {field:?}"))
}

fn check(interaction: Interaction, line: usize) -> Result<Interaction, String> {
    if interaction.user.is_empty() {
        return Err(format!("line {line}: field \"user\" is empty"));
    }
    if interaction.item.is_empty() {
        return Err(format!("line {line}: field \"item\" is empty"));
    }
    if !interaction.timestamp.is_finite() {
        return Err(format!("line {line}: field \"timestamp\" must be finite"));
    }
    if !(interaction.weight.is_finite() && interaction.weight > 0.0) {
        return Err(format!(
            "line {line}: field \"weight\" must be > 0, got {}",
            interaction.weight
        ));
    }
    Ok(interaction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_and_without_weight() {
        let rows = parse_csv("user,item,timestamp\nu1,a,10\nu2,b,11\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].weight, 1.0);
        let rows = parse_csv("user,item,timestamp,weight\nu1,a,10,2.5\n").unwrap();
        assert_eq!(rows[0].weight, 2.5);
    }

    #[test]
    fn csv_errors_name_line_and_field() {
        let err = parse_csv("user,item,timestamp\nu1,a,soon\n").unwrap_err();
        assert_eq!(
            err,
            "line 2: field \"timestamp\" must be a number, got \"soon\""
        );
        assert!(parse_csv("item,user,timestamp\n")
            .unwrap_err()
            .starts_with("line 1: header"));
        assert!(parse_csv("user,item,timestamp,weight\nu,a,1,0\n")
            .unwrap_err()
            .contains("weight"));
    }

    #[test]
    fn jsonl_accepts_numbers_as_ids() {
        let rows = parse_jsonl("{\"user\":7,\"item\":\"a\",\"timestamp\":3}\n").unwrap();
        assert_eq!(rows[0].user, "7");
        let err = parse_jsonl("{\"user\":7,\"item\":\"a\"}\n").unwrap_err();
        assert_eq!(err, "line 1: field \"timestamp\" is missing");
    }
}
