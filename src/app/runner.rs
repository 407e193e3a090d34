//! The one way the app runs async work: a [`Runner`] for each kind of run
//! (the query, the overview, the sign-in, the who-am-I check, the History
//! screen's store, the query form's kept days).
//!
//! A run gets one `AbortController`, whose signal goes to every fetch and
//! timer of it. Then:
//! - **Cancel** ([`Runner::cancel`]) aborts that signal: the run ends with
//!   its `aborted` errors and the rows it had (partial results), and says so.
//! - **A newer run** of the same runner, or **unmounting** the component that
//!   made the runner ([`on_cleanup`]), stops the older run ([`Runner::stop`]):
//!   its requests end and its future is never polled again (an
//!   [`Abortable`], which checks the abort before every poll), so nothing of
//!   it (progress, answer, error) ever reaches the screen. No run counts runs.
//!
//! ```text
//! let started = ctx.who.start((), move |signal| async move {
//!     let outcome = fetch_something(signal).await; // every fetch gets `signal`
//!     show(outcome);                               // reached only by the live run
//! });
//! ```
//!
//! Why these pieces of Leptos and not others (measured on the release wasm
//! after `wasm-opt -Oz`, gzip):
//! - A local `Action` did the spawning and its pending count, and cost 3.8 KB
//!   more than this runner, which the frozen size budget cannot hold. Nothing
//!   else of it fitted: its value is not needed (a run shows its own
//!   outcome), its latest-only check is inert in this Leptos (the dispatch
//!   counter never moves) and its abort handle races the run in a `select!`
//!   that picks a ready branch at random. So the runner spawns on Leptos'
//!   executor and keeps one flag of its own: set when a run starts, cleared
//!   when the live run ends or is stopped.
//! - A `LocalResource` runs again when a signal it reads changes, not on a
//!   click, and it awaits each of its futures in turn in one task: a newer
//!   run would wait for the older one (a query polling for minutes) to end.
//! - `Suspense`/`ErrorBoundary` swap their children for a fallback; here the
//!   previous answer stays on screen beside the progress bar, the error and
//!   the rows fetched before it, as the end-to-end tests expect.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;

use super::browser;
use crate::engine::{Progress, RunOptions};
use crate::{Error, ErrorKind};

/// A run's work, boxed: one instantiation of what carries it, whatever the work.
type Work = Pin<Box<dyn Future<Output = ()>>>;

/// What stops the live run.
struct Live {
    /// Ends its requests and timers.
    controller: web_sys::AbortController,
    /// Drops its future unpolled.
    task: AbortHandle,
}

/// The part of a runner that does not depend on its progress type (compiled once).
#[derive(Clone, Copy)]
struct Core {
    running: RwSignal<bool>,
    live: StoredValue<Option<Live>, LocalStorage>,
}

impl Core {
    /// A core whose live run the owner's cleanup stops.
    fn new() -> Core {
        let core = Core {
            running: RwSignal::new(false),
            live: StoredValue::new_local(None),
        };
        on_cleanup(move || core.stop());
        core
    }

    /// Stops the live run, and gives the next run its controller (`None`
    /// once unmounted: there is nowhere to show a run).
    fn prepare(self) -> Result<Option<web_sys::AbortController>, Error> {
        if self.live.try_with_value(|_| ()).is_none() {
            return Ok(None);
        }
        self.stop();
        web_sys::AbortController::new().map(Some).map_err(|_| {
            Error::new(
                ErrorKind::Network,
                "This browser has no AbortController; use a current browser.",
            )
        })
    }

    /// Runs `work` as the live run.
    fn launch(self, controller: web_sys::AbortController, work: Work) {
        let (task, registration) = AbortHandle::new_pair();
        let run = Abortable::new(work, registration);
        let mine = task.clone();
        let running = self.running;
        running.set(true);
        self.live.set_value(Some(Live { controller, task }));
        leptos::task::spawn_local(async move {
            // `Err(Aborted)`: superseded or unmounted, and silent by design.
            let _ = run.await;
            // A run that was stopped leaves the flag to whoever stopped it.
            if !mine.is_aborted() {
                running.try_set(false);
            }
        });
    }

    fn cancel(self) {
        let controller = self
            .live
            .try_with_value(|l| l.as_ref().map(|l| l.controller.clone()))
            .flatten();
        if let Some(c) = controller {
            c.abort();
        }
    }

    fn stop(self) {
        if let Some(live) = self.live.try_update_value(Option::take).flatten() {
            live.controller.abort();
            live.task.abort();
            self.running.try_set(false);
        }
    }
}

/// Runs one kind of async work, one run at a time, with its progress `P`.
pub struct Runner<P: 'static = ()> {
    core: Core,
    /// What the latest run reported so far.
    pub progress: RwSignal<P>,
    /// When the latest run started (Unix ms).
    pub started_at: RwSignal<f64>,
}

impl<P> Clone for Runner<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Runner<P> {}

impl<P: Default + Send + Sync + 'static> Runner<P> {
    /// A runner owned by the current component: unmounting it stops the run.
    pub fn new() -> Runner<P> {
        Runner {
            core: Core::new(),
            progress: RwSignal::new(P::default()),
            started_at: RwSignal::new(0.0),
        }
    }
}

impl<P: Default + Send + Sync + 'static> Default for Runner<P> {
    fn default() -> Self {
        Runner::new()
    }
}

impl<P: Send + Sync + 'static> Runner<P> {
    /// Starts `work` with its abort signal, its progress first set to
    /// `first`. A run still going is stopped first, unheard.
    ///
    /// # Errors
    ///
    /// `network` when the browser has no `AbortController` (nothing runs).
    pub fn start<F, Fut>(&self, first: P, work: F) -> Result<(), Error>
    where
        F: FnOnce(web_sys::AbortSignal) -> Fut,
        Fut: Future<Output = ()> + 'static,
    {
        let Some(controller) = self.core.prepare()? else {
            return Ok(());
        };
        self.progress.set(first);
        self.started_at.set(browser::now_ms());
        let work: Work = Box::pin(work(controller.signal()));
        self.core.launch(controller, work);
        Ok(())
    }

    /// Cancels the live run: its requests and timers end at once, and it
    /// finishes with what it had.
    pub fn cancel(&self) {
        self.core.cancel();
    }

    /// Stops the live run unheard: its requests end and its future is dropped.
    pub fn stop(&self) {
        self.core.stop();
    }

    /// Whether a run is in progress.
    pub fn running(&self) -> ReadSignal<bool> {
        self.core.running.read_only()
    }

    /// Run options whose progress reports land in this runner's progress,
    /// through `place` (which part of `P` a report is about).
    pub fn options(&self, place: impl Fn(&mut P, Progress) + 'static) -> RunOptions {
        let progress = self.progress;
        RunOptions {
            split_on_cap: true,
            on_progress: Some(Rc::new(move |p: &Progress| {
                progress.update(|all| place(all, p.clone()));
            })),
            ..RunOptions::default()
        }
    }
}
