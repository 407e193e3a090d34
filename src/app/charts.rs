//! Hand-written SVG charts: stacked daily series with the forecast of the
//! next periods as a band, top-N bars, the status-code breakdown with the 429 share
//! highlighted, and units against a quota. Every chart has a legend or labels,
//! `<title>` tooltips, colours from CSS variables (light and dark), and a
//! visually hidden table for screen readers. Vendor strings are text nodes.

use leptos::prelude::*;

use crate::analysis::series_forecast::forecast_input;
use crate::analysis::{forecast, ForecastMethod, GroupTotal, Periods, Series};

pub use crate::analysis::format::{fixed, nice_max, percent1, short};

use crate::analysis::answer::{group_digits, BarSet, QuotaView};

const W: f64 = 800.0;

/// An SVG coordinate (one decimal).
pub fn fx(v: f64) -> String {
    fixed(v, 1)
}

/// A table's header row: the column titles, numeric ones aligned right.
pub fn head_row<S: ToString>(columns: &[(S, bool)]) -> impl IntoView {
    let cells = columns
        .iter()
        .map(|(title, numeric)| view! { <th scope="col" class:num=*numeric>{title.to_string()}</th> })
        .collect_view();
    view! {
        <thead>
            <tr>{cells}</tr>
        </thead>
    }
}

/// Five grid lines from 0 to `max` with their labels, between the `left` and
/// `right` edges of the plot; `y` maps a value to its height.
pub fn y_ticks(max: f64, y: impl Fn(f64) -> f64, left: f64, right: f64) -> impl IntoView {
    (0..=4)
        .map(|k| {
            let v = max * k as f64 / 4.0;
            let yy = y(v);
            view! {
                <g class="tick">
                    <line x1=fx(left) x2=fx(right) y1=fx(yy) y2=fx(yy) class="grid"></line>
                    <text x=fx(left - 6.0) y=fx(yy + 4.0) text-anchor="end">{short(v)}</text>
                </g>
            }
        })
        .collect_view()
}

fn percent(x: f64) -> String {
    if x > 0.0 && x < 0.001 {
        "<0.1%".into()
    } else {
        percent1(x)
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!(
            "{}…",
            s.chars().take(n.saturating_sub(1)).collect::<String>()
        )
    }
}

/// Friendly words for a forecast method, for the chart's caption.
pub fn method_words(method: ForecastMethod) -> &'static str {
    match method {
        ForecastMethod::SeasonalDampedTrend => "weekly pattern with a damped trend",
        ForecastMethod::DampedTrend => "damped trend",
        ForecastMethod::SeasonalNaive => "same weekday last week (under two weeks of data)",
        ForecastMethod::Mean => "the average (too few periods for a trend)",
    }
}

/// The SVG path of a band: along the upper edge, back along the lower one.
pub fn band_path(points: &[(f64, f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, _, hi)) in points.iter().enumerate() {
        d.push_str(if i == 0 { "M" } else { " L" });
        d.push_str(&format!("{},{}", fx(*x), fx(*hi)));
    }
    for (x, lo, _) in points.iter().rev() {
        d.push_str(&format!(" L{},{}", fx(*x), fx(*lo)));
    }
    if !d.is_empty() {
        d.push_str(" Z");
    }
    d
}

/// The SVG path of a line through points.
pub fn line_path(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{},{}", if i == 0 { "M" } else { " L" }, fx(*x), fx(*y)))
        .collect()
}

/// How many periods ahead the series chart forecasts.
pub const FORECAST_PERIODS: usize = 7;

