//! Connecting: Demo, Genesys Cloud (region or base URL; PKCE sign-in or a
//! pasted token) and ThousandEyes (token and optional proxy base URL).

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::genesys::auth::{read_token_response, PkceSession};
use crate::genesys::{Region, REGIONS};
use crate::http::{query_params, AccessToken, Transport};
use crate::transport::fetch::FetchTransport;

use super::browser;
use super::query_spec::QuerySpec;
use super::run;
use super::state::{use_ctx, Conn, Ctx, GenesysConn, TeConn};

const PKCE_KEY: &str = "usage-lens.pkce";
const CLIENT_ID_KEY: &str = "usage-lens.genesys.clientId";
/// The default ThousandEyes base: the dev server's proxy path.
pub const TE_DEFAULT_BASE: &str = "/te-proxy";

/// What survives the trip to the Genesys login page (in `sessionStorage`).
#[derive(Serialize, Deserialize)]
struct PendingSignIn {
    session: PkceSession,
    /// The address bar's query before leaving, restored on return.
    search: String,
    /// Where, in words.
    label: String,
}

/// Runs once on load: finishes a sign-in that came back, checks the token,
/// and runs the query of the address when there is a connection for it.
pub fn on_load(ctx: Ctx, had_query: bool) {
    let search = browser::location_search();
    let params = query_params(&format!("?{}", search.trim_start_matches('?')));
    let has = |k: &str| params.iter().any(|(n, _)| n == k);
    if (has("code") || has("error")) && has("state") {
        spawn_local(async move {
            ctx.connecting.set(true);
            let outcome = finish_sign_in(&search).await;
            ctx.connecting.set(false);
            match outcome {
                Ok((conn, restored)) => {
                    ctx.set_conn(conn);
                    browser::replace_search(&restored);
                    let spec = QuerySpec::from_params(&query_params(&format!(
                        "?{}",
                        restored.trim_start_matches('?')
                    )));
                    if let Some(spec) = spec.clone() {
                        // The page was opened with this query before the trip
                        // to the login page: it keeps the Query view.
                        ctx.opened_with_query.set_value(true);
                        ctx.spec.set(spec);
                        ctx.view.set(super::state::View::Query);
                    }
                    check_who(ctx);
                    if spec.is_some() {
                        run::start(ctx, false);
                    } else {
                        super::open_overview_after_connect(ctx);
                    }
                }
                Err(message) => {
                    browser::replace_search("");
                    ctx.conn_error.set(Some(message));
                }
            }
        });
        return;
    }
    if ctx.conn.get_untracked().genesys.is_some() {
        check_who(ctx);
    }
    let conn = ctx.conn.get_untracked();
    let kind = ctx.spec.get_untracked().kind;
    let ready = if kind.is_te() {
        conn.te.is_some()
    } else {
        conn.genesys.is_some()
    };
    if had_query && ready {
        run::start(ctx, false);
    }
}

async fn finish_sign_in(search: &str) -> Result<(Conn, String), String> {
    let pending: PendingSignIn = browser::session_get(PKCE_KEY)
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or("A sign-in answer arrived, but this tab did not start a sign-in (or it expired). Sign in again.")?;
    let code = pending.session.read_redirect(search);
    let code = match code {
        Ok(c) => c,
        Err(e) => {
            browser::session_remove(PKCE_KEY);
            return Err(e.message);
        }
    };
    let request = pending.session.token_request(&code);
    let fetch = FetchTransport::new(None, Some(30_000)).map_err(|e| e.to_string())?;
    let response = fetch.send(&request).await;
    // The verifier is single-use: forget it whatever the outcome.
    browser::session_remove(PKCE_KEY);
    let response = response.map_err(|_| {
        format!(
            "Could not reach {} to finish signing in. Check the network and the region.",
            pending.session.login_base
        )
    })?;
    let signed_in = read_token_response(&response).map_err(|e| e.message)?;
    let conn = Conn {
        demo: false,
        genesys: Some(GenesysConn {
            base: pending.session.api_base.clone(),
            token: signed_in.access_token,
            label: pending.label,
            org: None,
        }),
        te: Conn::restore().te,
    };
    Ok((conn, pending.search))
}

/// Asks Genesys Cloud which organization is connected, in the background.
pub fn check_who(ctx: Ctx) {
    ctx.conn_error.set(None);
    spawn_local(async move {
        match run::who_am_i(ctx).await {
            Ok(org) => ctx.conn.update(|c| {
                if let Some(g) = c.genesys.as_mut() {
                    g.org = Some(org);
                }
            }),
            Err(m) => ctx.conn_error.set(Some(m)),
        }
    });
}

