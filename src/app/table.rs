//! A sortable, filterable table that renders only the rows in view, so it
//! stays smooth with 100,000 rows. Export takes exactly the rows shown.
//! What it shows is decided in [`super::rows`].

use std::sync::{Arc, OnceLock};

use leptos::prelude::*;

use super::export;
use super::rows::{
    count_words, grid_style, haystack_of, matching, next_sort, sort_marks, sort_rows, window, Sort,
    ROW_PX,
};
use crate::analysis::answer::Table;

/// Row indices in display order; equal only when they are the same list.
#[derive(Clone)]
struct Order(Arc<Vec<usize>>);

impl PartialEq for Order {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The rows of an answer.
#[component]
pub fn DataTable(
    /// The rows.
    table: Arc<Table>,
    /// The start of export file names.
    file_stem: String,
) -> impl IntoView {
    let sort: RwSignal<Sort> = RwSignal::new(None);
    let filter = RwSignal::new(String::new());
    let scroll_top = RwSignal::new(0.0f64);
    // One lower-case line per row, for the filter: built when a filter is
    // first typed, so showing a large answer does not wait for it.
    let haystack: Arc<OnceLock<Vec<String>>> = Arc::new(OnceLock::new());
    let t = table.clone();
    let order = Memo::new(move |_| {
        let needle = filter.with(|f| crate::analysis::format::fold_case(f.trim()));
        let mut idx: Vec<usize> = if needle.is_empty() {
            (0..t.len()).collect()
        } else {
            matching(haystack.get_or_init(|| haystack_of(&t)), &needle)
        };
        if let Some((col, desc)) = sort.get() {
            sort_rows(&mut idx, desc, |a, b| {
                t.cell(a, col).cmp_to(&t.cell(b, col))
            });
        }
        Order(Arc::new(idx))
    });
    // Back to the top when the rows change.
    Effect::new(move |_| {
        order.track();
        scroll_top.set(0.0);
    });
    let total = table.len();
    view! {
        <section class="table-section" aria-labelledby="rows-h">
            <TableTools table=table.clone() file_stem filter order total />
            <div
                class="table-scroll"
                data-testid="table"
                role="table"
                aria-label="Rows of the answer"
                aria-rowcount=move || order.with(|o| o.0.len() + 1)
                aria-colcount=table.columns.len()
                tabindex="0"
                on:scroll=move |ev| {
                    let el: web_sys::Element = event_target(&ev);
                    scroll_top.set(f64::from(el.scroll_top()));
                }
            >
                <div class="table-grid" style=grid_style(&table.numeric)>
                    <div role="row" class="tr head" aria-rowindex="1">
                        {header(&table, sort)}
                    </div>
                    <div
                        class="tbody"
                        role="rowgroup"
                        style=move || format!("height: {}px", order.with(|o| o.0.len()) * ROW_PX)
                    >
                        {rows_view(table.clone(), order, scroll_top)}
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

/// The heading, the filter, the count of rows and the export buttons.
#[component]
fn TableTools(
    table: Arc<Table>,
    file_stem: String,
    filter: RwSignal<String>,
    order: Memo<Order>,
    total: usize,
) -> impl IntoView {
    let export_error: RwSignal<Option<String>> = RwSignal::new(None);
    let (stem_csv, stem_json) = (file_stem.clone(), file_stem);
    let (t_csv, t_json) = (table.clone(), table);
    view! {
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
                {move || count_words(order.with(|o| o.0.len()), total)}
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
    }
}

/// The column headers; a click sorts by the column.
fn header(table: &Table, sort: RwSignal<Sort>) -> impl IntoView {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let numeric = table.numeric.get(c).copied().unwrap_or(false);
            view! {
                <div role="columnheader" class="th" class:num=numeric aria-sort=move || sort_marks(sort.get(), c).0>
                    <button
                        type="button"
                        data-testid=format!("sort-{c}")
                        on:click=move |_| sort.update(|s| *s = next_sort(*s, c, numeric))
                    >
                        {name.clone()}
                        <span aria-hidden="true">{move || sort_marks(sort.get(), c).1}</span>
                    </button>
                </div>
            }
        })
        .collect_view()
}

/// The rows in view, each placed at its position in the whole list.
fn rows_view(table: Arc<Table>, order: Memo<Order>, scroll_top: RwSignal<f64>) -> impl IntoView {
    move || {
        let ord = order.get().0;
        let range = window(scroll_top.get(), ord.len());
        let first = range.start;
        ord.get(range)
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
}
