//! A sortable, filterable table that renders only the rows in view, so it
//! stays smooth with 100,000 rows. Export takes exactly the rows shown.

use std::sync::{Arc, OnceLock};

use leptos::prelude::*;

use super::export;
use crate::analysis::answer::{group_digits, Table};

/// Row height in pixels (must match the CSS).
const ROW_H: f64 = 32.0;
/// The same, as a whole number for styles.
const ROW_PX: usize = 32;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 8;
/// Rows visible in the scroll box at most (its height is at most 600 px).
const VISIBLE: usize = 20;

/// Row indices in display order; equal only when they are the same list.
#[derive(Clone)]
struct Order(Arc<Vec<usize>>);

impl PartialEq for Order {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Each row's cells as shown, lower case, in one line.
fn haystack_of(table: &Table) -> Vec<String> {
    (0..table.len())
        .map(|i| {
            table
                .row(i)
                .iter()
                .map(|c| c.shown().to_lowercase())
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect()
}

/// The rows of an answer.
#[component]
pub fn DataTable(
    /// The rows.
    table: Arc<Table>,
    /// The start of export file names.
    file_stem: String,
) -> impl IntoView {
    let sort: RwSignal<Option<(usize, bool)>> = RwSignal::new(None);
    let filter = RwSignal::new(String::new());
    let scroll_top = RwSignal::new(0.0f64);
    let export_error: RwSignal<Option<String>> = RwSignal::new(None);
    // One lower-case line per row, for the filter: built when a filter is
    // first typed, so showing a large answer does not wait for it.
    let haystack: Arc<OnceLock<Vec<String>>> = Arc::new(OnceLock::new());
    let t = table.clone();
    let order = Memo::new(move |_| {
        let needle = filter.with(|f| f.trim().to_lowercase());
        let mut idx: Vec<usize> = if needle.is_empty() {
            (0..t.len()).collect()
        } else {
            haystack
                .get_or_init(|| haystack_of(&t))
                .iter()
                .enumerate()
                .filter(|(_, h)| h.contains(&needle))
                .map(|(i, _)| i)
                .collect()
        };
        if let Some((col, desc)) = sort.get() {
            idx.sort_by(|&a, &b| {
                let o = t.cell(a, col).cmp_to(&t.cell(b, col));
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        Order(Arc::new(idx))
    });
    // Back to the top when the rows change.
    Effect::new(move |_| {
        order.track();
        scroll_top.set(0.0);
    });

    let ncols = table.columns.len();
    let total = table.len();
    let grid = format!(
        "--cols: {}; min-width: {}px",
        table
            .numeric
            .iter()
            .map(|n| if *n {
                "minmax(112px, 0.8fr)"
            } else {
                "minmax(130px, 1.4fr)"
            })
            .collect::<Vec<_>>()
            .join(" "),
        table
            .numeric
            .iter()
            .map(|n| if *n { 112 } else { 130 })
            .sum::<usize>()
    );

    let header = {
        let table = table.clone();
        table
            .columns
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let numeric = table.numeric.get(c).copied().unwrap_or(false);
                let aria = move || match sort.get() {
                    Some((col, true)) if col == c => "descending",
                    Some((col, false)) if col == c => "ascending",
                    _ => "none",
                };
                let arrow = move || match sort.get() {
                    Some((col, true)) if col == c => " ↓",
                    Some((col, false)) if col == c => " ↑",
                    _ => "",
                };
                view! {
                    <div role="columnheader" class="th" class:num=numeric aria-sort=aria>
                        <button
                            type="button"
                            data-testid=format!("sort-{c}")
                            on:click=move |_| {
                                sort.update(|s| {
                                    *s = match *s {
                                        Some((col, desc)) if col == c => Some((c, !desc)),
                                        _ => Some((c, numeric)),
                                    };
                                })
                            }
                        >
                            {name.clone()}
                            <span aria-hidden="true">{arrow}</span>
                        </button>
                    </div>
                }
            })
            .collect_view()
    };

    let rows_view = {
        let table = table.clone();
        move || {
            let ord = order.get().0;
            let first = ((scroll_top.get() / ROW_H) as usize).saturating_sub(OVERSCAN);
            let last = (first + VISIBLE + 2 * OVERSCAN).min(ord.len());
            ord.get(first..last)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let pos = first + k;
                    let cells = (i < table.len()).then(|| {
                        table
                            .row(i)
                            .iter()
                            .enumerate()
                            .map(|(c, cell)| {
                                let numeric = table.numeric.get(c).copied().unwrap_or(false);
                                let text = cell.shown();
                                let tip = text.clone();
                                view! {
                                    <div role="cell" class="td" class:num=numeric title=tip>
                                        {text}
                                    </div>
                                }
                            })
                            .collect_view()
                    });
                    view! {
                        <div
                            role="row"
                            class="tr"
                            class:odd=pos % 2 == 1
                            aria-rowindex=pos + 2
                            style=format!("transform: translateY({}px)", pos * ROW_PX)
                        >
                            {cells}
                        </div>
                    }
                })
                .collect_view()
        }
    };

    let stem_csv = file_stem.clone();
    let stem_json = file_stem;
    let t_csv = table.clone();
    let t_json = table.clone();

    view! {
        <section class="table-section" aria-labelledby="rows-h">
            <div class="table-tools">
                <h3 id="rows-h">"Rows"</h3>
                <label class="filter">
                    <span class="sr-only">"Filter rows"</span>
                    <input
                        type="search"
                        placeholder="Filter rows…"
                        data-testid="table-filter"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                </label>
                <span class="row-count" data-testid="row-count" aria-live="polite">
                    {move || {
                        let shown = order.with(|o| o.0.len());
                        if shown == total {
                            format!("{} rows", group_digits(total as i64))
                        } else {
                            format!("{} of {} rows", group_digits(shown as i64), group_digits(total as i64))
                        }
                    }}
                </span>
                <button
                    type="button"
                    data-testid="export-csv"
                    on:click=move |_| {
                        let ord = order.get_untracked().0;
                        export_error.set(export::download_csv(&stem_csv, &t_csv, &ord).err());
                    }
                >
                    "Export CSV"
                </button>
                <button
                    type="button"
                    data-testid="export-json"
                    on:click=move |_| {
                        let ord = order.get_untracked().0;
                        export_error.set(export::download_json(&stem_json, &t_json, &ord).err());
                    }
                >
                    "Export JSON"
                </button>
            </div>
            {move || export_error.get().map(|m| view! { <p class="invalid" role="alert">{m}</p> })}
            <div
                class="table-scroll"
                data-testid="table"
                role="table"
                aria-label="Rows of the answer"
                aria-rowcount=move || order.with(|o| o.0.len() + 1)
                aria-colcount=ncols
                tabindex="0"
                on:scroll=move |ev| {
                    let el: web_sys::Element = event_target(&ev);
                    scroll_top.set(f64::from(el.scroll_top()));
                }
            >
                <div class="table-grid" style=grid.clone()>
                    <div role="row" class="tr head" aria-rowindex="1">
                        {header}
                    </div>
                    <div
                        class="tbody"
                        role="rowgroup"
                        style=move || format!("height: {}px", order.with(|o| o.0.len()) * ROW_PX)
                    >
                        {rows_view}
                    </div>
                </div>
            </div>
            {move || {
                order
                    .with(|o| o.0.is_empty() && total > 0)
                    .then(|| view! { <p class="empty">"No row matches the filter."</p> })
            }}
        </section>
    }
}
