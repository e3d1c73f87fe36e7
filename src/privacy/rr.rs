//! k-ary randomised response (direct encoding) over `d` values.

use rand_core::RngCore;

use super::error::check_epsilon;
use super::random::{bernoulli, uniform_below};
use super::PrivacyError;

/// k-ary randomised response: report the true value with probability
/// `p = e^ε / (e^ε + d − 1)`, otherwise one of the `d − 1` other values
/// uniformly, each with probability `q = 1 / (e^ε + d − 1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KaryRr {
    d: usize,
    p: f64,
    q: f64,
}

impl KaryRr {
    /// The mechanism over `d ≥ 2` values at budget `epsilon > 0`.
    pub fn new(d: usize, epsilon: f64) -> Result<KaryRr, PrivacyError> {
        check_epsilon(epsilon)?;
        check_domain(d)?;
        let e = epsilon.exp();
        let denom = e + (d as f64) - 1.0;
        Ok(KaryRr {
            d,
            p: e / denom,
            q: 1.0 / denom,
        })
    }

    /// The mechanism with a given truth probability `p` (e.g. 3/4 on a
    /// yes/no question); the others share `1 − p` equally. `p` must lie in
    /// `(1/d, 1)`.
    pub fn with_truth_probability(d: usize, p: f64) -> Result<KaryRr, PrivacyError> {
        check_domain(d)?;
        let floor = 1.0 / d as f64;
        if !(p.is_finite() && p > floor && p < 1.0) {
            return Err(PrivacyError::new(
                "p",
                format!("must lie strictly between 1/d = {floor} and 1, got {p}"),
            ));
        }
        Ok(KaryRr {
            d,
            p,
            q: (1.0 - p) / (d as f64 - 1.0),
        })
    }

    /// Number of values.
    pub fn domain(&self) -> usize {
        self.d
    }

    /// Probability of reporting the true value.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Probability of reporting one given other value.
    pub fn q(&self) -> f64 {
        self.q
    }

    /// `P(output = y | input = x)`.
    pub fn output_probability(&self, x: usize, y: usize) -> f64 {
        if x == y {
            self.p
        } else {
            self.q
        }
    }

    /// The exact ε of this mechanism, from its probabilities: the largest
    /// `ln(P(y|x) / P(y|x'))` over all inputs and outputs, i.e. `ln(p/q)`.
    pub fn epsilon(&self) -> f64 {
        (self.p / self.q).ln()
    }

    /// Randomises `value` (must be `< d`; larger values are an error naming `value`).
    pub fn randomize(&self, value: usize, rng: &mut dyn RngCore) -> Result<usize, PrivacyError> {
        if value >= self.d {
            return Err(PrivacyError::new(
                "value",
                format!("must be < {} (the domain size), got {value}", self.d),
            ));
        }
        if bernoulli(rng, self.p) {
            return Ok(value);
        }
        // Uniform over the d − 1 other values.
        let other = uniform_below(rng, self.d as u64 - 1) as usize;
        Ok(if other >= value { other + 1 } else { other })
    }
}

fn check_domain(d: usize) -> Result<(), PrivacyError> {
    if (2..=1 << 16).contains(&d) {
        Ok(())
    } else {
        Err(PrivacyError::new(
            "d",
            format!("domain size must be between 2 and 65536, got {d}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::random::seeded_rng;

    #[test]
    fn binary_rr_with_three_quarters_is_exactly_ln3() {
        let rr = KaryRr::with_truth_probability(2, 0.75).unwrap();
        assert!((rr.epsilon() - 3f64.ln()).abs() < 1e-15);
        let rr = KaryRr::new(2, 3f64.ln()).unwrap();
        assert!((rr.p() - 0.75).abs() < 1e-15);
    }

    #[test]
    fn epsilon_round_trips_and_probabilities_sum_to_one() {
        for d in [2, 4, 16, 64] {
            for eps in [0.1, 0.5, 1.0, 2.0, 6.0] {
                let rr = KaryRr::new(d, eps).unwrap();
                assert!((rr.epsilon() - eps).abs() < 1e-12, "d={d} eps={eps}");
                let total: f64 = (0..d).map(|y| rr.output_probability(0, y)).sum();
                assert!((total - 1.0).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn epsilon_is_the_max_log_ratio_over_all_pairs() {
        let rr = KaryRr::new(5, 1.3).unwrap();
        let mut worst = 0f64;
        for x in 0..5 {
            for x2 in 0..5 {
                for y in 0..5 {
                    let r = (rr.output_probability(x, y) / rr.output_probability(x2, y)).ln();
                    worst = worst.max(r);
                }
            }
        }
        assert!((worst - rr.epsilon()).abs() < 1e-12);
    }

    #[test]
    fn bad_parameters_name_the_field() {
        assert_eq!(KaryRr::new(1, 1.0).unwrap_err().field, "d");
        assert_eq!(KaryRr::new(4, 0.0).unwrap_err().field, "epsilon");
        assert_eq!(KaryRr::new(4, f64::NAN).unwrap_err().field, "epsilon");
        assert_eq!(
            KaryRr::with_truth_probability(4, 0.2).unwrap_err().field,
            "p"
        );
        let rr = KaryRr::new(4, 1.0).unwrap();
        assert_eq!(
            rr.randomize(4, &mut seeded_rng(0)).unwrap_err().field,
            "value"
        );
    }

    #[test]
    fn randomize_outputs_stay_in_domain() {
        let rr = KaryRr::new(3, 0.5).unwrap();
        let mut rng = seeded_rng(3);
        for v in 0..3 {
            for _ in 0..1000 {
                assert!(rr.randomize(v, &mut rng).unwrap() < 3);
            }
        }
    }
}
