//! The input made ready for a fit (missing values, the partial last period,
//! the fit window) and the band's offsets from the errors.

use super::*;

// ------------------------------------------------------------ input and output

/// The series as fitted: on the log scale, trimmed, with what is known about it.
pub(super) struct Prepared {
    /// `ln(1 + value)`, `NaN` where missing, from the first value kept to
    /// the last observed one.
    pub(super) z: Vec<f64>,
    /// Observed values in `z`.
    pub(super) observed: usize,
    /// Missing values after the last observed one.
    pub(super) gap: usize,
    /// The seasonal period (1: none).
    pub(super) m: usize,
    /// Periods to forecast.
    pub(super) horizon: usize,
    /// Whether every value is a whole number.
    pub(super) counts: bool,
}

/// Central values and band edges on the log scale, for the horizons after the gap.
#[derive(Default)]
pub(super) struct Band {
    pub(super) centre: Vec<f64>,
    pub(super) lower: Vec<f64>,
    pub(super) upper: Vec<f64>,
}

impl Prepared {
    pub(super) fn new(
        values: &[f64],
        horizon: usize,
        options: &ForecastOptions,
    ) -> Result<Prepared> {
        if horizon > MAX_HORIZON {
            return Err(Error::invalid_input(format!(
                "a forecast reaches at most {MAX_HORIZON} periods ahead, not {horizon}"
            )));
        }
        if options.seasonal_period > MAX_PERIOD {
            return Err(Error::invalid_input(format!(
                "seasonalPeriod must be at most {MAX_PERIOD}, not {}",
                options.seasonal_period
            )));
        }
        let level = options.interval_level;
        if !(level > 0.0 && level < 1.0) {
            return Err(Error::invalid_input(format!(
                "intervalLevel must be between 0 and 1 (exclusive), not {level}"
            )));
        }
        if let Some((i, v)) = values
            .iter()
            .enumerate()
            .find(|(_, v)| v.is_infinite() || **v < 0.0)
        {
            return Err(Error::invalid_input(format!(
                "value {i} is {v}: a forecast needs values of 0 or more (NaN for a missing one)"
            )));
        }
        let fitted = if options.last_is_partial {
            values.split_last().map_or(&[][..], |(_, rest)| rest)
        } else {
            values
        };
        // Missing values at the end move the forecast further ahead.
        let gap = fitted.iter().rev().take_while(|v| v.is_nan()).count();
        if gap > MAX_HORIZON {
            return Err(Error::invalid_input(format!(
                "the last {gap} values are missing: a forecast needs a value in the last {MAX_HORIZON}"
            )));
        }
        let fitted = fitted.get(..fitted.len() - gap).unwrap_or(&[]);
        let fitted = fitted
            .get(fitted.len().saturating_sub(MAX_FIT)..)
            .unwrap_or(fitted);
        let first = fitted
            .iter()
            .position(|v| *v > 0.0)
            .or_else(|| fitted.iter().position(|v| !v.is_nan()))
            .unwrap_or(fitted.len());
        let z: Vec<f64> = fitted
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .map(|v| v.ln_1p())
            .collect();
        let observed = z.iter().filter(|v| !v.is_nan()).count();
        if observed == 0 {
            return Err(Error::invalid_input(
                "a forecast needs at least one value that is not missing (and not the partial one)",
            ));
        }
        Ok(Prepared {
            z,
            observed,
            gap,
            m: options.seasonal_period.max(1),
            horizon,
            counts: values.iter().all(|v| v.is_nan() || v.fract() == 0.0),
        })
    }

    /// The index just after the last observed value.
    pub(super) fn end(&self) -> usize {
        self.z.len()
    }

