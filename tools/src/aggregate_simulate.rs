//! `lighttouch simulate-reports`: synthetic reports from a Zipf population,
//! randomised with the real mechanism, to try `lighttouch aggregate` and to
//! test it. The true frequencies go to standard error.

use std::io::{self, Write};

use clap::Parser;
use lighttouch::privacy::random::{seeded_rng, uniform_f64};
use lighttouch::privacy::{Oue, Payload, Question, SCHEMA_VERSION};
use rand_core::RngCore;

/// Print synthetic lighttouch reports (JSON lines) for a population whose
/// true answers follow a Zipf distribution over the buckets.
#[derive(Debug, Parser)]
#[command(name = "lighttouch simulate-reports")]
pub struct SimulateArgs {
    /// Number of reports.
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Number of buckets: the taxonomy size for topInterest; 4 otherwise.
    #[arg(long, default_value_t = 16)]
    pub buckets: usize,
    /// Question: topInterest, interestLevel:<category> or outcome:<arm>.
    #[arg(long, default_value = "topInterest")]
    pub question: String,
    /// Epoch index written in every report.
    #[arg(long, default_value_t = 2931)]
    pub epoch: i64,
    /// Taxonomy version written in every report.
    #[arg(long, default_value_t = 1)]
    pub taxonomy_version: u32,
    /// ε of every report.
    #[arg(long, default_value_t = 1.0)]
    pub epsilon: f64,
    /// Zipf exponent of the true answers (0 = uniform).
    #[arg(long, default_value_t = 1.0)]
    pub zipf: f64,
    /// Random seed (the output is reproducible).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Parses `topInterest`, `interestLevel:3`, `outcome:1`.
pub fn parse_question(text: &str) -> Result<Question, String> {
    let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
    let num = |what: &str| {
        arg.parse::<u8>()
            .map_err(|_| format!("--question {text}: {what} must be a number 0-255 after ':'"))
    };
    match kind {
        "topInterest" if arg.is_empty() => Ok(Question::TopInterest),
        "interestLevel" => Ok(Question::InterestLevel { category: num("category")? }),
        "outcome" => Ok(Question::Outcome { arm: num("arm")? }),
        _ => Err(format!(
            "--question must be topInterest, interestLevel:<category> or outcome:<arm>, got {text:?}"
        )),
    }
}

/// Zipf(s) probabilities over `d` buckets.
pub fn zipf(d: usize, s: f64) -> Vec<f64> {
    let w: Vec<f64> = (1..=d).map(|r| (r as f64).powf(-s)).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

/// Draws an index from probabilities `probs`.
pub fn draw(probs: &[f64], rng: &mut dyn RngCore) -> usize {
    let mut u = uniform_f64(rng);
    for (i, p) in probs.iter().enumerate() {
        if u < *p {
            return i;
        }
        u -= p;
    }
    probs.len() - 1
}

/// Generates the reports as JSON lines.
pub fn generate(args: &SimulateArgs, out: &mut dyn Write) -> Result<Vec<f64>, String> {
    let question = parse_question(&args.question)?;
    let d = question.buckets(args.buckets);
    let oue = Oue::new(d, args.epsilon).map_err(|e| format!("--{}: {}", e.field, e.message))?;
    let probs = zipf(d, args.zipf);
    let mut rng = seeded_rng(args.seed);
    let mut truth = vec![0.0; d];
    for _ in 0..args.n {
        let v = draw(&probs, &mut rng);
        truth[v] += 1.0 / args.n as f64;
        let bits = oue.randomize(v, &mut rng).map_err(|e| e.to_string())?;
        let p = Payload {
            schema_version: SCHEMA_VERSION,
            epoch: args.epoch,
            question,
            taxonomy_version: args.taxonomy_version,
            bits: Payload::encode_bits(&bits),
            epsilon: args.epsilon,
        };
        let line = serde_json::to_string(&p).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(truth)
}

/// Entry point (arguments without the command word).
pub fn main(args: Vec<String>) -> i32 {
    let args = SimulateArgs::parse_from(
        std::iter::once("lighttouch simulate-reports".to_string()).chain(args),
    );
    let stdout = io::stdout();
    match generate(&args, &mut stdout.lock()) {
        Ok(truth) => {
            let shown: Vec<String> = truth.iter().map(|f| format!("{f:.4}")).collect();
            eprintln!("true frequencies: [{}]", shown.join(", "));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
