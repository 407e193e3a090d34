//! The overview's figures for other tools: the Prometheus text exposition
//! format (for a node_exporter textfile collector or a scrape job) and CSV.

use std::fmt::Write as _;

use super::csv::to_csv;
use super::format::fixed;
use super::outlook::{Overview, UnitsFigure};
use super::rules::Fired;

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

/// One metric family: its help, its type and its samples.
struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Family {
    fn new(name: &'static str, help: &'static str) -> Family {
        Family {
            name,
            help,
            samples: Vec::new(),
        }
    }

    fn add(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        self.samples.push((labels, value));
    }

    fn write(&self, out: &mut String) {
        if self.samples.is_empty() {
            return;
        }
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} gauge", self.name);
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

fn units(families: &mut [Family; 3], kind: &str, f: &UnitsFigure) {
    let [used, projected, limit] = families;
    let k = || ("kind", kind.to_string());
    used.add(vec![k()], f.used as f64);
    if let Some(p) = f.vendor_projected {
        projected.add(vec![k(), ("source", "vendor".into())], p as f64);
    }
    if let Some(p) = f.our_projected {
        projected.add(vec![k(), ("source", "usage_lens".into())], p);
    }
    if let Some(q) = f.quota {
        limit.add(vec![k(), ("limit", "quota".into())], q as f64);
    }
    if let Some(i) = f.included {
        limit.add(vec![k(), ("limit", "included".into())], i as f64);
    }
}

/// The overview and the fired rules in the Prometheus text exposition
/// format (version 0.0.4): one gauge family per figure, labelled by client,
/// account group or rule.
pub fn to_prometheus(overview: &Overview, fired: &[Fired]) -> String {
    let mut out = String::new();
    if let Some(g) = &overview.genesys {
        let mut requests = Family::new(
            "usage_lens_genesys_client_requests",
            "Requests per OAuth client over the overview's days.",
        );
        let mut refused = Family::new(
            "usage_lens_genesys_client_429",
            "429 answers per OAuth client over the overview's days.",
        );
        for c in &g.clients {
            requests.add(vec![("client", c.client.clone())], c.requests as f64);
            refused.add(vec![("client", c.client.clone())], c.status429 as f64);
        }
        let m = &g.month;
        let month = || vec![("month", m.month.clone())];
        let mut mtd = Family::new(
            "usage_lens_genesys_month_to_date",
            "Requests this month up to the last day with data.",
        );
        mtd.add(month(), m.month_to_date as f64);
        let mut projected = Family::new(
            "usage_lens_genesys_projected_month_total",
            "The month's projected requests, with the band's edges.",
        );
        projected.add(
            [month(), vec![("bound", "mean".into())]].concat(),
            m.projected,
        );
        projected.add(
            [month(), vec![("bound", "lower".into())]].concat(),
            m.projected_lower,
        );
        projected.add(
            [month(), vec![("bound", "upper".into())]].concat(),
            m.projected_upper,
        );
        let mut allowance = Family::new(
            "usage_lens_genesys_allowance",
            "The organization's monthly API allowance.",
        );
        if let Some(a) = m.allowance {
            allowance.add(month(), a as f64);
        }
        for f in [&requests, &refused, &mtd, &projected, &allowance] {
            f.write(&mut out);
        }
    }
    if let Some(t) = &overview.thousandeyes {
        let mut families = [
            Family::new(
                "usage_lens_thousandeyes_units_used",
                "Units used this billing period.",
            ),
            Family::new(
                "usage_lens_thousandeyes_units_projected",
                "Units projected to the period's end, by ThousandEyes and by usage-lens.",
            ),
            Family::new(
                "usage_lens_thousandeyes_units_limit",
                "The organization's quota, or the units the contract includes.",
            ),
        ];
        units(&mut families, "cloud", &t.cloud);
        units(&mut families, "enterprise", &t.enterprise);
        let mut group_used = Family::new(
            "usage_lens_thousandeyes_group_units_used",
            "Cloud units used per account group.",
        );
        let mut group_projected = Family::new(
            "usage_lens_thousandeyes_group_units_projected",
            "Cloud units projected per account group.",
        );
        let mut group_quota = Family::new(
            "usage_lens_thousandeyes_group_quota",
            "Account group quotas, where set.",
        );
        for g in &t.groups {
            let who = || vec![("aid", g.aid.clone()), ("name", g.name.clone())];
            group_used.add(who(), g.used as f64);
            group_projected.add(
                [who(), vec![("source", "vendor".into())]].concat(),
                g.vendor_projected as f64,
            );
            if let Some(p) = g.our_projected {
                group_projected.add([who(), vec![("source", "usage_lens".into())]].concat(), p);
            }
            if let Some(q) = g.quota {
                group_quota.add(who(), q as f64);
            }
        }
        for f in &families {
            f.write(&mut out);
        }
        for f in [&group_used, &group_projected, &group_quota] {
            f.write(&mut out);
        }
    }
    let mut rules = Family::new(
        "usage_lens_rule_fired",
        "1 for each rule that fired, with what it measured in `value`.",
    );
    for f in fired {
        rules.add(
            vec![
                ("rule", f.rule_id.clone()),
                ("kind", f.kind.as_str().to_string()),
                ("vendor", f.vendor.clone()),
                ("who", f.who.clone()),
                ("severity", format!("{:?}", f.severity).to_lowercase()),
            ],
            1.0,
        );
    }
    rules.write(&mut out);
    let mut count = Family::new("usage_lens_rules_fired", "How many rules fired.");
    count.add(Vec::new(), fired.len() as f64);
    count.write(&mut out);
    out
}

fn opt(v: Option<f64>) -> String {
    v.map(number).unwrap_or_default()
}

/// The overview as one CSV table: `vendor,section,who,measure,value`.
pub fn overview_csv(overview: &Overview) -> String {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut row = |vendor: &str, section: &str, who: &str, measure: &str, value: String| {
        rows.push([
            vendor.into(),
            section.into(),
            who.into(),
            measure.into(),
            value,
        ]);
    };
    if let Some(g) = &overview.genesys {
        let m = &g.month;
        let month = m.month.as_str();
        row(
            "genesys",
            "month",
            month,
            "monthToDate",
            m.month_to_date.to_string(),
        );
        row("genesys", "month", month, "projected", number(m.projected));
        row(
            "genesys",
            "month",
            month,
            "projectedLower",
            number(m.projected_lower),
        );
        row(
            "genesys",
            "month",
            month,
            "projectedUpper",
            number(m.projected_upper),
        );
        row(
            "genesys",
            "month",
            month,
            "allowance",
            opt(m.allowance.map(|a| a as f64)),
        );
        row("genesys", "month", month, "overage", opt(m.overage));
        for c in &m.contributors {
            row(
                "genesys",
                "contributor",
                &c.client,
                "projected",
                number(c.projected),
            );
        }
        for c in &g.clients {
            row(
                "genesys",
                "client",
                &c.client,
                "requests",
                c.requests.to_string(),
            );
            row(
                "genesys",
                "client",
                &c.client,
                "status429",
                c.status429.to_string(),
            );
            row(
                "genesys",
                "client",
                &c.client,
                "share429",
                number(c.share429),
            );
        }
    }
    if let Some(t) = &overview.thousandeyes {
        for (kind, f) in [("cloud", &t.cloud), ("enterprise", &t.enterprise)] {
            row("thousandeyes", "units", kind, "used", f.used.to_string());
            row(
                "thousandeyes",
                "units",
                kind,
                "vendorProjected",
                opt(f.vendor_projected.map(|v| v as f64)),
            );
            row(
                "thousandeyes",
                "units",
                kind,
                "ourProjected",
                opt(f.our_projected),
            );
            row(
                "thousandeyes",
                "units",
                kind,
                "quota",
                opt(f.quota.map(|v| v as f64)),
            );
            row(
                "thousandeyes",
                "units",
                kind,
                "included",
                opt(f.included.map(|v| v as f64)),
            );
        }
        for g in &t.groups {
            row("thousandeyes", "group", &g.name, "used", g.used.to_string());
            row(
                "thousandeyes",
                "group",
                &g.name,
                "vendorProjected",
                g.vendor_projected.to_string(),
            );
            row(
                "thousandeyes",
                "group",
                &g.name,
                "ourProjected",
                opt(g.our_projected),
            );
            row(
                "thousandeyes",
                "group",
                &g.name,
                "quota",
                opt(g.quota.map(|v| v as f64)),
            );
        }
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
            "usage_lens_genesys_projected_month_total{month=\"2026-06\",bound=\"mean\"} 300.500000\n"
        ));
        assert!(text.contains("usage_lens_genesys_allowance{month=\"2026-06\"} 280\n"));
        assert!(text.contains("severity=\"critical\"} 1\n"), "{text}");
        assert!(text.ends_with("usage_lens_rules_fired 1\n"), "{text}");
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("usage_lens_"), "{line}");
        }
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
