//! Hand-written SVG charts: stacked daily series with the forecast of the
//! next periods as a band, top-N bars, the status-code breakdown with the 429 share
//! highlighted, and units against a quota. Every chart has a legend or labels,
//! `<title>` tooltips, colours from CSS variables (light and dark), and a
//! visually hidden table for screen readers. Vendor strings are text nodes.

use leptos::prelude::*;

use super::card_view::Plot;

use crate::analysis::series_forecast::forecast_input;
use crate::analysis::{forecast, Forecast, ForecastMethod, GroupTotal, Periods, Series};

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

/// The frame of a chart with one slot per period: the SVG's box, the width
/// of a slot and of its bar, and the value at the top.
#[derive(Clone, Copy, Debug)]
pub struct SlotFrame {
    /// The drawing and its margins.
    pub plot: Plot,
    /// Width of one slot.
    pub slot: f64,
    /// Width of a bar in its slot.
    pub bw: f64,
    /// The value at the top of the plot.
    pub max: f64,
}

impl std::ops::Deref for SlotFrame {
    type Target = Plot;
    fn deref(&self) -> &Plot {
        &self.plot
    }
}

impl SlotFrame {
    /// A frame of `w`×`h` with margins (left, right, top, bottom), `slots`
    /// slots and `max` at the top.
    pub fn new(w: f64, h: f64, margins: (f64, f64, f64, f64), slots: usize, max: f64) -> Self {
        let (ml, mr, mt, mb) = margins;
        let slot = (w - ml - mr) / slots.max(1) as f64;
        let bw = (slot * 0.78).max(1.0);
        SlotFrame {
            plot: Plot {
                w,
                h,
                ml,
                mr,
                mt,
                mb,
            },
            slot,
            bw,
            max,
        }
    }

    /// The bottom of the plot.
    pub fn base(&self) -> f64 {
        self.h - self.mb
    }

    /// The height of a value.
    pub fn y(&self, v: f64) -> f64 {
        let ph = self.h - self.mt - self.mb;
        self.mt + ph - v.clamp(0.0, self.max) / self.max * ph
    }

    /// The left edge of slot `i`'s bar.
    pub fn x(&self, i: usize) -> f64 {
        self.ml + self.slot * i as f64 + (self.slot - self.bw) / 2.0
    }

    /// The middle of slot `i`.
    pub fn cx(&self, i: usize) -> f64 {
        self.ml + self.slot * i as f64 + self.slot / 2.0
    }

    /// The grid lines and their labels.
    pub fn ticks(self) -> impl IntoView {
        y_ticks(self.max, move |v| self.y(v), self.ml, self.w - self.mr)
    }

    /// The x axis line.
    pub fn axis(&self) -> impl IntoView {
        let b = self.base();
        view! { <line class="axis" x1=fx(self.ml) x2=fx(self.w - self.mr) y1=fx(b) y2=fx(b)></line> }
    }

    /// A label under the axis, centred on `x`, on the first (`line` 0) or
    /// second line.
    pub fn x_label(&self, x: f64, line: usize, class: &'static str, text: String) -> impl IntoView {
        let y = self.base() + 16.0 * (line + 1) as f64;
        view! { <text class=class x=fx(x) y=fx(y) text-anchor="middle">{text}</text> }
    }
}

/// One entry of a legend: a swatch of `class` and its words.
pub fn legend_item(class: &str, words: impl IntoView) -> impl IntoView {
    view! {
        <li>
            <span class=format!("swatch {class}") aria-hidden="true"></span>
            {words}
        </li>
    }
}

/// A legend of fixed entries: (swatch class, words).
pub fn key_legend(items: &[(&'static str, &'static str)]) -> impl IntoView {
    let items = items
        .iter()
        .map(|(class, words)| legend_item(class, *words))
        .collect_view();
    view! { <ul class="legend">{items}</ul> }
}

/// The forecast the series chart draws, and the slot of its first period:
/// after the last bar, or on it when the last period is partial.
fn series_forecast(
    series: &Series,
    periods: Periods,
    days: Option<&(String, String)>,
) -> (Option<Forecast>, usize) {
    let n = series.dates.len();
    if n < 3 || series.dates.iter().any(|d| d == "total") {
        return (None, n);
    }
    let days = days.map(|(a, b)| (a.as_str(), b.as_str()));
    match forecast_input(series, periods, days) {
        Some(input) if input.values.iter().any(|v| !v.is_nan()) => {
            let f = forecast(&input.values, FORECAST_PERIODS, &input.options).ok();
            let first_slot = if input.options.last_is_partial {
                n.saturating_sub(1)
            } else {
                n
            };
            (f, first_slot)
        }
        _ => (None, n),
    }
}

