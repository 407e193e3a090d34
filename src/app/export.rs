//! CSV and JSON of exactly the rows shown (filtered and sorted), as files.

use super::browser;
pub use super::rows::{csv_of, json_of};
use crate::analysis::answer::Table;

/// Downloads the shown rows as `{stem}.csv`.
pub fn download_csv(stem: &str, table: &Table, order: &[usize]) -> Result<(), String> {
    browser::download(
        &format!("{stem}.csv"),
        "text/csv;charset=utf-8",
        &csv_of(table, order),
    )
}

/// Downloads the shown rows as `{stem}.json`.
pub fn download_json(stem: &str, table: &Table, order: &[usize]) -> Result<(), String> {
    browser::download(
        &format!("{stem}.json"),
        "application/json",
        &json_of(table, order),
    )
}
