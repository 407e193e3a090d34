//! The app's frame: the panic hook, the mount, the screens and their tabs.

use leptos::prelude::*;

use super::overview::OverviewCtx;
use super::query_spec::QuerySpec;
use super::state::{use_ctx, Ctx, View};
use super::{browser, connect, history, overview, progress, query, results, run};

/// The address of the overview.
pub const OVERVIEW_SEARCH: &str = "?view=overview";
/// The address of the History screen.
pub const HISTORY_SEARCH: &str = "?view=history";

/// Installs a panic hook that logs to the console and shows a visible banner,
/// so a bug never leaves a frozen page without a word.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal_banner();
    }));
}

fn show_fatal_banner() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("fatal");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "fatal");
    banner.set_text_content(Some(
        "usage-lens hit a bug and stopped. Reload the page to start again; your query is kept in the address. \
         The browser console has the details.",
    ));
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}

/// The screen the address names with `view=` (the overview or History).
fn address_view() -> Option<View> {
    let search = browser::location_search();
    crate::http::query_params(&format!("?{}", search.trim_start_matches('?')))
        .iter()
        .find(|(k, _)| k == "view")
        .and_then(|(_, v)| match v.as_str() {
            "overview" => Some(View::Overview),
            "history" => Some(View::History),
            _ => None,
        })
}

/// Shows the History screen, as a history entry of its own.
pub fn show_history(ctx: Ctx) {
    if browser::location_search() != HISTORY_SEARCH {
        browser::push_search(HISTORY_SEARCH);
    }
    ctx.view.set(View::History);
}

/// Shows the overview, as a history entry of its own.
pub fn show_overview(ctx: Ctx) {
    if browser::location_search() != OVERVIEW_SEARCH {
        browser::push_search(OVERVIEW_SEARCH);
    }
    ctx.view.set(View::Overview);
}

/// Shows the Query view with `spec` in the form, as a history entry of its
/// own (the address is the query's, as a shared link would be).
pub fn show_query(ctx: Ctx, spec: QuerySpec) {
    let search = run::spec_search(&spec);
    if browser::location_search() != search {
        browser::push_search(&search);
    }
    // Edits from here on amend this entry; a run commits it.
    ctx.entry_committed.set_value(false);
    ctx.spec.set(spec);
    ctx.view.set(View::Query);
}

/// After connecting (or Demo): the overview, unless the page was opened
/// with a query in its address.
pub fn open_overview_after_connect(ctx: Ctx) {
    if !ctx.opened_with_query.get_value() {
        show_overview(ctx);
    }
}

fn spec_from_address() -> Option<QuerySpec> {
    let search = browser::location_search();
    QuerySpec::from_params(&crate::http::query_params(&format!(
        "?{}",
        search.trim_start_matches('?')
    )))
}

/// Opens the screen the address names: its query, `view=`, or (a plain
/// address once connected) the overview.
fn open_address(ctx: Ctx, had_query: bool) {
    ctx.opened_with_query.set_value(had_query);
    if had_query {
        // The address as the app writes it, so edits compare equal.
        browser::replace_search(&run::spec_search(&ctx.spec.get_untracked()));
        ctx.entry_committed.set_value(true);
    } else if let Some(view) = address_view() {
        ctx.view.set(view);
    } else if browser::location_search().is_empty() || browser::location_search() == "?" {
        // A plain address: the overview once connected, the form before.
        let conn = ctx.conn.get_untracked();
        if conn.genesys.is_some() || conn.te.is_some() {
            browser::replace_search(OVERVIEW_SEARCH);
            ctx.view.set(View::Overview);
        }
    }
}

/// Keeps the query in the address bar while it is edited, and follows
/// back/forward between queries and to and from the other screens.
fn follow_address(ctx: Ctx) {
    Effect::new(move |_| {
        let spec = ctx.spec.get();
        if ctx.view.get_untracked() == View::Query {
            run::note_edit(ctx, &spec);
        }
    });
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        if let Some(view) = address_view() {
            ctx.view.set(view);
        } else if let Some(spec) = spec_from_address() {
            ctx.entry_committed.set_value(true);
            browser::replace_search(&run::spec_search(&spec));
            ctx.spec.set(spec.clone());
            ctx.view.set(View::Query);
            run::show_cached(ctx, &spec);
        }
    });
    on_cleanup(move || listener.remove());
}

