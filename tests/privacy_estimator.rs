//! The OUE frequency estimator on simulated populations: unbiasedness
//! (uniform and Zipf), 95% interval coverage, and the error at 1,000 and
//! 10,000 reports. Every report goes through the real mechanism.

use lighttouch::privacy::estimator::theoretical_std_error;
use lighttouch::privacy::random::{seeded_rng, uniform_f64};
use lighttouch::privacy::{Oue, Sums};
use rand_core::RngCore;

/// Cumulative distribution of Zipf(s = 1) over `d` buckets.
fn zipf_cdf(d: usize) -> Vec<f64> {
    let w: Vec<f64> = (1..=d).map(|r| 1.0 / r as f64).collect();
    let total: f64 = w.iter().sum();
    w.iter()
        .scan(0.0, |acc, x| {
            *acc += x / total;
            Some(*acc)
        })
        .collect()
}

fn draw(cdf: &[f64], rng: &mut dyn RngCore) -> usize {
    let u = uniform_f64(rng);
    cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1)
}

/// One batch: `n` visitors with true values from `cdf`, randomised at ε.
/// Returns the sums and the true fraction per bucket.
fn batch(cdf: &[f64], n: usize, eps: f64, rng: &mut dyn RngCore) -> (Sums, Vec<f64>) {
    let d = cdf.len();
    let oue = Oue::new(d, eps).unwrap();
    let mut sums = Sums::new(d);
    let mut truth = vec![0.0; d];
    for _ in 0..n {
        let v = draw(cdf, rng);
        truth[v] += 1.0 / n as f64;
        sums.add_bits(&oue.randomize(v, rng).unwrap()).unwrap();
    }
    (sums, truth)
}

fn uniform_cdf(d: usize) -> Vec<f64> {
    (1..=d).map(|i| i as f64 / d as f64).collect()
}

/// Mean error over many batches stays within 4 standard errors of the mean.
fn assert_unbiased(name: &str, cdf: &[f64], seed: u64) {
    let (d, n, trials, eps) = (cdf.len(), 5_000, 40, 1.0);
    let mut rng = seeded_rng(seed);
    let mut mean_err = vec![0.0; d];
    for _ in 0..trials {
        let (sums, truth) = batch(cdf, n, eps, &mut rng);
        for (b, e) in sums.estimate(eps).unwrap().iter().enumerate() {
            mean_err[b] += (e.frequency - truth[b]) / trials as f64;
        }
    }
    let se_of_mean = theoretical_std_error(n as u64, eps) / (trials as f64).sqrt();
    let worst = mean_err.iter().fold(0f64, |m, e| m.max(e.abs()));
    println!("{name}: worst |mean error| = {worst:.5}, SE of the mean ≈ {se_of_mean:.5}");
    // A biased estimator (e.g. forgetting to subtract q) is off by ≥ 0.1 here.
    assert!(worst < 4.5 * se_of_mean, "{name}: bias {mean_err:?}");
}

#[test]
fn unbiased_on_a_uniform_population() {
    assert_unbiased("uniform d=8", &uniform_cdf(8), 11);
}

#[test]
fn unbiased_on_a_zipf_population() {
    assert_unbiased("zipf d=8", &zipf_cdf(8), 12);
}

#[test]
fn ninety_five_percent_intervals_cover_about_95_percent() {
    let (d, n, trials, eps) = (8, 1_000, 400, 1.0);
    let cdf = zipf_cdf(d);
    let mut rng = seeded_rng(13);
    let mut covered = vec![0u32; d];
    for _ in 0..trials {
        let (sums, truth) = batch(&cdf, n, eps, &mut rng);
        for (b, e) in sums.estimate(eps).unwrap().iter().enumerate() {
            covered[b] += (e.ci_low <= truth[b] && truth[b] <= e.ci_high) as u32;
        }
    }
    let pooled = covered.iter().sum::<u32>() as f64 / (trials * d) as f64;
    let per_bucket: Vec<f64> = covered.iter().map(|&c| c as f64 / trials as f64).collect();
    println!(
        "coverage over {trials} trials of n={n}: pooled {pooled:.4}, per bucket {per_bucket:?}"
    );
    assert!((0.92..=0.98).contains(&pooled), "pooled coverage {pooled}");
    for (b, c) in per_bucket.iter().enumerate() {
        assert!((0.90..=0.99).contains(c), "bucket {b} coverage {c}");
    }
}

#[test]
fn error_at_one_thousand_and_ten_thousand_reports() {
    let (d, eps, trials) = (16, 1.0, 20);
    let cdf = zipf_cdf(d);
    let mut rng = seeded_rng(14);
    for n in [1_000usize, 10_000] {
        let mut sq = 0.0;
        let mut max_abs = 0f64;
        for _ in 0..trials {
            let (sums, truth) = batch(&cdf, n, eps, &mut rng);
            for (b, e) in sums.estimate(eps).unwrap().iter().enumerate() {
                let err = e.frequency - truth[b];
                sq += err * err;
                max_abs = max_abs.max(err.abs());
            }
        }
        let rmse = (sq / (trials * d) as f64).sqrt();
        let th = theoretical_std_error(n as u64, eps);
        println!(
            "n={n} d={d} eps={eps} zipf: RMSE per bucket {rmse:.4} (theory near f=0: {th:.4}), \
             max |error| over {trials}x{d} estimates {max_abs:.4}"
        );
        // RMSE matches the analytic standard error (within 25%).
        assert!((rmse / th - 1.0).abs() < 0.25, "n={n}: rmse {rmse} vs {th}");
    }
}
