//! The model: level, damped trend and season on the log scale, fitted by
//! Nelder–Mead on Huber-clipped one-step errors.

use super::*;

// ------------------------------------------------------------------ the model

#[derive(Clone, Copy, Debug)]
pub(super) struct Params {
    pub(super) alpha: f64,
    pub(super) beta: f64,
    pub(super) gamma: f64,
    pub(super) phi: f64,
}

/// Level, damped trend and seasonal offsets, additive on the log scale, in
/// error-correction form, over `z` (`NaN` = missing).
pub(super) struct Model<'a> {
    pub(super) z: &'a [f64],
    pub(super) m: usize,
    /// Whether large errors are clipped before they correct the states.
    pub(super) clipped: bool,
    pub(super) level0: f64,
    pub(super) trend0: f64,
    pub(super) season0: Vec<f64>,
    pub(super) scale0: f64,
}

/// The states after each step.
pub(super) struct Path {
    pub(super) level: Vec<f64>,
    pub(super) trend: Vec<f64>,
    /// `m` initial offsets, then the offset written at each step.
    pub(super) season: Vec<f64>,
}

/// A model with its parameters and states.
pub(super) struct Fitted<'a> {
    pub(super) model: Model<'a>,
    pub(super) params: Params,
    pub(super) path: Path,
    /// `phi + phi² + … + phi^h` at index `h − 1`.
    pub(super) damp: Vec<f64>,
}

impl<'a> Model<'a> {
    /// Initial states from the first two seasons (or the first value).
    pub(super) fn new(z: &'a [f64], m: usize, clipped: bool) -> Model<'a> {
        let (level0, trend0, season0) = if m >= 2 {
            let s1 = z.get(..m).unwrap_or(&[]);
            let s2 = z.get(m..2 * m).unwrap_or(&[]);
            let m1 = mean_of(s1).unwrap_or(0.0);
            let m2 = mean_of(s2).unwrap_or(m1);
            let b = (m2 - m1) / m as f64;
            let mut season: Vec<f64> = (0..m)
                .map(|i| {
                    let parts: Vec<f64> = [s1.get(i).map(|v| v - m1), s2.get(i).map(|v| v - m2)]
                        .into_iter()
                        .flatten()
                        .collect();
                    mean_of(&parts).unwrap_or(0.0)
                })
                .collect();
            let centre = mean_of(&season).unwrap_or(0.0);
            season.iter_mut().for_each(|s| *s -= centre);
            // The level just before the first value, so that the middle of
            // the first season sits at its mean.
            (m1 - b * (m as f64 + 1.0) / 2.0, b, season)
        } else {
            let first = z.iter().copied().find(|v| !v.is_nan()).unwrap_or(0.0);
            (first, 0.0, Vec::new())
        };
        // A robust scale of the differences one season apart.
        let mut diffs: Vec<f64> = z
            .iter()
            .zip(z.iter().skip(m))
            .map(|(a, b)| (b - a).abs())
            .filter(|d| !d.is_nan())
            .collect();
        sort(&mut diffs);
        let mad = quantile(&diffs, 0.5) * 1.4826 / std::f64::consts::SQRT_2;
        Model {
            z,
            m,
            clipped,
            level0,
            trend0,
            season0,
            scale0: mad.max(SCALE_FLOOR),
        }
    }

    /// Runs the recursions: the Huber loss of the one-step errors and, if
    /// asked, the states.
    pub(super) fn run(&self, p: Params, keep: bool) -> (f64, Option<Path>) {
        let n = self.z.len();
        let seasonal = self.m >= 2;
        let mut level = self.level0;
        let mut trend = self.trend0;
        let mut season = self.season0.clone();
        season.reserve(if seasonal { n } else { 0 });
        let mut path = keep.then(|| Path {
            level: Vec::with_capacity(n),
            trend: Vec::with_capacity(n),
            season: Vec::new(),
        });
        let mut scale = self.scale0;
        let mut loss = 0.0;
        for (t, &z) in self.z.iter().enumerate() {
            let s_prev = if seasonal {
                season.get(t).copied().unwrap_or(0.0)
            } else {
                0.0
            };
            let damped = p.phi * trend;
            let mut e = 0.0;
            if !z.is_nan() {
                e = z - (level + damped + s_prev);
                let bound = CLIP * scale;
                loss += if e.abs() > bound {
                    bound * (2.0 * e.abs() - bound)
                } else {
                    e * e
                };
                let clipped = e.clamp(-bound, bound);
                scale = ((1.0 - SCALE_RATE) * scale + SCALE_RATE * clipped.abs() / ABS_TO_SD)
                    .max(SCALE_FLOOR);
                if self.clipped {
                    e = clipped;
                }
            }
            level += damped + p.alpha * e;
            trend = damped + p.beta * e;
            if seasonal {
                season.push(s_prev + p.gamma * e);
            }
            if let Some(path) = path.as_mut() {
                path.level.push(level);
                path.trend.push(trend);
            }
        }
        if let Some(path) = path.as_mut() {
            path.season = season;
        }
        (if loss.is_finite() { loss } else { f64::MAX }, path)
    }

    /// Parameters from unbounded coordinates: `0.01 ≤ alpha ≤ 0.99`,
    /// `beta ≤ alpha / 2`, `gamma ≤ 1 − alpha`, `0.8 ≤ phi ≤ 0.98`.
    pub(super) fn params(&self, x: &[f64; 4]) -> Params {
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let [a, b, g, f] = *x;
        let alpha = 0.01 + 0.98 * sig(a);
        Params {
            alpha,
            beta: alpha * 0.5 * sig(b),
            gamma: if self.m >= 2 {
                (1.0 - alpha) * sig(g)
            } else {
                0.0
            },
            phi: 0.8 + 0.18 * sig(f),
        }
    }

    pub(super) fn fit(self) -> Option<Fitted<'a>> {
        let loss = |x: &[f64; 4]| self.run(self.params(x), false).0;
        let mut best: Option<(f64, [f64; 4])> = None;
        for start in [[-1.0, -3.0, -2.0, 1.0], [1.0, -4.0, -3.0, 0.0]] {
            let (v, x) = nelder_mead(&loss, start, 300);
            if best.is_none_or(|(b, _)| v < b) {
                best = Some((v, x));
            }
        }
        let params = self.params(&best?.1);
        let path = self.run(params, true).1?;
        Some(Fitted {
            model: self,
            params,
            path,
            damp: Vec::new(),
        })
    }
}

