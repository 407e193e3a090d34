use super::*;
use crate::error::ErrorKind;

const WEEK: [f64; 7] = [1000.5, 1050.5, 1020.5, 980.5, 900.5, 120.5, 100.5];

fn daily() -> ForecastOptions {
    ForecastOptions::default()
}

fn weeks(n: usize) -> Vec<f64> {
    WEEK.iter().cycle().take(7 * n).copied().collect()
}

/// Deterministic noise: exp(sd · u), u uniform in [−√3, √3] (unit variance).
fn noise(seed: &mut u64, sd: f64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let u = (*seed >> 11) as f64 / (1u64 << 53) as f64;
    (sd * (2.0 * u - 1.0) * 3f64.sqrt()).exp()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-9)
}

fn assert_sane(f: &Forecast, horizon: usize) {
    assert_eq!(f.mean.len(), horizon);
    assert_eq!(f.lower.len(), horizon);
    assert_eq!(f.upper.len(), horizon);
    for i in 0..horizon {
        let (l, m, u) = (f.lower[i], f.mean[i], f.upper[i]);
        assert!(l.is_finite() && m.is_finite() && u.is_finite(), "{f:?}");
        assert!(0.0 <= l && l <= m && m <= u, "step {i}: {l} {m} {u}");
    }
}

#[test]
fn a_repeating_week_is_forecast_as_that_week_with_a_narrow_band() {
    let values = weeks(5);
    let f = forecast(&values, 14, &daily()).unwrap();
    assert_sane(&f, 14);
    assert_eq!(f.method, ForecastMethod::SeasonalDampedTrend);
    for (i, m) in f.mean.iter().enumerate() {
        let truth = WEEK[(35 + i) % 7];
        assert!(close(*m, truth, 1e-6), "day {i}: {m} vs {truth}");
        assert!(f.upper[i] - f.lower[i] <= 0.01 * truth, "day {i}: {f:?}");
    }
}

#[test]
fn a_weekly_pattern_with_a_linear_trend_continues_both() {
    let truth = |t: usize| WEEK[t % 7] * 4.0 + 8.0 * t as f64;
    let values: Vec<f64> = (0..70).map(truth).collect();
    let f = forecast(&values, 14, &daily()).unwrap();
    assert_sane(&f, 14);
    // Within 3 % on weekdays, 10 % at weekends: the model's season is a
    // ratio, and a trend added to the counts (not multiplied) raises the
    // weekend's share week by week.
    for (i, m) in f.mean.iter().enumerate() {
        let tolerance = if (70 + i) % 7 < 5 { 0.03 } else { 0.1 };
        assert!(
            close(*m, truth(70 + i), tolerance),
            "day {i}: {m} vs {}",
            truth(70 + i)
        );
    }
    // The trend: each week above the one before.
    let last_week: f64 = values[63..].iter().sum();
    let week1: f64 = f.mean[..7].iter().sum();
    let week2: f64 = f.mean[7..].iter().sum();
    assert!(
        last_week < week1 && week1 < week2,
        "{last_week} {week1} {week2}"
    );
    // The week: both weekend days below every weekday.
    let is_weekend = |i: usize| (70 + i) % 7 >= 5;
    let days = || f.mean.iter().copied().enumerate();
    let low = days()
        .filter(|(i, _)| !is_weekend(*i))
        .fold(f64::MAX, |a, (_, v)| a.min(v));
    assert!(
        days()
            .filter(|(i, _)| is_weekend(*i))
            .all(|(_, v)| v < 0.5 * low),
        "{f:?}"
    );
}

#[test]
fn a_constant_series_is_forecast_as_itself() {
    let f = forecast(&[250.0; 30], 10, &daily()).unwrap();
    assert_eq!(f.mean, [250.0; 10]);
    assert_eq!(f.lower, [250.0; 10]);
    assert_eq!(f.upper, [250.0; 10]);
    let f = forecast(&[0.25; 30], 3, &daily()).unwrap();
    assert!(f.mean.iter().all(|m| close(*m, 0.25, 1e-9)), "{f:?}");
}

#[test]
fn all_zeros_forecast_zeros() {
    for n in [1, 5, 10, 30] {
        let f = forecast(&vec![0.0; n], 7, &daily()).unwrap();
        assert_eq!(
            (f.mean, f.lower, f.upper),
            (vec![0.0; 7], vec![0.0; 7], vec![0.0; 7])
        );
    }
}

