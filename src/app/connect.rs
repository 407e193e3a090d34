//! Connecting: Demo, Genesys Cloud (region or base URL; PKCE sign-in or a
//! pasted token) and ThousandEyes (token and optional proxy base URL).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::genesys::auth::{read_token_response, PkceSession};
use crate::genesys::{Region, REGIONS};
use crate::http::{query_params, AccessToken, Transport};
use crate::transport::fetch::FetchTransport;

use super::browser;
use super::conn::te_default_host;
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
        let started = ctx.sign_in.start((), move |signal| async move {
            let outcome = finish_sign_in(&search, signal).await;
            signed_in(ctx, outcome);
        });
        if let Err(e) = started {
            ctx.conn_error.set(Some(e.message));
        }
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

/// After a sign-in: connects, restores the address the page had before the
/// trip to the login page, and runs its query (or opens the overview).
fn signed_in(ctx: Ctx, outcome: Result<(Conn, String), String>) {
    let (conn, restored) = match outcome {
        Ok(done) => done,
        Err(message) => {
            browser::replace_search("");
            ctx.conn_error.set(Some(message));
            return;
        }
    };
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

async fn finish_sign_in(
    search: &str,
    signal: web_sys::AbortSignal,
) -> Result<(Conn, String), String> {
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
    let fetch = FetchTransport::new(Some(signal), Some(30_000)).map_err(|e| e.to_string())?;
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
    let started = ctx.who.start((), move |signal| async move {
        match run::who_am_i(ctx, signal).await {
            Ok(org) => ctx.conn.update(|c| {
                if let Some(g) = c.genesys.as_mut() {
                    g.org = Some(org);
                }
            }),
            Err(m) => ctx.conn_error.set(Some(m)),
        }
    });
    if let Err(e) = started {
        ctx.conn_error.set(Some(e.message));
    }
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

/// The connection a new sign-in joins: Demo gives way to real services.
fn live_conn(ctx: Ctx) -> Conn {
    let c = ctx.conn.get_untracked();
    if c.demo {
        Conn::default()
    } else {
        c
    }
}

/// Forgets one service's connection (Demo as a whole, since it is one).
fn sign_out(ctx: Ctx, forget: fn(&mut Conn)) {
    let mut c = ctx.conn.get_untracked();
    if c.demo {
        c = Conn::default();
    } else {
        forget(&mut c);
    }
    ctx.set_conn(c);
}

/// A text input of the panel, bound to a signal; never autocompleted or
/// spell-checked (ids, addresses and tokens are not words).
#[component]
fn Field(
    /// Label.
    #[prop(into)]
    label: String,
    /// The input's `type`.
    kind: &'static str,
    /// Test id.
    testid: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// An example value.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type=kind
                data-testid=testid
                placeholder=placeholder
                autocomplete="off"
                spellcheck="false"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// What tells one service's box from the other's.
#[derive(Clone, Copy)]
struct Service {
    /// The service's name.
    legend: &'static str,
    /// Test id prefix.
    id: &'static str,
    /// The sign-out button's words.
    sign_out_label: &'static str,
    /// Whether a connection holds this service.
    connected: fn(&Conn) -> bool,
    /// Forgets this service in a connection.
    forget: fn(&mut Conn),
}

const GENESYS: Service = Service {
    legend: "Genesys Cloud",
    id: "genesys",
    sign_out_label: "Sign out",
    connected: |c| c.genesys.is_some(),
    forget: |c| c.genesys = None,
};

const THOUSANDEYES: Service = Service {
    legend: "ThousandEyes",
    id: "te",
    sign_out_label: "Disconnect",
    connected: |c| c.te.is_some(),
    forget: |c| c.te = None,
};

/// One service's box: its sign-in form, or, once connected, what it is
/// connected to and a way out.
#[component]
fn VendorBox(
    /// Which service.
    service: Service,
    /// The sign-in form, above its "Use token" button.
    #[prop(into)]
    form: ViewFn,
    /// Connects with the token typed into the form.
    use_token: Callback<()>,
    /// What it is connected to.
    children: ChildrenFn,
) -> impl IntoView {
    let ctx = use_ctx();
    let Service {
        legend,
        id,
        sign_out_label,
        connected,
        forget,
    } = service;
    view! {
        <fieldset class="vendor">
            <legend>{legend}</legend>
            <Show
                when=move || ctx.conn.with(connected)
                fallback=move || {
                    view! {
                        {form.run()}
                        <button type="button" data-testid=format!("{id}-connect") on:click=move |_| use_token.run(())>
                            "Use token"
                        </button>
                    }
                }
            >
                <p class="connected" data-testid=format!("{id}-connected")>{children()}</p>
                <button type="button" data-testid=format!("{id}-sign-out") on:click=move |_| sign_out(ctx, forget)>
                    {sign_out_label}
                </button>
            </Show>
        </fieldset>
    }
}

/// The Connect panel.
#[component]
pub fn ConnectPanel() -> impl IntoView {
    let ctx = use_ctx();
    let demo = move |_| {
        ctx.set_conn(Conn::demo());
        ctx.conn_error.set(None);
        check_who(ctx);
        super::open_overview_after_connect(ctx);
    };
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
            <GenesysBox/>
            <TeBox/>
        </section>
    }
}

/// Where a Genesys sign-in goes: the custom base URL, else the region; and
/// where, in words.
fn genesys_target(region: &str, base_url: &str) -> (String, String) {
    let b = base_url.trim().to_string();
    if b.is_empty() {
        let label = Region::find(region)
            .map_or(region.to_string(), |x| format!("{} ({})", x.name, x.domain));
        (region.to_string(), label)
    } else {
        (b.clone(), b)
    }
}

/// Connects Genesys Cloud with a pasted token (checked first).
fn use_genesys_token(ctx: Ctx, (base, label): (String, String), token: RwSignal<String>) {
    if let Err(m) = AccessToken::new(&token.get_untracked()) {
        ctx.conn_error.set(Some(format!("Genesys Cloud: {m}")));
        return;
    }
    if let Err(e) = crate::genesys::resolve_base(&base) {
        ctx.conn_error.set(Some(e.message));
        return;
    }
    let mut c = live_conn(ctx);
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
}

/// Connects ThousandEyes with a pasted token and an optional base URL.
fn use_te_token(ctx: Ctx, te_token: RwSignal<String>, te_base: RwSignal<String>) {
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
    let mut c = live_conn(ctx);
    c.te = Some(TeConn {
        base,
        token: te_token.get_untracked().trim().to_string(),
    });
    te_token.set(String::new());
    ctx.conn_error.set(None);
    ctx.set_conn(c);
    super::open_overview_after_connect(ctx);
}

/// Genesys Cloud: region or base URL, PKCE sign-in or a pasted token.
#[component]
fn GenesysBox() -> impl IntoView {
    let ctx = use_ctx();
    let region = RwSignal::new(REGIONS[0].domain.to_string());
    let base_url = RwSignal::new(String::new());
    let client_id = RwSignal::new(browser::local_get(CLIENT_ID_KEY).unwrap_or_default());
    let token = RwSignal::new(String::new());
    let target = move || genesys_target(&region.get_untracked(), &base_url.get_untracked());
    let sign_in = move |_| {
        let (base, label) = target();
        if let Err(m) = start_sign_in(&base, &client_id.get_untracked(), &label) {
            ctx.conn_error.set(Some(m));
        }
    };
    let genesys_org = move || {
        ctx.conn.with(|c| {
            let g = c.genesys.as_ref()?;
            Some(g.org.clone().unwrap_or_else(|| "Genesys Cloud".into()))
        })
    };
    let genesys_where = move || {
        ctx.conn
            .with(|c| Some(format!(" · {}", c.genesys.as_ref()?.label)))
    };
    view! {
        <VendorBox
            service=GENESYS
            form=move || view! {
                    <RegionField region=region/>
                    <Field label="Custom base URL (optional, overrides the region)" kind="url" testid="genesys-base-url" value=base_url placeholder="http://127.0.0.1:8787" />
                    <Field label="OAuth client id (PKCE grant)" kind="text" testid="genesys-client-id" value=client_id />
                    <button type="button" data-testid="genesys-sign-in" on:click=sign_in>
                        "Sign in with Genesys"
                    </button>
                    <Field label="…or paste an access token" kind="password" testid="genesys-token" value=token />
            }
            use_token=Callback::new(move |_| use_genesys_token(ctx, target(), token))
        >
            "Connected to "
            <strong>{genesys_org}</strong>
            <span class="hint">{genesys_where}</span>
        </VendorBox>
    }
}

/// The Genesys Cloud region, from the vendor's list.
#[component]
fn RegionField(region: RwSignal<String>) -> impl IntoView {
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
    }
}

/// ThousandEyes: a token and an optional proxy base URL.
#[component]
fn TeBox() -> impl IntoView {
    let ctx = use_ctx();
    let te_token = RwSignal::new(String::new());
    let te_base = RwSignal::new(TE_DEFAULT_BASE.to_string());
    let te_where = move || {
        ctx.conn.with(|c| {
            let base = c.te.as_ref()?.base.as_deref();
            Some(format!(" · {}", base.unwrap_or(te_default_host())))
        })
    };
    let base_label = format!("Base URL or proxy path (empty: {})", te_default_host());
    view! {
        <VendorBox
            service=THOUSANDEYES
            form=move || view! {
                    <Field label="Bearer token" kind="password" testid="te-token" value=te_token />
                    <Field label=base_label.clone() kind="text" testid="te-base-url" value=te_base />
            }
            use_token=Callback::new(move |_| use_te_token(ctx, te_token, te_base))
        >
            "Connected"
            <span class="hint">{te_where}</span>
        </VendorBox>
    }
}
