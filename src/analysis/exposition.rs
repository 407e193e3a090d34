//! The overview's figures for other tools: the Prometheus text exposition
//! format (for a textfile collector, a scrape job or `usage-lens serve`) and
//! CSV.
//!
//! The metrics follow Prometheus's conventions: one `usage_lens_` prefix,
//! `_total` only on counters, `_ratio` for shares between 0 and 1,
//! `_seconds` and `_timestamp_seconds` for time, and bounded labels (the
//! [`CLIENT_LABELS`] busiest OAuth clients by name, the rest summed as
//! [`OTHER_CLIENTS`]). Each HELP says where the figure comes from and over
//! which window.

use std::fmt::Write as _;

use super::csv::to_csv;
use super::format::fixed;
use super::outlook::{
    ClientFigures, GenesysOverview, Overview, UnitsFigure, UnitsOutlook, OVERVIEW_HISTORY_DAYS,
};
use super::rules::Fired;

/// How many OAuth clients get a `client` label of their own; the others are
/// summed into one series labelled [`OTHER_CLIENTS`].
pub const CLIENT_LABELS: usize = 20;
/// The `client` label of the clients beyond the [`CLIENT_LABELS`] busiest.
pub const OTHER_CLIENTS: &str = "other";

/// How fresh one vendor's figures are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VendorFreshness {
    /// `genesys` or `thousandeyes`.
    pub vendor: &'static str,
    /// Whether the last refresh of this vendor's figures succeeded.
    pub up: bool,
    /// When its figures were last fetched whole (Unix seconds).
    pub last_success_seconds: Option<f64>,
    /// Failed refreshes so far, by error kind (`network`, `unauthorized`…).
    pub errors: Vec<(&'static str, u64)>,
}

/// How fresh an organization's figures are: what `usage_lens_up`,
/// `usage_lens_last_success_timestamp_seconds` and the refresh error
/// counter say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Freshness {
    /// One entry per vendor configured.
    pub vendors: Vec<VendorFreshness>,
    /// How often the figures are refreshed (seconds), for an exporter.
    pub refresh_seconds: Option<f64>,
    /// After how long without a success the figures count as stale.
    pub stale_after_seconds: Option<f64>,
}

impl Freshness {
    /// The freshness of an overview fetched whole just now (`usage-lens
    /// check`): every vendor in it up, last fetched at `now_seconds`.
    pub fn fetched(overview: &Overview, now_seconds: f64) -> Freshness {
        let present = [
            ("genesys", overview.genesys.is_some()),
            ("thousandeyes", overview.thousandeyes.is_some()),
        ];
        Freshness {
            vendors: present
                .into_iter()
                .filter(|(_, p)| *p)
                .map(|(vendor, _)| VendorFreshness {
                    vendor,
                    up: true,
                    last_success_seconds: Some(now_seconds),
                    errors: Vec::new(),
                })
                .collect(),
            refresh_seconds: None,
            stale_after_seconds: None,
        }
    }
}

/// A label value escaped for the text format: `\`, `"` and newlines.
fn label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A sample value: integers as they are, other numbers with six decimals.
fn number(v: f64) -> String {
    if !v.is_finite() {
        return "NaN".into();
    }
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        return format!("{}", v as i64);
    }
    fixed(v, 6)
}

