//! An answer ready to show: the rows as a table, and what the charts need,
//! built from any endpoint's result with the pure functions of this module's
//! siblings. The app renders it; nothing here knows about the page.

use std::sync::Arc;

pub use crate::analysis::format::group_digits;
use crate::analysis::{period_projection, Dimension, PeriodProjection, Records};
pub use crate::analysis::{sum_by, top_with_other, Bar};
use crate::genesys::{ApiUsageQueryResult, PublicApiUsageResultsResponse};
use crate::thousandeyes::{
    EnterpriseAgentsUsage, TestUsage, TestsUsage, UnitsByTests, Usage, UsageDetails, UsageQuota,
};

/// One cell: text, a whole number, or nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text (shared: the rows of an answer hold each distinct text once).
    Text(Arc<str>),
    /// A count.
    Num(i64),
    /// No value.
    Empty,
}

impl Cell {
    /// The cell as text for export (numbers without separators).
    pub fn raw(&self) -> String {
        match self {
            Cell::Text(s) => s.to_string(),
            Cell::Num(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// The cell as people read it.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.to_string(),
            Cell::Num(n) => group_digits(*n),
            Cell::Empty => String::new(),
        }
    }

    fn from_opt(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    fn text(s: impl Into<Arc<str>>) -> Cell {
        Cell::Text(s.into())
    }

    /// Orders cells: numbers by value, text alphabetically, empty last.
    pub fn cmp_to(&self, other: &Cell) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self, other) {
            (Cell::Num(a), Cell::Num(b)) => a.cmp(b),
            // Equal texts of one answer are one allocation: no need to read them.
            (Cell::Text(a), Cell::Text(b)) if Arc::ptr_eq(a, b) => Ordering::Equal,
            (Cell::Text(a), Cell::Text(b)) => text_order(a, b),
            (Cell::Empty, Cell::Empty) => Ordering::Equal,
            (Cell::Empty, _) => Ordering::Greater,
            (_, Cell::Empty) => Ordering::Less,
            (Cell::Num(_), Cell::Text(_)) => Ordering::Less,
            (Cell::Text(_), Cell::Num(_)) => Ordering::Greater,
        }
    }
}

/// Case-insensitive order without allocating (fast for ASCII).
fn text_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.chars()
            .map(super::format::fold_char)
            .cmp(b.chars().map(super::format::fold_char))
    }
}

/// Rows with named columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Which columns hold numbers (aligned right).
    pub numeric: Vec<bool>,
    /// The rows.
    rows: Rows,
}

/// Where the cells of a table come from.
#[derive(Clone, Debug, PartialEq)]
enum Rows {
    /// Cells kept as they are.
    Cells(Vec<Vec<Cell>>),
    /// Cells read from Genesys records when asked for, so a hundred thousand
    /// rows take no memory beyond the records the charts use anyway.
    Records {
        /// The rows.
        records: Arc<Records>,
        /// Whether the first column is the date.
        date: bool,
        /// The text columns after it.
        dims: Vec<Dimension>,
    },
}

impl Default for Rows {
    fn default() -> Self {
        Rows::Cells(Vec::new())
    }
}

