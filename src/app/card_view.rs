//! What the overview's cards show, decided without Leptos: the words of each
//! figure, which clients a table lists and which of them are hot, and where
//! the month chart draws its lines. The components in `overview/cards.rs`
//! render these and decide nothing themselves.

use crate::analysis::format::{fixed, group_digits, nice_max};
use crate::analysis::outlook::{ClientFigures, MonthOutlook, UnitsFigure, UnitsOutlook};
use crate::analysis::{default_rules, Rule, RuleKind};
use crate::{Error, ErrorKind};

/// How many clients the clients card lists by requests.
pub const TOP_CLIENTS: usize = 8;
/// How many clients the clients card lists as the worst 429 offenders.
pub const TOP_OFFENDERS: usize = 5;
/// How many account groups the units card lists.
pub const TOP_GROUPS: usize = 10;

/// A share as a percentage with one decimal and a space: `2.3 %`.
pub fn pct(x: f64) -> String {
    format!("{} %", fixed(x * 100.0, 1))
}

/// A projected count, rounded and grouped: `1,235`.
pub fn count(x: f64) -> String {
    group_digits(x.round() as i64)
}

/// A cell's text, or a dash when there is nothing to show.
pub fn or_dash(text: Option<String>) -> String {
    text.unwrap_or_else(|| "—".into())
}

/// `part` as a share of `total` (a total of 0 counts as 1).
pub fn share_of(part: i64, total: i64) -> f64 {
    part as f64 / total.max(1) as f64
}

/// A vendor's error in words, with what to do next for the kinds a person
/// can act on.
pub fn error_words(e: &Error) -> String {
    let advice = match e.kind {
        ErrorKind::Unauthorized => " Sign in again (or paste a fresh token).",
        ErrorKind::Forbidden => " Ask an administrator for the permission named above.",
        ErrorKind::Network => {
            " If the service blocks calls from web pages (CORS), set a proxy base URL."
        }
        ErrorKind::RateLimited => " Wait a minute, then refresh the overview.",
        _ => "",
    };
    format!("{}{advice}", e.message)
}

/// Whether a card's failure is the user's own Cancel.
pub fn is_cancelled(e: &Error) -> bool {
    e.kind == ErrorKind::Aborted
}

/// A card's note when its vendor is not connected.
pub fn not_connected_words(vendor: &str) -> String {
    format!("Connect to {vendor} (or click Demo) to see this card.")
}

/// A card's title when its vendor failed.
pub fn failed_title(vendor: &str) -> String {
    format!("{vendor} did not answer")
}

/// The units card's note when the usage came but the quotas did not (a
/// cancelled run says nothing: the overview's notice already does).
pub fn quotas_note(usage_ok: bool, quotas_error: Option<&Error>) -> Option<String> {
    let e = quotas_error.filter(|e| usage_ok && !is_cancelled(e))?;
    Some(format!(
        "Quotas could not be read ({}); units are compared with what the contract includes.",
        e.message
    ))
}

/// The days a card's figures cover: `first – last`.
pub fn days_words(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "no days with data".into(),
    }
}

/// What the worst-offenders table follows: the 429 rule as it is edited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShareRule {
    /// Clients with fewer requests are left out.
    pub min_requests: i64,
    /// Above this share of 429s (0..1) a client is hot.
    pub threshold: f64,
}

/// The first 429-share rule of `rules`, or the default one when the user
/// has none.
pub fn share_rule(rules: &[Rule]) -> ShareRule {
    let of = |r: &Rule| ShareRule {
        min_requests: r.min_requests,
        threshold: r.threshold / 100.0,
    };
    let find = |rules: &[Rule]| rules.iter().find(|r| r.kind == RuleKind::Share429).map(of);
    find(rules)
        .or_else(|| find(&default_rules()))
        .unwrap_or(ShareRule {
            min_requests: 0,
            threshold: 0.0,
        })
}

/// The caption of the worst-offenders table.
pub fn offenders_caption(rule: ShareRule) -> String {
    format!(
        "Worst 429 offenders (clients with {} requests or more)",
        group_digits(rule.min_requests)
    )
}