/// Requests over time, stacked by group, with the forecast of the next
/// periods as a band (80 %) around its central line.
#[component]
pub fn SeriesChart(
    /// The series.
    series: Series,
    /// What the groups are (for the legend's heading).
    group_label: String,
    /// Whether to draw the forecast of the next periods.
    #[prop(default = true)]
    projection: bool,
    /// What one bar covers when the days were summed to fit ("week", "month").
    #[prop(default = None)]
    per: Option<&'static str>,
    /// What each period covers (days, or days summed into weeks or months).
    #[prop(default = Periods::AsGiven)]
    periods: Periods,
    /// The first and last day of the data, to tell partial weeks or months.
    #[prop(default = None)]
    days: Option<(String, String)>,
) -> impl IntoView {
    let h = 300.0;
    let (ml, mr, mt, mb) = (64.0, 16.0, 12.0, 44.0);
    let pw = W - ml - mr;
    let ph = h - mt - mb;
    let totals = series.totals();
    let n = series.dates.len();
    let dated = n >= 3 && series.dates.iter().all(|d| d != "total");
    let (fc, first_slot) = if projection && dated {
        let days = days.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
        match forecast_input(&series, periods, days) {
            Some(input) if input.values.iter().any(|v| !v.is_nan()) => {
                let partial = input.options.last_is_partial;
                let f = forecast(&input.values, FORECAST_PERIODS, &input.options).ok();
                let first_slot = if partial { n.saturating_sub(1) } else { n };
                (f, first_slot)
            }
            _ => (None, n),
        }
    } else {
        (None, n)
    };
    let slots = (first_slot + fc.as_ref().map_or(0, |f| f.mean.len()))
        .max(n)
        .max(1);
    let top = fc
        .as_ref()
        .map_or(0.0, |f| f.upper.iter().copied().fold(0.0, f64::max));
    let max = nice_max((totals.iter().copied().max().unwrap_or(0) as f64).max(top));
    let slot = pw / slots as f64;
    let bw = (slot * 0.78).max(1.0);
    let y = move |v: f64| mt + ph - v.clamp(0.0, max) / max * ph;
    let x = move |i: usize| ml + slot * i as f64 + (slot - bw) / 2.0;
    let cx = move |i: usize| ml + slot * i as f64 + slot / 2.0;

    // Stacked bars.
    let mut rects = Vec::new();
    for (i, date) in series.dates.iter().enumerate() {
        let mut acc = 0.0;
        for (gi, g) in series.groups.iter().enumerate() {
            let v = g.values.get(i).copied().unwrap_or(0) as f64;
            if v <= 0.0 {
                continue;
            }
            let top = y(acc + v);
            let bottom = y(acc);
            acc += v;
            let tip = format!("{date} · {}: {} requests", g.name, group_digits(v as i64));
            rects.push(view! {
                <rect
                    class=format!("s{}", gi % 10)
                    x=fx(x(i))
                    y=fx(top)
                    width=fx(bw)
                    height=fx((bottom - top).max(0.5))
                >
                    <title>{tip}</title>
                </rect>
            });
        }
    }
    // The forecast: a band from the last bar (or on the partial last bar)
    // over the next periods, its central line, and a dot per period.
    let forecast_view = fc.as_ref().map(|f| {
        let mut band: Vec<(f64, f64, f64)> = Vec::new();
        let mut line: Vec<(f64, f64)> = Vec::new();
        if first_slot == n && n > 0 {
            let last = totals.last().copied().unwrap_or(0) as f64;
            band.push((cx(n - 1), y(last), y(last)));
            line.push((cx(n - 1), y(last)));
        }
        let mut dots = Vec::new();
        for (k, ((m, lo), hi)) in f.mean.iter().zip(&f.lower).zip(&f.upper).enumerate() {
            let xx = cx(first_slot + k);
            band.push((xx, y(*lo), y(*hi)));
            line.push((xx, y(*m)));
            let ahead = (k + 1 + first_slot).saturating_sub(n);
            let when = if ahead == 0 {
                "the last, partial period".to_string()
            } else {
                format!("period +{ahead}")
            };
            let tip = format!(
                "Forecast, {when}: {} requests (band {} – {})",
                group_digits(m.round() as i64),
                group_digits(lo.round() as i64),
                group_digits(hi.round() as i64)
            );
            dots.push(view! {
                <circle class="forecast-dot" cx=fx(xx) cy=fx(y(*m)) r="3">
                    <title>{tip}</title>
                </circle>
            });
        }
        let band_tip = format!(
            "Forecast of the next {} periods: {} ({} % band)",
            f.mean.len(),
            method_words(f.method),
            fixed(f.interval_level * 100.0, 0)
        );
        view! {
            <g class="forecast">
                <path class="forecast-band" data-testid="series-forecast-band" d=band_path(&band)>
                    <title>{band_tip}</title>
                </path>
                <path class="forecast-line" d=line_path(&line)></path>
                {dots}
            </g>
        }
    });
    // Axes.
    let ticks = y_ticks(max, y, ml, W - mr);
    let label_every = (n / 7).max(1);
    let xlabels: Vec<_> = series
        .dates
        .iter()
        .enumerate()
        .filter(|(i, _)| i % label_every == 0)
        .map(|(i, d)| {
            let cx = ml + slot * i as f64 + slot / 2.0;
            let text = if d.len() >= 10 {
                d[5..10].to_string()
            } else {
                d.clone()
            };
            view! {
                <text class="xlabel" x=fx(cx) y=fx(h - mb + 16.0) text-anchor="middle">{text}</text>
            }
        })
        .collect();
    let proj_label = fc.as_ref().map(|f| {
        let mid = first_slot as f64 + f.mean.len() as f64 / 2.0;
        let cx = ml + slot * mid;
        view! {
            <text class="xlabel proj-label" x=fx(cx) y=fx(h - mb + 32.0) text-anchor="middle">"forecast"</text>
        }
    });
    let first = series.dates.first().cloned().unwrap_or_default();
    let last = series.dates.last().cloned().unwrap_or_default();
    let summary = format!(
        "Requests per period from {first} to {last}, stacked by {}. Largest period: {} requests.",
        group_label.to_lowercase(),
        group_digits(totals.iter().copied().max().unwrap_or(0))
    ) + &fc
        .as_ref()
        .map(|f| {
            let lo = f.lower.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = f.upper.iter().copied().fold(0.0, f64::max);
            format!(
                " Forecast of the next {} periods ({}): between {} and {} requests per period.",
                f.mean.len(),
                method_words(f.method),
                group_digits(lo.round() as i64),
                group_digits(hi.round() as i64)
            )
        })
        .unwrap_or_default();
    let legend: Vec<_> = series
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let total: i64 = g.values.iter().sum();
            view! {
                <li>
                    <span class=format!("swatch s{}", gi % 10) aria-hidden="true"></span>
                    <span class="legend-name" title=g.name.clone()>{cut(&g.name, 48)}</span>
                    <span class="legend-value">{short(total as f64)}</span>
                </li>
            }
        })
        .collect();
    let header: Vec<(String, bool)> = std::iter::once(("Period".to_string(), false))
        .chain(series.groups.iter().map(|g| (g.name.clone(), false)))
        .collect();
    let body: Vec<_> = series
        .dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let cells: Vec<_> = series
                .groups
                .iter()
                .map(|g| view! { <td>{g.values.get(i).copied().unwrap_or(0)}</td> })
                .collect();
            view! {
                <tr>
                    <th scope="row">{d.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect();
    view! {
        <figure class="chart" data-testid="chart-series">
            <figcaption>
                {format!("Requests over time by {}", group_label.to_lowercase())}
                {per.map(|p| view! { <span class="hint" data-testid="series-per">{format!(" · one bar per {p}")}</span> })}
                {fc.as_ref().map(|f| {
                    let words = format!(
                        " · shaded: forecast of the next {} periods, {} % band ({})",
                        f.mean.len(),
                        fixed(f.interval_level * 100.0, 0),
                        method_words(f.method)
                    );
                    view! { <span class="hint" data-testid="series-forecast-method" data-method=f.method.as_str()>{words}</span> }
                })}
            </figcaption>
            <svg
                viewBox=format!("0 0 {} {}", fx(W), fx(h))
                role="img"
                aria-label=summary
                preserveAspectRatio="xMidYMid meet"
            >
                {ticks}
                <g class="bars">{rects}</g>
                {forecast_view}
                <line class="axis" x1=fx(ml) x2=fx(W - mr) y1=fx(mt + ph) y2=fx(mt + ph)></line>
                {xlabels}
                {proj_label}
            </svg>
            <ul class="legend" aria-label=format!("Legend: {}", group_label)>
                {legend}
            </ul>
            <table class="sr-only">
                <caption>"Requests per period and group"</caption>
                {head_row(&header)}
                <tbody>{body}</tbody>
            </table>
        </figure>
    }
}

/// Horizontal bars, largest first, "Other" last.
#[component]
pub fn BarsChart(
    /// The bars.
    set: BarSet,
    /// 429 shares per bar, to highlight (same order as the bars).
    #[prop(optional)]
    shares: Option<Vec<f64>>,
) -> impl IntoView {
    let row = 24.0;
    let lw = 260.0;
    let vw = 90.0;
    let h = (set.bars.len() as f64 * row + 8.0).max(row);
    let max = set.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let unit = set.unit;
    let rows: Vec<_> = set
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let yy = 4.0 + i as f64 * row;
            let width = ((W - lw - vw) * b.value as f64 / max).max(1.0);
            let share = shares.as_ref().and_then(|s| s.get(i).copied());
            let hot = share.is_some_and(|s| s >= 0.01);
            let tip = match share {
                Some(s) => format!(
                    "{}: {} {unit}, 429s {}",
                    b.name,
                    group_digits(b.value),
                    percent(s)
                ),
                None => format!("{}: {} {unit}", b.name, group_digits(b.value)),
            };
            let value_text = match share {
                Some(s) => format!("{} · {}", short(b.value as f64), percent(s)),
                None => short(b.value as f64),
            };
            let other = b.name == crate::analysis::OTHER;
            view! {
                <g class="hbar" class:hot=hot class:other=other>
                    <text class="label" x=fx(lw - 8.0) y=fx(yy + row * 0.62) text-anchor="end">
                        {cut(&b.name, 36)}
                    </text>
                    <rect class="s0" x=fx(lw) y=fx(yy + 3.0) width=fx(width) height=fx(row - 6.0)>
                        <title>{tip}</title>
                    </rect>
                    <text class="value" x=fx(lw + width + 6.0) y=fx(yy + row * 0.62)>{value_text}</text>
                </g>
            }
        })
        .collect();
    let body: Vec<_> = set
        .bars
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{b.name.clone()}</th>
                    <td>{b.value}</td>
                </tr>
            }
        })
        .collect();
    let title = set.title.clone();
    view! {
        <figure class="chart" data-testid=format!("chart-top-{}", set.id)>
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {} {}", fx(W), fx(h)) role="img" aria-label=title.clone()>
                {rows}
            </svg>
            <table class="sr-only">
                <caption>{title}</caption>
                <tbody>{body}</tbody>
            </table>
        </figure>
    }
}