#[test]
fn zeros_at_weekends_stay_zeros_and_nothing_divides_by_them() {
    let mut seed = 3;
    let values: Vec<f64> = (0..84)
        .map(|t| {
            if t % 7 >= 5 {
                0.0
            } else {
                (WEEK[t % 7] * noise(&mut seed, 0.1)).round()
            }
        })
        .collect();
    let f = forecast(&values, 14, &daily()).unwrap();
    assert_sane(&f, 14);
    for (i, m) in f.mean.iter().enumerate() {
        if (84 + i) % 7 >= 5 {
            assert_eq!(*m, 0.0, "day {i}");
        } else {
            assert!(close(*m, WEEK[(84 + i) % 7], 0.15), "day {i}: {m}");
        }
    }
}

#[test]
fn leading_zeros_before_first_use_do_not_pull_the_level_down() {
    let mut values = vec![0.0; 60];
    values.extend(weeks(4));
    let f = forecast(&values, 7, &daily()).unwrap();
    for (i, m) in f.mean.iter().enumerate() {
        assert!(close(*m, WEEK[(88 + i - 60) % 7], 1e-6), "day {i}: {m}");
    }
}

#[test]
fn short_series_fall_back_and_say_so() {
    let week: Vec<f64> = WEEK.to_vec();
    // Under one season: the mean, its band from the values.
    let f = forecast(&week[..5], 3, &daily()).unwrap();
    assert_eq!(f.method, ForecastMethod::Mean);
    let mean = week[..5].iter().sum::<f64>() / 5.0;
    assert!(f.mean.iter().all(|m| close(*m, mean, 1e-9)));
    assert_sane(&f, 3);
    // One value: the band spans 0 to twice it.
    let f = forecast(&[40.0], 2, &daily()).unwrap();
    assert_eq!(
        (f.method, f.mean, f.lower, f.upper),
        (
            ForecastMethod::Mean,
            vec![40.0; 2],
            vec![0.0; 2],
            vec![80.0; 2]
        )
    );
    // One season and a bit: the same weekday last week.
    let mut ten = week.clone();
    ten.extend([1010.5, 1040.5, 1030.5]);
    let f = forecast(&ten, 7, &daily()).unwrap();
    assert_eq!(f.method, ForecastMethod::SeasonalNaive);
    let last_week = [980.5, 900.5, 120.5, 100.5, 1010.5, 1040.5, 1030.5];
    for (m, v) in f.mean.iter().zip(last_week) {
        assert!(close(*m, v, 1e-9), "{f:?}");
    }
    assert_sane(&f, 7);
    assert!(f.upper[0] > f.lower[0]);
    // Two seasons: the model.
    assert_eq!(
        forecast(&weeks(2), 7, &daily()).unwrap().method,
        ForecastMethod::SeasonalDampedTrend
    );
    // Without a season: the mean below 8 values, then the model.
    let none = ForecastOptions {
        seasonal_period: 1,
        ..daily()
    };
    assert_eq!(
        forecast(&week, 3, &none).unwrap().method,
        ForecastMethod::Mean
    );
    let flat = [500.0; 8];
    let f = forecast(&flat, 3, &none).unwrap();
    assert_eq!(
        (f.method, f.mean),
        (ForecastMethod::DampedTrend, vec![500.0; 3])
    );
    let zero = ForecastOptions {
        seasonal_period: 0,
        ..daily()
    };
    assert_eq!(
        forecast(&flat, 3, &zero).unwrap().method,
        ForecastMethod::DampedTrend
    );
}