fn start_sign_in(base_or_region: &str, client_id: &str, label: &str) -> Result<(), String> {
    let random = browser::random_bytes(64)?;
    let session = PkceSession::start(base_or_region, client_id, &browser::own_address(), &random)
        .map_err(|e| e.message)?;
    browser::local_set(CLIENT_ID_KEY, client_id.trim());
    let url = session.authorize_url();
    let pending = PendingSignIn {
        session,
        search: browser::location_search(),
        label: label.to_string(),
    };
    let json =
        serde_json::to_string(&pending).map_err(|_| "Could not save the sign-in.".to_string())?;
    browser::session_set(PKCE_KEY, &json);
    browser::go_to(&url)
}

/// The connection summary in the header.
#[component]
pub fn Status() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="status-chip" data-testid="connection" aria-live="polite">
            {move || {
                let c = ctx.conn.get();
                if c.demo {
                    "Demo: simulated data".to_string()
                } else {
                    let mut parts = Vec::new();
                    if let Some(g) = &c.genesys {
                        parts.push(format!("Genesys: {}", g.org.clone().unwrap_or_else(|| g.label.clone())));
                    }
                    if c.te.is_some() {
                        parts.push("ThousandEyes".to_string());
                    }
                    if parts.is_empty() { "Not connected".to_string() } else { parts.join(" · ") }
                }
            }}
        </div>
    }
}

