//! The overview's cards: the month against the allowance, the clients, and
//! ThousandEyes units against quotas, with the helpers they share.

use super::*;
use crate::app::charts::head_row;

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
    let href = run::spec_search(&spec);
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

pub(super) fn pct(x: f64) -> String {
    format!("{} %", crate::app::charts::fixed(x * 100.0, 1))
}

pub(super) fn count(x: f64) -> String {
    group_digits(x.round() as i64)
}

pub(super) fn error_words(e: &Error) -> String {
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

/// A card's message when its data is missing.
pub(super) fn card_problem<T>(part: &Part<T>, vendor: &str) -> Option<AnyView> {
    match part {
        Part::NotConnected => Some(
            view! {
                <p class="card-note" data-testid="card-not-connected">
                    {format!("Connect to {vendor} (or click Demo) to see this card.")}
                </p>
            }
            .into_any(),
        ),
        Part::Failed(e) if e.kind == ErrorKind::Aborted => Some(
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
                    <p class="error-title">{format!("{vendor} did not answer")}</p>
                    <p class="error-message">{error_words(e)}</p>
                </div>
            }
            .into_any(),
        ),
        Part::Done(_) => None,
    }
}

/// The cumulative month: what was counted, the forecast band to the month's
/// end, and the allowance as a horizontal line.
#[component]
pub(super) fn MonthChart(figures: Arc<Overview>) -> impl IntoView {
    use crate::app::charts::{band_path, fx, line_path, nice_max, y_ticks};
    let g = figures.genesys.as_ref()?;
    let m = &g.month;
    // A narrow screen gets a narrower drawing, so its labels stay readable.
    let narrow = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|px| px < 600.0);
    let (w, h) = if narrow {
        (420.0, 240.0)
    } else {
        (800.0, 260.0)
    };
    let label_every = if narrow { 10 } else { 5 };
    let (ml, mr, mt, mb) = (if narrow { 48.0 } else { 64.0 }, 12.0, 14.0, 30.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let n = m.days.len().max(1);
    let top = m
        .days
        .iter()
        .map(|d| d.cumulative_upper.max(d.cumulative))
        .fold(0.0, f64::max)
        .max(m.allowance.unwrap_or(0) as f64);
    let max = nice_max(top * 1.04).max(1.0);
    let x = move |i: usize| ml + pw * (i as f64 + 1.0) / n as f64;
    let y = move |v: f64| mt + ph - v.clamp(0.0, max) / max * ph;
    let counted: Vec<(f64, f64)> = std::iter::once((ml, y(0.0)))
        .chain(
            m.days
                .iter()
                .enumerate()
                .filter(|(_, d)| d.actual.is_some())
                .map(|(i, d)| (x(i), y(d.cumulative))),
        )
        .collect();
    let last_counted = m.days.iter().rposition(|d| d.actual.is_some());
    let start = last_counted.map_or((ml, y(0.0), y(0.0)), |i| {
        let v = m.days.get(i).map_or(0.0, |d| d.cumulative);
        (x(i), y(v), y(v))
    });
    let mut band = vec![start];
    let mut mean = vec![(start.0, start.1)];
    for (i, d) in m.days.iter().enumerate() {
        if d.actual.is_none() && d.mean.is_some() && last_counted.is_none_or(|l| i > l) {
            band.push((x(i), y(d.cumulative_lower), y(d.cumulative_upper)));
            mean.push((x(i), y(d.cumulative)));
        }
    }
    let has_band = band.len() > 1;
    let area = {
        let mut pts = counted.clone();
        if let Some((lx, _)) = counted.last() {
            pts.push((*lx, y(0.0)));
        }
        line_path(&pts) + " Z"
    };
    let allowance_line = m.allowance.map(|a| {
        let yy = y(a as f64);
        let tip = format!("Allowance: {} requests", group_digits(a));
        view! {
            <g data-testid="month-allowance-line">
                <line class="allowance-line" x1=fx(ml) x2=fx(w - mr) y1=fx(yy) y2=fx(yy)>
                    <title>{tip}</title>
                </line>
                <text class="allowance-label" x=fx(w - mr - 4.0) y=fx(yy - 6.0) text-anchor="end">"allowance"</text>
            </g>
        }
    });
    let ticks = y_ticks(max, y, ml, w - mr);
    let xlabels: Vec<_> = m
        .days
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || (i + 1) % label_every == 0)
        .map(|(i, d)| {
            let label = d.date.get(8..10).unwrap_or("").trim_start_matches('0').to_string();
            view! { <text class="xlabel" x=fx(x(i)) y=fx(h - mb + 16.0) text-anchor="middle">{label}</text> }
        })
        .collect();
    let summary = format!(
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
    );
    Some(view! {
        <figure class="chart month-chart" data-testid="month-chart">
            <svg viewBox=format!("0 0 {} {}", fx(w), fx(h)) role="img" aria-label=summary preserveAspectRatio="xMidYMid meet">
                {ticks}
                <path class="month-area" d=area></path>
                <path class="month-line" d=line_path(&counted)></path>
                {has_band.then(|| view! {
                    <g class="forecast">
                        <path class="forecast-band" data-testid="month-forecast-band" d=band_path(&band)>
                            <title>{format!("Forecast to the month's end, {} % band", crate::app::charts::fixed(m.interval_level * 100.0, 0))}</title>
                        </path>
                        <path class="forecast-line" d=line_path(&mean)></path>
                    </g>
                })}
                {allowance_line}
                <line class="axis" x1=fx(ml) x2=fx(w - mr) y1=fx(mt + ph) y2=fx(mt + ph)></line>
                {xlabels}
            </svg>
            <ul class="legend">
                <li><span class="swatch s0" aria-hidden="true"></span>"counted"</li>
                <li><span class="swatch forecast-swatch" aria-hidden="true"></span>{format!("forecast, {} % band", crate::app::charts::fixed(m.interval_level * 100.0, 0))}</li>
                {m.allowance.map(|_| view! { <li><span class="swatch allowance-swatch" aria-hidden="true"></span>"allowance"</li> })}
            </ul>
        </figure>
    })
}

