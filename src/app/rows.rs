//! What the table of rows shows, decided without the page: which rows match
//! the filter and in which order, which of them are drawn for the scroll
//! position, how a header click changes the sort, and the words around it.

use std::cmp::Ordering;
use std::ops::Range;

use crate::analysis::answer::{group_digits, Cell, Table};
use crate::analysis::csv::to_csv;

/// Row height in pixels (must match the CSS).
pub const ROW_PX: usize = 32;
/// Rows rendered beyond the visible ones, above and below.
pub const OVERSCAN: usize = 8;
/// Rows visible in the scroll box at most (its height is at most 600 px).
pub const VISIBLE: usize = 20;

/// The sort of the table: a column and whether it runs downwards.
pub type Sort = Option<(usize, bool)>;

/// Each row's cells as shown, lower case, in one line.
pub fn haystack_of(table: &Table) -> Vec<String> {
    (0..table.len())
        .map(|i| {
            table
                .row(i)
                .iter()
                .map(|c| crate::analysis::format::fold_case(&c.shown()))
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect()
}

/// The rows whose line holds `needle` (already lower case).
pub fn matching(haystack: &[String], needle: &str) -> Vec<usize> {
    haystack
        .iter()
        .enumerate()
        .filter(|(_, h)| h.contains(needle))
        .map(|(i, _)| i)
        .collect()
}

/// Sorts row indices by `cmp`, upwards or (`desc`) downwards; equal rows
/// keep their order.
pub fn sort_rows(rows: &mut [usize], desc: bool, cmp: impl Fn(usize, usize) -> Ordering) {
    rows.sort_by(|&a, &b| {
        let o = cmp(a, b);
        if desc {
            o.reverse()
        } else {
            o
        }
    });
}

/// The positions drawn when the box is scrolled `scroll_top` pixels down a
/// list of `len` rows: the visible ones and [`OVERSCAN`] more on each side.
pub fn window(scroll_top: f64, len: usize) -> Range<usize> {
    let first = ((scroll_top / ROW_PX as f64) as usize).saturating_sub(OVERSCAN);
    let last = (first + VISIBLE + 2 * OVERSCAN).min(len);
    first.min(last)..last
}

/// The sort after a click on column `c`: the same column turns round, a new
/// one starts downwards if it holds numbers and upwards if it holds text.
pub fn next_sort(sort: Sort, c: usize, numeric: bool) -> Sort {
    match sort {
        Some((col, desc)) if col == c => Some((c, !desc)),
        _ => Some((c, numeric)),
    }
}

/// Column `c`'s `aria-sort` and its arrow.
pub fn sort_marks(sort: Sort, c: usize) -> (&'static str, &'static str) {
    match sort {
        Some((col, true)) if col == c => ("descending", " ↓"),
        Some((col, false)) if col == c => ("ascending", " ↑"),
        _ => ("none", ""),
    }
}

/// How many rows are shown, in words.
pub fn count_words(shown: usize, total: usize) -> String {
    if shown == total {
        format!("{} rows", group_digits(total as i64))
    } else {
        format!(
            "{} of {} rows",
            group_digits(shown as i64),
            group_digits(total as i64)
        )
    }
}

/// The grid's style: numeric columns narrower, and a width below which it scrolls.
pub fn grid_style(numeric: &[bool]) -> String {
    let cols: Vec<&str> = numeric
        .iter()
        .map(|n| {
            if *n {
                "minmax(112px, 0.8fr)"
            } else {
                "minmax(130px, 1.4fr)"
            }
        })
        .collect();
    let min: usize = numeric.iter().map(|n| if *n { 112 } else { 130 }).sum();
    format!("--cols: {}; min-width: {min}px", cols.join(" "))
}

/// The shown rows as CSV (numbers without separators).
pub fn csv_of(table: &Table, order: &[usize]) -> String {
    let header: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = order
        .iter()
        .filter(|&&i| i < table.len())
        .map(|&i| table.row(i).iter().map(Cell::raw).collect())
        .collect();
    to_csv(&header, &rows)
}

/// The shown rows as a JSON array of objects keyed by column name, with the
/// keys in the table's column order (a JSON map would sort them).
pub fn json_of(table: &Table, order: &[usize]) -> String {
    let names: Vec<String> = table
        .columns
        .iter()
        .map(|n| serde_json::to_string(n).unwrap_or_else(|_| "\"\"".into()))
        .collect();
    let mut out = String::from("[");
    let shown = order.iter().filter(|&&i| i < table.len());
    for (k, row) in shown.map(|&i| table.row(i)).enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('{');
        for (j, (name, cell)) in names.iter().zip(&row).enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(name);
            out.push(':');
            match cell {
                Cell::Text(s) => {
                    out.push_str(&serde_json::to_string(&**s).unwrap_or_else(|_| "null".into()))
                }
                Cell::Num(n) => out.push_str(&n.to_string()),
                Cell::Empty => out.push_str("null"),
            }
        }
        out.push('}');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_keeps_rows_that_hold_the_words() {
        let hay = [
            "get\u{1f}api/v2/users",
            "post\u{1f}api/v2/usage",
            "get\u{1f}x",
        ]
        .map(String::from);
        assert_eq!(matching(&hay, "api/v2/us"), [0, 1]);
        assert_eq!(matching(&hay, "get"), [0, 2]);
        assert!(matching(&hay, "delete").is_empty());
    }

    #[test]
    fn sorting_turns_round_and_keeps_ties_in_place() {
        let values = [3, 1, 3, 2];
        let mut rows = vec![0, 1, 2, 3];
        sort_rows(&mut rows, false, |a, b| values[a].cmp(&values[b]));
        assert_eq!(rows, [1, 3, 0, 2]);
        sort_rows(&mut rows, true, |a, b| values[a].cmp(&values[b]));
        assert_eq!(rows, [0, 2, 3, 1]);
    }

    #[test]
    fn a_click_sorts_numbers_downwards_first_then_turns_round() {
        assert_eq!(next_sort(None, 2, true), Some((2, true)));
        assert_eq!(next_sort(None, 0, false), Some((0, false)));
        assert_eq!(next_sort(Some((2, true)), 2, true), Some((2, false)));
        assert_eq!(next_sort(Some((2, false)), 0, false), Some((0, false)));
        assert_eq!(sort_marks(Some((2, true)), 2), ("descending", " ↓"));
        assert_eq!(sort_marks(Some((2, false)), 2), ("ascending", " ↑"));
        assert_eq!(sort_marks(Some((2, false)), 1), ("none", ""));
    }

    #[test]
    fn only_the_rows_near_the_view_are_drawn() {
        assert_eq!(window(0.0, 100_000), 0..36);
        assert_eq!(window(0.0, 5), 0..5);
        // 100 rows down: from 8 rows above to 28 below.
        assert_eq!(window(100.0 * ROW_PX as f64, 100_000), 92..128);
        assert_eq!(window(100.0 * ROW_PX as f64, 110), 92..110);
        // Scrolled past the end of a list that just got shorter.
        assert_eq!(window(100.0 * ROW_PX as f64, 10), 10..10);
    }

    #[test]
    fn exports_hold_the_rows_shown_in_their_order() {
        let result: crate::genesys::ApiUsageQueryResult = serde_json::from_str(include_str!(
            "../../tests/fixtures/genesys/usage-query-result-complete-by-client-templateuri-day.documented.json"
        ))
        .unwrap();
        let table = crate::analysis::answer::Answer::from_usage(&result).table;
        assert!(table.len() >= 2);
        // The second row, then the first; a row that is not there is skipped.
        let order = [1, 0, table.len()];
        let csv = csv_of(&table, &order);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], table.columns.join(","));
        let raw = |i: usize| {
            table
                .row(i)
                .iter()
                .map(Cell::raw)
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(lines[1..], [raw(1), raw(0)]);
        let json: serde_json::Value = serde_json::from_str(&json_of(&table, &order)).unwrap();
        let rows = json.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["Date"], "2020-02-06");
        assert_eq!(
            rows[0]["Requests"], 3,
            "numbers stay numbers, without separators"
        );
        let text = json_of(&table, &[0]);
        let first = table.columns.first().unwrap();
        assert!(
            text.starts_with(&format!("[{{\"{first}\":")),
            "keys in column order"
        );
    }

    #[test]
    fn counts_and_grid_read_as_before() {
        assert_eq!(count_words(1200, 1200), "1,200 rows");
        assert_eq!(count_words(3, 1200), "3 of 1,200 rows");
        assert_eq!(
            grid_style(&[false, true]),
            "--cols: minmax(130px, 1.4fr) minmax(112px, 0.8fr); min-width: 242px"
        );
    }
}