impl Fitted<'_> {
    /// Makes [`Fitted::predict`] ready for horizons up to `h`.
    pub(super) fn reach(&mut self, h: usize) {
        if self.damp.len() >= h {
            return;
        }
        let phi = self.params.phi;
        let (mut sum, mut power) = (0.0, 1.0);
        self.damp.clear();
        for _ in 0..h {
            power *= phi;
            sum += power;
            self.damp.push(sum);
        }
    }

    /// The forecast `h` (≥ 1) steps after index `t`, on the log scale.
    pub(super) fn predict(&self, t: usize, h: usize) -> f64 {
        let path = &self.path;
        let level = path.level.get(t).copied().unwrap_or(0.0);
        let trend = path.trend.get(t).copied().unwrap_or(0.0);
        let damp = self.damp.get(h.saturating_sub(1)).copied().unwrap_or(0.0);
        let m = self.model.m;
        let season = if m >= 2 {
            // The latest offset of that position: s_{t+h−mk}, k = ceil(h/m),
            // stored at index t + h − mk + m.
            let k = h.div_ceil(m);
            path.season.get(t + h + m - m * k).copied().unwrap_or(0.0)
        } else {
            0.0
        };
        level + (damp * trend).clamp(-TREND_CAP, TREND_CAP) + season
    }

    /// Errors in the series at horizons `1..=horizon`, from every origin after
    /// the first two seasons (or the first 13 values without seasonality).
    pub(super) fn errors(&mut self, horizon: usize) -> Vec<Vec<f64>> {
        self.reach(horizon);
        let z = self.model.z;
        let n = z.len();
        let start = (2 * self.model.m).max(14) - 1;
        (1..=horizon)
            .map(|h| {
                (start..n.saturating_sub(h))
                    .filter_map(|t| {
                        let actual = z.get(t + h).copied().filter(|v| !v.is_nan())?;
                        // Origins after the last observed value are not origins.
                        z.get(t).filter(|v| !v.is_nan())?;
                        Some(actual - self.predict(t, h))
                    })
                    .collect()
            })
            .collect()
    }

    /// One-step errors over the whole series (for short series).
    pub(super) fn one_step_errors(&mut self) -> Vec<f64> {
        self.reach(1);
        let z = self.model.z;
        (0..z.len().saturating_sub(1))
            .filter_map(|t| {
                let actual = z.get(t + 1).copied().filter(|v| !v.is_nan())?;
                Some(actual - self.predict(t, 1))
            })
            .collect()
    }

    /// Mean absolute error in the series, one to two seasons ahead.
    pub(super) fn score(&mut self) -> f64 {
        let e = self.errors(2 * self.model.m.max(2));
        let (s, k) = e
            .iter()
            .flatten()
            .fold((0.0, 0usize), |(s, k), v| (s + v.abs(), k + 1));
        if k == 0 {
            f64::INFINITY
        } else {
            s / k as f64
        }
    }
}