#[component]
pub(super) fn MonthCard(
    fetched: Arc<Fetched>,
    figures: Arc<Overview>,
    spec: QuerySpec,
) -> impl IntoView {
    let problem = card_problem(&fetched.genesys, "Genesys Cloud");
    let body = figures.genesys.as_ref().map(|g| {
        let m = &g.month;
        let method = m
            .method
            .map(crate::app::charts::method_words)
            .unwrap_or("no data to forecast from");
        let share = m.share_of_allowance.map(|s| {
            let over = s > 1.0;
            view! {
                <div class:hot=over data-testid="month-share">
                    <dt>"Share of allowance"</dt>
                    <dd>{pct(s)}<small>{format!(" of {}", group_digits(m.allowance.unwrap_or(0)))}</small></dd>
                </div>
            }
        });
        let overage = m.overage.map(|o| {
            let hot = o > 0.0;
            let upper = m.overage_upper.unwrap_or(o);
            view! {
                <div class:hot=hot data-testid="month-overage">
                    <dt>"Projected overage"</dt>
                    <dd>
                        {if hot { format!("{} requests", count(o)) } else { "none".to_string() }}
                        {(upper > o).then(|| view! { <small>{format!(" (up to {})", count(upper))}</small> })}
                    </dd>
                </div>
            }
        });
        let no_allowance = m.allowance.is_none().then(|| {
            view! { <p class="hint" data-testid="month-no-allowance">"Enter your monthly allowance below to see the share and the overage."</p> }
        });
        let contributors: Vec<_> = m
            .contributors
            .iter()
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
            </dl>
            {no_allowance}
            <MonthChart figures=figures.clone()/>
            <p class="hint" data-testid="month-method">
                {format!("Forecast: {method}; the band should hold {} of outcomes. Today and later are forecast (the data is a day behind).", pct(m.interval_level))}
            </p>
            {(!contributors.is_empty()).then(|| view! {
                <table class="ov-table" data-testid="month-contributors">
                    <caption>"Who makes up the month"</caption>
                    {head_row(&[("Client", false), ("So far", true), ("Projected", true), ("Share", true)])}
                    <tbody>{contributors}</tbody>
                </table>
            })}
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

#[component]
pub(super) fn ClientsCard(
    fetched: Arc<Fetched>,
    figures: Arc<Overview>,
    spec: QuerySpec,
) -> impl IntoView {
    let ov = use_overview();
    let problem = card_problem(&fetched.genesys, "Genesys Cloud");
    let body = figures.genesys.as_ref().map(|g| {
        let total = g.requests.max(1) as f64;
        let top: Vec<_> = g
            .clients
            .iter()
            .take(8)
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th>
                        <td class="num">{group_digits(c.requests)}</td>
                        <td class="num">{pct(c.requests as f64 / total)}</td>
                    </tr>
                }
            })
            .collect();
        // The worst 429 offenders: the clients the 429 rule looks at, by
        // share, following the rule as it is edited.
        let clients = g.clients.clone();
        let share_rule = move || {
            let rule = ov
                .rules
                .get()
                .into_iter()
                .find(|r| r.kind == RuleKind::Share429);
            (
                rule.as_ref().map_or(1_000, |r| r.min_requests),
                rule.as_ref().map_or(2.0, |r| r.threshold) / 100.0,
            )
        };
        let offenders = move || {
            let (min, threshold) = share_rule();
            let mut list: Vec<_> = clients
                .iter()
                .filter(|c| c.status429 > 0 && c.requests >= min)
                .collect();
            list.sort_by(|a, b| b.share429.total_cmp(&a.share429));
            if list.is_empty() {
                return view! { <tr><td colspan="3" class="hint">"No client was rate limited."</td></tr> }.into_any();
            }
            list.into_iter()
                .take(5)
                .map(|c| {
                    let hot = c.share429 > threshold;
                    view! {
                        <tr class:hot=hot>
                            <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th>
                            <td class="num">{group_digits(c.status429)}</td>
                            <td class="num">{pct(c.share429)}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        };
        let any429 = g.status429 > 0;
        let period = match (&g.first_day, &g.last_day) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            _ => "no days with data".into(),
        };
        view! {
            <dl class="headline ov-figures">
                <div>
                    <dt>"Requests"</dt>
                    <dd>{group_digits(g.requests)}<small>{format!(" {period}")}</small></dd>
                </div>
                <div class:hot=any429>
                    <dt>"429 rate limited"</dt>
                    <dd>{group_digits(g.status429)}<small>{format!(" ({})", pct(g.status429 as f64 / total))}</small></dd>
                </div>
            </dl>
            <div class="ov-tables">
                <table class="ov-table" data-testid="top-clients">
                    <caption>"Top clients by requests"</caption>
                    {head_row(&[("Client", false), ("Requests", true), ("Share", true)])}
                    <tbody>{top}</tbody>
                </table>
                <table class="ov-table" data-testid="top-429">
                    <caption>{move || format!("Worst 429 offenders (clients with {} requests or more)", group_digits(share_rule().0))}</caption>
                    {head_row(&[("Client", false), ("429s", true), ("429 share", true)])}
                    <tbody>{offenders}</tbody>
                </table>
            </div>
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

#[component]
pub(super) fn UnitsCard(fetched: Arc<Fetched>, figures: Arc<Overview>) -> impl IntoView {
    let problem = card_problem(&fetched.usage, "ThousandEyes");
    let quotas_note = match &fetched.quotas {
        Part::Failed(e) if fetched.usage.ok().is_some() && e.kind != ErrorKind::Aborted => {
            Some(view! {
                <p class="card-note" data-testid="quotas-failed">
                    {format!("Quotas could not be read ({}); units are compared with what the contract includes.", e.message)}
                </p>
            })
        }
        _ => None,
    };
    let body = figures.thousandeyes.as_ref().map(|t| {
        let row = |label: &'static str, f: &crate::analysis::outlook::UnitsFigure| {
            let limit = f.quota.or(f.included);
            let hot = f.share.is_some_and(|s| s > 1.0);
            view! {
                <tr class:hot=hot>
                    <th scope="row">{label}</th>
                    <td class="num" data-label="Used">{group_digits(f.used)}</td>
                    <td class="num" data-label="Vendor's projection">{f.vendor_projected.map(group_digits).unwrap_or_else(|| "—".into())}</td>
                    <td class="num" data-label="Ours">{f.our_projected.map(count).unwrap_or_else(|| "—".into())}</td>
                    <td class="num" data-label="Quota">
                        {limit.map(group_digits).unwrap_or_else(|| "not set".into())}
                        {f.quota.is_none().then(|| f.included.map(|_| view! { <small>" included"</small> })).flatten()}
                    </td>
                    <td class="num" data-label="Share">{f.share.map(pct).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        };
        let groups: Vec<_> = t
            .groups
            .iter()
            .take(10)
            .map(|g| {
                let hot = g.share_of_quota.is_some_and(|s| s > 1.0);
                view! {
                    <tr class:hot=hot>
                        <th scope="row" class="name" title=g.aid.clone()>{g.name.clone()}</th>
                        <td class="num" data-label="Used">{group_digits(g.used)}</td>
                        <td class="num" data-label="Vendor's projection">{group_digits(g.vendor_projected)}</td>
                        <td class="num" data-label="Ours">{g.our_projected.map(count).unwrap_or_else(|| "—".into())}</td>
                        <td class="num" data-label="Quota">{g.quota.map(group_digits).unwrap_or_else(|| "—".into())}</td>
                        <td class="num" data-label="Share of quota">{g.share_of_quota.map(pct).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect();
        let period = match (&t.month_start, &t.month_end) {
            (Some(a), Some(b)) => format!(
                "Billing period {} – {}{}",
                a.get(..10).unwrap_or(a),
                b.get(..10).unwrap_or(b),
                t.elapsed_share.map(|e| format!(", {} elapsed", pct(e))).unwrap_or_default()
            ),
            _ => "Billing period not reported".into(),
        };
        view! {
            <p class="hint">{period}</p>
            <div class="table-wrap">
                <table class="ov-table stack" data-testid="units-table">
                    <caption>"Units this period: ThousandEyes' projection and ours (the run rate so far)"</caption>
                    {head_row(&[("Units", false), ("Used", true), ("Vendor's projection", true), ("Ours", true), ("Quota", true), ("Share", true)])}
                    <tbody>
                        {row("Cloud (tests)", &t.cloud)}
                        {row("Enterprise agents", &t.enterprise)}
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
    });
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