#[test]
fn missing_days_are_skipped_not_read_as_zeros() {
    let mut seed = 11;
    let full: Vec<f64> = (0..70)
        .map(|t| WEEK[t % 7] * noise(&mut seed, 0.03))
        .collect();
    let complete = forecast(&full, 14, &daily()).unwrap();
    let mut holes = full.clone();
    for t in [3, 20, 41, 58, 66, 67] {
        holes[t] = f64::NAN;
    }
    let f = forecast(&holes, 14, &daily()).unwrap();
    assert_sane(&f, 14);
    for i in 0..14 {
        assert!(
            close(f.mean[i], complete.mean[i], 0.03),
            "day {i}: {} vs {}",
            f.mean[i],
            complete.mean[i]
        );
    }
    // The same holes as zeros would drag those weekdays down.
    let zeros: Vec<f64> = holes
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    let z = forecast(&zeros, 14, &daily()).unwrap();
    let gap = |g: &Forecast| {
        (0..14)
            .map(|i| (g.mean[i] / complete.mean[i]).ln().abs())
            .sum::<f64>()
    };
    assert!(gap(&z) > 3.0 * gap(&f), "{} vs {}", gap(&z), gap(&f));
    // Missing days at the end: the forecast still starts after them, on
    // the right weekday, with a band at least as wide.
    let mut tail = full.clone();
    tail[68] = f64::NAN;
    tail[69] = f64::NAN;
    let t = forecast(&tail, 7, &daily()).unwrap();
    assert_eq!(t.start, 70);
    for i in 0..7 {
        assert!(
            close(t.mean[i], WEEK[(70 + i) % 7], 0.06),
            "day {i}: {}",
            t.mean[i]
        );
        assert!(
            t.upper[i] - t.lower[i] >= 0.99 * (complete.upper[i] - complete.lower[i]),
            "day {i}"
        );
    }
    // Leading missing days are dropped.
    let mut lead = vec![f64::NAN; 9];
    lead.extend(weeks(3));
    let l = forecast(&lead, 7, &daily()).unwrap();
    for i in 0..7 {
        assert!(
            close(l.mean[i], WEEK[(21 + i) % 7], 1e-6),
            "day {i}: {}",
            l.mean[i]
        );
    }
}

#[test]
fn a_partial_last_day_is_not_read_as_a_quiet_day() {
    // Five weeks, then Monday so far: 300 of a usual 1000.
    let mut values = weeks(5);
    values.push(300.0);
    let partial = ForecastOptions {
        last_is_partial: true,
        ..daily()
    };
    let f = forecast(&values, 7, &partial).unwrap();
    assert_eq!(f.start, 35);
    for (i, (m, usual)) in f.mean.iter().zip(WEEK).enumerate() {
        assert!(close(*m, usual, 1e-6), "day {i}: {m}");
    }
    // Read as a full day, the 300 would have moved the days after it.
    let whole = forecast(&values, 7, &daily()).unwrap();
    assert_eq!(whole.start, 36);
    assert!(!close(whole.mean[0], WEEK[1], 1e-3), "{whole:?}");
    // The day's total is at least what has been counted so far.
    *values.last_mut().unwrap() = 5000.0;
    let f = forecast(&values, 7, &partial).unwrap();
    assert!(
        f.mean[0] >= 5000.0 && f.lower[0] >= 5000.0 && f.upper[0] >= 5000.0,
        "{f:?}"
    );
    assert!(close(f.mean[1], WEEK[1], 1e-6));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let ok = weeks(3);
    let mut cases: Vec<(Vec<f64>, usize, ForecastOptions)> = Vec::new();
    for bad in [-1.0, f64::INFINITY, f64::NEG_INFINITY] {
        let mut v = ok.clone();
        v[4] = bad;
        cases.push((v, 7, daily()));
    }
    cases.push((Vec::new(), 7, daily()));
    cases.push((vec![f64::NAN; 20], 7, daily()));
    cases.push((
        vec![5.0],
        7,
        ForecastOptions {
            last_is_partial: true,
            ..daily()
        },
    ));
    let mut stale = ok.clone();
    stale.extend(vec![f64::NAN; MAX_HORIZON + 1]);
    cases.push((stale, 7, daily()));
    cases.push((ok.clone(), MAX_HORIZON + 1, daily()));
    cases.push((ok.clone(), usize::MAX, daily()));
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
        cases.push((
            ok.clone(),
            7,
            ForecastOptions {
                interval_level: level,
                ..daily()
            },
        ));
    }
    cases.push((
        ok.clone(),
        7,
        ForecastOptions {
            seasonal_period: MAX_PERIOD + 1,
            ..daily()
        },
    ));
    for (values, horizon, options) in cases {
        let e = forecast(&values, horizon, &options).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::InvalidInput,
            "{values:?} {horizon} {options:?}"
        );
        let e = seasonal_naive(&values, horizon, &options).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }
    let e = forecast(&[1.0, -2.0], 3, &daily()).unwrap_err();
    assert!(e.message.contains("value 1 is -2"), "{}", e.message);
}

#[test]
fn horizon_zero_gives_empty_vectors() {
    for n in [1, 10, 40] {
        let f = forecast(&weeks(6)[..n], 0, &daily()).unwrap();
        assert!(f.mean.is_empty() && f.lower.is_empty() && f.upper.is_empty());
        assert_eq!(f.start, n);
    }
}