/// The worst 429 offenders: clients with a 429 and enough requests, by
/// share of 429s, each with whether it is past the rule's threshold.
pub fn offenders(clients: &[ClientFigures], rule: ShareRule) -> Vec<(&ClientFigures, bool)> {
    let mut list: Vec<_> = clients
        .iter()
        .filter(|c| c.status429 > 0 && c.requests >= rule.min_requests)
        .collect();
    list.sort_by(|a, b| b.share429.total_cmp(&a.share429));
    list.into_iter()
        .take(TOP_OFFENDERS)
        .map(|c| (c, c.share429 > rule.threshold))
        .collect()
}

/// The month chart's description for screen readers.
pub fn month_summary(m: &MonthOutlook) -> String {
    format!(
        "Requests of {} added up day by day: {} counted in {} days, {} projected by the month's end (band {} to {}){}.",
        m.month,
        group_digits(m.month_to_date),
        m.days_counted,
        count(m.projected),
        count(m.projected_lower),
        count(m.projected_upper),
        m.allowance
            .map(|a| format!(", against an allowance of {}", group_digits(a)))
            .unwrap_or_default()
    )
}

/// The forecast band's level as a whole percentage: `80`.
pub fn band_percent(level: f64) -> String {
    fixed(level * 100.0, 0)
}

/// The month card's sentence on how the forecast was made.
pub fn method_sentence(method: &str, level: f64) -> String {
    format!(
        "Forecast: {method}; the band should hold {} of outcomes. Today and later are forecast (the data is a day behind).",
        pct(level)
    )
}

/// The projected overage, or "none" when the month stays within the allowance.
pub fn overage_words(overage: f64) -> String {
    if overage > 0.0 {
        format!("{} requests", count(overage))
    } else {
        "none".to_string()
    }
}

/// The overage's upper edge, when the band reaches past the central figure.
pub fn overage_upper_words(m: &MonthOutlook) -> Option<String> {
    let o = m.overage?;
    let upper = m.overage_upper.unwrap_or(o);
    (upper > o).then(|| format!(" (up to {})", count(upper)))
}

/// The billing period of the units card, with how much of it has passed,
/// or that it has ended (then it is not called the current one).
pub fn billing_period_words(t: &UnitsOutlook) -> String {
    match (&t.month_start, &t.month_end) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.get(..10).unwrap_or(a), b.get(..10).unwrap_or(b));
            if t.ended() {
                return format!(
                    "Billing period {a} – {b} has ended: these are its figures, as ThousandEyes \
                     still reports them; it has not reported the next period yet"
                );
            }
            format!(
                "Billing period {a} – {b}{}",
                t.elapsed_share
                    .map(|e| format!(", {} elapsed", pct(e)))
                    .unwrap_or_default()
            )
        }
        _ => "Billing period not reported".into(),
    }
}

/// The caption of the units table: "this period", unless it has ended.
pub fn units_caption(t: &UnitsOutlook) -> &'static str {
    if t.ended() {
        "Units of the period that ended: ThousandEyes' projection and ours (the run rate)"
    } else {
        "Units this period: ThousandEyes' projection and ours (the run rate so far)"
    }
}

/// What units are compared with: the quota, else what the contract
/// includes (then `true`, so the cell says "included").
pub fn units_limit(f: &UnitsFigure) -> (Option<i64>, bool) {
    (
        f.quota.or(f.included),
        f.quota.is_none() && f.included.is_some(),
    )
}

/// A share past 100 %.
pub fn over(share: Option<f64>) -> bool {
    share.is_some_and(|s| s > 1.0)
}

/// Under this width (CSS pixels) a screen is narrow.
pub const NARROW_PX: f64 = 600.0;

/// Whether a window of this width (if known) gets the narrow drawing.
pub fn is_narrow(width_px: Option<f64>) -> bool {
    width_px.is_some_and(|px| px < NARROW_PX)
}

