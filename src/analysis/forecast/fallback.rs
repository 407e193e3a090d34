//! The honest fallbacks for short series: seasonal naive and the mean.

use super::*;

// ------------------------------------------------------------------ fallbacks

pub(super) fn seasonal_naive_band(p: &Prepared, level: f64) -> Band {
    let (z, m, end) = (&p.z, p.m, p.end());
    let fallback = mean_of(z).unwrap_or(0.0);
    // The last observed value of each position of the season.
    let mut last = vec![f64::NAN; m];
    for (t, v) in z.iter().enumerate().take(end) {
        if let Some(slot) = last.get_mut(t % m).filter(|_| !v.is_nan()) {
            *slot = *v;
        }
    }
    let total = p.gap + p.horizon;
    let centre: Vec<f64> = (end..end + total)
        .map(|t| {
            last.get(t % m)
                .copied()
                .filter(|v| !v.is_nan())
                .unwrap_or(fallback)
        })
        .collect();
    // Errors k seasons ahead: z_t − z_{t − k m}.
    let lagged = |k: usize| -> Vec<f64> {
        z.iter()
            .zip(z.iter().skip(k * m))
            .filter(|(a, b)| !a.is_nan() && !b.is_nan())
            .map(|(a, b)| b - a)
            .collect()
    };
    let mut by_k: Vec<Vec<f64>> = Vec::new();
    let errors: Vec<Vec<f64>> = (1..=total)
        .map(|h| {
            // Step h repeats the value k = ceil(h / m) seasons before it.
            let k = h.div_ceil(m);
            while by_k.len() < k {
                by_k.push(lagged(by_k.len() + 1));
            }
            by_k.get(k - 1).cloned().unwrap_or_default()
        })
        .collect();
    let offsets = band_offsets(errors, lagged(1), m, level);
    skip_gap(band_from(centre, offsets), p.gap)
}

pub(super) fn mean_band(p: &Prepared, level: f64) -> Band {
    let mut v: Vec<f64> =
        p.z.iter()
            .copied()
            .filter(|v| !v.is_nan())
            .map(f64::exp_m1)
            .collect();
    sort(&mut v);
    let mean = mean_of(&v).unwrap_or(0.0);
    let (lo, hi) = if v.len() >= 2 {
        let q = (1.0 - level) / 2.0;
        (quantile(&v, q).min(mean), quantile(&v, 1.0 - q).max(mean))
    } else {
        (0.0, 2.0 * mean)
    };
    let n = p.horizon;
    Band {
        centre: vec![mean.ln_1p(); n],
        lower: vec![lo.ln_1p(); n],
        upper: vec![hi.ln_1p(); n],
    }
}

/// Drops the steps that fall on the missing values at the end.
pub(super) fn skip_gap(mut b: Band, gap: usize) -> Band {
    for v in [&mut b.centre, &mut b.lower, &mut b.upper] {
        v.drain(..gap.min(v.len()));
    }
    b
}
