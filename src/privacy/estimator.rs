//! Unbiased OUE frequency estimates from per-bucket sums.
//!
//! Every report's bit `b` is 1 with probability `p` if `b` is its true
//! bucket and `q` otherwise, so with `n` reports and `c_b` ones in bucket
//! `b`, `f̂_b = (c_b/n − q) / (p − q)` is an unbiased estimate of the
//! fraction of reports whose true bucket is `b`. The sums `(n, c)` add up
//! exactly across batches, so partial sums from anywhere merge losslessly.

use serde::{Deserialize, Serialize};

use super::oue::Oue;
use super::PrivacyError;

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Per-bucket sums of one group of reports (same epoch, question,
/// taxonomy version and ε).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sums {
    /// Number of reports.
    pub n: u64,
    /// Number of reports whose bit is 1, per bucket.
    pub ones: Vec<u64>,
}

/// The estimate for one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketEstimate {
    /// Estimated fraction of reports whose true answer is this bucket
    /// (unbiased, so it may fall outside `[0, 1]`).
    pub frequency: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
    /// `frequency × n`: estimated number of reports.
    pub count: f64,
}

impl Sums {
    /// Empty sums over `buckets` buckets.
    pub fn new(buckets: usize) -> Sums {
        Sums {
            n: 0,
            ones: vec![0; buckets],
        }
    }

    /// Adds one report's bits; its length must match.
    pub fn add_bits(&mut self, bits: &[bool]) -> Result<(), PrivacyError> {
        if bits.len() != self.ones.len() {
            return Err(PrivacyError::new(
                "bits",
                format!("expected {} bits, got {}", self.ones.len(), bits.len()),
            ));
        }
        self.n += 1;
        for (c, &b) in self.ones.iter_mut().zip(bits) {
            *c += b as u64;
        }
        Ok(())
    }

    /// Adds another batch's sums (exact, associative, commutative).
    pub fn merge(&mut self, other: &Sums) -> Result<(), PrivacyError> {
        if other.ones.len() != self.ones.len() {
            return Err(PrivacyError::new(
                "ones",
                format!(
                    "cannot merge sums over {} buckets into sums over {}",
                    other.ones.len(),
                    self.ones.len()
                ),
            ));
        }
        self.n += other.n;
        for (c, o) in self.ones.iter_mut().zip(&other.ones) {
            *c += o;
        }
        Ok(())
    }

    /// Checks that no bucket counts more ones than there are reports.
    pub fn validate(&self) -> Result<(), PrivacyError> {
        if let Some(b) = self.ones.iter().position(|&c| c > self.n) {
            return Err(PrivacyError::new(
                format!("ones[{b}]"),
                format!("{} ones exceed n = {}", self.ones[b], self.n),
            ));
        }
        if self.ones.is_empty() {
            return Err(PrivacyError::new("ones", "must not be empty"));
        }
        Ok(())
    }

    /// Per-bucket unbiased estimates at budget `epsilon`, with standard
    /// errors and 95% intervals. The variance of `c_b/n` is estimated by
    /// `r(1−r)/n` with `r = c_b/n` (each bit is a Bernoulli draw).
    pub fn estimate(&self, epsilon: f64) -> Result<Vec<BucketEstimate>, PrivacyError> {
        self.validate()?;
        if self.n == 0 {
            return Err(PrivacyError::new("n", "no reports to estimate from"));
        }
        let oue = Oue::new(self.ones.len(), epsilon)?;
        let (p, q) = (oue.p(), oue.q());
        let n = self.n as f64;
        Ok(self
            .ones
            .iter()
            .map(|&c| {
                let r = c as f64 / n;
                let frequency = (r - q) / (p - q);
                let std_error = (r * (1.0 - r) / n).sqrt() / (p - q);
                BucketEstimate {
                    frequency,
                    std_error,
                    ci_low: frequency - Z95 * std_error,
                    ci_high: frequency + Z95 * std_error,
                    count: frequency * n,
                }
            })
            .collect())
    }
}

/// The theoretical standard error of an OUE frequency estimate near 0:
/// `sqrt(4e^ε / (n (e^ε − 1)²))`.
pub fn theoretical_std_error(n: u64, epsilon: f64) -> f64 {
    let e = epsilon.exp();
    (4.0 * e / (n as f64 * (e - 1.0).powi(2))).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_exact_and_associative() {
        let a = Sums {
            n: 3,
            ones: vec![1, 2, 0],
        };
        let b = Sums {
            n: 2,
            ones: vec![0, 1, 2],
        };
        let c = Sums {
            n: 4,
            ones: vec![4, 0, 1],
        };
        let mut ab_c = a.clone();
        ab_c.merge(&b).unwrap();
        ab_c.merge(&c).unwrap();
        let mut bc = b.clone();
        bc.merge(&c).unwrap();
        let mut a_bc = a.clone();
        a_bc.merge(&bc).unwrap();
        assert_eq!(ab_c, a_bc);
        assert_eq!(
            ab_c,
            Sums {
                n: 9,
                ones: vec![5, 3, 3]
            }
        );
        assert_eq!(a.clone().merge(&Sums::new(2)).unwrap_err().field, "ones");
    }

    #[test]
    fn estimate_inverts_the_expected_rates() {
        // Expected ones for f = (0.5, 0.3, 0.2), n = 1e6 at ε = 1.
        let oue = Oue::new(3, 1.0).unwrap();
        let n = 1_000_000u64;
        let f = [0.5, 0.3, 0.2];
        let ones = f
            .iter()
            .map(|fi| ((fi * oue.p() + (1.0 - fi) * oue.q()) * n as f64).round() as u64)
            .collect();
        let est = Sums { n, ones }.estimate(1.0).unwrap();
        for (e, fi) in est.iter().zip(f) {
            assert!((e.frequency - fi).abs() < 1e-5, "{e:?}");
            assert!(e.ci_low < fi && fi < e.ci_high);
        }
        // SE = sqrt(r(1-r)/n)/(p-q) with r = f p + (1-f) q.
        let r0 = 0.5 * oue.p() + 0.5 * oue.q();
        let se0 = (r0 * (1.0 - r0) / n as f64).sqrt() / (oue.p() - oue.q());
        assert!((est[0].std_error - se0).abs() < 1e-6, "{:?}", est[0]);
        // Near f = 0 it matches the textbook 4e^ε/(n(e^ε−1)²).
        let th = theoretical_std_error(n, 1.0);
        let e_small = Sums {
            n,
            ones: vec![(oue.q() * n as f64) as u64; 3],
        }
        .estimate(1.0)
        .unwrap();
        assert!((e_small[0].std_error - th).abs() / th < 0.01);
    }

    #[test]
    fn bad_sums_are_rejected_by_field() {
        let s = Sums {
            n: 2,
            ones: vec![1, 3],
        };
        assert_eq!(s.estimate(1.0).unwrap_err().field, "ones[1]");
        assert_eq!(Sums::new(2).estimate(1.0).unwrap_err().field, "n");
        let s = Sums {
            n: 2,
            ones: vec![1, 1],
        };
        assert_eq!(s.estimate(0.0).unwrap_err().field, "epsilon");
        let mut s = Sums::new(2);
        assert_eq!(s.add_bits(&[true]).unwrap_err().field, "bits");
    }
}
