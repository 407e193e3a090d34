//! The one way the app runs async work: a [`Runner`] for each kind of run
//! (the query, the overview, the sign-in, the who-am-I check, the History
//! screen's store), built on Leptos' local [`Action`].
//!
//! A run gets one `AbortController`, whose signal goes to every fetch and
//! timer of it. Then:
//! - **Cancel** ([`Runner::cancel`]) aborts that signal: the run ends with
//!   its `aborted` errors and the rows it had (partial results), and says so.
//! - **A newer run** of the same runner, or **unmounting** the component that
//!   made the runner ([`on_cleanup`]), stops the older run ([`Runner::stop`]):
//!   its requests end and its future is never polled again, so nothing of it
//!   (progress, answer, error) ever reaches the screen. No run counts runs.
//!
//! ```text
//! let started = ctx.who.start((), move |signal| async move {
//!     let outcome = fetch_something(signal).await; // every fetch gets `signal`
//!     show(outcome);                               // reached only by the live run
//! });
//! ```
//!
//! Why these pieces of Leptos and not others:
//! - The action's own latest-only check is not relied upon: in this Leptos
//!   its dispatch counter never moves and its `select!` picks a ready branch
//!   at random, so a superseded run could still land. Each run is wrapped in
//!   an [`Abortable`] instead, which checks the abort before every poll.
//! - A `LocalResource` runs again when a signal it reads changes, not on a
//!   click, and it awaits each of its futures in turn in one task: a newer
//!   run would wait for the older one (a query polling for minutes) to end.
//! - `Suspense`/`ErrorBoundary` swap their children for a fallback; here the
//!   previous answer stays on screen beside the progress bar, the error and
//!   the rows fetched before it, as the end-to-end tests expect.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;
use leptos::reactive::actions::ActionAbortHandle;

use super::browser;
use crate::engine::{Progress, RunOptions};
use crate::{Error, ErrorKind};

/// A run's work, boxed: one instantiation of what carries it, whatever the work.
type Work = Pin<Box<dyn Future<Output = ()>>>;

/// A run's work, handed to the action and taken once when it starts.
struct Job(RefCell<Option<Abortable<Work>>>);

/// What stops the live run.
struct Live {
    /// Ends its requests and timers.
    controller: web_sys::AbortController,
    /// Drops its future unpolled.
    task: AbortHandle,
    /// The action's own handle, kept while the run is live: as its source
    /// reads, dropping it ends the action's wait for the run.
    _dispatched: ActionAbortHandle,
}

/// The part of a runner that does not depend on its progress type (compiled once).
#[derive(Clone, Copy)]
struct Core {
    action: Action<Job, ()>,
    live: StoredValue<Option<Live>, LocalStorage>,
}

impl Core {
    /// The action, whether it runs, and when the latest run started; the
    /// owner's cleanup stops the live run.
    fn new() -> (Core, Memo<bool>, RwSignal<f64>) {
        let action = Action::new_local(|job: &Job| {
            let work = job.0.borrow_mut().take();
            async move {
                if let Some(work) = work {
                    // `Err(Aborted)`: superseded or unmounted, and silent by design.
                    let _ = work.await;
                }
            }
        });
        let core = Core {
            action,
            live: StoredValue::new_local(None),
        };
        on_cleanup(move || core.stop());
        (core, action.pending(), RwSignal::new(0.0))
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
        let dispatched = self.action.dispatch_local(Job(RefCell::new(Some(run))));
        self.live.set_value(Some(Live {
            controller,
            task,
            _dispatched: dispatched,
        }));
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
        }
    }
}

/// Runs one kind of async work, one run at a time, with its progress `P`.
pub struct Runner<P: 'static = ()> {
    core: Core,
    running: Memo<bool>,
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
        let (core, running, started_at) = Core::new();
        Runner {
            core,
            running,
            progress: RwSignal::new(P::default()),
            started_at,
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
    pub fn running(&self) -> Memo<bool> {
        self.running
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