impl Table {
    /// How many rows.
    pub fn len(&self) -> usize {
        match &self.rows {
            Rows::Cells(rows) => rows.len(),
            Rows::Records { records, .. } => records.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell of row `row` in column `col` (empty outside the table).
    pub fn cell(&self, row: usize, col: usize) -> Cell {
        match &self.rows {
            Rows::Cells(rows) => rows
                .get(row)
                .and_then(|r| r.get(col))
                .cloned()
                .unwrap_or(Cell::Empty),
            Rows::Records {
                records,
                date,
                dims,
            } => {
                if row >= records.len() {
                    return Cell::Empty;
                }
                let shared =
                    |t: Option<&Arc<str>>| t.map_or(Cell::Empty, |t| Cell::Text(t.clone()));
                let col = if *date {
                    match col.checked_sub(1) {
                        Some(c) => c,
                        None => return shared(records.date(row)),
                    }
                } else {
                    col
                };
                if let Some(d) = dims.get(col) {
                    return shared(records.value(*d, row));
                }
                let c = records.counts(row);
                match col - dims.len() {
                    0 => Cell::Num(c.requests),
                    1 => Cell::Num(c.status200),
                    2 => Cell::Num(c.status300),
                    3 => Cell::Num(c.status400),
                    4 => Cell::Num(c.status429),
                    5 => Cell::Num(c.status500),
                    _ => Cell::Empty,
                }
            }
        }
    }

    /// The cells of row `row`.
    pub fn row(&self, row: usize) -> Vec<Cell> {
        (0..self.columns.len()).map(|c| self.cell(row, c)).collect()
    }
}

/// A bar chart's data.
#[derive(Clone, Debug, PartialEq)]
pub struct BarSet {
    /// Title.
    pub title: String,
    /// Stable id for the test id.
    pub id: &'static str,
    /// What the values count.
    pub unit: &'static str,
    /// Bars, largest first, "Other" last.
    pub bars: Vec<Bar>,
}

/// Units of a billing period against the quota.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaView {
    /// What is counted.
    pub label: String,
    /// Used, projected, quota.
    pub projection: PeriodProjection,
}

/// The vendor-specific part of an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// Genesys rows, as records.
    Genesys(Arc<Records>),
    /// ThousandEyes breakdowns.
    ThousandEyes {
        /// Units against the quota (usage of the period only).
        quotas: Vec<QuotaView>,
        /// The billing period, when known.
        period: Option<(String, String)>,
        /// Breakdowns.
        bars: Vec<BarSet>,
    },
}

/// An answer ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// Charts' data.
    pub body: Body,
    /// The rows.
    pub table: Arc<Table>,
    /// The simple search reached the 20,000-record cap.
    pub capped: bool,
    /// Only part of the rows: the run failed after these were fetched.
    pub partial: bool,
}

const COUNT_COLUMNS: [&str; 6] = ["Requests", "2xx", "3xx", "4xx", "429", "5xx"];

fn genesys_table(records: &Arc<Records>) -> Table {
    let dims = Dimension::present_in(records);
    let date = records.has_dates();
    let mut columns = Vec::new();
    if date {
        columns.push("Date".to_string());
    }
    columns.extend(dims.iter().map(|d| d.label().to_string()));
    let text_cols = columns.len();
    columns.extend(COUNT_COLUMNS.iter().map(|c| c.to_string()));
    let numeric = (0..columns.len()).map(|i| i >= text_cols).collect();
    Table {
        columns,
        numeric,
        rows: Rows::Records {
            records: records.clone(),
            date,
            dims,
        },
    }
}

impl Answer {
    /// From a legacy result or a simple search.
    pub fn from_usage(result: &ApiUsageQueryResult) -> Answer {
        let records = Arc::new(Records::from_usage_rows(&result.results));
        Answer {
            table: Arc::new(genesys_table(&records)),
            body: Body::Genesys(records),
            capped: result.capped,
            partial: false,
        }
    }

    /// From an aggregates job.
    pub fn from_job(result: &PublicApiUsageResultsResponse) -> Answer {
        let records = Arc::new(Records::from_job_rows(&result.entities));
        Answer {
            table: Arc::new(genesys_table(&records)),
            body: Body::Genesys(records),
            capped: false,
            partial: false,
        }
    }

    /// From the usage of the billing period.
    pub fn from_te_usage(usage: &Usage, now_secs: i64) -> Answer {
        let u = usage.usage.clone().unwrap_or_default();
        let quota = u.quota.clone().unwrap_or_default();
        let start = quota.month_start.clone();
        let end = quota.month_end.clone();
        let quotas = usage_quotas(&u, &quota, now_secs);
        let mut rows = usage_unit_rows(&u);
        rows.extend(usage_count_rows(&u));
        let columns = [
            ("Kind", false),
            ("Account group", false),
            ("Name", false),
            ("Type", false),
            ("Units used", true),
            ("Units projected", true),
        ];
        let table = Table::cells(&columns, rows);
        Answer::thousandeyes(quotas, start.zip(end), usage_bars(&u), table)
    }

