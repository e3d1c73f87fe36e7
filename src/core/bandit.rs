//! Thompson sampling on per-category click-through: a small seeded random
//! number generator and Beta sampling, without dependencies (so the `.wasm`
//! stays small and results are identical on every platform for a seed).
//!
//! * [`Rng`]: SplitMix64 (Steele, Lea & Flood 2014): 64-bit state, passes
//!   BigCrush, one multiply-xorshift chain per draw. Plenty for choosing a
//!   few exploration slots; not for cryptography.
//! * Gamma draws: Marsaglia & Tsang (2000) squeeze method for shape >= 1,
//!   with the `Gamma(a + 1) * U^(1/a)` boost for shape < 1; normal draws by
//!   Box–Muller. Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).

/// Seed used when a request gives none, so `recommend` stays deterministic.
pub const DEFAULT_SEED: u64 = 0x6c74_6f75_6368; // "ltouch"

/// SplitMix64 pseudo-random generator.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed` (equal seeds give equal sequences).
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform integer in `0..n` (`n > 0`), by multiply-shift (bias < 2^-32
    /// for the small `n` used here).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Gamma(shape, 1) draw; `shape > 0`.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }

    /// Beta(a, b) draw in `[0, 1]`; `a, b > 0`.
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        if x + y > 0.0 {
            x / (x + y)
        } else {
            0.5
        }
    }

    /// `k` distinct positions out of `0..n`, sorted (partial Fisher–Yates).
    pub fn choose_positions(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all.sort_unstable();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_seeds_equal_sequences() {
        let (mut a, mut b, mut c) = (Rng::new(7), Rng::new(7), Rng::new(8));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..5).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn uniform_and_below_stay_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let u = r.uniform();
            assert!(u > 0.0 && u < 1.0);
            assert!(r.below(7) < 7);
        }
    }

    fn mean_var(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        (m, xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n)
    }

    #[test]
    fn gamma_has_the_right_moments() {
        let mut r = Rng::new(42);
        for shape in [0.5, 1.0, 3.0, 20.0] {
            let xs: Vec<f64> = (0..20_000).map(|_| r.gamma(shape)).collect();
            let (m, v) = mean_var(&xs);
            assert!(
                (m - shape).abs() < 0.05 * shape.max(1.0),
                "{shape}: mean {m}"
            );
            assert!((v - shape).abs() < 0.1 * shape.max(1.0), "{shape}: var {v}");
            assert!(xs.iter().all(|&x| x >= 0.0));
        }
    }

    #[test]
    fn beta_has_the_right_mean() {
        let mut r = Rng::new(3);
        for (a, b) in [(1.0, 1.0), (2.0, 8.0), (30.0, 10.0)] {
            let xs: Vec<f64> = (0..20_000).map(|_| r.beta(a, b)).collect();
            let (m, _) = mean_var(&xs);
            assert!((m - a / (a + b)).abs() < 0.01, "Beta({a},{b}) mean {m}");
            assert!(xs.iter().all(|&x| (0.0..=1.0).contains(&x)));
        }
    }

    #[test]
    fn positions_are_distinct_sorted_and_cover_all() {
        let mut r = Rng::new(9);
        let mut hit = [0u32; 10];
        for _ in 0..2000 {
            let p = r.choose_positions(10, 3);
            assert_eq!(p.len(), 3);
            assert!(p.windows(2).all(|w| w[0] < w[1]));
            for i in p {
                hit[i] += 1;
            }
        }
        assert!(hit.iter().all(|&h| h > 400), "{hit:?}");
        assert_eq!(r.choose_positions(3, 5), vec![0, 1, 2]);
    }
}