/// The Connect panel.
#[component]
pub fn ConnectPanel() -> impl IntoView {
    let ctx = use_ctx();
    let region = RwSignal::new(REGIONS[0].domain.to_string());
    let base_url = RwSignal::new(String::new());
    let client_id = RwSignal::new(browser::local_get(CLIENT_ID_KEY).unwrap_or_default());
    let token = RwSignal::new(String::new());
    let te_token = RwSignal::new(String::new());
    let te_base = RwSignal::new(TE_DEFAULT_BASE.to_string());

    let target = move || {
        let b = base_url.get_untracked().trim().to_string();
        if b.is_empty() {
            let r = region.get_untracked();
            let label =
                Region::find(&r).map_or(r.clone(), |x| format!("{} ({})", x.name, x.domain));
            (r, label)
        } else {
            (b.clone(), b)
        }
    };

    let demo = move |_| {
        ctx.set_conn(Conn::demo());
        ctx.conn_error.set(None);
        check_who(ctx);
        super::open_overview_after_connect(ctx);
    };
    let sign_in = move |_| {
        let (base, label) = target();
        if let Err(m) = start_sign_in(&base, &client_id.get_untracked(), &label) {
            ctx.conn_error.set(Some(m));
        }
    };
    let use_token = move |_| {
        let (base, label) = target();
        if let Err(m) = AccessToken::new(&token.get_untracked()) {
            ctx.conn_error.set(Some(format!("Genesys Cloud: {m}")));
            return;
        }
        if let Err(e) = crate::genesys::resolve_base(&base) {
            ctx.conn_error.set(Some(e.message));
            return;
        }
        let mut c = ctx.conn.get_untracked();
        if c.demo {
            c = Conn::default();
        }
        c.genesys = Some(GenesysConn {
            base,
            token: token.get_untracked().trim().to_string(),
            label,
            org: None,
        });
        token.set(String::new());
        ctx.set_conn(c);
        check_who(ctx);
        super::open_overview_after_connect(ctx);
    };
    let use_te = move |_| {
        if let Err(m) = AccessToken::new(&te_token.get_untracked()) {
            ctx.conn_error.set(Some(format!("ThousandEyes: {m}")));
            return;
        }
        let b = te_base.get_untracked().trim().to_string();
        let base = (!b.is_empty()).then_some(b);
        if let Some(b) = &base {
            if let Err(m) = crate::http::normalize_base_url(b) {
                ctx.conn_error
                    .set(Some(format!("ThousandEyes base URL: {m}")));
                return;
            }
        }
        let mut c = ctx.conn.get_untracked();
        if c.demo {
            c = Conn::default();
        }
        c.te = Some(TeConn {
            base,
            token: te_token.get_untracked().trim().to_string(),
        });
        te_token.set(String::new());
        ctx.conn_error.set(None);
        ctx.set_conn(c);
        super::open_overview_after_connect(ctx);
    };
    let sign_out_genesys = move |_| {
        let mut c = ctx.conn.get_untracked();
        if c.demo {
            c = Conn::default();
        } else {
            c.genesys = None;
        }
        ctx.set_conn(c);
    };
    let sign_out_te = move |_| {
        let mut c = ctx.conn.get_untracked();
        if c.demo {
            c = Conn::default();
        } else {
            c.te = None;
        }
        ctx.set_conn(c);
    };

    let genesys_connected = move || ctx.conn.with(|c| c.genesys.is_some());
    let te_connected = move || ctx.conn.with(|c| c.te.is_some());

    view! {
        <section class="panel connect" aria-labelledby="connect-h">
            <h2 id="connect-h">"Connect"</h2>
            <div class="demo-row">
                <button type="button" class="primary" data-testid="connect-demo" on:click=demo>
                    "Demo"
                </button>
                <span class="hint">"Simulated data for both services, no credentials needed."</span>
            </div>
            {move || ctx.connecting.get().then(|| view! { <p class="hint" role="status">"Finishing sign-in…"</p> })}
            {move || {
                ctx.conn_error
                    .get()
                    .map(|m| view! { <p class="conn-error" role="alert" data-testid="connect-error">{m}</p> })
            }}
            <fieldset class="vendor">
                <legend>"Genesys Cloud"</legend>
                <Show
                    when=genesys_connected
                    fallback=move || {
                        view! {
                            <label class="field">
                                <span>"Region"</span>
                                <select
                                    data-testid="genesys-region"
                                    prop:value=move || region.get()
                                    on:change=move |ev| region.set(event_target_value(&ev))
                                >
                                    {REGIONS
                                        .iter()
                                        .map(|r| {
                                            view! {
                                                <option value=r.domain>
                                                    {format!("{} — {}", r.name, r.domain)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <label class="field">
                                <span>"Custom base URL (optional, overrides the region)"</span>
                                <input
                                    type="url"
                                    data-testid="genesys-base-url"
                                    placeholder="http://127.0.0.1:8787"
                                    autocomplete="off"
                                    prop:value=move || base_url.get()
                                    on:input=move |ev| base_url.set(event_target_value(&ev))
                                />
                            </label>
                            <label class="field">
                                <span>"OAuth client id (PKCE grant)"</span>
                                <input
                                    type="text"
                                    data-testid="genesys-client-id"
                                    autocomplete="off"
                                    spellcheck="false"
                                    prop:value=move || client_id.get()
                                    on:input=move |ev| client_id.set(event_target_value(&ev))
                                />
                            </label>
                            <button type="button" data-testid="genesys-sign-in" on:click=sign_in>
                                "Sign in with Genesys"
                            </button>
                            <label class="field">
                                <span>"…or paste an access token"</span>
                                <input
                                    type="password"
                                    data-testid="genesys-token"
                                    autocomplete="off"
                                    prop:value=move || token.get()
                                    on:input=move |ev| token.set(event_target_value(&ev))
                                />
                            </label>
                            <button type="button" data-testid="genesys-connect" on:click=use_token>
                                "Use token"
                            </button>
                        }
                    }
                >
                    <p class="connected" data-testid="genesys-connected">
                        "Connected to "
                        <strong>
                            {move || {
                                ctx.conn
                                    .with(|c| {
                                        c.genesys
                                            .as_ref()
                                            .map(|g| g.org.clone().unwrap_or_else(|| "Genesys Cloud".into()))
                                            .unwrap_or_default()
                                    })
                            }}
                        </strong>
                        <span class="hint">
                            {move || {
                                ctx.conn.with(|c| c.genesys.as_ref().map(|g| format!(" · {}", g.label)).unwrap_or_default())
                            }}
                        </span>
                    </p>
                    <button type="button" data-testid="genesys-sign-out" on:click=sign_out_genesys>
                        "Sign out"
                    </button>
                </Show>
            </fieldset>
            <fieldset class="vendor">
                <legend>"ThousandEyes"</legend>
                <Show
                    when=te_connected
                    fallback=move || {
                        view! {
                            <label class="field">
                                <span>"Bearer token"</span>
                                <input
                                    type="password"
                                    data-testid="te-token"
                                    autocomplete="off"
                                    prop:value=move || te_token.get()
                                    on:input=move |ev| te_token.set(event_target_value(&ev))
                                />
                            </label>
                            <label class="field">
                                <span>"Base URL or proxy path (empty: api.thousandeyes.com)"</span>
                                <input
                                    type="text"
                                    data-testid="te-base-url"
                                    autocomplete="off"
                                    prop:value=move || te_base.get()
                                    on:input=move |ev| te_base.set(event_target_value(&ev))
                                />
                            </label>
                            <button type="button" data-testid="te-connect" on:click=use_te>
                                "Use token"
                            </button>
                        }
                    }
                >
                    <p class="connected" data-testid="te-connected">
                        "Connected"
                        <span class="hint">
                            {move || {
                                ctx.conn
                                    .with(|c| {
                                        c.te
                                            .as_ref()
                                            .map(|t| {
                                                format!(
                                                    " · {}",
                                                    t.base.clone().unwrap_or_else(|| "api.thousandeyes.com".into()),
                                                )
                                            })
                                            .unwrap_or_default()
                                    })
                            }}
                        </span>
                    </p>
                    <button type="button" data-testid="te-sign-out" on:click=sign_out_te>
                        "Disconnect"
                    </button>
                </Show>
            </fieldset>
        </section>
    }
}