    /// From the units per test.
    pub fn from_te_tests(usage: &TestsUsage) -> Answer {
        let rows = &usage.breakdowns;
        let units = |t: &UnitsByTests| {
            t.cloud_units_used.unwrap_or(0) + t.enterprise_units_used.unwrap_or(0)
        };
        let bars = vec![
            units_bars(
                "Units by test type (cloud + enterprise)",
                "test-type",
                rows,
                |t| (text_or(&t.test_type), units(t)),
            ),
            units_bars("Units by account group", "account-group", rows, |t| {
                (group_name(&t.account_group_name, &t.aid), units(t))
            }),
            units_bars("Units by test", "test", rows, |t| {
                (test_name(&t.test_name, &t.test_id), units(t))
            }),
        ];
        let columns = [
            ("Account group", false),
            ("Test", false),
            ("Test id", false),
            ("Type", false),
            ("Instant", false),
            ("Cloud units", true),
            ("Cloud projected", true),
            ("Enterprise units", true),
            ("Enterprise projected", true),
        ];
        let cells = rows
            .iter()
            .map(|t| {
                vec![
                    Cell::text(group_name(&t.account_group_name, &t.aid)),
                    Cell::from_opt(t.test_name.as_deref()),
                    Cell::from_opt(t.test_id.as_deref()),
                    Cell::from_opt(t.test_type.as_deref()),
                    Cell::text(if t.is_instant_test == Some(true) {
                        "yes"
                    } else {
                        "no"
                    }),
                    num(t.cloud_units_used),
                    num(t.cloud_units_projected),
                    num(t.enterprise_units_used),
                    num(t.enterprise_units_projected),
                ]
            })
            .collect();
        Answer::thousandeyes(Vec::new(), None, bars, Table::cells(&columns, cells))
    }

    /// From the enterprise agent units.
    pub fn from_te_agents(usage: &EnterpriseAgentsUsage) -> Answer {
        let rows = &usage.breakdowns;
        let bars = vec![
            units_bars("Enterprise units by agent", "agent", rows, |a| {
                (text_or(&a.agent_name), a.enterprise_units_used.unwrap_or(0))
            }),
            units_bars(
                "Enterprise units by account group",
                "account-group",
                rows,
                |a| {
                    (
                        group_name(&a.account_group_name, &a.aid),
                        a.enterprise_units_used.unwrap_or(0),
                    )
                },
            ),
        ];
        let columns = [
            ("Account group", false),
            ("Agent", false),
            ("Agent id", false),
            ("Units used", true),
            ("Units projected", true),
        ];
        let cells = rows
            .iter()
            .map(|a| {
                vec![
                    Cell::text(group_name(&a.account_group_name, &a.aid)),
                    Cell::from_opt(a.agent_name.as_deref()),
                    Cell::from_opt(a.agent_id.as_deref()),
                    num(a.enterprise_units_used),
                    num(a.enterprise_units_projected),
                ]
            })
            .collect();
        Answer::thousandeyes(Vec::new(), None, bars, Table::cells(&columns, cells))
    }

    /// A ThousandEyes answer: gauges, bars and the table.
    fn thousandeyes(
        quotas: Vec<QuotaView>,
        period: Option<(String, String)>,
        bars: Vec<BarSet>,
        table: Table,
    ) -> Answer {
        Answer {
            body: Body::ThousandEyes {
                quotas,
                period,
                bars,
            },
            table: Arc::new(table),
            capped: false,
            partial: false,
        }
    }
}

impl Table {
    /// A table of cells under `(title, numeric)` columns.
    fn cells(columns: &[(&str, bool)], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Rows::Cells(rows),
        }
    }
}

/// Cloud units against the quota, and enterprise units when the period
/// has any.
fn usage_quotas(u: &UsageDetails, quota: &UsageQuota, now_secs: i64) -> Vec<QuotaView> {
    let (start, end) = (quota.month_start.as_deref(), quota.month_end.as_deref());
    let cloud = period_projection(
        u.cloud_units_used.unwrap_or(0),
        u.cloud_units_projected,
        quota.cloud_units_included,
        start,
        end,
        now_secs,
    );
    let enterprise = period_projection(
        u.enterprise_units_used.unwrap_or(0),
        u.enterprise_units_projected,
        None,
        start,
        end,
        now_secs,
    );
    let mut quotas = vec![QuotaView {
        label: "Cloud units".into(),
        projection: cloud,
    }];
    if u.enterprise_units_used.is_some() || u.enterprise_units_projected.is_some() {
        quotas.push(QuotaView {
            label: "Enterprise units".into(),
            projection: enterprise,
        });
    }
    quotas
}