/// A chart's box: the size of its drawing and the margins around the plot
/// (the left one holds the y labels, the bottom one the x labels). Every
/// chart's frame is one of these and derefs to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plot {
    /// Width of the drawing.
    pub w: f64,
    /// Height of the drawing.
    pub h: f64,
    /// Left margin.
    pub ml: f64,
    /// Right margin.
    pub mr: f64,
    /// Top margin.
    pub mt: f64,
    /// Bottom margin.
    pub mb: f64,
}

/// The month chart's drawing area: its box and how often a day is
/// labelled. A narrow screen gets a narrower drawing, so its labels stay
/// readable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// The drawing and its margins.
    pub plot: Plot,
    /// Every how many days a day is labelled.
    pub label_every: usize,
}

impl std::ops::Deref for Frame {
    type Target = Plot;
    fn deref(&self) -> &Plot {
        &self.plot
    }
}

impl Frame {
    /// The frame for a narrow (under 600 px) or a wide screen.
    pub fn new(narrow: bool) -> Frame {
        let (w, h) = if narrow {
            (420.0, 240.0)
        } else {
            (800.0, 260.0)
        };
        Frame {
            plot: Plot {
                w,
                h,
                ml: if narrow { 48.0 } else { 64.0 },
                mr: 12.0,
                mt: 14.0,
                mb: 30.0,
            },
            label_every: if narrow { 10 } else { 5 },
        }
    }

    /// Width of the plotting area.
    pub fn pw(&self) -> f64 {
        self.w - self.ml - self.mr
    }

    /// Height of the plotting area.
    pub fn ph(&self) -> f64 {
        self.h - self.mt - self.mb
    }
}

/// Where a day and a count go in the month chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The drawing area.
    pub frame: Frame,
    /// The top of the y axis.
    pub max: f64,
    /// Days in the month (at least 1).
    pub n: usize,
}

impl Scale {
    /// The x of the end of day `i` (0-based).
    pub fn x(&self, i: usize) -> f64 {
        let f = self.frame;
        f.ml + f.pw() * (i as f64 + 1.0) / self.n as f64
    }

    /// The y of a count (clamped to the axis).
    pub fn y(&self, v: f64) -> f64 {
        let f = self.frame;
        f.mt + f.ph() - v.clamp(0.0, self.max) / self.max * f.ph()
    }
}

/// The month chart's lines, in view-box coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPlot {
    /// Where things go.
    pub scale: Scale,
    /// The counted days, added up, from the origin.
    pub counted: Vec<(f64, f64)>,
    /// The forecast band (x, lower y, upper y) from the last counted day.
    pub band: Vec<(f64, f64, f64)>,
    /// The forecast's central line, from the last counted day.
    pub mean: Vec<(f64, f64)>,
    /// The y of the allowance line, when there is an allowance.
    pub allowance_y: Option<f64>,
    /// The labelled days: x and the day of the month.
    pub xlabels: Vec<(f64, String)>,
}

impl MonthPlot {
    /// Whether there is a forecast to draw.
    pub fn has_band(&self) -> bool {
        self.band.len() > 1
    }

    /// The counted area's outline: the counted line, closed down to the axis.
    pub fn area(&self) -> Vec<(f64, f64)> {
        let mut pts = self.counted.clone();
        if let Some((lx, _)) = self.counted.last() {
            pts.push((*lx, self.scale.y(0.0)));
        }
        pts
    }
}

