//! The Leptos single-page app: connect, build a query, watch it run, read
//! the answer as charts and tables, export and share.
//!
//! Components only render signals and call pure functions: the query form is
//! [`query_spec::QuerySpec`], answers are built by [`answer`] with
//! `crate::analysis`, and runs go through the library's clients.

pub mod answer;
pub mod browser;
pub mod charts;
pub mod connect;
pub mod export;
pub mod progress;
pub mod query;
pub mod query_spec;
pub mod results;
pub mod run;
pub mod state;
pub mod table;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use query_spec::QuerySpec;
use state::Ctx;

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

fn spec_from_address() -> Option<QuerySpec> {
    let search = browser::location_search();
    QuerySpec::from_params(&crate::http::query_params(&format!(
        "?{}",
        search.trim_start_matches('?')
    )))
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let from_url = spec_from_address();
    let had_query = from_url.is_some();
    let ctx = Ctx::new(from_url.unwrap_or_default());
    provide_context(ctx);
    if had_query {
        // The address as the app writes it, so edits compare equal.
        browser::replace_search(&run::spec_search(&ctx.spec.get_untracked()));
        ctx.entry_committed.set_value(true);
    }

    // Finish a sign-in that came back to us, then check who is connected.
    connect::on_load(ctx, had_query);

    // The query lives in the address bar: keep it there while it is edited…
    Effect::new(move |_| {
        let spec = ctx.spec.get();
        run::note_edit(ctx, &spec);
    });
    // …and follow back/forward.
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        if let Some(spec) = spec_from_address() {
            ctx.entry_committed.set_value(true);
            browser::replace_search(&run::spec_search(&spec));
            ctx.spec.set(spec.clone());
            run::show_cached(ctx, &spec);
        }
    });
    on_cleanup(move || listener.remove());

    // While a run is in progress, tick the clock for the elapsed time.
    let tick = set_interval_with_handle(
        move || {
            if ctx.running.get_untracked() {
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
        <div class="layout">
            <aside class="side">
                <connect::ConnectPanel/>
                <query::QueryPanel/>
            </aside>
            <main id="main" class="main" tabindex="-1">
                <progress::RunStatus/>
                <results::Results/>
            </main>
        </div>
        <footer class="foot">
            <p>"Tokens stay in this tab (memory and session storage) and are never put in the address, exports or logs."</p>
        </footer>
    }
}

/// Focuses an element by id (after a run, for keyboard users).
pub fn focus_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
