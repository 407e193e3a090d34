//! One query run as several parts: a bounded number in flight at once, each
//! on a run of its own (its own polls, pages and retries, the client's shared
//! rate budget), their progress added up into one report for the caller.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use super::{Phase, Progress, RunOptions};
use crate::error::Error;

/// Parts in flight at once when the caller does not say. A year of usage is
/// at most six jobs in any granularity, so a year runs in one wave.
pub const PARTS_AT_ONCE: u32 = 6;
/// How many parts a caller may run at once.
pub const PARTS_AT_ONCE_RANGE: std::ops::RangeInclusive<u32> = 1..=12;

/// One part's answer to come: boxed, so each flow's parts share one runner
/// instead of compiling a copy per call site.
pub type PartFuture<'a, P> = Pin<Box<dyn Future<Output = Result<P, Error>> + 'a>>;

/// A part's latest progress, and when it started (milliseconds after the
/// query); `None` before its first report.
type PartProgress = Option<(u64, Progress)>;

/// The progress of every part of one query, reported to the caller's
/// `on_progress` as one sum.
pub struct PartsProgress {
    started_ms: u64,
    state: Rc<RefCell<Vec<PartProgress>>>,
    report: Option<super::ProgressFn>,
}

impl PartsProgress {
    /// Progress of `total` parts of a query that started at `started_ms`,
    /// reported through `opts.on_progress`.
    pub fn new(total: usize, started_ms: u64, opts: &RunOptions) -> Self {
        PartsProgress {
            started_ms,
            state: Rc::new(RefCell::new(vec![None; total])),
            report: opts.on_progress.clone(),
        }
    }

    /// The options of part `index`, starting at `now_ms`: the caller's, with
    /// what is left of the time limit and progress that feeds the sum.
    pub fn options_for(&self, index: usize, now_ms: u64, opts: &RunOptions) -> RunOptions {
        let offset = now_ms.saturating_sub(self.started_ms);
        let state = self.state.clone();
        let report = self.report.clone();
        let on_progress: super::ProgressFn = Rc::new(move |p: &Progress| {
            let sum = {
                let mut parts = state.borrow_mut();
                if let Some(slot) = parts.get_mut(index) {
                    *slot = Some((offset, p.clone()));
                }
                sum(&parts)
            };
            if let Some(report) = &report {
                report(&sum);
            }
        });
        RunOptions {
            timeout_ms: opts.timeout_ms.map(|t| t.saturating_sub(offset).max(1)),
            on_progress: Some(on_progress),
            ..opts.clone()
        }
    }

    /// The sum so far, marked done: for the end of the query.
    pub fn finished(&self) -> Progress {
        let mut p = sum(&self.state.borrow());
        p.phase = Phase::Done;
        p.next_poll_in_ms = None;
        p
    }

    /// Reports `progress` to the caller.
    pub fn report(&self, progress: &Progress) {
        if let Some(report) = &self.report {
            report(progress);
        }
    }
}

