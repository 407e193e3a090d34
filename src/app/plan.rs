//! The overview's plan: the queries it runs, taken from
//! [`crate::analysis::overview_queries`] and written as the Query view's
//! form, so that each card opens the very query behind it (answered from the
//! session cache). Pure: tested natively.

use super::query_spec::{day_number, day_text, Kind, Preset, QuerySpec};
use crate::analysis::overview_queries;
use crate::time::format_date;
use crate::Error;

/// The overview's two queries, as the Query view would run them.
#[derive(Clone, Debug, PartialEq)]
pub struct OverviewPlan {
    /// Genesys organization usage by day and OAuth client, up to yesterday.
    pub genesys: QuerySpec,
    /// ThousandEyes usage of the billing period, with its tests.
    pub units: QuerySpec,
}

/// A field of a request as the address writes it: its wire name, or its
/// wire names comma-separated (through the request's own serializer).
fn wire(request: &serde_json::Value, field: &str) -> String {
    match request.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(all)) => all
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

/// Reads a form from address parameters.
fn spec_of(params: &[(&str, String)]) -> Option<QuerySpec> {
    let owned: Vec<(String, String)> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    QuerySpec::from_params(&owned)
}

/// The overview's plan at `now_secs`.
///
/// # Errors
///
/// `invalidInput` when the analysis's queries cannot be written as the form.
pub fn overview_plan(now_secs: i64) -> Result<OverviewPlan, Error> {
    let q = overview_queries(&format_date(now_secs))?;
    let unreadable = || Error::invalid_input("the overview's queries do not fit the query form");
    let (start, end) = q.genesys.interval.split_once('/').ok_or_else(unreadable)?;
    let first = day_number(start).ok_or_else(unreadable)?;
    // The analysis's interval ends at the start of today; the form names
    // its last whole day.
    let last = day_number(end).ok_or_else(unreadable)? - 1;
    // Through JSON text: the serializers the requests are sent with.
    let json = |text: serde_json::Result<String>| {
        text.and_then(|t| serde_json::from_str::<serde_json::Value>(&t))
            .map_err(|_| unreadable())
    };
    let g = json(serde_json::to_string(&q.genesys))?;
    let u = json(serde_json::to_string(&q.thousand_eyes_usage))?;
    let genesys = spec_of(&[
        ("q", Kind::Org.as_str().into()),
        ("range", Preset::Custom.as_str().into()),
        ("from", day_text(first)),
        ("to", day_text(last)),
        ("gran", wire(&g, "granularity")),
        ("group", wire(&g, "groupBy")),
        ("metrics", wire(&g, "metrics")),
    ])
    .ok_or_else(unreadable)?;
    let units = spec_of(&[
        ("q", Kind::TeUsage.as_str().into()),
        ("aid", wire(&u, "aid")),
        ("expand", wire(&u, "expand")),
    ])
    .ok_or_else(unreadable)?;
    Ok(OverviewPlan { genesys, units })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::query_spec::Request;
    use crate::genesys::{Granularity, OrganizationGroupBy};
    use crate::thousandeyes::ExpandUsageOptions;
    use crate::time::DAY;

    /// 2026-03-01T08:30:00Z.
    const NOW: i64 = 20_513 * DAY + 8 * 3600 + 1800;

    #[test]
    fn the_genesys_card_runs_the_analysis_query_as_the_form_would() {
        let plan = overview_plan(NOW).unwrap();
        let analysis = overview_queries("2026-03-01").unwrap().genesys;
        assert_eq!(plan.genesys.kind, Kind::Org);
        assert_eq!(plan.genesys.preset, Preset::Custom);
        // 63 days before the 1st of March 2026, up to the last day of February.
        assert_eq!(
            (plan.genesys.from.as_str(), plan.genesys.to.as_str()),
            ("2025-12-28", "2026-02-28")
        );
        let Ok(Request::Org(q)) = plan.genesys.build(NOW) else {
            panic!("the overview's Genesys query is an organization query");
        };
        assert_eq!(q.granularity, analysis.granularity);
        assert_eq!(q.granularity, Some(Granularity::Day));
        assert_eq!(q.group_by, analysis.group_by);
        assert_eq!(q.group_by, Some(vec![OrganizationGroupBy::OAuthClientId]));
        assert_eq!(q.metrics, analysis.metrics);
        let days = |i: &str| {
            let (a, b) = i.split_once('/').unwrap();
            (day_number(a).unwrap(), day_number(b).unwrap())
        };
        let (a, b) = days(&analysis.interval);
        assert_eq!(
            days(&q.interval),
            (a, b - 1),
            "the same days: {} and {}",
            q.interval,
            analysis.interval
        );
    }

    #[test]
    fn the_units_card_runs_the_analysis_usage_query() {
        let plan = overview_plan(NOW).unwrap();
        let Ok(Request::TeUsage(p)) = plan.units.build(NOW) else {
            panic!("the overview's ThousandEyes query is the usage of the billing period");
        };
        assert_eq!(p.aid, None);
        assert_eq!(p.expand, Some(vec![ExpandUsageOptions::Test]));
    }

    #[test]
    fn a_card_link_read_back_from_the_address_is_the_same_query() {
        let plan = overview_plan(NOW).unwrap();
        for spec in [plan.genesys, plan.units] {
            let params: Vec<(String, String)> = spec
                .to_params()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            assert_eq!(QuerySpec::from_params(&params), Some(spec));
        }
    }
}
