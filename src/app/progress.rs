//! The run's progress (phase, polls, pages, rows, elapsed time), its errors
//! in words, and the rows fetched before a failure.

use leptos::prelude::*;

use crate::engine::{Phase, Progress};
use crate::{Error, ErrorKind};

use super::browser;
use super::state::use_ctx;
use crate::analysis::answer::group_digits;

fn phase_words(p: &Progress, genesys: bool) -> String {
    match p.phase {
        Phase::Submitting => "Sending the query".into(),
        Phase::Waiting if genesys => "Waiting for Genesys Cloud to finish the query".into(),
        Phase::Waiting => "Waiting for the answer".into(),
        Phase::Paging => "Reading pages of results".into(),
        Phase::Retrying => {
            let why = p
                .retry_reason
                .clone()
                .unwrap_or_else(|| "a temporary failure".into());
            match p.retry_at_ms {
                Some(at) => format!(
                    "Retrying after {why}: retrying at {}",
                    browser::clock_time(at)
                ),
                None => format!("Retrying after {why}"),
            }
        }
        Phase::Done => "Done".into(),
    }
}

/// A phase in one or two words, for a part of a bigger run.
pub fn phase_short(p: Phase) -> &'static str {
    match p {
        Phase::Submitting => "sending",
        Phase::Waiting => "waiting",
        Phase::Paging => "reading pages",
        Phase::Retrying => "retrying",
        Phase::Done => "done",
    }
}

fn phase_id(p: Phase) -> &'static str {
    match p {
        Phase::Submitting => "submitting",
        Phase::Waiting => "waiting",
        Phase::Paging => "paging",
        Phase::Retrying => "retrying",
        Phase::Done => "done",
    }
}

/// How far along a run is (0..1), from its phase.
pub fn phase_share(p: &Progress) -> f64 {
    // A query run in parts moves with its parts.
    if let (Some(done), Some(total), false) = (p.parts_done, p.parts_total, p.phase == Phase::Done)
    {
        if total > 0 {
            return 0.06 + 0.92 * f64::from(done) / f64::from(total);
        }
    }
    match p.phase {
        Phase::Submitting => 0.08,
        Phase::Waiting => (0.15 + 0.07 * f64::from(p.polls)).min(0.6),
        Phase::Paging => (0.62 + 0.04 * f64::from(p.pages)).min(0.97),
        Phase::Retrying => 0.5,
        Phase::Done => 1.0,
    }
}

/// Elapsed time in words (`3.2 s`, `1:05 min`).
pub fn elapsed_words(ms: f64) -> String {
    let s = (ms / 1000.0).max(0.0);
    if s < 60.0 {
        format!("{} s", super::charts::fixed(s, 1))
    } else {
        format!("{}:{:02} min", (s / 60.0) as u64, (s % 60.0) as u64)
    }
}

/// What to do about an error, in a few words, on top of the library's message.
fn advice(e: &Error) -> Option<&'static str> {
    match e.kind {
        ErrorKind::Unauthorized => {
            Some("Sign in again (or paste a fresh token) in the Connect panel.")
        }
        ErrorKind::Forbidden => Some("Ask an administrator for the permission named above."),
        ErrorKind::RateLimited => {
            Some("Wait a minute, then press Run again: past days are cached once fetched.")
        }
        ErrorKind::Network => {
            Some("If the service blocks calls from web pages (CORS), set a proxy base URL.")
        }
        ErrorKind::InvalidInput => Some("Fix the query above and run it again."),
        _ => None,
    }
}

/// Progress, errors and notices of the current run.
#[component]
pub fn RunStatus() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="run-status" class:running=move || ctx.running.get() aria-live="polite">
            <RunProgress/>
            {move || {
                ctx.notice.get().map(|m| view! { <p class="notice" data-testid="notice" role="status">{m}</p> })
            }}
            {move || ctx.error.get().map(|e| view! { <RunError error=e/> })}
            <PartialRows/>
        </div>
    }
}