type Labels = Vec<(&'static str, String)>;

/// One metric family: its help, its type and its samples.
struct Family {
    name: &'static str,
    kind: &'static str,
    help: String,
    samples: Vec<(Labels, f64)>,
}

impl Family {
    fn gauge(name: &'static str, help: impl Into<String>) -> Family {
        Family {
            name,
            kind: "gauge",
            help: help.into(),
            samples: Vec::new(),
        }
    }

    fn counter(name: &'static str, help: impl Into<String>) -> Family {
        Family {
            kind: "counter",
            ..Family::gauge(name, help)
        }
    }

    fn add(&mut self, labels: &[(&'static str, &str)], value: f64) {
        let labels = labels.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.samples.push((labels, value));
    }

    fn write(&self, out: &mut String) {
        if self.samples.is_empty() {
            return;
        }
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
        for (labels, value) in &self.samples {
            out.push_str(self.name);
            if !labels.is_empty() {
                let inner: Vec<String> = labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", label(v)))
                    .collect();
                let _ = write!(out, "{{{}}}", inner.join(","));
            }
            let _ = writeln!(out, " {}", number(*value));
        }
    }
}

fn write_all(out: &mut String, families: &[Family]) {
    for f in families {
        f.write(out);
    }
}

/// `usage_lens_build_info`, `usage_lens_up`, the last success, the refresh
/// errors and the schedule.
fn freshness_families(freshness: &Freshness) -> Vec<Family> {
    let mut build = Family::gauge("usage_lens_build_info", "1; the usage-lens version.");
    build.add(&[("version", env!("CARGO_PKG_VERSION"))], 1.0);
    let mut up = Family::gauge(
        "usage_lens_up",
        "1 if the last refresh of the vendor's figures succeeded, 0 if not (the last good figures stay).",
    );
    let mut last = Family::gauge(
        "usage_lens_last_success_timestamp_seconds",
        "When the vendor's figures were last refreshed (Unix time).",
    );
    let mut errors = Family::counter(
        "usage_lens_refresh_errors_total",
        "Failed refreshes of the vendor's figures, by error kind.",
    );
    for v in &freshness.vendors {
        let vendor = ("vendor", v.vendor);
        up.add(&[vendor], if v.up { 1.0 } else { 0.0 });
        if let Some(t) = v.last_success_seconds {
            last.add(&[vendor], t);
        }
        for (kind, n) in &v.errors {
            errors.add(&[vendor, ("kind", kind)], *n as f64);
        }
    }
    let mut refresh = Family::gauge(
        "usage_lens_refresh_interval_seconds",
        "How often the vendors' figures are refreshed (serve --refresh).",
    );
    refresh.add(&[], freshness.refresh_seconds.unwrap_or(f64::NAN));
    let mut stale = Family::gauge(
        "usage_lens_stale_after_seconds",
        "After how long without a successful refresh the figures are stale.",
    );
    stale.add(&[], freshness.stale_after_seconds.unwrap_or(f64::NAN));
    let mut out = vec![build, up, last, errors];
    if freshness.refresh_seconds.is_some() {
        out.extend([refresh, stale]);
    }
    out
}

/// The first [`CLIENT_LABELS`] clients (the overview lists the busiest
/// first), then the rest summed as [`OTHER_CLIENTS`]: `(client, requests,
/// 429s)`.
fn client_series(clients: &[ClientFigures]) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = clients
        .iter()
        .take(CLIENT_LABELS)
        .map(|c| (c.client.clone(), c.requests, c.status429))
        .collect();
    let rest = clients.get(CLIENT_LABELS..).unwrap_or(&[]);
    if !rest.is_empty() {
        let (n, n429) = rest
            .iter()
            .fold((0, 0), |(n, n429), c| (n + c.requests, n429 + c.status429));
        out.push((OTHER_CLIENTS.into(), n, n429));
    }
    out
}

fn genesys_families(g: &GenesysOverview) -> Vec<Family> {
    let window = format!(
        "Genesys Cloud usage API, last {OVERVIEW_HISTORY_DAYS} days to yesterday; the {CLIENT_LABELS} busiest, the rest as {OTHER_CLIENTS}."
    );
    let mut requests = Family::gauge(
        "usage_lens_genesys_client_requests",
        format!("Requests per OAuth client. {window}"),
    );
    let mut refused = Family::gauge(
        "usage_lens_genesys_client_429_responses",
        format!("429 answers per OAuth client. {window}"),
    );
    let mut ratio = Family::gauge(
        "usage_lens_genesys_client_429_ratio",
        format!("Share of a client's requests answered 429. {window}"),
    );
    for (client, n, n429) in client_series(&g.clients) {
        let c = [("client", client.as_str())];
        requests.add(&c, n as f64);
        refused.add(&c, n429 as f64);
        ratio.add(&c, if n > 0 { n429 as f64 / n as f64 } else { 0.0 });
    }
    let m = &g.month;
    let month = ("month", m.month.as_str());
    let mut mtd = Family::gauge(
        "usage_lens_genesys_month_to_date_requests",
        "Requests this month (UTC) up to the last day with data. Genesys Cloud usage API.",
    );
    mtd.add(&[month], m.month_to_date as f64);
    let mut projected = Family::gauge(
        "usage_lens_genesys_month_projected_requests",
        format!("Requests projected for the month: days counted plus a forecast from the last {OVERVIEW_HISTORY_DAYS} days (mean, 80 % band edges)."),
    );
    for (bound, v) in [
        ("mean", m.projected),
        ("lower", m.projected_lower),
        ("upper", m.projected_upper),
    ] {
        projected.add(&[month, ("bound", bound)], v);
    }
    let mut allowance = Family::gauge(
        "usage_lens_genesys_month_allowance_requests",
        "The monthly API request allowance, as configured.",
    );
    if let Some(a) = m.allowance {
        allowance.add(&[month], a as f64);
    }
    vec![requests, refused, ratio, mtd, projected, allowance]
}

fn units(families: &mut [Family], kind: &str, f: &UnitsFigure) {
    let k = ("kind", kind);
    families[0].add(&[k], f.used as f64);
    if let Some(p) = f.vendor_projected {
        families[1].add(&[k, ("source", "vendor")], p as f64);
    }
    if let Some(p) = f.our_projected {
        families[1].add(&[k, ("source", "usage_lens")], p);
    }
    if let Some(q) = f.quota {
        families[2].add(&[k, ("limit", "quota")], q as f64);
    }
    if let Some(i) = f.included {
        families[2].add(&[k, ("limit", "included")], i as f64);
    }
}

/// Each account group's label: its name, with its id when two share a name.
fn group_label(t: &UnitsOutlook, name: &str, aid: &str) -> String {
    if t.groups.iter().filter(|g| g.name == name).count() > 1 {
        format!("{name} ({aid})")
    } else {
        name.to_string()
    }
}

fn thousandeyes_families(t: &UnitsOutlook) -> Vec<Family> {
    let period = "this billing period. ThousandEyes usage API";
    let mut f = vec![
        Family::gauge(
            "usage_lens_thousandeyes_units_used",
            format!("Units used {period}."),
        ),
        Family::gauge(
            "usage_lens_thousandeyes_units_projected",
            format!(
                "Units projected to the end of {period} (vendor: its own; usage_lens: run rate)."
            ),
        ),
        Family::gauge(
            "usage_lens_thousandeyes_units_limit",
            "Units per billing period: quota (quotas API) or included (contract).",
        ),
        Family::gauge(
            "usage_lens_thousandeyes_group_units_used",
            format!("Cloud units used per account group, {period}."),
        ),
        Family::gauge(
            "usage_lens_thousandeyes_group_units_projected",
            format!("Cloud units projected per account group to the end of {period}."),
        ),
        Family::gauge(
            "usage_lens_thousandeyes_group_units_quota",
            "Account group quotas, units per billing period (ThousandEyes quotas API).",
        ),
    ];
    units(&mut f, "cloud", &t.cloud);
    units(&mut f, "enterprise", &t.enterprise);
    for g in &t.groups {
        let name = group_label(t, &g.name, &g.aid);
        let who = ("account_group", name.as_str());
        f[3].add(&[who], g.used as f64);
        f[4].add(&[who, ("source", "vendor")], g.vendor_projected as f64);
        if let Some(p) = g.our_projected {
            f[4].add(&[who, ("source", "usage_lens")], p);
        }
        if let Some(q) = g.quota {
            f[5].add(&[who], q as f64);
        }
    }
    f
}

fn rule_families(fired: &[Fired]) -> Vec<Family> {
    let mut rules = Family::gauge(
        "usage_lens_rule_fired",
        "1 for each usage-lens rule that fired on these figures.",
    );
    for f in fired {
        let severity = f.severity.as_str().to_string();
        rules.add(
            &[
                ("rule", &f.rule_id),
                ("kind", f.kind.as_str()),
                ("vendor", &f.vendor),
                ("who", &f.who),
                ("severity", &severity),
            ],
            1.0,
        );
    }
    let mut count = Family::gauge(
        "usage_lens_rules_fired",
        "How many usage-lens rules fired on these figures.",
    );
    count.add(&[], fired.len() as f64);
    vec![rules, count]
}

/// The overview and the fired rules in the Prometheus text exposition
/// format (version 0.0.4), without freshness figures; see
/// [`to_prometheus_with`].
pub fn to_prometheus(overview: &Overview, fired: &[Fired]) -> String {
    to_prometheus_with(overview, fired, &Freshness::default())
}

/// The overview, the fired rules and how fresh they are, in the Prometheus
/// text exposition format (version 0.0.4): `usage_lens_build_info` and the
/// freshness first, then one family per figure, then the rules.
pub fn to_prometheus_with(overview: &Overview, fired: &[Fired], freshness: &Freshness) -> String {
    let mut out = String::new();
    write_all(&mut out, &freshness_families(freshness));
    if let Some(g) = &overview.genesys {
        write_all(&mut out, &genesys_families(g));
    }
    if let Some(t) = &overview.thousandeyes {
        write_all(&mut out, &thousandeyes_families(t));
    }
    write_all(&mut out, &rule_families(fired));
    out
}

fn opt(v: Option<f64>) -> String {
    v.map(number).unwrap_or_default()
}

fn whole(v: Option<i64>) -> String {
    opt(v.map(|v| v as f64))
}

type Row = [String; 5];

fn row(vendor: &str, section: &str, who: &str, measure: &str, value: String) -> Row {
    [
        vendor.into(),
        section.into(),
        who.into(),
        measure.into(),
        value,
    ]
}

fn genesys_rows(g: &GenesysOverview, rows: &mut Vec<Row>) {
    let m = &g.month;
    let month = |measure: &str, value: String| row("genesys", "month", &m.month, measure, value);
    rows.extend([
        month("monthToDate", m.month_to_date.to_string()),
        month("projected", number(m.projected)),
        month("projectedLower", number(m.projected_lower)),
        month("projectedUpper", number(m.projected_upper)),
        month("allowance", whole(m.allowance)),
        month("overage", opt(m.overage)),
    ]);
    for c in &m.contributors {
        rows.push(row(
            "genesys",
            "contributor",
            &c.client,
            "projected",
            number(c.projected),
        ));
    }
    for c in &g.clients {
        let client =
            |measure: &str, value: String| row("genesys", "client", &c.client, measure, value);
        rows.extend([
            client("requests", c.requests.to_string()),
            client("status429", c.status429.to_string()),
            client("share429", number(c.share429)),
        ]);
    }
}

fn thousandeyes_rows(t: &UnitsOutlook, rows: &mut Vec<Row>) {
    for (kind, f) in [("cloud", &t.cloud), ("enterprise", &t.enterprise)] {
        let units =
            |measure: &str, value: String| row("thousandeyes", "units", kind, measure, value);
        rows.extend([
            units("used", f.used.to_string()),
            units("vendorProjected", whole(f.vendor_projected)),
            units("ourProjected", opt(f.our_projected)),
            units("quota", whole(f.quota)),
            units("included", whole(f.included)),
        ]);
    }
    for g in &t.groups {
        let group =
            |measure: &str, value: String| row("thousandeyes", "group", &g.name, measure, value);
        rows.extend([
            group("used", g.used.to_string()),
            group("vendorProjected", g.vendor_projected.to_string()),
            group("ourProjected", opt(g.our_projected)),
            group("quota", whole(g.quota)),
        ]);
    }
}

/// The overview as one CSV table: `vendor,section,who,measure,value`.
pub fn overview_csv(overview: &Overview) -> String {
    let mut rows: Vec<Row> = Vec::new();
    if let Some(g) = &overview.genesys {
        genesys_rows(g, &mut rows);
    }
    if let Some(t) = &overview.thousandeyes {
        thousandeyes_rows(t, &mut rows);
    }
    to_csv(&["vendor", "section", "who", "measure", "value"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::outlook::{ClientFigures, GenesysOverview, MonthOutlook};
    use crate::analysis::rules::{RuleKind, Severity};

    fn overview() -> Overview {
        Overview {
            today: "2026-06-11".into(),
            genesys: Some(GenesysOverview {
                first_day: None,
                last_day: None,
                requests: 10,
                status429: 1,
                rate_limit: None,
                month: MonthOutlook {
                    month: "2026-06".into(),
                    days_in_month: 30,
                    days_counted: 10,
                    month_to_date: 100,
                    days: Vec::new(),
                    projected: 300.5,
                    projected_lower: 250.0,
                    projected_upper: 350.0,
                    interval_level: 0.8,
                    method: None,
                    allowance: Some(280),
                    share_of_allowance: Some(300.5 / 280.0),
                    overage: Some(20.5),
                    overage_upper: Some(70.0),
                    contributors: Vec::new(),
                },
                clients: vec![ClientFigures {
                    client: "Say \"hi\"\\now\n".into(),
                    requests: 10,
                    status429: 1,
                    share429: 0.1,
                    last_day_requests: 0,
                    median_previous: None,
                }],
            }),
            thousandeyes: None,
        }
    }

    #[test]
    fn prometheus_lines_escape_labels_and_keep_every_figure() {
        let fired = vec![Fired {
            rule_id: "429-share".into(),
            kind: RuleKind::Share429,
            severity: Severity::Critical,
            vendor: "genesys".into(),
            who: "Say \"hi\"\\now\n".into(),
            what: String::new(),
            value: 10.0,
            threshold: 2.0,
            by: String::new(),
            advice: String::new(),
        }];
        let text = to_prometheus(&overview(), &fired);
        assert!(
            text.contains("# TYPE usage_lens_genesys_client_requests gauge\n"),
            "{text}"
        );
        assert!(
            text.contains(r#"usage_lens_genesys_client_requests{client="Say \"hi\"\\now\n"} 10"#),
            "{text}"
        );
        assert!(text.contains(
            "usage_lens_genesys_month_projected_requests{month=\"2026-06\",bound=\"mean\"} 300.500000\n"
        ));
        assert!(
            text.contains("usage_lens_genesys_month_allowance_requests{month=\"2026-06\"} 280\n")
        );
        assert!(text.contains(
            r#"usage_lens_genesys_client_429_ratio{client="Say \"hi\"\\now\n"} 0.100000"#
        ));
        assert!(text.contains("severity=\"critical\"} 1\n"), "{text}");
        assert!(text.ends_with("usage_lens_rules_fired 1\n"), "{text}");
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("usage_lens_"), "{line}");
        }
    }

    /// The names promtool's linter checks: `_total` only on counters, every
    /// family with HELP and TYPE, build info always there.
    #[test]
    fn names_follow_the_conventions() {
        let mut freshness = Freshness::fetched(&overview(), 1_780_000_000.0);
        freshness.vendors[0].errors.push(("network", 2));
        let text = to_prometheus_with(&overview(), &[], &freshness);
        let mut types = std::collections::BTreeMap::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').unwrap();
                assert!(types.insert(name, kind).is_none(), "{name} twice");
                assert!(text.contains(&format!("# HELP {name} ")), "{name}");
                assert_eq!(name.ends_with("_total"), kind == "counter", "{name}");
            }
        }
        assert!(text.starts_with("# HELP usage_lens_build_info "), "{text}");
        assert!(
            text.contains("usage_lens_up{vendor=\"genesys\"} 1\n"),
            "{text}"
        );
        assert!(!text.contains("vendor=\"thousandeyes\""), "{text}");
        assert!(text.contains(
            "usage_lens_last_success_timestamp_seconds{vendor=\"genesys\"} 1780000000\n"
        ));
        assert!(text
            .contains("usage_lens_refresh_errors_total{vendor=\"genesys\",kind=\"network\"} 2\n"));
        assert!(
            !text.contains("usage_lens_refresh_interval_seconds"),
            "{text}"
        );
    }

    #[test]
    fn clients_beyond_the_busiest_twenty_are_summed_as_other() {
        let mut o = overview();
        let g = o.genesys.as_mut().unwrap();
        g.clients = (0..25)
            .rev()
            .map(|i| ClientFigures {
                client: format!("client {i}"),
                requests: 100 + i,
                status429: i,
                share429: 0.0,
                last_day_requests: 0,
                median_previous: None,
            })
            .collect();
        let text = to_prometheus(&o, &[]);
        let series: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("usage_lens_genesys_client_requests{"))
            .collect();
        assert_eq!(series.len(), CLIENT_LABELS + 1, "{text}");
        assert!(text.contains("usage_lens_genesys_client_requests{client=\"client 24\"} 124\n"));
        assert!(!text.contains("client=\"client 4\""), "{text}");
        // The five quietest: 100..=104 requests, 0..=4 429s.
        assert!(text.contains("usage_lens_genesys_client_requests{client=\"other\"} 510\n"));
        assert!(text.contains("usage_lens_genesys_client_429_responses{client=\"other\"} 10\n"));
    }

    #[test]
    fn csv_has_one_row_per_figure() {
        let csv = overview_csv(&overview());
        assert!(csv.starts_with("vendor,section,who,measure,value"), "{csv}");
        assert!(csv.contains("genesys,month,2026-06,allowance,280"), "{csv}");
        assert!(
            csv.contains("genesys,month,2026-06,overage,20.500000"),
            "{csv}"
        );
    }
}
