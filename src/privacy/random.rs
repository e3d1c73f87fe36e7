//! Randomness for the mechanisms: a ChaCha20 CSPRNG seeded from the platform
//! (`getrandom`: the OS natively, `crypto.getRandomValues` on wasm32), plus
//! exact uniform helpers over any [`RngCore`] so tests can inject a seed.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use super::PrivacyError;

/// A ChaCha20 generator seeded with 32 bytes of platform entropy.
///
/// Fails (instead of falling back to a weak seed) when the platform has no
/// entropy source.
pub fn secure_rng() -> Result<ChaCha20Rng, PrivacyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| PrivacyError::new("rng", format!("no secure randomness available: {e}")))?;
    Ok(ChaCha20Rng::from_seed(seed))
}

/// A deterministic ChaCha20 generator, for tests and simulations only.
pub fn seeded_rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A uniform `f64` in `[0, 1)` with 53 random bits.
pub fn uniform_f64(rng: &mut dyn RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `true` with probability `p` (clamped to `[0, 1]`).
pub fn bernoulli(rng: &mut dyn RngCore, p: f64) -> bool {
    uniform_f64(rng) < p
}

/// A uniform integer in `0..n` without modulo bias (rejection sampling).
/// Returns 0 when `n == 0`.
pub fn uniform_below(rng: &mut dyn RngCore, n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    // Largest multiple of n that fits: values at or above it are rejected.
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_below_stays_in_range_and_covers_it() {
        let mut rng = seeded_rng(1);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[uniform_below(&mut rng, 7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800 && c < 1200), "{seen:?}");
        assert_eq!(uniform_below(&mut rng, 0), 0);
        assert_eq!(uniform_below(&mut rng, 1), 0);
    }

    #[test]
    fn uniform_f64_is_in_unit_interval() {
        let mut rng = seeded_rng(2);
        for _ in 0..10_000 {
            let x = uniform_f64(&mut rng);
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn secure_rng_is_available_natively() {
        let mut a = secure_rng().expect("entropy");
        let mut b = secure_rng().expect("entropy");
        assert_ne!(a.next_u64(), b.next_u64());
    }
}
