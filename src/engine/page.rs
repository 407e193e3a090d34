//! Following cursors: one rule for Genesys `cursors.after`, Genesys `nextUri`
//! and ThousandEyes `_links.next`.

use std::collections::HashSet;

/// One page of items and the cursor to the next one, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The cursor (or next URI) the vendor gave for the next page.
    pub next: Option<String>,
}

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
