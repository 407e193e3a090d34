//! CSV and JSON of exactly the rows shown (filtered and sorted), as files.

use crate::analysis::csv::to_csv;

use super::answer::{Cell, Table};
use super::browser;

/// The shown rows as CSV (numbers without separators).
pub fn csv_of(table: &Table, order: &[usize]) -> String {
    let header: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = order
        .iter()
        .filter_map(|&i| table.rows.get(i))
        .map(|r| r.iter().map(Cell::raw).collect())
        .collect();
    to_csv(&header, &rows)
}

/// The shown rows as a JSON array of objects keyed by column name.
pub fn json_of(table: &Table, order: &[usize]) -> String {
    let rows: Vec<serde_json::Value> = order
        .iter()
        .filter_map(|&i| table.rows.get(i))
        .map(|r| {
            let mut obj = serde_json::Map::new();
            for (name, cell) in table.columns.iter().zip(r) {
                let v = match cell {
                    Cell::Text(s) => serde_json::Value::String(s.clone()),
                    Cell::Num(n) => serde_json::Value::from(*n),
                    Cell::Empty => serde_json::Value::Null,
                };
                obj.insert(name.clone(), v);
            }
            serde_json::Value::Object(obj)
        })
        .collect();
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into())
}

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