#[test]
fn a_monday_after_a_quiet_weekend_does_not_collapse_the_forecast() {
    // Monday to Sunday, then a busy Monday: the old straight line falls
    // through the floor within the week.
    let counts: Vec<i64> = [1000, 1050, 1020, 980, 900, 120, 100, 1000].to_vec();
    let line = crate::analysis::project(&counts, 7);
    assert!(line[6] <= counts[7] / 3, "the old projection: {line:?}");
    let values: Vec<f64> = counts.iter().map(|v| *v as f64).collect();
    for history in [values.clone(), {
        let mut two = weeks(2);
        two.push(1000.5);
        two
    }] {
        let f = forecast(&history, 7, &daily()).unwrap();
        // Tuesday to Friday stay busy, the weekend quiet, Monday busy again.
        for (i, m) in f.mean.iter().enumerate() {
            let usual = WEEK[(1 + i) % 7];
            assert!(
                close(*m, usual, 0.1),
                "{:?} day {i}: {m} vs {usual}",
                f.method
            );
        }
    }
}

#[test]
fn huge_values_stay_finite() {
    let big: Vec<f64> = weeks(4).iter().map(|v| v * 1e12).collect();
    let f = forecast(&big, 7, &daily()).unwrap();
    assert_sane(&f, 7);
    for i in 0..7 {
        assert!(close(f.mean[i], WEEK[(28 + i) % 7] * 1e12, 1e-6));
    }
    let mut seed = 5;
    let huge: Vec<f64> = (0..40).map(|_| 1e300 * noise(&mut seed, 0.5)).collect();
    let f = forecast(&huge, 400, &daily()).unwrap();
    assert_sane(&f, 400);
    let f = forecast(&[f64::MAX; 20], 5, &daily()).unwrap();
    assert_sane(&f, 5);
    // A long series with a long gap at the end: the last values up to
    // the gap are fitted, the forecast starts after the gap.
    let mut long = weeks(500);
    long.extend(vec![f64::NAN; 1500]);
    let f = forecast(&long, 7, &daily()).unwrap();
    assert_eq!(f.start, 5000);
    for (i, m) in f.mean.iter().enumerate() {
        assert!(close(*m, WEEK[(5000 + i) % 7], 1e-6), "day {i}: {m}");
    }
    // A jump by a factor of a million does not explode the trend.
    let mut jump = vec![1.0; 21];
    jump.extend(vec![1e6; 5]);
    let f = forecast(&jump, 90, &daily()).unwrap();
    assert_sane(&f, 90);
    assert!(f.mean.iter().all(|m| *m <= 4e6), "{:?}", f.mean);
}

#[test]
fn a_holiday_or_a_spike_does_not_drag_the_weeks_after_it() {
    for (day, factor) in [(50, 0.12), (52, 4.0)] {
        let mut seed = 7;
        let mut values: Vec<f64> = (0..77)
            .map(|t| WEEK[t % 7] * noise(&mut seed, 0.03))
            .collect();
        values[day] *= factor;
        let f = forecast(&values, 14, &daily()).unwrap();
        for (i, m) in f.mean.iter().enumerate() {
            let usual = WEEK[(77 + i) % 7];
            assert!(
                close(*m, usual, 0.04),
                "day {day} × {factor}, {i}: {m} vs {usual}"
            );
        }
    }
}

#[test]
fn a_lasting_shift_is_followed() {
    // Eight weeks, then twice the usage for two weeks.
    let mut seed = 9;
    let values: Vec<f64> = (0..70)
        .map(|t| WEEK[t % 7] * if t >= 56 { 2.0 } else { 1.0 } * noise(&mut seed, 0.03))
        .collect();
    let f = forecast(&values, 7, &daily()).unwrap();
    for (i, m) in f.mean.iter().enumerate() {
        let usual = 2.0 * WEEK[(70 + i) % 7];
        assert!(close(*m, usual, 0.1), "day {i}: {m} vs {usual}");
    }
}

#[test]
fn a_changed_weekly_pattern_is_followed() {
    // Ten weeks, then three with weekends three times as busy.
    let mut seed = 13;
    let values: Vec<f64> = (0..91)
        .map(|t| {
            let busier = t >= 70 && t % 7 >= 5;
            WEEK[t % 7] * if busier { 3.0 } else { 1.0 } * noise(&mut seed, 0.03)
        })
        .collect();
    let f = forecast(&values, 7, &daily()).unwrap();
    for (i, m) in f.mean.iter().enumerate() {
        let t = 91 + i;
        let usual = WEEK[t % 7] * if t % 7 >= 5 { 3.0 } else { 1.0 };
        assert!(close(*m, usual, 0.1), "day {i}: {m} vs {usual}");
    }
}