    pub(super) fn finish(
        &self,
        band: Band,
        method: ForecastMethod,
        values: &[f64],
        options: &ForecastOptions,
    ) -> Forecast {
        let back = |z: f64| {
            let v = z.exp_m1();
            if v.is_nan() {
                0.0
            } else {
                v.clamp(0.0, f64::MAX)
            }
        };
        let mut out = Forecast {
            mean: band.centre.iter().map(|z| back(*z)).collect(),
            lower: band.lower.iter().map(|z| back(*z)).collect(),
            upper: band.upper.iter().map(|z| back(*z)).collect(),
            interval_level: options.interval_level,
            start: if options.last_is_partial {
                values.len().saturating_sub(1)
            } else {
                values.len()
            },
            method,
        };
        if options.last_is_partial {
            if let Some(partial) = values.last().copied().filter(|v| !v.is_nan()) {
                for v in [
                    out.mean.first_mut(),
                    out.lower.first_mut(),
                    out.upper.first_mut(),
                ]
                .into_iter()
                .flatten()
                {
                    *v = v.max(partial);
                }
            }
        }
        if self.counts {
            // Whole numbers, after forgiving the last bits of ln/exp.
            let snap = |v: f64| {
                let r = v.round();
                if (v - r).abs() <= 1e-9 * r.abs().max(1.0) {
                    r
                } else {
                    v
                }
            };
            out.mean.iter_mut().for_each(|v| *v = v.round());
            out.lower.iter_mut().for_each(|v| *v = snap(*v).floor());
            out.upper.iter_mut().for_each(|v| *v = snap(*v).ceil());
        }
        out
    }
}

pub(super) fn sort(v: &mut [f64]) {
    v.sort_by(f64::total_cmp);
}

/// The `q`-quantile (0..=1) of sorted values, interpolated; 0 for none.
pub(super) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&first) = sorted.first() else {
        return 0.0;
    };
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let a = sorted.get(lo).copied().unwrap_or(first);
    let b = sorted.get(lo + 1).copied().unwrap_or(a);
    a + (b - a) * (pos - lo as f64)
}

pub(super) fn mean_of(v: &[f64]) -> Option<f64> {
    let (s, n) = v
        .iter()
        .filter(|x| !x.is_nan())
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// The band's offsets (on the model's scale) for horizons `1..=errors.len()`
/// from the errors at each horizon; where a horizon has fewer than
/// [`MIN_ERRORS`], the last horizon that had enough is widened by
/// `sqrt(h / h0)`, or, before any, `base` (errors one step, or one season,
/// ahead) by `sqrt(h / base_h)`. `None` when there is nothing to measure.
pub(super) fn band_offsets(
    mut errors: Vec<Vec<f64>>,
    mut base: Vec<f64>,
    base_h: usize,
    level: f64,
) -> Option<Vec<(f64, f64)>> {
    let lo_q = (1.0 - level) / 2.0;
    let hi_q = 1.0 - lo_q;
    sort(&mut base);
    let mut known: Option<(usize, f64, f64)> =
        (base.len() >= 2).then(|| (base_h, quantile(&base, lo_q), quantile(&base, hi_q)));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(errors.len());
    let (mut lo_min, mut hi_max) = (0.0f64, 0.0f64);
    for (i, e) in errors.iter_mut().enumerate() {
        let h = i + 1;
        let (lo, hi) = if e.len() >= MIN_ERRORS {
            sort(e);
            let v = (quantile(e, lo_q), quantile(e, hi_q));
            known = Some((h, v.0, v.1));
            v
        } else {
            let (h0, lo0, hi0) = known?;
            let k = (h as f64 / h0.max(1) as f64).max(1.0).sqrt();
            (lo0 * k, hi0 * k)
        };
        lo_min = lo_min.min(lo);
        hi_max = hi_max.max(hi);
        out.push((lo_min, hi_max));
    }
    Some(out)
}

/// A band from central values and offsets, or from 0 to twice the centre
/// when there were no errors to measure.
pub(super) fn band_from(centre: Vec<f64>, offsets: Option<Vec<(f64, f64)>>) -> Band {
    let (lower, upper) = match offsets {
        Some(o) => centre
            .iter()
            .zip(&o)
            .map(|(c, (lo, hi))| (c + lo, c + hi))
            .unzip(),
        None => (
            vec![0.0; centre.len()],
            centre.iter().map(|c| (2.0 * c.exp_m1()).ln_1p()).collect(),
        ),
    };
    Band {
        centre,
        lower,
        upper,
    }
}
