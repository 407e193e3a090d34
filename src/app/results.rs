//! The answer: headline numbers, charts and the table.

use std::sync::Arc;

use leptos::prelude::*;

use crate::analysis::{daily_series, fit_periods, headline, top_n, Dimension, Periods, Records};

use super::browser;
use super::charts::{BarsChart, QuotaChart, SeriesChart, StatusChart};
use super::query_spec::Kind;
use super::state::{use_ctx, Shown};
use super::table::DataTable;
use crate::analysis::answer::{group_digits, Bar, BarSet, Body};

/// The most bars the time-series chart draws; longer series are summed into
/// weeks or months (at 800 px, more bars would be thinner than a pixel).
const MAX_PERIODS: usize = 180;

fn dim_id(d: Dimension) -> &'static str {
    match d {
        Dimension::Client => "client",
        Dimension::Endpoint => "endpoint",
        Dimension::Method => "method",
        Dimension::User => "user",
        Dimension::Organization => "organization",
        Dimension::Platform => "platform",
    }
}

/// The answer area.
#[component]
pub fn Results() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="results" data-testid="results">
            {move || match ctx.answer.get() {
                None => {
                    view! {
                        <div class="welcome">
                            <h2>"Read your usage"</h2>
                            <p>
                                "Connect (or click " <strong>"Demo"</strong>
                                "), choose what to ask, and press " <strong>"Run"</strong>
                                ". Charts and a table of the rows appear here."
                            </p>
                        </div>
                    }
                        .into_any()
                }
                Some(answer) => view! { <AnswerView answer=answer/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn AnswerView(answer: Arc<Shown>) -> impl IntoView {
    let ctx = use_ctx();
    let spec = ctx.answer_spec.get_untracked().unwrap_or_default();
    let stem = spec.file_stem(browser::now_secs());
    let title = match answer.kind {
        k if k.is_te() => format!("ThousandEyes · {}", k.label()),
        k => format!("Genesys Cloud · {}", k.label()),
    };
    let table = answer.table.clone();
    let empty = answer.table.is_empty();
    let charts = match &answer.body {
        Body::Genesys(records) => {
            view! { <GenesysCharts records=records.clone() kind=answer.kind/> }.into_any()
        }
        Body::ThousandEyes {
            quotas,
            period,
            bars,
        } => {
            let quota = (!quotas.is_empty())
                .then(|| view! { <QuotaChart views=quotas.clone() period=period.clone()/> });
            let bars: Vec<_> = bars
                .iter()
                .filter(|b| !b.bars.is_empty())
                .map(|b| view! { <BarsChart set=b.clone()/> })
                .collect();
            view! {
                {quota}
                <div class="chart-grid">{bars}</div>
            }
            .into_any()
        }
    };
    view! {
        <section class="answer" aria-labelledby="answer-h">
            <div class="answer-head">
                <h2 id="answer-h">{title}</h2>
                {move || {
                    ctx.from_cache
                        .get()
                        .then(|| {
                            view! {
                                <span class="badge" data-testid="cached">
                                    "From this session's cache · press Refresh to fetch again"
                                </span>
                            }
                        })
                }}
                {answer.partial.then(|| view! { <span class="badge warn" data-testid="partial">"Partial: the run stopped early"</span> })}
                {answer.capped.then(|| view! { <span class="badge warn">"Capped at 20,000 records"</span> })}
            </div>
            {if empty {
                view! {
                    <p class="empty" data-testid="empty">
                        "No rows: nothing was used in this interval, or the filters matched nothing. Try a longer interval or fewer filters."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    {charts}
                    <DataTable table=table file_stem=stem/>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn GenesysCharts(records: Arc<Records>, kind: Kind) -> impl IntoView {
    let present = Dimension::present_in(&records);
    let default_dim = present.first().copied().unwrap_or(Dimension::Client);
    let stack = RwSignal::new(default_dim);
    let picker = (present.len() > 1).then(|| stack_picker(present.clone(), default_dim, stack));
    let recs = records.clone();
    let series = move || series_chart(&recs, stack.get(), kind);
    let tops: Vec<_> = present
        .iter()
        .filter(|d| !matches!(d, Dimension::Organization))
        .map(|d| top_bars(&records, *d))
        .collect();
    view! {
        <Headline records=records.clone() />
        <div class="chart-tools">{picker}</div>
        {series}
        <div class="chart-grid">{tops}</div>
        <div class="chart-grid">{status_charts(&records, &present, default_dim)}</div>
    }
}

/// The figures above the charts: requests, 429 rate, busiest day, heaviest client, rows.
#[component]
fn Headline(records: Arc<Records>) -> impl IntoView {
    let h = headline(&records);
    let hot429 = h.rate429 >= 0.01;
    let or_dash = |v: Option<(String, i64)>| {
        v.map(|(what, n)| format!("{what} ({})", group_digits(n)))
            .unwrap_or_else(|| "—".into())
    };
    view! {
        <dl class="headline" data-testid="headline">
            <div>
                <dt>"Requests"</dt>
                <dd data-testid="headline-requests">{group_digits(h.requests)}</dd>
            </div>
            <div class:hot=hot429>
                <dt>"429 rate"</dt>
                <dd data-testid="headline-429">
                    {format!("{}%", super::charts::fixed(h.rate429 * 100.0, 2))}
                    <small>{format!(" ({})", group_digits(h.status429))}</small>
                </dd>
            </div>
            <div>
                <dt>"Busiest day"</dt>
                <dd>{or_dash(h.busiest_day.clone())}</dd>
            </div>
            <div>
                <dt>"Heaviest client"</dt>
                <dd class="ellipsis">{or_dash(h.heaviest_client.clone())}</dd>
            </div>
            <div>
                <dt>"Rows"</dt>
                <dd>{group_digits(h.rows as i64)}</dd>
            </div>
        </dl>
    }
}

/// The picker of the grouping the series chart stacks by.
fn stack_picker(
    options: Vec<Dimension>,
    default_dim: Dimension,
    stack: RwSignal<Dimension>,
) -> impl IntoView {
    view! {
        <label class="field inline">
            <span>"Stack by"</span>
            <select
                data-testid="stack-by"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(d) = Dimension::ALL.into_iter().find(|d| dim_id(*d) == v) {
                        stack.set(d);
                    }
                }
            >
                {options
                    .into_iter()
                    .map(|d| view! { <option value=dim_id(d) selected=d == default_dim>{d.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Requests over time stacked by `d`, summed into weeks or months when the
/// days would not fit.
fn series_chart(records: &Records, d: Dimension, kind: Kind) -> impl IntoView {
    let daily = daily_series(records, d, 8);
    let days = daily
        .dates
        .first()
        .cloned()
        .zip(daily.dates.last().cloned());
    let (s, periods) = fit_periods(daily, MAX_PERIODS);
    let per = match periods {
        Periods::AsGiven => None,
        Periods::Weeks => Some("week"),
        Periods::Months => Some("month"),
    };
    view! { <SeriesChart series=s group_label=d.label().to_string() projection=kind != Kind::Summary per=per periods=periods days=days/> }
}

/// The ten heaviest of `d` by requests, with their 429 shares.
fn top_bars(records: &Records, d: Dimension) -> impl IntoView {
    let groups = top_n(records, d, 10);
    let shares = groups.iter().map(|g| g.share429).collect();
    let set = BarSet {
        title: format!("Top {} by requests", d.label().to_ascii_lowercase()),
        id: dim_id(d),
        unit: "requests",
        bars: groups
            .iter()
            .map(|g| Bar {
                name: g.name.clone(),
                value: g.requests,
            })
            .collect(),
    };
    view! { <BarsChart set=set shares=shares/> }
}

/// Status codes by client and by endpoint, or by the first grouping present
/// when neither is.
fn status_charts(
    records: &Records,
    present: &[Dimension],
    default_dim: Dimension,
) -> impl IntoView {
    let status: Vec<_> = present
        .iter()
        .filter(|d| matches!(d, Dimension::Client | Dimension::Endpoint))
        .map(|d| {
            let groups = top_n(records, *d, 10);
            view! { <StatusChart groups=groups label=d.label().to_string() id=dim_id(*d)/> }
        })
        .collect();
    let status_fallback = status.is_empty().then(|| {
        let groups = top_n(records, default_dim, 10);
        view! { <StatusChart groups=groups label=default_dim.label().to_string() id="all"/> }
    });
    view! {
        {status}
        {status_fallback}
    }
}
