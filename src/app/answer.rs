//! An answer as the app shows it: the rows as a table, and what the charts
//! need, built from any endpoint's result with the pure functions of
//! `crate::analysis`.

use std::sync::Arc;

pub use crate::analysis::format::group_digits;
use crate::analysis::{period_projection, Dimension, PeriodProjection, Records};
pub use crate::analysis::{sum_by, top_with_other, Bar};
use crate::error::decode_json;
use crate::genesys::{ApiUsageQueryResult, PublicApiUsageResultsResponse};
use crate::thousandeyes::{EnterpriseAgentsUsage, TestsUsage, Usage};

use super::query_spec::Kind;

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
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
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

    fn push(&mut self, row: Vec<Cell>) {
        if let Rows::Cells(rows) = &mut self.rows {
            rows.push(row);
        }
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
    /// The endpoint.
    pub kind: Kind,
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
    pub fn from_usage(kind: Kind, result: &ApiUsageQueryResult) -> Answer {
        let records = Arc::new(Records::from_usage_rows(&result.results));
        Answer {
            kind,
            table: Arc::new(genesys_table(&records)),
            body: Body::Genesys(records),
            capped: result.capped,
            partial: false,
        }
    }

    /// From an aggregates job.
    pub fn from_job(kind: Kind, result: &PublicApiUsageResultsResponse) -> Answer {
        let records = Arc::new(Records::from_job_rows(&result.entities));
        Answer {
            kind,
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
        let cloud = period_projection(
            u.cloud_units_used.unwrap_or(0),
            u.cloud_units_projected,
            quota.cloud_units_included,
            start.as_deref(),
            end.as_deref(),
            now_secs,
        );
        let enterprise = period_projection(
            u.enterprise_units_used.unwrap_or(0),
            u.enterprise_units_projected,
            None,
            start.as_deref(),
            end.as_deref(),
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
        let mut bars = Vec::new();
        if !u.tests.is_empty() {
            let sum = |key: &dyn Fn(&crate::thousandeyes::TestUsage) -> String| {
                sum_by(
                    u.tests
                        .iter()
                        .map(|t| (key(t), t.cloud_units_used.unwrap_or(0))),
                )
            };
            bars.push(BarSet {
                title: "Cloud units by test type".into(),
                id: "test-type",
                unit: "units",
                bars: top_with_other(sum(&|t| text_or(&t.test_type)), 10),
            });
            bars.push(BarSet {
                title: "Cloud units by account group".into(),
                id: "account-group",
                unit: "units",
                bars: top_with_other(sum(&|t| group_name(&t.account_group_name, &t.aid)), 10),
            });
            bars.push(BarSet {
                title: "Cloud units by test".into(),
                id: "test",
                unit: "units",
                bars: top_with_other(sum(&|t| test_name(&t.test_name, &t.test_id)), 10),
            });
        }
        if !u.enterprise_agent_units.is_empty() {
            bars.push(BarSet {
                title: "Enterprise units by agent".into(),
                id: "agent",
                unit: "units",
                bars: top_with_other(
                    sum_by(
                        u.enterprise_agent_units.iter().map(|a| {
                            (text_or(&a.agent_name), a.enterprise_units_used.unwrap_or(0))
                        }),
                    ),
                    10,
                ),
            });
        }
        let mut table = Table {
            columns: [
                "Kind",
                "Account group",
                "Name",
                "Type",
                "Units used",
                "Units projected",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            numeric: vec![false, false, false, false, true, true],
            rows: Rows::default(),
        };
        for t in &u.tests {
            table.push(vec![
                Cell::text("Test (cloud units)"),
                Cell::text(group_name(&t.account_group_name, &t.aid)),
                Cell::text(test_name(&t.test_name, &t.test_id)),
                Cell::from_opt(t.test_type.as_deref()),
                num(t.cloud_units_used),
                num(t.cloud_units_projected),
            ]);
        }
        for a in &u.enterprise_agent_units {
            table.push(vec![
                Cell::text("Agent (enterprise units)"),
                Cell::text(group_name(&a.account_group_name, &a.aid)),
                Cell::text(text_or(&a.agent_name)),
                Cell::text("Enterprise agent"),
                num(a.enterprise_units_used),
                num(a.enterprise_units_projected),
            ]);
        }
        for (label, list) in [
            (
                "Enterprise agents",
                u.enterprise_agents
                    .iter()
                    .map(|e| {
                        (
                            group_name(&e.account_group_name, &e.aid),
                            e.enterprise_agents_used,
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            (
                "Endpoint agents",
                u.endpoint_agents
                    .iter()
                    .map(|e| {
                        (
                            group_name(&e.account_group_name, &e.aid),
                            e.endpoint_agents_used,
                        )
                    })
                    .collect(),
            ),
            (
                "Endpoint Agent Essentials",
                u.endpoint_agents_essentials
                    .iter()
                    .map(|e| {
                        (
                            group_name(&e.account_group_name, &e.aid),
                            e.endpoint_agents_essentials_used,
                        )
                    })
                    .collect(),
            ),
            (
                "Embedded endpoint agents",
                u.endpoint_agents_embedded
                    .iter()
                    .map(|e| {
                        (
                            group_name(&e.account_group_name, &e.aid),
                            e.endpoint_agents_embedded_used,
                        )
                    })
                    .collect(),
            ),
        ] {
            for (group, used) in list {
                table.push(vec![
                    Cell::text(format!("{label} (count)")),
                    Cell::text(group),
                    Cell::Empty,
                    Cell::Empty,
                    num(used),
                    Cell::Empty,
                ]);
            }
        }
        Answer {
            kind: Kind::TeUsage,
            body: Body::ThousandEyes {
                quotas,
                period: start.zip(end),
                bars,
            },
            table: Arc::new(table),
            capped: false,
            partial: false,
        }
    }

    /// From the units per test.
    pub fn from_te_tests(usage: &TestsUsage) -> Answer {
        let rows = &usage.breakdowns;
        let units = |t: &crate::thousandeyes::UnitsByTests| {
            t.cloud_units_used.unwrap_or(0) + t.enterprise_units_used.unwrap_or(0)
        };
        let bars = vec![
            BarSet {
                title: "Units by test type (cloud + enterprise)".into(),
                id: "test-type",
                unit: "units",
                bars: top_with_other(
                    sum_by(rows.iter().map(|t| (text_or(&t.test_type), units(t)))),
                    10,
                ),
            },
            BarSet {
                title: "Units by account group".into(),
                id: "account-group",
                unit: "units",
                bars: top_with_other(
                    sum_by(
                        rows.iter()
                            .map(|t| (group_name(&t.account_group_name, &t.aid), units(t))),
                    ),
                    10,
                ),
            },
            BarSet {
                title: "Units by test".into(),
                id: "test",
                unit: "units",
                bars: top_with_other(
                    sum_by(
                        rows.iter()
                            .map(|t| (test_name(&t.test_name, &t.test_id), units(t))),
                    ),
                    10,
                ),
            },
        ];
        let table = Table {
            columns: [
                "Account group",
                "Test",
                "Test id",
                "Type",
                "Instant",
                "Cloud units",
                "Cloud projected",
                "Enterprise units",
                "Enterprise projected",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            numeric: vec![false, false, false, false, false, true, true, true, true],
            rows: Rows::Cells(
                rows.iter()
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
                    .collect(),
            ),
        };
        Answer {
            kind: Kind::TeTests,
            body: Body::ThousandEyes {
                quotas: Vec::new(),
                period: None,
                bars,
            },
            table: Arc::new(table),
            capped: false,
            partial: false,
        }
    }

    /// From the enterprise agent units.
    pub fn from_te_agents(usage: &EnterpriseAgentsUsage) -> Answer {
        let rows = &usage.breakdowns;
        let bars =
            vec![
                BarSet {
                    title: "Enterprise units by agent".into(),
                    id: "agent",
                    unit: "units",
                    bars: top_with_other(
                        sum_by(rows.iter().map(|a| {
                            (text_or(&a.agent_name), a.enterprise_units_used.unwrap_or(0))
                        })),
                        10,
                    ),
                },
                BarSet {
                    title: "Enterprise units by account group".into(),
                    id: "account-group",
                    unit: "units",
                    bars: top_with_other(
                        sum_by(rows.iter().map(|a| {
                            (
                                group_name(&a.account_group_name, &a.aid),
                                a.enterprise_units_used.unwrap_or(0),
                            )
                        })),
                        10,
                    ),
                },
            ];
        let table = Table {
            columns: [
                "Account group",
                "Agent",
                "Agent id",
                "Units used",
                "Units projected",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            numeric: vec![false, false, false, true, true],
            rows: Rows::Cells(
                rows.iter()
                    .map(|a| {
                        vec![
                            Cell::text(group_name(&a.account_group_name, &a.aid)),
                            Cell::from_opt(a.agent_name.as_deref()),
                            Cell::from_opt(a.agent_id.as_deref()),
                            num(a.enterprise_units_used),
                            num(a.enterprise_units_projected),
                        ]
                    })
                    .collect(),
            ),
        };
        Answer {
            kind: Kind::TeAgents,
            body: Body::ThousandEyes {
                quotas: Vec::new(),
                period: None,
                bars,
            },
            table: Arc::new(table),
            capped: false,
            partial: false,
        }
    }

    /// The rows fetched before a failure, read back from `Error::partial`.
    pub fn from_partial(kind: Kind, value: &serde_json::Value) -> Option<Answer> {
        // Read back through the library's own decoder, so no second copy of
        // every model's deserializer is compiled in.
        let text = value.to_string();
        let g = crate::Vendor::Genesys;
        let t = crate::Vendor::ThousandEyes;
        let mut answer = match kind {
            Kind::Org | Kind::Client | Kind::Summary | Kind::Search => {
                let r: ApiUsageQueryResult = decode_json(&text, g, "partial result").ok()?;
                Answer::from_usage(kind, &r)
            }
            Kind::Job | Kind::ClientJob => {
                let r: PublicApiUsageResultsResponse =
                    decode_json(&text, g, "partial result").ok()?;
                Answer::from_job(kind, &r)
            }
            Kind::TeTests => Answer::from_te_tests(&decode_json(&text, t, "partial result").ok()?),
            Kind::TeAgents => {
                Answer::from_te_agents(&decode_json(&text, t, "partial result").ok()?)
            }
            Kind::TeUsage => return None,
        };
        answer.partial = true;
        (!answer.table.is_empty()).then_some(answer)
    }
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