pub(super) fn model_band(p: &Prepared, level: f64) -> Band {
    let z = &p.z;
    let mut best: Option<(f64, Fitted)> = None;
    for clipped in [true, false] {
        if let Some(mut f) = Model::new(z, p.m, clipped).fit() {
            let s = f.score();
            if best.as_ref().is_none_or(|(b, _)| s < *b) {
                best = Some((s, f));
            }
        }
    }
    let Some((_, mut f)) = best else {
        return mean_band(p, level);
    };
    // Steps from the last observed value: the gap, then the horizon.
    let total = p.gap + p.horizon;
    let errors = f.errors(total);
    let base = f.one_step_errors();
    let offsets = band_offsets(errors, base, 1, level);
    let last = z.len().saturating_sub(1);
    let centre = (1..=total).map(|h| f.predict(last, h)).collect();
    skip_gap(band_from(centre, offsets), p.gap)
}

/// Minimises `f` from `x0` by the Nelder–Mead simplex method, within
/// `max_evals` evaluations; returns the best value and point.
pub(super) fn nelder_mead(
    f: &dyn Fn(&[f64; 4]) -> f64,
    x0: [f64; 4],
    max_evals: usize,
) -> (f64, [f64; 4]) {
    type Point = ([f64; 4], f64);
    let eval = |x: [f64; 4]| -> Point { (x, f(&x)) };
    let mut s: [Point; 5] = [eval(x0); 5];
    for (i, p) in s.iter_mut().skip(1).enumerate() {
        let mut x = x0;
        if let Some(c) = x.get_mut(i) {
            *c += 1.0;
        }
        *p = eval(x);
    }
    let mut evals = 5;
    let lerp = |a: &[f64; 4], b: &[f64; 4], t: f64| -> [f64; 4] {
        let mut x = *a;
        for (xi, (ai, bi)) in x.iter_mut().zip(a.iter().zip(b)) {
            *xi = ai + t * (bi - ai);
        }
        x
    };
    while evals < max_evals {
        s.sort_by(|a, b| a.1.total_cmp(&b.1));
        let [best, _, _, second_worst, worst] = s;
        if (worst.1 - best.1).abs() <= 1e-10 * (best.1.abs() + 1e-12) {
            break;
        }
        let mut centroid = [0.0; 4];
        for (x, _) in s.iter().take(4) {
            for (c, xi) in centroid.iter_mut().zip(x) {
                *c += xi / 4.0;
            }
        }
        let reflected = eval(lerp(&centroid, &worst.0, -1.0));
        evals += 1;
        let next = if reflected.1 < best.1 {
            let expanded = eval(lerp(&centroid, &worst.0, -2.0));
            evals += 1;
            Some(if expanded.1 < reflected.1 {
                expanded
            } else {
                reflected
            })
        } else if reflected.1 < second_worst.1 {
            Some(reflected)
        } else {
            let t = if reflected.1 < worst.1 { -0.5 } else { 0.5 };
            let contracted = eval(lerp(&centroid, &worst.0, t));
            evals += 1;
            (contracted.1 < worst.1.min(reflected.1)).then_some(contracted)
        };
        match next {
            Some(p) => s[4] = p,
            None => {
                for p in s.iter_mut().skip(1) {
                    *p = eval(lerp(&best.0, &p.0, 0.5));
                    evals += 1;
                }
            }
        }
    }
    s.sort_by(|a, b| a.1.total_cmp(&b.1));
    (s[0].1, s[0].0)
}
