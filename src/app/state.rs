//! The app's state: who is connected, the query being built, the run in
//! progress and the answer, as signals shared through a context.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::{Progress, RateBudget};

use super::runner::Runner;
use crate::sim::Sim;
use crate::Error;

use crate::analysis::answer::Answer;

/// How long a Demo execution or job takes in the in-browser simulator: none,
/// so the check made as soon as the submission is answered already finds the
/// answer and a newcomer's first chart comes as fast as the page can draw it.
pub const DEMO_EXECUTION_MS: u64 = 0;
use super::browser;
use super::query_spec::{Kind, QuerySpec};

/// An answer and the endpoint whose result it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The endpoint.
    pub kind: Kind,
    /// The answer.
    pub answer: Answer,
}

impl std::ops::Deref for Shown {
    type Target = Answer;
    fn deref(&self) -> &Answer {
        &self.answer
    }
}

pub use super::conn::{Conn, GenesysConn, TeConn, DEMO_BASE};

const GENESYS_KEY: &str = "usage-lens.genesys";
const TE_KEY: &str = "usage-lens.thousandeyes";
const DEMO_KEY: &str = "usage-lens.demo";

impl Conn {
    /// What was saved in this tab's `sessionStorage`.
    pub fn restore() -> Conn {
        if browser::session_get(DEMO_KEY).as_deref() == Some("1") {
            return Conn::demo();
        }
        Conn {
            demo: false,
            genesys: browser::session_get(GENESYS_KEY).and_then(|s| serde_json::from_str(&s).ok()),
            te: browser::session_get(TE_KEY).and_then(|s| serde_json::from_str(&s).ok()),
        }
    }

    /// Saves the connection in this tab's `sessionStorage` (never `localStorage`).
    pub fn save(&self) {
        if self.demo {
            browser::session_set(DEMO_KEY, "1");
            browser::session_remove(GENESYS_KEY);
            browser::session_remove(TE_KEY);
            return;
        }
        browser::session_remove(DEMO_KEY);
        match self
            .genesys
            .as_ref()
            .and_then(|g| serde_json::to_string(g).ok())
        {
            Some(s) => browser::session_set(GENESYS_KEY, &s),
            None => browser::session_remove(GENESYS_KEY),
        }
        match self.te.as_ref().and_then(|t| serde_json::to_string(t).ok()) {
            Some(s) => browser::session_set(TE_KEY, &s),
            None => browser::session_remove(TE_KEY),
        }
    }
}

/// Which screen is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Both vendors on one screen (`?view=overview`).
    Overview,
    /// ThousandEyes period after period (`?view=history`).
    History,
    /// One query: the form, the run and the answer (`?q=…`).
    #[default]
    Query,
}

/// Everything the components share. Signals are `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// Who is connected.
    pub conn: RwSignal<Conn>,
    /// The screen shown.
    pub view: RwSignal<View>,
    /// The page was opened with a query in its address: connecting then
    /// keeps the Query view instead of opening the overview.
    pub opened_with_query: StoredValue<bool>,
    /// A connection problem, in words.
    pub conn_error: RwSignal<Option<String>>,
    /// Finishing a sign-in that came back from the login page.
    pub sign_in: Runner,
    /// A sign-in being finished.
    pub connecting: ReadSignal<bool>,
    /// Asking Genesys Cloud which organization is connected.
    pub who: Runner,
    /// The query form.
    pub spec: RwSignal<QuerySpec>,
    /// Why the form cannot run, in words.
    pub invalid: RwSignal<Option<String>>,
    /// The query's runs, with the latest one's progress.
    pub run: Runner<Option<Progress>>,
    /// A query run is in progress.
    pub running: ReadSignal<bool>,
    /// The time, updated while a run is in progress.
    pub now: RwSignal<f64>,
    /// The answer shown.
    pub answer: RwSignal<Option<Arc<Shown>>>,
    /// The query that produced the answer.
    pub answer_spec: RwSignal<Option<QuerySpec>>,
    /// The answer came from this session's cache.
    pub from_cache: RwSignal<bool>,
    /// The last run's failure.
    pub error: RwSignal<Option<Error>>,
    /// A note about the last run (cancelled).
    pub notice: RwSignal<Option<String>>,
    /// Rows fetched before the failure, offered for viewing.
    pub partial: RwSignal<Option<Arc<Shown>>>,
    /// Answers of this session, by query.
    pub cache: StoredValue<HashMap<String, Arc<Shown>>>,
    /// The demo simulator, created on first use.
    pub sim: StoredValue<Option<Rc<RefCell<Sim>>>, LocalStorage>,
    /// Whether the address bar's entry belongs to a run (or to history):
    /// the next edit then starts a new entry instead of overwriting it.
    pub entry_committed: StoredValue<bool>,
    /// The Genesys rate budget shared by every run of this tab.
    pub genesys_budget: StoredValue<Rc<RefCell<RateBudget>>, LocalStorage>,
    /// The ThousandEyes rate budget shared by every run of this tab.
    pub te_budget: StoredValue<Rc<RefCell<RateBudget>>, LocalStorage>,
}

impl Ctx {
    /// Fresh state, with the connection restored from `sessionStorage`.
    pub fn new(spec: QuerySpec) -> Ctx {
        let (sign_in, run) = (Runner::new(), Runner::new());
        Ctx {
            conn: RwSignal::new(Conn::restore()),
            view: RwSignal::new(View::Query),
            opened_with_query: StoredValue::new(false),
            conn_error: RwSignal::new(None),
            sign_in,
            connecting: sign_in.running(),
            who: Runner::new(),
            spec: RwSignal::new(spec),
            invalid: RwSignal::new(None),
            run,
            running: run.running(),
            now: RwSignal::new(browser::now_ms()),
            answer: RwSignal::new(None),
            answer_spec: RwSignal::new(None),
            from_cache: RwSignal::new(false),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            partial: RwSignal::new(None),
            cache: StoredValue::new(HashMap::new()),
            entry_committed: StoredValue::new(false),
            sim: StoredValue::new_local(None),
            genesys_budget: StoredValue::new_local(RateBudget::shared_per_minute(
                crate::genesys::REQUESTS_PER_MINUTE,
            )),
            te_budget: StoredValue::new_local(RateBudget::shared_per_minute(
                crate::thousandeyes::REQUESTS_PER_MINUTE,
            )),
        }
    }

    /// The demo simulator (created on first use).
    ///
    /// Its executions take [`DEMO_EXECUTION_MS`]. Longer runs, with their
    /// waits and polls, are seen against the simulator server (`exec=` in a
    /// scenario).
    pub fn simulator(&self) -> Rc<RefCell<Sim>> {
        if let Some(sim) = self.sim.with_value(|s| s.clone()) {
            return sim;
        }
        let sim = Rc::new(RefCell::new(
            Sim::new(super::demo::DEMO_SEED).with_default_exec_ms(DEMO_EXECUTION_MS),
        ));
        self.sim.set_value(Some(sim.clone()));
        sim
    }

    /// Changes the connection and saves it. Cached answers belonged to the
    /// previous connection, so they are forgotten.
    pub fn set_conn(&self, conn: Conn) {
        conn.save();
        self.cache.update_value(|c| c.clear());
        self.conn.set(conn);
    }
}

/// The shared state from the context.
pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().unwrap_or_else(|| Ctx::new(QuerySpec::default()))
}
