//! Statistical audit of the local-DP mechanisms.
//!
//! For each mechanism we draw `N = 10^6` outputs from each of two
//! neighbouring inputs `x` and `x'`, enumerate the (small) output space, and
//! bound every output's probability with a Wilson score interval at
//! `z = 5` (two-sided miss probability 5.7e-7 per bound). The audited ratio
//! for output `y` is the *lower* confidence bound of `P(y|x)/P(y|x')`:
//! `wilson_low(x) / wilson_high(x')`, in both directions.
//!
//! * A correct mechanism passes: no output's lower bound exceeds `e^ε`
//!   (no significant evidence of a violation), and the worst-case event's
//!   point ratio lies within 2% of `e^ε` (ε is tight, not merely an upper bound).
//! * A deliberately broken variant (1% of the time it outputs the true value
//!   unrandomised) is caught: some output's lower bound exceeds `e^ε`.

use lighttouch::privacy::random::seeded_rng;
use lighttouch::privacy::{KaryRr, Oue};
use rand_core::RngCore;

const N: u64 = 1_000_000;
const Z: f64 = 5.0;
const TIGHTNESS: f64 = 0.02;

/// Wilson score interval for `k` successes out of `n` at quantile `z`.
fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    let (k, n) = (k as f64, n as f64);
    let ph = k / n;
    let z2 = z * z;
    let centre = (ph + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (ph * (1.0 - ph) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Largest lower confidence bound of the output-probability ratio, both directions.
fn max_ratio_lower_bound(cx: &[u64], cx2: &[u64]) -> f64 {
    let mut worst = 0f64;
    for (&a, &b) in cx.iter().zip(cx2) {
        let (a_lo, a_hi) = wilson(a, N, Z);
        let (b_lo, b_hi) = wilson(b, N, Z);
        worst = worst.max(a_lo / b_hi).max(b_lo / a_hi);
    }
    worst
}

fn histogram(outputs: usize, mut draw: impl FnMut() -> usize) -> Vec<u64> {
    let mut h = vec![0u64; outputs];
    for _ in 0..N {
        h[draw()] += 1;
    }
    h
}

fn leak(rng: &mut dyn RngCore) -> bool {
    lighttouch::privacy::random::bernoulli(rng, 0.01)
}

#[test]
fn kary_rr_audit_passes_and_rejects_a_leaky_variant() {
    let (d, eps) = (16, 1.0);
    let rr = KaryRr::new(d, eps).unwrap();
    assert!((rr.epsilon() - eps).abs() < 1e-12);
    let bound = eps.exp();
    let mut rng = seeded_rng(0xA0D1);
    let (x, x2) = (3, 11);
    let cx = histogram(d, || rr.randomize(x, &mut rng).unwrap());
    let cx2 = histogram(d, || rr.randomize(x2, &mut rng).unwrap());
    let lcb = max_ratio_lower_bound(&cx, &cx2);
    // The worst event for RR is {y = x}: ratio p/q = e^ε exactly.
    let point = (cx[x] as f64 / N as f64) / (cx2[x] as f64 / N as f64);
    println!("k-RR d={d} eps={eps}: e^eps={bound:.4}, worst-event ratio={point:.4}, max lower bound={lcb:.4}");
    assert!(lcb <= bound, "correct RR flagged: {lcb} > {bound}");
    assert!(
        (point / bound - 1.0).abs() < TIGHTNESS,
        "RR not tight: {point} vs {bound}"
    );

    // Broken: 1% of the time the true value is reported as is.
    let broken = |v: usize, rng: &mut dyn RngCore| {
        if leak(rng) {
            v
        } else {
            rr.randomize(v, rng).unwrap()
        }
    };
    let bx = histogram(d, || broken(x, &mut rng));
    let bx2 = histogram(d, || broken(x2, &mut rng));
    let lcb_broken = max_ratio_lower_bound(&bx, &bx2);
    println!("k-RR with 1% leak: max lower bound={lcb_broken:.4} (> {bound:.4} means caught)");
    assert!(
        lcb_broken > bound,
        "leaky RR not caught: {lcb_broken} <= {bound}"
    );
}

fn mask(bits: &[bool]) -> usize {
    bits.iter()
        .enumerate()
        .fold(0, |m, (i, &b)| m | (b as usize) << i)
}

#[test]
fn oue_audit_passes_and_rejects_a_leaky_variant() {
    let (d, eps) = (4, 1.0);
    let oue = Oue::new(d, eps).unwrap();
    assert!((oue.epsilon() - eps).abs() < 1e-12);
    let bound = eps.exp();
    let mut rng = seeded_rng(0xA0D2);
    let (x, x2) = (0, 2);
    let outputs = 1 << d;
    let cx = histogram(outputs, || mask(&oue.randomize(x, &mut rng).unwrap()));
    let cx2 = histogram(outputs, || mask(&oue.randomize(x2, &mut rng).unwrap()));
    let lcb = max_ratio_lower_bound(&cx, &cx2);
    // Worst event: bit x on, bit x' off — ratio p(1−q)/(q(1−p)) = e^ε.
    let event = |h: &[u64]| -> f64 {
        let k: u64 = (0..outputs)
            .filter(|m| m >> x & 1 == 1 && m >> x2 & 1 == 0)
            .map(|m| h[m])
            .sum();
        k as f64 / N as f64
    };
    let point = event(&cx) / event(&cx2);
    println!("OUE d={d} eps={eps}: e^eps={bound:.4}, worst-event ratio={point:.4}, max lower bound={lcb:.4}");
    assert!(lcb <= bound, "correct OUE flagged: {lcb} > {bound}");
    assert!(
        (point / bound - 1.0).abs() < TIGHTNESS,
        "OUE not tight: {point} vs {bound}"
    );

    // Broken: 1% of the time the exact one-hot vector is sent.
    let broken = |v: usize, rng: &mut dyn RngCore| {
        if leak(rng) {
            1 << v
        } else {
            mask(&oue.randomize(v, rng).unwrap())
        }
    };
    let bx = histogram(outputs, || broken(x, &mut rng));
    let bx2 = histogram(outputs, || broken(x2, &mut rng));
    let lcb_broken = max_ratio_lower_bound(&bx, &bx2);
    println!("OUE with 1% leak: max lower bound={lcb_broken:.4} (> {bound:.4} means caught)");
    assert!(
        lcb_broken > bound,
        "leaky OUE not caught: {lcb_broken} <= {bound}"
    );
}

#[test]
fn exact_epsilons_from_probabilities() {
    // Binary RR with truth probability 3/4 is exactly ln 3.
    let rr = KaryRr::with_truth_probability(2, 0.75).unwrap();
    assert!((rr.epsilon() - 3f64.ln()).abs() < 1e-15);
    // OUE at the default ε = 1: p = 1/2, q = 1/(e+1).
    let oue = Oue::new(16, 1.0).unwrap();
    assert_eq!(oue.p(), 0.5);
    assert!((oue.q() - 1.0 / (1f64.exp() + 1.0)).abs() < 1e-15);
    assert!((oue.epsilon() - 1.0).abs() < 1e-12);
    // Firefox's published unary-encoding setting p=0.92, q=0.0288 for comparison:
    // ln(p(1-q)/(q(1-p))) ≈ 5.96.
    let ff = ((0.92f64 * (1.0 - 0.0288)) / (0.0288 * (1.0 - 0.92))).ln();
    assert!((ff - 5.96).abs() < 0.01, "{ff}");
}