/// The period's bars: cloud units by test type, account group and test;
/// enterprise units by agent.
fn usage_bars(u: &UsageDetails) -> Vec<BarSet> {
    let mut bars = Vec::new();
    let tests = &u.tests;
    if !tests.is_empty() {
        let cloud = |t: &TestUsage| t.cloud_units_used.unwrap_or(0);
        bars.push(units_bars(
            "Cloud units by test type",
            "test-type",
            tests,
            |t| (text_or(&t.test_type), cloud(t)),
        ));
        bars.push(units_bars(
            "Cloud units by account group",
            "account-group",
            tests,
            |t| (group_name(&t.account_group_name, &t.aid), cloud(t)),
        ));
        bars.push(units_bars("Cloud units by test", "test", tests, |t| {
            (test_name(&t.test_name, &t.test_id), cloud(t))
        }));
    }
    let agents = &u.enterprise_agent_units;
    if !agents.is_empty() {
        bars.push(units_bars(
            "Enterprise units by agent",
            "agent",
            agents,
            |a| (text_or(&a.agent_name), a.enterprise_units_used.unwrap_or(0)),
        ));
    }
    bars
}

/// The period's table rows of units: a test's cloud units, an agent's
/// enterprise units.
fn usage_unit_rows(u: &UsageDetails) -> Vec<Vec<Cell>> {
    let tests = u.tests.iter().map(|t| {
        vec![
            Cell::text("Test (cloud units)"),
            Cell::text(group_name(&t.account_group_name, &t.aid)),
            Cell::text(test_name(&t.test_name, &t.test_id)),
            Cell::from_opt(t.test_type.as_deref()),
            num(t.cloud_units_used),
            num(t.cloud_units_projected),
        ]
    });
    let agents = u.enterprise_agent_units.iter().map(|a| {
        vec![
            Cell::text("Agent (enterprise units)"),
            Cell::text(group_name(&a.account_group_name, &a.aid)),
            Cell::text(text_or(&a.agent_name)),
            Cell::text("Enterprise agent"),
            num(a.enterprise_units_used),
            num(a.enterprise_units_projected),
        ]
    });
    tests.chain(agents).collect()
}

/// The period's table rows of agent counts per account group.
fn usage_count_rows(u: &UsageDetails) -> Vec<Vec<Cell>> {
    let counts = [
        (
            "Enterprise agents",
            counted(&u.enterprise_agents, |e| {
                (&e.account_group_name, &e.aid, e.enterprise_agents_used)
            }),
        ),
        (
            "Endpoint agents",
            counted(&u.endpoint_agents, |e| {
                (&e.account_group_name, &e.aid, e.endpoint_agents_used)
            }),
        ),
        (
            "Endpoint Agent Essentials",
            counted(&u.endpoint_agents_essentials, |e| {
                (
                    &e.account_group_name,
                    &e.aid,
                    e.endpoint_agents_essentials_used,
                )
            }),
        ),
        (
            "Embedded endpoint agents",
            counted(&u.endpoint_agents_embedded, |e| {
                (
                    &e.account_group_name,
                    &e.aid,
                    e.endpoint_agents_embedded_used,
                )
            }),
        ),
    ];
    let mut rows = Vec::new();
    for (label, list) in counts {
        for (group, used) in list {
            rows.push(vec![
                Cell::text(format!("{label} (count)")),
                Cell::text(group),
                Cell::Empty,
                Cell::Empty,
                num(used),
                Cell::Empty,
            ]);
        }
    }
    rows
}

/// The ten largest of `rows`' units summed by a key, the rest as "Other".
fn units_bars<T>(
    title: &str,
    id: &'static str,
    rows: &[T],
    key_and_units: impl Fn(&T) -> (String, i64),
) -> BarSet {
    BarSet {
        title: title.into(),
        id,
        unit: "units",
        bars: top_with_other(sum_by(rows.iter().map(key_and_units)), 10),
    }
}

/// An account group's name and a count.
type GroupCount = (String, Option<i64>);

/// `(account group, count)` of each row of an agent-count list.
fn counted<T>(
    rows: &[T],
    fields: impl Fn(&T) -> (&Option<String>, &Option<String>, Option<i64>),
) -> Vec<GroupCount> {
    rows.iter()
        .map(|e| {
            let (name, aid, used) = fields(e);
            (group_name(name, aid), used)
        })
        .collect()
}