/// Adds up the parts' progress: counts summed, the busiest phase, the
/// soonest next check, and a retry when any part is waiting to retry.
fn sum(parts: &[PartProgress]) -> Progress {
    let total = parts.len() as u32;
    let mut out = Progress {
        parts_total: Some(total),
        parts_done: Some(0),
        ..Progress::default()
    };
    let mut phases = Vec::new();
    for (offset, p) in parts.iter().flatten() {
        out.polls += p.polls;
        out.pages += p.pages;
        out.rows += p.rows;
        out.requests += p.requests;
        out.retries += p.retries;
        out.elapsed_ms = out.elapsed_ms.max(offset + p.elapsed_ms);
        out.next_poll_in_ms = match (out.next_poll_in_ms, p.next_poll_in_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if p.phase == Phase::Retrying {
            out.retry_at_ms = p.retry_at_ms;
            out.retry_reason = p.retry_reason.clone();
        }
        if p.phase == Phase::Done {
            out.parts_done = out.parts_done.map(|d| d + 1);
        }
        phases.push(p.phase);
    }
    out.phase = [Phase::Retrying, Phase::Paging, Phase::Waiting]
        .into_iter()
        .find(|ph| phases.contains(ph))
        .unwrap_or(Phase::Submitting);
    out
}

/// What [`run_bounded`] hands back: every part's answer, in order (`None`
/// for a part that did not finish), and the first failure with its part.
pub type Outcome<T> = (Vec<Option<T>>, Option<(usize, Error)>);

/// Runs `count` parts, at most `at_once` at a time; `start(i)` makes part
/// `i` when a slot frees, so parts start in order. The first failure ends the
/// whole: parts still in flight are dropped (which cancels them) and no new
/// part starts.
pub async fn run_bounded<T, F>(
    count: usize,
    at_once: usize,
    mut start: impl FnMut(usize) -> F,
) -> Outcome<T>
where
    F: Future<Output = Result<T, Error>>,
{
    let at_once = at_once.max(1);
    let mut done: Vec<Option<T>> = (0..count).map(|_| None).collect();
    let mut flying: Vec<(usize, Pin<Box<F>>)> = Vec::new();
    let mut next = 0;
    let failed = std::future::poll_fn(|cx| {
        while flying.len() < at_once && next < count {
            flying.push((next, Box::pin(start(next))));
            next += 1;
        }
        let mut i = 0;
        while i < flying.len() {
            match flying[i].1.as_mut().poll(cx) {
                Poll::Pending => i += 1,
                Poll::Ready(result) => {
                    let (index, _) = flying.swap_remove(i);
                    match result {
                        Ok(v) => {
                            done[index] = Some(v);
                            if next < count {
                                flying.push((next, Box::pin(start(next))));
                                next += 1;
                            }
                        }
                        Err(e) => return Poll::Ready(Some((index, e))),
                    }
                }
            }
        }
        if flying.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    })
    .await;
    drop(flying);
    (done, failed)
}

/// Runs parts one at a time, in waves: `run(part)` answers the parts it
/// splits into (none when it is done), and those run after the current
/// wave. The first failure ends the whole.
pub async fn run_waves<I, F>(first: Vec<I>, mut run: impl FnMut(I) -> F) -> Result<(), Error>
where
    F: Future<Output = Result<Vec<I>, Error>>,
{
    let mut wave = first;
    while !wave.is_empty() {
        let mut next = Vec::new();
        for part in wave {
            next.extend(run(part).await?);
        }
        wave = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::cell::Cell;

    /// A future that is pending `n` times (waking itself) before it is ready.
    async fn after_polls(n: u32) {
        let mut left = n;
        std::future::poll_fn(|cx| {
            if left == 0 {
                Poll::Ready(())
            } else {
                left -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn parts_run_a_few_at_a_time_and_answer_in_order() {
        let running = Cell::new(0u32);
        let most = Cell::new(0u32);
        let (done, failed) = block_on(run_bounded(7, 3, |i| {
            let (running, most) = (&running, &most);
            async move {
                running.set(running.get() + 1);
                most.set(most.get().max(running.get()));
                // Later parts finish sooner: the order of answers must not follow.
                after_polls(10 - i as u32).await;
                running.set(running.get() - 1);
                Ok::<_, Error>(i * 10)
            }
        }));
        assert!(failed.is_none());
        assert_eq!(most.get(), 3, "never more than three at once");
        assert_eq!(
            done,
            (0..7).map(|i| Some(i * 10)).collect::<Vec<_>>(),
            "answers in part order"
        );
    }

    #[test]
    fn the_first_failure_stops_new_parts_and_keeps_finished_ones() {
        let started = Cell::new(0usize);
        let (done, failed) = block_on(run_bounded(6, 2, |i| {
            started.set(started.get() + 1);
            async move {
                after_polls(if i == 2 { 1 } else { 3 }).await;
                if i == 2 {
                    Err(Error::new(ErrorKind::Network, "part 2 broke"))
                } else {
                    Ok(i)
                }
            }
        }));
        let (index, e) = failed.expect("a failure");
        assert_eq!(index, 2);
        assert_eq!(e.message, "part 2 broke");
        assert_eq!(done[0], Some(0));
        assert!(done[2..].iter().all(Option::is_none));
        assert!(started.get() < 6, "parts after the failure never start");
    }

    #[test]
    fn parts_split_into_the_next_wave_after_the_current_one() {
        let order = RefCell::new(Vec::new());
        block_on(run_waves(vec![8u32, 2], |n| {
            order.borrow_mut().push(n);
            async move { Ok(if n > 2 { vec![n / 2, n / 2] } else { vec![] }) }
        }))
        .unwrap();
        assert_eq!(*order.borrow(), [8, 2, 4, 4, 2, 2, 2, 2]);
    }

    #[test]
    fn progress_adds_up_the_parts() {
        let seen = Rc::new(RefCell::new(Vec::<Progress>::new()));
        let log = seen.clone();
        let opts = RunOptions {
            timeout_ms: Some(10_000),
            on_progress: Some(Rc::new(move |p: &Progress| {
                log.borrow_mut().push(p.clone())
            })),
            ..RunOptions::default()
        };
        let parts = PartsProgress::new(3, 1_000, &opts);
        let first = parts.options_for(0, 1_000, &opts);
        let second = parts.options_for(1, 4_000, &opts);
        assert_eq!(second.timeout_ms, Some(7_000), "what is left of the limit");
        let report = |o: &RunOptions, p: Progress| (o.on_progress.as_ref().unwrap())(&p);
        report(
            &first,
            Progress {
                phase: Phase::Done,
                polls: 2,
                rows: 100,
                requests: 4,
                elapsed_ms: 5_000,
                ..Progress::default()
            },
        );
        report(
            &second,
            Progress {
                phase: Phase::Waiting,
                polls: 1,
                rows: 0,
                requests: 2,
                elapsed_ms: 500,
                next_poll_in_ms: Some(900),
                ..Progress::default()
            },
        );
        let last = seen.borrow().last().cloned().unwrap();
        assert_eq!((last.polls, last.rows, last.requests), (3, 100, 6));
        assert_eq!((last.parts_done, last.parts_total), (Some(1), Some(3)));
        assert_eq!(last.phase, Phase::Waiting);
        assert_eq!(last.next_poll_in_ms, Some(900));
        assert_eq!(last.elapsed_ms, 5_000);
        let end = parts.finished();
        assert_eq!(end.phase, Phase::Done);
        assert_eq!(end.next_poll_in_ms, None);
    }
}