/// The overview runs when it is shown and has no answer for this
/// connection; a new connection forgets the old one's answer.
fn run_overview_when_shown(ctx: Ctx, ov: OverviewCtx) {
    let last_identity = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let id = ctx.conn.with(|c| c.identities());
        let view = ctx.view.get();
        if last_identity.get_value().is_some_and(|old| old != id) {
            overview::forget(ov);
        }
        last_identity.set_value(Some(id));
        if view == View::Overview {
            overview::ensure(ctx, ov);
        }
    });
}

/// While a run is in progress, ticks the clock for the elapsed time.
fn tick_while_running(ctx: Ctx, ov: OverviewCtx) {
    let tick = set_interval_with_handle(
        move || {
            if ctx.running.get_untracked() || ov.run.running().get_untracked() {
                ctx.now.set(browser::now_ms());
            }
        },
        std::time::Duration::from_millis(250),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let from_url = spec_from_address();
    let had_query = from_url.is_some();
    let ctx = Ctx::new(from_url.unwrap_or_default());
    provide_context(ctx);
    let ov = OverviewCtx::new();
    provide_context(ov);
    open_address(ctx, had_query);
    // Finish a sign-in that came back to us, then check who is connected.
    connect::on_load(ctx, had_query);
    follow_address(ctx);
    run_overview_when_shown(ctx, ov);
    tick_while_running(ctx, ov);

    let is_overview = move || ctx.view.get() == View::Overview;
    let is_history = move || ctx.view.get() == View::History;
    let is_query = move || ctx.view.get() == View::Query;
    view! {
        <a class="skip" href="#main">"Skip to the results"</a>
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">"◔"</span>
                <div>
                    <h1>"usage-lens"</h1>
                    <p class="tagline">"How your organization uses Genesys Cloud and ThousandEyes"</p>
                </div>
            </div>
            <connect::Status/>
        </header>
        <nav class="views" aria-label="Screens">
            <Tab view=View::Overview href=Signal::derive(|| OVERVIEW_SEARCH.to_string()) label="Overview"/>
            <Tab view=View::History href=Signal::derive(|| HISTORY_SEARCH.to_string()) label="History"/>
            <Tab view=View::Query href=Signal::derive(move || run::spec_search(&ctx.spec.get())) label="Query"/>
        </nav>
        <div class="layout" class:ov=move || !is_query()>
            <aside class="side">
                <connect::ConnectPanel/>
                <div class="query-side" hidden=move || !is_query()>
                    <query::QueryPanel/>
                </div>
            </aside>
            <main id="main" class="main" tabindex="-1">
                <div class="query-main" hidden=move || !is_query()>
                    <progress::RunStatus/>
                    <results::Results/>
                </div>
                <div class="overview-main" hidden=move || !is_overview()>
                    <overview::OverviewScreen/>
                </div>
                <div class="history-main" hidden=move || !is_history()>
                    <history::HistoryScreen/>
                </div>
            </main>
        </div>
        <footer class="foot">
            <p>"Tokens stay in this tab (memory and session storage) and are never put in the address, exports or logs."</p>
        </footer>
    }
}

/// A tab of the screens' navigation: a real link (a new tab or window works),
/// which a plain click follows inside the app.
#[component]
fn Tab(
    /// The screen.
    view: View,
    /// Its address.
    href: Signal<String>,
    /// Its name.
    label: &'static str,
) -> impl IntoView {
    let ctx = use_ctx();
    let active = move || ctx.view.get() == view;
    let testid = match view {
        View::Overview => "view-overview",
        View::History => "view-history",
        View::Query => "view-query",
    };
    let open = move |ev: leptos::ev::MouseEvent| {
        if !plain_click(&ev) {
            return;
        }
        ev.prevent_default();
        if ctx.view.get_untracked() == view {
            return;
        }
        match view {
            View::Overview => show_overview(ctx),
            View::History => show_history(ctx),
            View::Query => show_query(ctx, ctx.spec.get_untracked()),
        }
    };
    view! {
        <a
            href=move || href.get()
            data-testid=testid
            class:active=active
            aria-current=move || active().then_some("page")
            on:click=open
        >
            {label}
        </a>
    }
}

/// A click that should stay in the app (not a new tab or window).
fn plain_click(ev: &leptos::ev::MouseEvent) -> bool {
    ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key())
}