/// Status classes per group, the 429 share highlighted.
#[component]
pub fn StatusChart(
    /// Groups, largest first.
    groups: Vec<GroupTotal>,
    /// What the groups are.
    label: String,
    /// Test id suffix.
    id: &'static str,
) -> impl IntoView {
    let row = 26.0;
    let lw = 260.0;
    let vw = 110.0;
    let h = groups.len() as f64 * row + 8.0;
    let pw = W - lw - vw;
    let worst = groups
        .iter()
        .filter(|g| g.requests > 0)
        .map(|g| g.share429)
        .fold(0.0, f64::max);
    let rows: Vec<_> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let yy = 4.0 + i as f64 * row;
            let total = g.requests.max(1) as f64;
            let s429 = g.status429 as f64;
            let s4 = (g.status400 - g.status429).max(0) as f64;
            let s5 = g.status500 as f64;
            let ok = (g.requests as f64 - s429 - s4 - s5).max(0.0);
            let mut x = lw;
            let mut segs = Vec::new();
            for (class, v, name) in [
                ("st-ok", ok, "2xx/3xx"),
                ("st-4xx", s4, "other 4xx"),
                ("st-429", s429, "429"),
                ("st-5xx", s5, "5xx"),
            ] {
                if v <= 0.0 {
                    continue;
                }
                let w = pw * v / total;
                let tip = format!("{}: {} {name} ({})", g.name, group_digits(v as i64), percent(v / total));
                segs.push(view! {
                    <rect class=class x=fx(x) y=fx(yy + 4.0) width=fx(w.max(0.5)) height=fx(row - 8.0)>
                        <title>{tip}</title>
                    </rect>
                });
                x += w;
            }
            let hot = g.share429 >= 0.01 || (worst > 0.0 && g.share429 == worst);
            view! {
                <g class="hbar" class:hot=hot>
                    <text class="label" x=fx(lw - 8.0) y=fx(yy + row * 0.62) text-anchor="end">{cut(&g.name, 36)}</text>
                    {segs}
                    <text class="value share" x=fx(W - vw + 8.0) y=fx(yy + row * 0.62)>
                        {format!("429: {}", percent(g.share429))}
                    </text>
                </g>
            }
        })
        .collect();
    let body: Vec<_> = groups
        .iter()
        .map(|g| {
            view! {
                <tr>
                    <th scope="row">{g.name.clone()}</th>
                    <td>{g.requests}</td>
                    <td>{g.status400}</td>
                    <td>{g.status429}</td>
                    <td>{g.status500}</td>
                    <td>{percent(g.share429)}</td>
                </tr>
            }
        })
        .collect();
    let caption = format!(
        "Status codes by {}, 429 share highlighted",
        label.to_lowercase()
    );
    view! {
        <figure class="chart" data-testid=format!("chart-status-{id}")>
            <figcaption>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {} {}", fx(W), fx(h)) role="img" aria-label=caption.clone()>
                {rows}
            </svg>
            <ul class="legend">
                <li><span class="swatch st-ok" aria-hidden="true"></span>"2xx/3xx"</li>
                <li><span class="swatch st-4xx" aria-hidden="true"></span>"other 4xx"</li>
                <li><span class="swatch st-429" aria-hidden="true"></span>"429 rate limited"</li>
                <li><span class="swatch st-5xx" aria-hidden="true"></span>"5xx"</li>
            </ul>
            <table class="sr-only">
                <caption>{caption}</caption>
                {head_row(&[
                    (label.as_str(), false),
                    ("Requests", false),
                    ("4xx", false),
                    ("429", false),
                    ("5xx", false),
                    ("429 share", false),
                ])}
                <tbody>{body}</tbody>
            </table>
        </figure>
    }
}

