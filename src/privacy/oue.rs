//! Optimised unary encoding (OUE, Wang et al. 2017): one-hot over `d`
//! buckets, each bit randomised independently.

use rand_core::RngCore;

use super::error::check_epsilon;
use super::random::bernoulli;
use super::PrivacyError;

/// Optimised unary encoding at budget ε: the true bucket's bit is kept at 1
/// with probability `p = 1/2`; every other bit is turned on with
/// probability `q = 1 / (e^ε + 1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Oue {
    d: usize,
    p: f64,
    q: f64,
}

/// Largest number of buckets a report may carry.
pub const MAX_BUCKETS: usize = 64;

impl Oue {
    /// The mechanism over `1..=64` buckets at budget `epsilon > 0`.
    pub fn new(d: usize, epsilon: f64) -> Result<Oue, PrivacyError> {
        check_epsilon(epsilon)?;
        if !(1..=MAX_BUCKETS).contains(&d) {
            return Err(PrivacyError::new(
                "buckets",
                format!("must be between 1 and {MAX_BUCKETS}, got {d}"),
            ));
        }
        Ok(Oue {
            d,
            p: 0.5,
            q: 1.0 / (epsilon.exp() + 1.0),
        })
    }

    /// Number of buckets (length of the bit vector).
    pub fn buckets(&self) -> usize {
        self.d
    }

    /// Probability that the true bucket's bit reads 1.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Probability that any other bucket's bit reads 1.
    pub fn q(&self) -> f64 {
        self.q
    }

    /// `P(output bit = 1 | the input's bucket is (not) this one)`.
    pub fn bit_probability(&self, is_true_bucket: bool) -> f64 {
        if is_true_bucket {
            self.p
        } else {
            self.q
        }
    }

    /// `P(output = bits | input = x)` for a full output vector.
    pub fn output_probability(&self, x: usize, bits: &[bool]) -> f64 {
        bits.iter()
            .enumerate()
            .map(|(i, &b)| {
                let one = self.bit_probability(i == x);
                if b {
                    one
                } else {
                    1.0 - one
                }
            })
            .product()
    }

    /// The exact ε, from the probabilities. Two inputs `x ≠ x'` differ in
    /// two bits' distributions; the worst output has bit x = 1 and bit x' = 0:
    /// `ln( p(1−q) / (q(1−p)) )`.
    pub fn epsilon(&self) -> f64 {
        ((self.p * (1.0 - self.q)) / (self.q * (1.0 - self.p))).ln()
    }

    /// Randomises bucket `value` into `d` bits.
    pub fn randomize(
        &self,
        value: usize,
        rng: &mut dyn RngCore,
    ) -> Result<Vec<bool>, PrivacyError> {
        if value >= self.d {
            return Err(PrivacyError::new(
                "value",
                format!("must be < {} (the number of buckets), got {value}", self.d),
            ));
        }
        Ok((0..self.d)
            .map(|i| bernoulli(rng, self.bit_probability(i == value)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::random::seeded_rng;

    #[test]
    fn epsilon_round_trips_exactly() {
        for eps in [0.1, 0.5, 1.0, 2.0, 4.0, 8.0] {
            let oue = Oue::new(16, eps).unwrap();
            assert!((oue.epsilon() - eps).abs() < 1e-12, "eps={eps}");
        }
    }

    #[test]
    fn epsilon_is_the_max_log_ratio_over_all_outputs() {
        let oue = Oue::new(4, 1.0).unwrap();
        let mut worst = 0f64;
        for mask in 0u32..16 {
            let bits: Vec<bool> = (0..4).map(|i| mask >> i & 1 == 1).collect();
            for x in 0..4 {
                for x2 in 0..4 {
                    let r =
                        (oue.output_probability(x, &bits) / oue.output_probability(x2, &bits)).ln();
                    worst = worst.max(r);
                }
            }
        }
        assert!((worst - 1.0).abs() < 1e-12, "{worst}");
        let total: f64 = (0u32..16)
            .map(|m| {
                oue.output_probability(2, &(0..4).map(|i| m >> i & 1 == 1).collect::<Vec<_>>())
            })
            .sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_parameters_name_the_field() {
        assert_eq!(Oue::new(0, 1.0).unwrap_err().field, "buckets");
        assert_eq!(Oue::new(65, 1.0).unwrap_err().field, "buckets");
        assert_eq!(Oue::new(4, -1.0).unwrap_err().field, "epsilon");
        let oue = Oue::new(4, 1.0).unwrap();
        assert_eq!(
            oue.randomize(9, &mut seeded_rng(0)).unwrap_err().field,
            "value"
        );
        assert_eq!(oue.randomize(3, &mut seeded_rng(0)).unwrap().len(), 4);
    }
}
