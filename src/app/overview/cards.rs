//! The overview's cards: the month against the allowance, the clients, and
//! ThousandEyes units against quotas, with the helpers they share. What each
//! card shows is decided in [`crate::app::card_view`]; these only render it.

use std::sync::Arc;

use leptos::prelude::*;

use super::{open_query, units_spec, use_overview, Fetched, Part};
use crate::analysis::allowance::AllowanceChoice;
use crate::analysis::format::group_digits;
use crate::analysis::outlook::{
    ClientFigures, Contributor, GenesysOverview, GroupUnits, MonthOutlook, UnitsFigure,
    UnitsOutlook, OVERVIEW_HISTORY_DAYS,
};
use crate::analysis::Overview;
use crate::app::card_view::{
    band_percent, billing_period_words, count, days_words, error_words, failed_title, is_cancelled,
    is_narrow, method_sentence, month_plot, month_summary, not_connected_words, offenders,
    offenders_caption, or_dash, over, overage_upper_words, overage_words, pct, quotas_note,
    share_of, share_rule, units_caption, units_limit, Frame, TOP_CLIENTS, TOP_GROUPS,
};
use crate::app::charts::{band_path, fx, head_row, line_path, method_words, y_ticks};
use crate::app::query_spec::QuerySpec;
use crate::app::sources::{
    allowance_source_words, limit_words, money_of, money_words, no_allowance_reason, rate_words,
    vendor_count_words,
};
use crate::Error;

/// A note under a figure, found by its test id.
pub(super) fn hint(id: &'static str, text: String) -> impl IntoView {
    view! { <p class="hint" data-testid=id>{text}</p> }
}

/// A link to the query behind a card.
#[component]
pub(super) fn DetailLink(
    /// The query.
    spec: QuerySpec,
    /// The words.
    text: &'static str,
    /// Test id.
    id: &'static str,
) -> impl IntoView {
    let ctx = crate::app::state::use_ctx();
    let href = crate::app::run::spec_search(&spec);
    view! {
        <a
            class="detail-link"
            href=href
            data-testid=id
            on:click=move |ev: leptos::ev::MouseEvent| {
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                open_query(ctx, spec.clone());
            }
        >
            {text}
            " →"
        </a>
    }
}

/// A card's message when its data is missing.
pub(super) fn card_problem<T>(part: &Part<T>, vendor: &str) -> Option<AnyView> {
    match part {
        Part::NotConnected => Some(
            view! {
                <p class="card-note" data-testid="card-not-connected">{not_connected_words(vendor)}</p>
            }
            .into_any(),
        ),
        Part::Failed(e) if is_cancelled(e) => Some(
            view! {
                <p class="card-note" data-testid="card-cancelled">
                    "Cancelled. Refresh the overview to run it again."
                </p>
            }
            .into_any(),
        ),
        Part::Failed(e) => Some(
            view! {
                <div class="card-error" role="alert" data-testid="card-error" data-kind=e.kind.as_str()>
                    <p class="error-title">{failed_title(vendor)}</p>
                    <p class="error-message">{error_words(e)}</p>
                </div>
            }
            .into_any(),
        ),
        Part::Done(_) => None,
    }
}

/// A vendor's failure, if any (not connected is not one).
fn failure<T>(part: &Part<T>) -> Option<&Error> {
    match part {
        Part::Failed(e) => Some(e),
        _ => None,
    }
}

/// Whether the browser window is narrow (a phone held upright).
fn narrow_screen() -> bool {
    is_narrow(
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64()),
    )
}

/// The cumulative month: what was counted, the forecast band to the month's
/// end, and the allowance as a horizontal line.
#[component]
pub(super) fn MonthChart(figures: Arc<Overview>) -> impl IntoView {
    let m = &figures.genesys.as_ref()?.month;
    let p = month_plot(m, narrow_screen());
    let (s, f) = (p.scale, p.scale.frame);
    let ticks = y_ticks(s.max, move |v| s.y(v), f.ml, f.w - f.mr);
    let xlabels: Vec<_> = p
        .xlabels
        .iter()
        .map(|(x, label)| {
            view! { <text class="xlabel" x=fx(*x) y=fx(f.h - f.mb + 16.0) text-anchor="middle">{label.clone()}</text> }
        })
        .collect();
    let percent = band_percent(m.interval_level);
    let forecast = p.has_band().then(|| {
        let title = format!("Forecast to the month's end, {percent} % band");
        view! {
            <g class="forecast">
                <path class="forecast-band" data-testid="month-forecast-band" d=band_path(&p.band)>
                    <title>{title}</title>
                </path>
                <path class="forecast-line" d=line_path(&p.mean)></path>
            </g>
        }
    });
    let area = line_path(&p.area()) + " Z";
    let allowance = m.allowance.zip(p.allowance_y);
    Some(view! {
        <figure class="chart month-chart" data-testid="month-chart">
            <svg viewBox=format!("0 0 {} {}", fx(f.w), fx(f.h)) role="img" aria-label=month_summary(m) preserveAspectRatio="xMidYMid meet">
                {ticks}
                <path class="month-area" d=area></path>
                <path class="month-line" d=line_path(&p.counted)></path>
                {forecast}
                {allowance.map(|(a, y)| view! { <AllowanceLine allowance=a y=y frame=f/> })}
                <line class="axis" x1=fx(f.ml) x2=fx(f.w - f.mr) y1=fx(f.mt + f.ph()) y2=fx(f.mt + f.ph())></line>
                {xlabels}
            </svg>
            <MonthLegend percent=percent allowance=m.allowance.is_some()/>
        </figure>
    })
}

