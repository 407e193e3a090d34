//! CSV and JSON of exactly the rows shown (filtered and sorted), as files.

use crate::analysis::csv::to_csv;

use super::browser;
use crate::analysis::answer::{Cell, Table};

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