fn num(v: Option<i64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

fn text_or(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(unnamed)".into())
}

fn group_name(name: &Option<String>, aid: &Option<String>) -> String {
    match (name.as_deref().filter(|s| !s.is_empty()), aid.as_deref()) {
        (Some(n), Some(a)) => format!("{n} ({a})"),
        (Some(n), None) => n.to_string(),
        (None, Some(a)) => a.to_string(),
        (None, None) => "(none)".into(),
    }
}

fn test_name(name: &Option<String>, id: &Option<String>) -> String {
    match (name.as_deref().filter(|s| !s.is_empty()), id.as_deref()) {
        (Some(n), _) => n.to_string(),
        (None, Some(i)) => format!("test {i}"),
        (None, None) => "(unnamed)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesys_rows_become_records_and_a_table() {
        let result: ApiUsageQueryResult = serde_json::from_str(
            r#"{"results": [
                {"clientName": "A", "date": "2026-06-01T00:00:00Z", "requests": 10, "status200": 9, "status429": 1},
                {"clientName": "B", "date": "2026-06-02T00:00:00Z", "requests": 5, "status200": 5}
            ], "queryStatus": "Complete"}"#,
        )
        .unwrap();
        let a = Answer::from_usage(&result);
        assert_eq!(a.table.len(), 2);
        assert!(!a.partial && !a.capped);
        let Body::Genesys(records) = &a.body else {
            panic!("a Genesys body")
        };
        assert_eq!(records.len(), 2);
    }

    #[test]
    fn thousandeyes_tests_become_bars_largest_first() {
        let usage: TestsUsage = serde_json::from_str(
            r#"{"breakdowns": [
                {"aid": "1", "accountGroupName": "Ops", "testId": "7", "testName": "small", "cloudUnitsUsed": 5},
                {"aid": "1", "accountGroupName": "Ops", "testId": "8", "testName": "big", "cloudUnitsUsed": 50}
            ]}"#,
        )
        .unwrap();
        let a = Answer::from_te_tests(&usage);
        assert_eq!(a.table.len(), 2);
        let Body::ThousandEyes { bars, .. } = &a.body else {
            panic!("a ThousandEyes body")
        };
        let top = |id: &str| {
            let set = bars.iter().find(|b| b.id == id);
            set.and_then(|b| b.bars.first())
                .map(|b| (b.name.clone(), b.value))
        };
        assert_eq!(top("test"), Some(("big".to_string(), 50)));
        assert_eq!(top("account-group"), Some(("Ops (1)".to_string(), 55)));
    }

    #[test]
    fn the_period_usage_becomes_gauges_bars_and_one_row_a_test_agent_and_count() {
        let text = include_str!("../../tests/fixtures/thousandeyes/get-usage.expanded.json");
        let usage: Usage = serde_json::from_str(text).unwrap();
        let a = Answer::from_te_usage(&usage, 1_579_000_000);
        let Body::ThousandEyes {
            quotas,
            period,
            bars,
        } = &a.body
        else {
            panic!("a ThousandEyes body")
        };
        let labels: Vec<&str> = quotas.iter().map(|q| q.label.as_str()).collect();
        assert_eq!(labels, ["Cloud units", "Enterprise units"]);
        assert_eq!(quotas[0].projection.used, 8_500_489);
        assert_eq!(
            period.as_ref().map(|(s, _)| s.as_str()),
            Some("2020-01-05T08:00:00Z")
        );
        let ids: Vec<&str> = bars.iter().map(|b| b.id).collect();
        assert_eq!(ids, ["test-type", "account-group", "test", "agent"]);
        // Two tests, two agents, then two account groups for each of the four agent counts.
        assert_eq!(a.table.len(), 12);
        let kinds: Vec<String> = (0..a.table.len())
            .map(|r| a.table.cell(r, 0).raw())
            .collect();
        assert_eq!(kinds[0], "Test (cloud units)");
        assert_eq!(kinds[2], "Agent (enterprise units)");
        assert_eq!(kinds[4], "Enterprise agents (count)");
        assert_eq!(kinds[11], "Embedded endpoint agents (count)");
    }
}