/// The series' bars, stacked by group.
fn stacked_bars(series: &Series, frame: SlotFrame) -> Vec<impl IntoView> {
    let mut rects = Vec::new();
    for (i, date) in series.dates.iter().enumerate() {
        let mut acc = 0.0;
        for (gi, g) in series.groups.iter().enumerate() {
            let v = g.values.get(i).copied().unwrap_or(0) as f64;
            if v <= 0.0 {
                continue;
            }
            let top = frame.y(acc + v);
            let bottom = frame.y(acc);
            acc += v;
            let tip = format!("{date} · {}: {} requests", g.name, group_digits(v as i64));
            rects.push(view! {
                <rect
                    class=format!("s{}", gi % 10)
                    x=fx(frame.x(i))
                    y=fx(top)
                    width=fx(frame.bw)
                    height=fx((bottom - top).max(0.5))
                >
                    <title>{tip}</title>
                </rect>
            });
        }
    }
    rects
}

/// A forecast dot's tooltip; `ahead` 0 is the last, partial period.
fn forecast_tip(ahead: usize, m: f64, lo: f64, hi: f64) -> String {
    let when = if ahead == 0 {
        "the last, partial period".to_string()
    } else {
        format!("period +{ahead}")
    };
    format!(
        "Forecast, {when}: {} requests (band {} – {})",
        group_digits(m.round() as i64),
        group_digits(lo.round() as i64),
        group_digits(hi.round() as i64)
    )
}

/// The forecast: a band from the last bar (or on the partial last bar) over
/// the next periods, its central line, and a dot per period.
fn forecast_marks(
    f: &Forecast,
    frame: SlotFrame,
    last: f64,
    n: usize,
    first_slot: usize,
) -> impl IntoView {
    let (mut band, mut line) = (Vec::new(), Vec::new());
    if first_slot == n && n > 0 {
        band.push((frame.cx(n - 1), frame.y(last), frame.y(last)));
        line.push((frame.cx(n - 1), frame.y(last)));
    }
    let mut dots = Vec::new();
    for (k, ((m, lo), hi)) in f.mean.iter().zip(&f.lower).zip(&f.upper).enumerate() {
        let xx = frame.cx(first_slot + k);
        band.push((xx, frame.y(*lo), frame.y(*hi)));
        line.push((xx, frame.y(*m)));
        let tip = forecast_tip((k + 1 + first_slot).saturating_sub(n), *m, *lo, *hi);
        dots.push(view! {
            <circle class="forecast-dot" cx=fx(xx) cy=fx(frame.y(*m)) r="3">
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
}

/// The dates under the axis (about seven of them), and the word "forecast"
/// under the forecast's periods.
fn series_x_labels(
    series: &Series,
    frame: SlotFrame,
    fc: Option<(&Forecast, usize)>,
) -> impl IntoView {
    let label_every = (series.dates.len() / 7).max(1);
    let dates: Vec<_> = series
        .dates
        .iter()
        .enumerate()
        .filter(|(i, _)| i % label_every == 0)
        .map(|(i, d)| {
            let text = if d.len() >= 10 {
                d[5..10].to_string()
            } else {
                d.clone()
            };
            frame.x_label(frame.cx(i), 0, "xlabel", text)
        })
        .collect();
    let forecast = fc.map(|(f, first_slot)| {
        let mid = first_slot as f64 + f.mean.len() as f64 / 2.0;
        frame.x_label(
            frame.ml + frame.slot * mid,
            1,
            "xlabel proj-label",
            "forecast".into(),
        )
    });
    view! {
        {dates}
        {forecast}
    }
}

/// What the series chart shows, in one sentence or two for screen readers.
fn series_summary(series: &Series, group_label: &str, fc: Option<&Forecast>) -> String {
    let first = series.dates.first().cloned().unwrap_or_default();
    let last = series.dates.last().cloned().unwrap_or_default();
    let largest = series.totals().into_iter().max().unwrap_or(0);
    let forecast = fc.map(|f| {
        let lo = f.lower.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = f.upper.iter().copied().fold(0.0, f64::max);
        format!(
            " Forecast of the next {} periods ({}): between {} and {} requests per period.",
            f.mean.len(),
            method_words(f.method),
            group_digits(lo.round() as i64),
            group_digits(hi.round() as i64)
        )
    });
    format!(
        "Requests per period from {first} to {last}, stacked by {}. Largest period: {} requests.",
        group_label.to_ascii_lowercase(),
        group_digits(largest)
    ) + &forecast.unwrap_or_default()
}

/// The legend of the groups: swatch, name and total.
fn series_legend(series: &Series, group_label: &str) -> impl IntoView {
    let items: Vec<_> = series
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let total: i64 = g.values.iter().sum();
            let words = view! {
                <span class="legend-name" title=g.name.clone()>{cut(&g.name, 48)}</span>
                <span class="legend-value">{short(total as f64)}</span>
            };
            legend_item(&format!("s{}", gi % 10), words)
        })
        .collect();
    view! {
        <ul class="legend" aria-label=format!("Legend: {}", group_label)>
            {items}
        </ul>
    }
}

/// The series as a table, for screen readers.
fn series_table(series: &Series) -> impl IntoView {
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
        <table class="sr-only">
            <caption>"Requests per period and group"</caption>
            {head_row(&header)}
            <tbody>{body}</tbody>
        </table>
    }
}