/// Where the month chart draws the counted days, the forecast to the
/// month's end and the allowance.
pub fn month_plot(m: &MonthOutlook, narrow: bool) -> MonthPlot {
    let frame = Frame::new(narrow);
    let top = m
        .days
        .iter()
        .map(|d| d.cumulative_upper.max(d.cumulative))
        .fold(0.0, f64::max)
        .max(m.allowance.unwrap_or(0) as f64);
    let s = Scale {
        frame,
        max: nice_max(top * 1.04).max(1.0),
        n: m.days.len().max(1),
    };
    let counted: Vec<(f64, f64)> = std::iter::once((frame.ml, s.y(0.0)))
        .chain(
            m.days
                .iter()
                .enumerate()
                .filter(|(_, d)| d.actual.is_some())
                .map(|(i, d)| (s.x(i), s.y(d.cumulative))),
        )
        .collect();
    let last_counted = m.days.iter().rposition(|d| d.actual.is_some());
    let start = last_counted.map_or((frame.ml, s.y(0.0), s.y(0.0)), |i| {
        let v = m.days.get(i).map_or(0.0, |d| d.cumulative);
        (s.x(i), s.y(v), s.y(v))
    });
    let mut band = vec![start];
    let mut mean = vec![(start.0, start.1)];
    for (i, d) in m.days.iter().enumerate() {
        if d.actual.is_none() && d.mean.is_some() && last_counted.is_none_or(|l| i > l) {
            band.push((s.x(i), s.y(d.cumulative_lower), s.y(d.cumulative_upper)));
            mean.push((s.x(i), s.y(d.cumulative)));
        }
    }
    let xlabels = m
        .days
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || (i + 1) % frame.label_every == 0)
        .map(|(i, d)| {
            let day = d.date.get(8..10).unwrap_or("").trim_start_matches('0');
            (s.x(i), day.to_string())
        })
        .collect();
    MonthPlot {
        scale: s,
        counted,
        band,
        mean,
        allowance_y: m.allowance.map(|a| s.y(a as f64)),
        xlabels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::outlook::OutlookDay;

    fn day(d: u32, actual: Option<i64>, cumulative: f64, band: (f64, f64)) -> OutlookDay {
        OutlookDay {
            date: format!("2026-03-{d:02}"),
            actual,
            mean: actual.is_none().then_some(10.0),
            lower: None,
            upper: None,
            cumulative,
            cumulative_lower: band.0,
            cumulative_upper: band.1,
        }
    }

    /// Ten days: four counted (100 a day), six forecast (100 ± 20 a day).
    fn month(allowance: Option<i64>) -> MonthOutlook {
        let days = (1..=10)
            .map(|d| {
                let c = 100.0 * f64::from(d);
                if d <= 4 {
                    day(d, Some(100), c, (c, c))
                } else {
                    let e = 20.0 * f64::from(d - 4);
                    day(d, None, c, (c - e, c + e))
                }
            })
            .collect();
        MonthOutlook {
            month: "2026-03".into(),
            days_in_month: 10,
            days_counted: 4,
            month_to_date: 400,
            days,
            projected: 1000.4,
            projected_lower: 880.0,
            projected_upper: 1120.0,
            interval_level: 0.8,
            method: None,
            allowance,
            share_of_allowance: None,
            overage: Some(0.0),
            overage_upper: Some(0.0),
            contributors: Vec::new(),
        }
    }

    fn client(name: &str, requests: i64, status429: i64) -> ClientFigures {
        ClientFigures {
            client: name.into(),
            requests,
            status429,
            share429: share_of(status429, requests),
            last_day_requests: 0,
            median_previous: None,
        }
    }

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(pct(0.0234), "2.3 %");
        assert_eq!(count(1234.6), "1,235");
        assert_eq!(or_dash(None), "—");
        assert_eq!(share_of(5, 0), 5.0, "a total of 0 counts as 1");
        assert_eq!(
            days_words(Some("2026-01-01"), Some("2026-03-04")),
            "2026-01-01 – 2026-03-04"
        );
        assert_eq!(days_words(None, Some("2026-03-04")), "no days with data");
    }

    #[test]
    fn errors_say_what_to_do_next() {
        let e = Error::new(ErrorKind::Unauthorized, "The token expired.");
        assert_eq!(
            error_words(&e),
            "The token expired. Sign in again (or paste a fresh token)."
        );
        let e = Error::new(ErrorKind::Network, "Failed to fetch.");
        assert!(error_words(&e).ends_with("set a proxy base URL."));
        let e = Error::new(ErrorKind::Decode, "Bad body.");
        assert_eq!(error_words(&e), "Bad body.");
        assert_eq!(
            not_connected_words("ThousandEyes"),
            "Connect to ThousandEyes (or click Demo) to see this card."
        );
        assert_eq!(
            failed_title("Genesys Cloud"),
            "Genesys Cloud did not answer"
        );
    }

    #[test]
    fn the_quotas_note_shows_only_when_the_usage_came_and_the_quotas_did_not() {
        let failed = Error::new(ErrorKind::Forbidden, "No permission");
        let note = quotas_note(true, Some(&failed)).unwrap_or_default();
        assert!(
            note.starts_with("Quotas could not be read (No permission)"),
            "{note}"
        );
        assert_eq!(
            quotas_note(false, Some(&failed)),
            None,
            "the card's own error says it"
        );
        assert_eq!(quotas_note(true, None), None);
        let cancelled = Error::new(ErrorKind::Aborted, "Cancelled");
        assert_eq!(quotas_note(true, Some(&cancelled)), None);
    }

    #[test]
    fn offenders_follow_the_429_rule_as_it_is_edited() {
        // Without a 429 rule, the default one: 1,000 requests, 2 %.
        let default = share_rule(&[]);
        assert_eq!((default.min_requests, default.threshold), (1_000, 0.02));
        assert_eq!(share_rule(&default_rules()), default);
        let mut rules = default_rules();
        rules[0].threshold = 5.0;
        rules[0].min_requests = 10;
        let edited = share_rule(&rules);
        assert_eq!((edited.min_requests, edited.threshold), (10, 0.05));
        assert_eq!(
            offenders_caption(default),
            "Worst 429 offenders (clients with 1,000 requests or more)"
        );

        let clients = [
            client("quiet", 5_000, 0),
            client("small", 500, 100),
            client("mild", 10_000, 100),
            client("worst", 2_000, 200),
            client("bad", 4_000, 160),
        ];
        let names = |list: Vec<(&ClientFigures, bool)>| -> Vec<(String, bool)> {
            list.into_iter()
                .map(|(c, hot)| (c.client.clone(), hot))
                .collect()
        };
        assert_eq!(
            names(offenders(&clients, default)),
            [
                ("worst".into(), true),
                ("bad".into(), true),
                ("mild".into(), false)
            ],
            "by share of 429s; none without a 429 or under the minimum"
        );
        assert_eq!(
            names(offenders(&clients, edited)).len(),
            4,
            "a lower minimum lets 'small' in"
        );
        assert_eq!(
            names(offenders(&clients, edited))[0],
            ("small".into(), true)
        );
    }

    #[test]
    fn at_most_five_offenders_are_listed() {
        let clients: Vec<_> = (1..=7)
            .map(|i| client(&format!("c{i}"), 2_000, i * 10))
            .collect();
        let list = offenders(&clients, share_rule(&[]));
        assert_eq!(list.len(), 5, "the five worst");
        assert_eq!(list[0].0.client, "c7");
    }

    #[test]
    fn the_month_is_told_in_words() {
        let m = month(Some(1_500));
        assert_eq!(
            month_summary(&m),
            "Requests of 2026-03 added up day by day: 400 counted in 4 days, 1,000 projected by the month's end (band 880 to 1,120), against an allowance of 1,500."
        );
        assert!(month_summary(&month(None)).ends_with("(band 880 to 1,120)."));
        assert_eq!(band_percent(0.8), "80");
        assert!(method_sentence("damped trend", 0.8)
            .starts_with("Forecast: damped trend; the band should hold 80.0 % of outcomes."));
        assert_eq!(overage_words(0.0), "none");
        assert_eq!(overage_words(1234.4), "1,234 requests");
        let mut m = month(Some(500));
        m.overage = Some(500.4);
        m.overage_upper = Some(620.0);
        assert_eq!(overage_upper_words(&m).as_deref(), Some(" (up to 620)"));
        m.overage_upper = Some(500.4);
        assert_eq!(
            overage_upper_words(&m),
            None,
            "no band past the central figure"
        );
    }

    #[test]
    fn units_are_compared_with_the_quota_else_what_is_included() {
        let f = UnitsFigure {
            included: Some(1_000),
            quota: Some(800),
            ..UnitsFigure::default()
        };
        assert_eq!(units_limit(&f), (Some(800), false));
        let f = UnitsFigure {
            included: Some(1_000),
            ..UnitsFigure::default()
        };
        assert_eq!(units_limit(&f), (Some(1_000), true));
        assert_eq!(units_limit(&UnitsFigure::default()), (None, false));
        assert!(over(Some(1.01)) && !over(Some(1.0)) && !over(None));
        let t = UnitsOutlook {
            month_start: Some("2026-03-01T00:00:00Z".into()),
            month_end: Some("2026-03-31T23:59:59Z".into()),
            elapsed_share: Some(0.25),
            ..UnitsOutlook::default()
        };
        assert_eq!(
            billing_period_words(&t),
            "Billing period 2026-03-01 – 2026-03-31, 25.0 % elapsed"
        );
        assert_eq!(
            billing_period_words(&UnitsOutlook::default()),
            "Billing period not reported"
        );
        assert!(units_caption(&t).starts_with("Units this period"));
        // At its end (and after) it is no longer called current.
        for elapsed in [1.0, 3.5] {
            let ended = UnitsOutlook {
                elapsed_share: Some(elapsed),
                ..t.clone()
            };
            let words = billing_period_words(&ended);
            assert!(
                words.starts_with("Billing period 2026-03-01 – 2026-03-31 has ended"),
                "{words}"
            );
            assert!(!words.contains("elapsed"), "{words}");
            assert!(!units_caption(&ended).contains("this period"));
        }
    }

    #[test]
    fn the_month_chart_draws_the_counted_days_then_the_forecast() {
        let p = month_plot(&month(None), false);
        let s = p.scale;
        // The axis reaches past the highest band edge (1,120 × 1.04), to a round number.
        assert_eq!(s.max, 2_000.0);
        assert_eq!(s.y(0.0), 14.0 + 216.0, "zero sits on the axis");
        assert_eq!(s.y(s.max), 14.0, "the top sits under the top margin");
        // The counted line starts at the origin and holds one point per counted day.
        assert_eq!(p.counted.len(), 5);
        assert_eq!(p.counted[0], (64.0, s.y(0.0)));
        assert_eq!(p.counted[4], (s.x(3), s.y(400.0)));
        assert_eq!(
            s.x(9),
            800.0 - 12.0,
            "the last day ends at the right margin"
        );
        // The forecast starts where the counted line ends and runs to the month's end.
        assert!(p.has_band());
        assert_eq!(p.band.len(), 7);
        assert_eq!(p.band[0], (s.x(3), s.y(400.0), s.y(400.0)));
        assert_eq!(p.band[6], (s.x(9), s.y(880.0), s.y(1_120.0)));
        assert_eq!(p.mean[6], (s.x(9), s.y(1_000.0)));
        assert_eq!(
            p.area().last(),
            Some(&(s.x(3), s.y(0.0))),
            "the area closes down to the axis"
        );
        assert_eq!(p.allowance_y, None);
        // Day 1 and every fifth day are labelled.
        let days: Vec<&str> = p.xlabels.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(days, ["1", "5", "10"]);
    }

    #[test]
    fn the_allowance_sets_the_axis_and_a_narrow_screen_a_smaller_drawing() {
        let p = month_plot(&month(Some(4_500)), true);
        assert_eq!(
            p.scale.max, 5_000.0,
            "the allowance line stays inside the chart"
        );
        assert_eq!(p.allowance_y, Some(p.scale.y(4_500.0)));
        assert_eq!(
            (p.scale.frame.w, p.scale.frame.h, p.scale.frame.ml),
            (420.0, 240.0, 48.0)
        );
        let days: Vec<&str> = p.xlabels.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(days, ["1", "10"], "every tenth day on a narrow screen");
        let mut nothing = month(None);
        nothing.days.iter_mut().for_each(|d| d.mean = None);
        assert!(
            !month_plot(&nothing, false).has_band(),
            "no forecast, no band"
        );
    }
}