/// The counts under the bar: polls, pages, rows, requests, retries, parts.
fn counts_words(p: &Progress) -> String {
    let parts = match (p.parts_done, p.parts_total) {
        (Some(d), Some(t)) => format!(" · parts {d}/{t}"),
        _ => String::new(),
    };
    format!(
        "{} polls · {} pages · {} rows · {} requests{}{}",
        p.polls,
        p.pages,
        group_digits(p.rows as i64),
        p.requests,
        match p.retries {
            0 => String::new(),
            1 => " · 1 retry".to_string(),
            n => format!(" · {n} retries"),
        },
        parts,
    )
}

/// The run's progress bar, while it runs and once it is done.
#[component]
fn RunProgress() -> impl IntoView {
    let ctx = use_ctx();
    let genesys = move || ctx.spec.with(|s| !s.kind.is_te());
    move || {
        let running = ctx.running.get();
        let p = ctx.run.progress.get()?;
        if !running && p.phase != Phase::Done {
            return None;
        }
        let elapsed = if running {
            ctx.now.get() - ctx.run.started_at.get()
        } else {
            p.elapsed_ms as f64
        };
        let share = phase_share(&p);
        let retrying = p.phase == Phase::Retrying;
        Some(view! {
            <div
                class="progress"
                class:retrying=retrying
                class:done=!running
                data-testid="progress"
                data-phase=phase_id(p.phase)
            >
                <div class="progress-head">
                    <strong data-testid="progress-phase">{phase_words(&p, genesys())}</strong>
                    <span class="elapsed" data-testid="progress-elapsed">
                        {elapsed_words(elapsed)}
                    </span>
                </div>
                <div
                    class="bar"
                    role="progressbar"
                    aria-label="Run progress"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=super::charts::fixed(share * 100.0, 0)
                >
                    <div class="fill" style=format!("width: {}%", super::charts::fixed(share * 100.0, 1))></div>
                </div>
                <p class="counts" data-testid="progress-counts">{counts_words(&p)}</p>
                {p.capped
                    .then(|| {
                        view! {
                            <p class="warn">
                                "The 20,000-record cap of simple search was reached: rows may be missing."
                            </p>
                        }
                    })}
            </div>
        })
    }
}

/// Why the run did not finish, and what to do about it.
#[component]
fn RunError(error: Error) -> impl IntoView {
    let e = error;
    let status = e.status.map(|s| format!("HTTP {s}")).unwrap_or_default();
    let corr = e
        .correlation_id
        .clone()
        .map(|c| format!("Correlation id {c}"))
        .unwrap_or_default();
    let meta = [status, corr]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="error" role="alert" data-testid="error" data-kind=e.kind.as_str()>
            <p class="error-title">"The query did not finish"</p>
            <p class="error-message">{e.message.clone()}</p>
            {advice(&e).map(|a| view! { <p class="error-advice">{a}</p> })}
            {(!meta.is_empty()).then(|| view! { <p class="error-meta">{meta}</p> })}
        </div>
    }
}

/// The rows fetched before the run stopped, offered for viewing.
#[component]
fn PartialRows() -> impl IntoView {
    let ctx = use_ctx();
    move || {
        ctx.partial.get().map(|a| {
            let n = a.table.len();
            let a2 = a.clone();
            view! {
                <div class="partial">
                    <p>{format!("{} rows were fetched before the run stopped.", group_digits(n as i64))}</p>
                    <button
                        type="button"
                        data-testid="show-partial"
                        on:click=move |_| {
                            ctx.answer_spec.set(Some(ctx.spec.get_untracked()));
                            ctx.answer.set(Some(a2.clone()));
                            ctx.from_cache.set(false);
                            ctx.partial.set(None);
                        }
                    >
                        "Show the rows fetched so far"
                    </button>
                </div>
            }
        })
    }
}