/// The series chart's caption: what it shows, the bar's span, the forecast.
fn series_caption(
    group_label: &str,
    per: Option<&'static str>,
    fc: Option<&Forecast>,
) -> impl IntoView {
    let forecast = fc.map(|f| {
        let words = format!(
            " · shaded: forecast of the next {} periods, {} % band ({})",
            f.mean.len(),
            fixed(f.interval_level * 100.0, 0),
            method_words(f.method)
        );
        view! { <span class="hint" data-testid="series-forecast-method" data-method=f.method.as_str()>{words}</span> }
    });
    view! {
        <figcaption>
            {format!("Requests over time by {}", group_label.to_ascii_lowercase())}
            {per.map(|p| view! { <span class="hint" data-testid="series-per">{format!(" · one bar per {p}")}</span> })}
            {forecast}
        </figcaption>
    }
}

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
    let totals = series.totals();
    let n = series.dates.len();
    let (fc, first_slot) = if projection {
        series_forecast(&series, periods, days.as_ref())
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
    let frame = SlotFrame::new(W, 300.0, (64.0, 16.0, 12.0, 44.0), slots, max);
    let last = totals.last().copied().unwrap_or(0) as f64;
    let forecast_view = fc
        .as_ref()
        .map(|f| forecast_marks(f, frame, last, n, first_slot));
    view! {
        <figure class="chart" data-testid="chart-series">
            {series_caption(&group_label, per, fc.as_ref())}
            <svg
                viewBox=format!("0 0 {} {}", fx(W), fx(frame.h))
                role="img"
                aria-label=series_summary(&series, &group_label, fc.as_ref())
                preserveAspectRatio="xMidYMid meet"
            >
                {frame.ticks()}
                <g class="bars">{stacked_bars(&series, frame)}</g>
                {forecast_view}
                {frame.axis()}
                {series_x_labels(&series, frame, fc.as_ref().map(|f| (f, first_slot)))}
            </svg>
            {series_legend(&series, &group_label)}
            {series_table(&series)}
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

/// One group's row of the status chart: its status classes side by side
/// (2xx/3xx, other 4xx, 429, 5xx) and its 429 share.
fn status_row(g: &GroupTotal, i: usize, worst: f64) -> impl IntoView {
    let (row, lw, vw) = (26.0, 260.0, 110.0);
    let pw = W - lw - vw;
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
        let tip = format!(
            "{}: {} {name} ({})",
            g.name,
            group_digits(v as i64),
            percent(v / total)
        );
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
}

/// The status chart's groups as a table, for screen readers.
fn status_table(groups: &[GroupTotal], label: &str, caption: String) -> impl IntoView {
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
    view! {
        <table class="sr-only">
            <caption>{caption}</caption>
            {head_row(&[
                (label, false),
                ("Requests", false),
                ("4xx", false),
                ("429", false),
                ("5xx", false),
                ("429 share", false),
            ])}
            <tbody>{body}</tbody>
        </table>
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
    let h = groups.len() as f64 * 26.0 + 8.0;
    let worst = groups
        .iter()
        .filter(|g| g.requests > 0)
        .map(|g| g.share429)
        .fold(0.0, f64::max);
    let rows: Vec<_> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| status_row(g, i, worst))
        .collect();
    let caption = format!(
        "Status codes by {}, 429 share highlighted",
        label.to_ascii_lowercase()
    );
    view! {
        <figure class="chart" data-testid=format!("chart-status-{id}")>
            <figcaption>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {} {}", fx(W), fx(h)) role="img" aria-label=caption.clone()>
                {rows}
            </svg>
            {key_legend(&[
                ("st-ok", "2xx/3xx"),
                ("st-4xx", "other 4xx"),
                ("st-429", "429 rate limited"),
                ("st-5xx", "5xx"),
            ])}
            {status_table(&groups, &label, caption)}
        </figure>
    }
}

/// One kind of unit's gauge: used, projected and the quota line.
fn quota_gauge(q: &QuotaView, i: usize) -> impl IntoView {
    let (row, lw) = (56.0, 150.0);
    let pw = W - lw - 20.0;
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
    let proj_tip = format!(
        "{}: {} projected by the end of the period",
        q.label,
        group_digits(p.projected)
    );
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
}

/// One kind of unit's figures in words.
fn quota_facts(q: &QuotaView) -> impl IntoView {
    let p = &q.projection;
    let quota = p
        .quota
        .map(group_digits)
        .unwrap_or_else(|| "not set".into());
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
}

/// Units used and projected against the quota of the billing period.
#[component]
pub fn QuotaChart(
    /// One gauge per kind of unit.
    views: Vec<QuotaView>,
    /// The billing period.
    period: Option<(String, String)>,
) -> impl IntoView {
    let h = views.len() as f64 * 56.0 + 8.0;
    let gauges: Vec<_> = views
        .iter()
        .enumerate()
        .map(|(i, q)| quota_gauge(q, i))
        .collect();
    let facts: Vec<_> = views.iter().map(quota_facts).collect();
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
            {key_legend(&[
                ("used", "used"),
                ("projected", "projected to the end of the period"),
                ("quota", "quota"),
            ])}
            <div class="quota-grid">{facts}</div>
        </figure>
    }
}