/// The allowance across the month chart, labelled at its right end.
#[component]
fn AllowanceLine(allowance: i64, y: f64, frame: Frame) -> impl IntoView {
    let f = frame;
    let tip = format!("Allowance: {} requests", group_digits(allowance));
    view! {
        <g data-testid="month-allowance-line">
            <line class="allowance-line" x1=fx(f.ml) x2=fx(f.w - f.mr) y1=fx(y) y2=fx(y)>
                <title>{tip}</title>
            </line>
            <text class="allowance-label" x=fx(f.w - f.mr - 4.0) y=fx(y - 6.0) text-anchor="end">"allowance"</text>
        </g>
    }
}

/// The month chart's legend.
#[component]
fn MonthLegend(percent: String, allowance: bool) -> impl IntoView {
    view! {
        <ul class="legend">
            <li><span class="swatch s0" aria-hidden="true"></span>"counted"</li>
            <li><span class="swatch forecast-swatch" aria-hidden="true"></span>{format!("forecast, {percent} % band")}</li>
            {allowance.then(|| view! { <li><span class="swatch allowance-swatch" aria-hidden="true"></span>"allowance"</li> })}
        </ul>
    }
}

/// The month's headline figures: so far, projected, and against the
/// allowance, with the overage in money at the contract's price.
#[component]
fn MonthFigures(month: MonthOutlook, choice: Arc<AllowanceChoice>) -> impl IntoView {
    let m = month;
    let money = money_of(&m, &choice).map(|money| {
        view! {
            <div class:hot={money.projected > 0.0} data-testid="month-overage-money">
                <dt>"Overage in money"</dt>
                <dd>{money_words(&money)}</dd>
            </div>
        }
    });
    let share = m.share_of_allowance.map(|s| {
        view! {
            <div class:hot={s > 1.0} data-testid="month-share">
                <dt>"Share of allowance"</dt>
                <dd>{pct(s)}<small>{format!(" of {}", group_digits(m.allowance.unwrap_or(0)))}</small></dd>
            </div>
        }
    });
    let overage = m.overage.map(|o| {
        let upper = overage_upper_words(&m).map(|w| view! { <small>{w}</small> });
        view! {
            <div class:hot={o > 0.0} data-testid="month-overage">
                <dt>"Projected overage"</dt>
                <dd>{overage_words(o)}{upper}</dd>
            </div>
        }
    });
    view! {
        <dl class="headline ov-figures">
            <div data-testid="month-to-date">
                <dt>{format!("{} so far", m.month)}</dt>
                <dd>{group_digits(m.month_to_date)}<small>{format!(" in {} of {} days", m.days_counted, m.days_in_month)}</small></dd>
            </div>
            <div data-testid="month-projected">
                <dt>"Projected month total"</dt>
                <dd>
                    {count(m.projected)}
                    <small>{format!(" ({} – {})", count(m.projected_lower), count(m.projected_upper))}</small>
                </dd>
            </div>
            {share}
            {overage}
            {money}
        </dl>
    }
}

