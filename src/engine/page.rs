//! Following pages: one walk for Genesys `cursors.after`, Genesys `nextUri`
//! and ThousandEyes `_links.next`, with one guard against a repeated cursor,
//! one progress report per page, an optional cap on rows, and the rows so far
//! handed back with any failure.
//!
//! A vendor supplies only the pure pieces: how to read a page's rows
//! ([`Paged`]) and how to fetch the page at a cursor (a closure returning the
//! page and its own next cursor).

use std::collections::HashSet;

use super::{Phase, Run};
use crate::error::Result;
use crate::http::{Clock, Transport};

/// What the walk reads of a page: its rows.
pub trait Paged: serde::Serialize {
    /// One row.
    type Row;
    /// The page's rows.
    fn rows(&mut self) -> &mut Vec<Self::Row>;
    /// Refuses rows that are not JSON objects (raw pages; typed rows are
    /// checked by their decoder).
    fn check_rows(&self) -> std::result::Result<(), String> {
        Ok(())
    }
}

/// [`Paged`] for a page whose rows are the field `rows`; with `raw`, for a
/// raw one whose rows must be JSON objects.
macro_rules! paged {
    ($t:ty, $row:ty, $rows:ident) => {
        impl $crate::engine::Paged for $t {
            type Row = $row;
            fn rows(&mut self) -> &mut Vec<$row> {
                &mut self.$rows
            }
        }
    };
    ($t:ty, $row:ty, $rows:ident, raw) => {
        impl $crate::engine::Paged for $t {
            type Row = $row;
            fn rows(&mut self) -> &mut Vec<$row> {
                &mut self.$rows
            }
            fn check_rows(&self) -> Result<(), String> {
                $crate::models::objects_only(&self.$rows, stringify!($rows))
            }
        }
    };
}
pub(crate) use paged;

/// What to do after a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PagerStep {
    /// Fetch the page at this cursor.
    Follow(String),
    /// No more pages.
    End,
    /// The vendor repeated a cursor already followed: stop rather than loop.
    Repeated,
}

/// Remembers every cursor followed, so no page is ever requested twice.
#[derive(Clone, Debug, Default)]
pub struct Pager {
    seen: HashSet<String>,
    pages: u32,
}

impl Pager {
    /// A pager that has seen nothing.
    pub fn new() -> Self {
        Pager::default()
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Takes note of a page whose next cursor is `next` and says what to do.
    /// An absent or blank cursor ends the walk; a repeated one stops it.
    pub fn after_page(&mut self, next: Option<&str>) -> PagerStep {
        self.pages += 1;
        match next.map(str::trim) {
            None | Some("") => PagerStep::End,
            Some(c) if !self.seen.insert(c.to_string()) => PagerStep::Repeated,
            Some(c) => PagerStep::Follow(c.to_string()),
        }
    }
}

/// Why a walk ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkEnd {
    /// The last page had no next cursor.
    Last,
    /// The vendor repeated a cursor.
    Repeated,
    /// The cap on rows was reached.
    Capped,
}

impl<T: Transport, C: Clock> Run<'_, T, C> {
    /// Follows the pages after the first: `acc` holds what the first page
    /// (and any rows carried from before) brought, `next` is the first page's
    /// next cursor, and `fetch` gets the page at a cursor and its next
    /// cursor. Each page's rows are appended to `acc`, and progress is
    /// reported for every page, the first included. With `cap`, the walk
    /// stops once `acc` holds `cap` rows more than the `carried` ones it
    /// started with. A failure hands back the rows so far (as `partial`).
    pub async fn follow_pages<P: Paged>(
        &self,
        acc: &mut P,
        mut next: Option<String>,
        carried: usize,
        cap: Option<usize>,
        mut fetch: impl AsyncFnMut(&str) -> Result<(P, Option<String>)>,
    ) -> Result<WalkEnd> {
        let mut pager = Pager::new();
        loop {
            let rows = acc.rows().len();
            self.update(|p| {
                p.phase = Phase::Paging;
                p.pages += 1;
                p.rows = rows as u64;
                p.next_poll_in_ms = None;
            });
            if cap.is_some_and(|cap| rows.saturating_sub(carried) >= cap) {
                self.update(|p| p.capped = true);
                return Ok(WalkEnd::Capped);
            }
            let cursor = match pager.after_page(next.as_deref()) {
                PagerStep::Follow(c) => c,
                PagerStep::End => return Ok(WalkEnd::Last),
                PagerStep::Repeated => return Ok(WalkEnd::Repeated),
            };
            let (mut page, after) = fetch(&cursor).await.map_err(|e| e.with_partial(&*acc))?;
            next = after;
            acc.rows().append(page.rows());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_followed_once_and_blank_ends() {
        let mut p = Pager::new();
        assert_eq!(p.after_page(Some("a")), PagerStep::Follow("a".into()));
        assert_eq!(p.after_page(Some("b")), PagerStep::Follow("b".into()));
        assert_eq!(p.after_page(Some("a")), PagerStep::Repeated);
        assert_eq!(p.after_page(Some("  ")), PagerStep::End);
        assert_eq!(p.after_page(None), PagerStep::End);
        assert_eq!(p.pages(), 5);
    }
}