/// Units used and projected against the quota of the billing period.
#[component]
pub fn QuotaChart(
    /// One gauge per kind of unit.
    views: Vec<QuotaView>,
    /// The billing period.
    period: Option<(String, String)>,
) -> impl IntoView {
    let row = 56.0;
    let lw = 150.0;
    let h = views.len() as f64 * row + 8.0;
    let pw = W - lw - 20.0;
    let gauges: Vec<_> = views
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let p = &q.projection;
            let scale = (p.quota.unwrap_or(0).max(p.projected).max(p.used).max(1) as f64) * 1.08;
            let yy = 6.0 + i as f64 * row;
            let wu = pw * p.used as f64 / scale;
            let wp = pw * p.projected as f64 / scale;
            let quota_line = p.quota.map(|qv| {
                let qx = lw + pw * qv as f64 / scale;
                let tip = format!("Quota: {} units", group_digits(qv));
                view! {
                    <line class="quota-line" x1=fx(qx) x2=fx(qx) y1=fx(yy) y2=fx(yy + 30.0)>
                        <title>{tip}</title>
                    </line>
                }
            });
            let used_tip = format!("{}: {} used so far", q.label, group_digits(p.used));
            let proj_tip = format!("{}: {} projected by the end of the period", q.label, group_digits(p.projected));
            view! {
                <g class="gauge" class:over=p.over_quota>
                    <text class="label" x=fx(lw - 8.0) y=fx(yy + 20.0) text-anchor="end">{q.label.clone()}</text>
                    <rect class="track" x=fx(lw) y=fx(yy + 6.0) width=fx(pw) height=fx(20.0)></rect>
                    <rect class="projected" x=fx(lw) y=fx(yy + 6.0) width=fx(wp) height=fx(20.0)>
                        <title>{proj_tip}</title>
                    </rect>
                    <rect class="used" x=fx(lw) y=fx(yy + 6.0) width=fx(wu) height=fx(20.0)>
                        <title>{used_tip}</title>
                    </rect>
                    {quota_line}
                </g>
            }
        })
        .collect();
    let facts: Vec<_> = views
        .iter()
        .map(|q| {
            let p = &q.projection;
            let quota = p.quota.map(group_digits).unwrap_or_else(|| "not set".into());
            let remaining = p.remaining.map(group_digits).unwrap_or_else(|| "—".into());
            view! {
                <div class="quota-facts" class:over=p.over_quota data-testid="quota-facts">
                    <h4>{q.label.clone()}</h4>
                    <dl>
                        <dt>"Used"</dt>
                        <dd>{group_digits(p.used)}</dd>
                        <dt>"Projected"</dt>
                        <dd>{group_digits(p.projected)}</dd>
                        <dt>"Quota"</dt>
                        <dd>{quota}</dd>
                        <dt>"Remaining"</dt>
                        <dd>{remaining}</dd>
                        <dt>"Period elapsed"</dt>
                        <dd>{percent(p.elapsed)}</dd>
                    </dl>
                    {p.over_quota.then(|| view! { <p class="warn">"Projected to exceed the quota."</p> })}
                </div>
            }
        })
        .collect();
    let caption = match period {
        Some((a, b)) => format!("Units of the billing period {a} – {b}: used, projected and quota"),
        None => "Units of the billing period: used, projected and quota".to_string(),
    };
    view! {
        <figure class="chart" data-testid="chart-quota">
            <figcaption>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {} {}", fx(W), fx(h)) role="img" aria-label=caption>
                {gauges}
            </svg>
            <ul class="legend">
                <li><span class="swatch used" aria-hidden="true"></span>"used"</li>
                <li><span class="swatch projected" aria-hidden="true"></span>"projected to the end of the period"</li>
                <li><span class="swatch quota" aria-hidden="true"></span>"quota"</li>
            </ul>
            <div class="quota-grid">{facts}</div>
        </figure>
    }
}