#[test]
fn a_steep_ramp_does_not_explode() {
    // Doubling every day for three weeks: the trend may double a
    // forecast, not run away with it.
    let values: Vec<f64> = (0..21).map(|t| 2f64.powi(t)).collect();
    let f = forecast(&values, 90, &daily()).unwrap();
    assert_sane(&f, 90);
    let last = values[20];
    assert!(f.mean.iter().all(|m| *m <= 4.0 * last), "{:?}", f.mean);
}

#[test]
fn the_band_widens_with_the_horizon_and_holds_about_its_share() {
    let (mut inside, mut total) = (0usize, 0usize);
    for s in 0..30u64 {
        let mut seed = s;
        let values: Vec<f64> = (0..154)
            .map(|t| WEEK[t % 7] * 3.0 * noise(&mut seed, 0.15))
            .collect();
        let (history, future) = values.split_at(126);
        let f = forecast(history, 28, &daily()).unwrap();
        assert_sane(&f, 28);
        for i in 7..28 {
            // On the model's scale, where the band is offsets.
            let width = |k: usize| f.upper[k].ln_1p() - f.lower[k].ln_1p();
            assert!(
                width(i) >= width(i - 7) - 1e-9,
                "series {s}, day {i}: {f:?}"
            );
        }
        for (a, (l, u)) in future.iter().zip(f.lower.iter().zip(&f.upper)) {
            inside += usize::from(l <= a && a <= u);
            total += 1;
        }
    }
    let share = inside as f64 / total as f64;
    assert!((0.7..=0.9).contains(&share), "80 % band holds {share}");
    // A wider level, a wider band.
    let values = weeks(10)
        .iter()
        .enumerate()
        .map(|(t, v)| v * (1.0 + 0.2 * ((t * 7919) % 13) as f64 / 13.0))
        .collect::<Vec<_>>();
    let narrow = forecast(&values, 7, &daily()).unwrap();
    let wide = forecast(
        &values,
        7,
        &ForecastOptions {
            interval_level: 0.95,
            ..daily()
        },
    )
    .unwrap();
    assert_eq!(narrow.mean, wide.mean);
    for i in 0..7 {
        assert!(wide.lower[i] <= narrow.lower[i] && narrow.upper[i] <= wide.upper[i]);
    }
    assert!((0..7).any(|i| wide.upper[i] - wide.lower[i] > narrow.upper[i] - narrow.lower[i]));
}

#[test]
fn weekly_totals_get_a_damped_trend_without_a_season() {
    let values: Vec<f64> = (0..20).map(|t| 7000.0 + 150.0 * t as f64).collect();
    let options = ForecastOptions {
        seasonal_period: 1,
        ..daily()
    };
    let f = forecast(&values, 4, &options).unwrap();
    assert_eq!(f.method, ForecastMethod::DampedTrend);
    assert_sane(&f, 4);
    assert!(f.mean.windows(2).all(|w| w[0] <= w[1]), "{f:?}");
    assert!(
        f.mean[0] > values[19] && f.mean[3] < values[19] + 4.0 * 150.0 + 1.0,
        "{f:?}"
    );
}

#[test]
fn seasonal_naive_repeats_last_week() {
    let mut values = weeks(3);
    values[20] = 50.0;
    let f = seasonal_naive(&values, 9, &daily()).unwrap();
    assert_eq!(f.method, ForecastMethod::SeasonalNaive);
    for (i, m) in f.mean.iter().enumerate() {
        assert!(close(*m, values[14 + i % 7], 1e-9), "day {i}: {m}");
    }
    assert_sane(&f, 9);
}

#[test]
fn options_and_results_speak_camel_case_json() {
    let o: ForecastOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o, ForecastOptions::default());
    let o: ForecastOptions =
        serde_json::from_str(r#"{"seasonalPeriod":1,"intervalLevel":0.95,"lastIsPartial":true}"#)
            .unwrap();
    assert_eq!(
        (o.seasonal_period, o.interval_level, o.last_is_partial),
        (1, 0.95, true)
    );
    assert!(serde_json::from_str::<ForecastOptions>(r#"{"period":7}"#).is_err());
    let f = forecast(&weeks(3), 1, &daily()).unwrap();
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["method"], "seasonalDampedTrend");
    assert_eq!(json["intervalLevel"], 0.8);
    assert_eq!(json["start"], 21);
    for m in [
        ForecastMethod::SeasonalDampedTrend,
        ForecastMethod::DampedTrend,
        ForecastMethod::SeasonalNaive,
        ForecastMethod::Mean,
    ] {
        assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
    }
}