/// The clients that make up the month, when there are any.
#[component]
fn MonthContributors(contributors: Vec<Contributor>) -> impl IntoView {
    let rows: Vec<_> = contributors
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th>
                    <td class="num">{group_digits(c.month_to_date)}</td>
                    <td class="num">{count(c.projected)}</td>
                    <td class="num">{pct(c.share)}</td>
                </tr>
            }
        })
        .collect();
    (!rows.is_empty()).then(|| {
        view! {
            <table class="ov-table" data-testid="month-contributors">
                <caption>"Who makes up the month"</caption>
                {head_row(&[("Client", false), ("So far", true), ("Projected", true), ("Share", true)])}
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

/// The Genesys month against the allowance, with its forecast.
#[component]
pub(super) fn MonthCard(
    fetched: Arc<Fetched>,
    figures: Arc<Overview>,
    spec: QuerySpec,
    choice: Arc<AllowanceChoice>,
) -> impl IntoView {
    let problem = card_problem(&fetched.genesys, "Genesys Cloud");
    let body = figures.genesys.as_ref().map(|g| {
        let m = &g.month;
        let method = m.method.map(method_words).unwrap_or("no data to forecast from");
        let no_allowance = m.allowance.is_none().then(|| {
            let why = no_allowance_reason(&fetched.contract).map(|w| format!("{w} ")).unwrap_or_default();
            hint("month-no-allowance", why + "Enter your monthly allowance below to see the share and the overage.")
        });
        let source = allowance_source_words(&choice)
            .map(|w| hint("month-allowance-source", w));
        let vendor_count = choice
            .contract
            .as_ref()
            .and_then(|c| vendor_count_words(c, m.month_to_date))
            .map(|w| hint("month-vendor-count", w));
        let rate = money_of(m, &choice).map(|money| hint("month-overage-rate", rate_words(&money)));
        let band_note = m
            .band_note()
            .map(|w| hint("month-band-note", w));
        view! {
            <MonthFigures month=m.clone() choice=choice.clone()/>
            {band_note}
            {source}
            {rate}
            {vendor_count}
            {no_allowance}
            <MonthChart figures=figures.clone()/>
            <p class="hint" data-testid="month-method">{method_sentence(method, m.interval_level)}</p>
            <MonthContributors contributors=m.contributors.clone()/>
        }
    });
    view! {
        <section class="card month-card" aria-labelledby="month-h" data-testid="card-month">
            <div class="card-head">
                <h3 id="month-h">"Genesys Cloud: this month against the allowance"</h3>
                <DetailLink spec=spec text="Daily usage by client" id="link-month"/>
            </div>
            {problem}
            {body}
        </section>
    }
}

/// One client's name as a row header (the full name as its tooltip).
fn client_cell(c: &ClientFigures) -> impl IntoView {
    view! { <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th> }
}

/// The top clients by requests.
#[component]
fn TopClients(genesys: Arc<GenesysOverview>) -> impl IntoView {
    let g = genesys;
    let rows: Vec<_> = g
        .clients
        .iter()
        .take(TOP_CLIENTS)
        .map(|c| {
            view! {
                <tr>
                    {client_cell(c)}
                    <td class="num">{group_digits(c.requests)}</td>
                    <td class="num">{pct(share_of(c.requests, g.requests))}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <table class="ov-table" data-testid="top-clients">
            <caption>"Top clients by requests"</caption>
            {head_row(&[("Client", false), ("Requests", true), ("Share", true)])}
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The worst 429 offenders: the clients the 429 rule looks at, by share,
/// following the rule as it is edited.
#[component]
fn WorstOffenders(genesys: Arc<GenesysOverview>) -> impl IntoView {
    let ov = use_overview();
    let rule = move || ov.rules.with(|r| share_rule(r));
    let rows = move || {
        let list = offenders(&genesys.clients, rule());
        if list.is_empty() {
            return view! { <tr><td colspan="3" class="hint">"No client was rate limited."</td></tr> }.into_any();
        }
        list.into_iter()
            .map(|(c, hot)| {
                view! {
                    <tr class:hot=hot>
                        {client_cell(c)}
                        <td class="num">{group_digits(c.status429)}</td>
                        <td class="num">{pct(c.share429)}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <table class="ov-table" data-testid="top-429">
            <caption>{move || offenders_caption(rule())}</caption>
            {head_row(&[("Client", false), ("429s", true), ("429 share", true)])}
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The clients over the overview's days: requests, 429s, top clients and
/// the worst offenders.
#[component]
pub(super) fn ClientsCard(
    fetched: Arc<Fetched>,
    figures: Arc<Overview>,
    spec: QuerySpec,
) -> impl IntoView {
    let problem = card_problem(&fetched.genesys, "Genesys Cloud");
    let limit = fetched
        .limit
        .as_ref()
        .map(|l| hint("rate-limit", limit_words(l)));
    let body = figures.genesys.clone().map(|g| {
        let g = Arc::new(g);
        let period = days_words(g.first_day.as_deref(), g.last_day.as_deref());
        view! {
            <dl class="headline ov-figures">
                <div>
                    <dt>"Requests"</dt>
                    <dd>{group_digits(g.requests)}<small>{format!(" {period}")}</small></dd>
                </div>
                <div class:hot={g.status429 > 0}>
                    <dt>"429 rate limited"</dt>
                    <dd>{group_digits(g.status429)}<small>{format!(" ({})", pct(share_of(g.status429, g.requests)))}</small></dd>
                </div>
            </dl>
            <div class="ov-tables">
                <TopClients genesys=g.clone()/>
                <WorstOffenders genesys=g/>
            </div>
            {limit}
        }
    });
    view! {
        <section class="card clients-card" aria-labelledby="clients-h" data-testid="card-clients">
            <div class="card-head">
                <h3 id="clients-h">{format!("Genesys Cloud: clients over {OVERVIEW_HISTORY_DAYS} days")}</h3>
                <DetailLink spec=spec text="Requests and status codes by client" id="link-clients"/>
            </div>
            {problem}
            {body}
        </section>
    }
}

/// One kind of units against its quota (or what the contract includes).
fn units_row(label: &'static str, f: &UnitsFigure) -> impl IntoView {
    let (limit, included) = units_limit(f);
    view! {
        <tr class:hot=over(f.share)>
            <th scope="row">{label}</th>
            <td class="num" data-label="Used">{group_digits(f.used)}</td>
            <td class="num" data-label="Vendor's projection">{or_dash(f.vendor_projected.map(group_digits))}</td>
            <td class="num" data-label="Ours">{or_dash(f.our_projected.map(count))}</td>
            <td class="num" data-label="Quota">
                {limit.map(group_digits).unwrap_or_else(|| "not set".into())}
                {included.then(|| view! { <small>" included"</small> })}
            </td>
            <td class="num" data-label="Share">{or_dash(f.share.map(pct))}</td>
        </tr>
    }
}

/// One account group's cloud units against its quota.
fn group_row(g: &GroupUnits) -> impl IntoView {
    view! {
        <tr class:hot=over(g.share_of_quota)>
            <th scope="row" class="name" title=g.aid.clone()>{g.name.clone()}</th>
            <td class="num" data-label="Used">{group_digits(g.used)}</td>
            <td class="num" data-label="Vendor's projection">{group_digits(g.vendor_projected)}</td>
            <td class="num" data-label="Ours">{or_dash(g.our_projected.map(count))}</td>
            <td class="num" data-label="Quota">{or_dash(g.quota.map(group_digits))}</td>
            <td class="num" data-label="Share of quota">{or_dash(g.share_of_quota.map(pct))}</td>
        </tr>
    }
}

/// The units of the billing period, and the account groups when there are any.
#[component]
fn UnitsTables(units: UnitsOutlook) -> impl IntoView {
    let t = units;
    let groups: Vec<_> = t.groups.iter().take(TOP_GROUPS).map(group_row).collect();
    view! {
        <p class="hint">{billing_period_words(&t)}</p>
        <div class="table-wrap">
            <table class="ov-table stack" data-testid="units-table">
                <caption>{units_caption(&t)}</caption>
                {head_row(&[("Units", false), ("Used", true), ("Vendor's projection", true), ("Ours", true), ("Quota", true), ("Share", true)])}
                <tbody>
                    {units_row("Cloud (tests)", &t.cloud)}
                    {units_row("Enterprise agents", &t.enterprise)}
                </tbody>
            </table>
        </div>
        {(!groups.is_empty()).then(|| view! {
            <div class="table-wrap">
                <table class="ov-table stack" data-testid="units-groups">
                    <caption>"Account groups (cloud units)"</caption>
                    {head_row(&[("Account group", false), ("Used", true), ("Vendor", true), ("Ours", true), ("Quota", true), ("Share", true)])}
                    <tbody>{groups}</tbody>
                </table>
            </div>
        })}
    }
}

/// ThousandEyes units against the quota.
#[component]
pub(super) fn UnitsCard(fetched: Arc<Fetched>, figures: Arc<Overview>) -> impl IntoView {
    let problem = card_problem(&fetched.usage, "ThousandEyes");
    let usage_ok = matches!(fetched.usage, Part::Done(_));
    let quotas_note = quotas_note(usage_ok, failure(&fetched.quotas))
        .map(|m| view! { <p class="card-note" data-testid="quotas-failed">{m}</p> });
    let body = figures
        .thousandeyes
        .clone()
        .map(|t| view! { <UnitsTables units=t/> });
    view! {
        <section class="card units-card" aria-labelledby="units-h" data-testid="card-units">
            <div class="card-head">
                <h3 id="units-h">"ThousandEyes: units against the quota"</h3>
                <DetailLink spec=units_spec() text="Usage of the billing period" id="link-units"/>
            </div>
            {problem}
            {quotas_note}
            {body}
        </section>
    }
}
