//! The kept answers in the browser: finished days, weeks and months of the
//! Genesys jobs queries (`genesys::kept`), in IndexedDB, so that they survive
//! reloads and are never asked for twice.
//!
//! The same database keeps the ThousandEyes usage snapshots
//! ([`Snapshots`]).
//!
//! Two object stores for the days: `buckets` (key → the rows, a JSON array) and `meta`
//! (key → `"<bytes> <last used, Unix ms>"`). Keys name the organization and
//! the query's shape, never a token. Past [`LIMIT_BYTES`], the least
//! recently used buckets go first ([`limit`]). Without IndexedDB (a private
//! window or a policy that refuses it) nothing is kept, every query is simply
//! fetched, and the user is told once ([`word`]). A write the browser refuses
//! as full drops the older half and is tried once more, else the answer is
//! only shown. Days kept by an older version of the database are dropped on
//! upgrade; a record that does not decode is fetched again.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode};

use crate::analysis::history::{merge, Snapshot};
use crate::genesys::BucketStore;

const DB_NAME: &str = "usage-lens-kept";
const BUCKETS: &str = "buckets";
const META: &str = "meta";
/// ThousandEyes usage snapshots (`analysis::history`): key → the snapshot's JSON.
const SNAPSHOTS: &str = "snapshots";

/// The most the kept answers may hold, in bytes of JSON text.
pub const LIMIT_BYTES: u64 = 40_000_000;
/// A lower limit, in bytes, under this `localStorage` key (tests set it).
const LIMIT_KEY: &str = "usage-lens-kept-limit";
/// Said once when this browser keeps nothing (a private window, a policy).
pub const NOT_KEPT: &str =
    "This browser refuses to keep data here (a private window or a policy): nothing is kept, every query is fetched.";
/// Said once when the browser's storage is full even after dropping old days.
pub const FULL: &str = "This browser's storage is full: the answer is shown but not kept.";

/// The most the kept answers may hold: [`LIMIT_BYTES`], or less if a test says so.
pub fn limit() -> u64 {
    super::browser::local_get(LIMIT_KEY)
        .and_then(|v| v.parse().ok())
        .map_or(LIMIT_BYTES, |v: u64| v.min(LIMIT_BYTES))
}

thread_local! {
    /// What went wrong with the store and is not said yet, and what was said.
    static TROUBLE: std::cell::RefCell<(Option<&'static str>, Vec<&'static str>)> =
        const { std::cell::RefCell::new((None, Vec::new())) };
}

fn trouble(word: &'static str) {
    TROUBLE.with(|t| {
        let mut t = t.borrow_mut();
        if !t.1.contains(&word) {
            t.0 = Some(word);
        }
    });
}

/// What the store could not do since last asked, said once per page.
pub fn word() -> Option<&'static str> {
    TROUBLE.with(|t| {
        let mut t = t.borrow_mut();
        let word = t.0.take()?;
        t.1.push(word);
        Some(word)
    })
}

/// Watches an IndexedDB request from now on (its handlers are set at
/// once, so a request that finishes while others are awaited is not missed).
fn watch(request: &IdbRequest) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve: Function, reject: Function| {
        // One callback for both outcomes: only one of them comes, and a
        // one-time closure is freed once it has run (two would leak one).
        let settle = Closure::once_into_js(move |event: web_sys::Event| {
            let outcome = if event.type_() == "success" {
                &resolve
            } else {
                &reject
            };
            let _ = outcome.call0(&JsValue::NULL);
        });
        request.set_onsuccess(Some(settle.unchecked_ref()));
        request.set_onerror(Some(settle.unchecked_ref()));
    }))
}

/// Waits for an IndexedDB request: its result, or `None` on failure.
async fn done(request: &IdbRequest) -> Option<JsValue> {
    watch(request).await.ok()?;
    request.result().ok()
}

thread_local! {
    /// Open databases, by name: opening one per request would cost a
    /// round trip each.
    static OPEN: std::cell::RefCell<Vec<(String, IdbDatabase)>> = const { std::cell::RefCell::new(Vec::new()) };
}

async fn open(name: &str) -> Option<IdbDatabase> {
    if let Some(db) = OPEN.with(|o| {
        o.borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
    }) {
        return Some(db);
    }
    let Some(db) = open_new(name).await else {
        trouble(NOT_KEPT);
        return None;
    };
    OPEN.with(|o| o.borrow_mut().push((name.to_string(), db.clone())));
    Some(db)
}

async fn open_new(name: &str) -> Option<IdbDatabase> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let request = factory.open_with_u32(name, 2).ok()?;
    let upgrading = request.clone();
    let upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result() {
            let db: IdbDatabase = db.unchecked_into();
            for name in [BUCKETS, META, SNAPSHOTS] {
                // Days kept by an older version are dropped (and fetched
                // again); snapshots cannot be fetched again and stay.
                if db.object_store_names().contains(name) && name != SNAPSHOTS {
                    let _ = db.delete_object_store(name);
                }
                if !db.object_store_names().contains(name) {
                    let _ = db.create_object_store(name);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Some(done(&request).await?.unchecked_into())
}

/// Both stores, in one read-write transaction.
async fn stores(db: &str) -> Option<(IdbObjectStore, IdbObjectStore)> {
    let db = open(db).await?;
    let names = Array::of2(&JsValue::from_str(BUCKETS), &JsValue::from_str(META));
    let tx = db
        .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)
        .ok()?;
    Some((tx.object_store(BUCKETS).ok()?, tx.object_store(META).ok()?))
}

fn meta_text(bytes: usize) -> JsValue {
    JsValue::from_str(&format!("{bytes} {}", super::browser::now_ms() as u64))
}

/// Every `(key, value)` of a store.
async fn pairs(store: &IdbObjectStore) -> Vec<(JsValue, JsValue)> {
    let keys = match store.get_all_keys() {
        Ok(r) => done(&r).await,
        Err(_) => None,
    };
    let values = match store.get_all() {
        Ok(r) => done(&r).await,
        Err(_) => None,
    };
    match (keys, values) {
        (Some(k), Some(v)) => {
            let (k, v): (Array, Array) = (k.unchecked_into(), v.unchecked_into());
            k.iter().zip(v.iter()).collect()
        }
        _ => Vec::new(),
    }
}

/// `(key, bytes, last used)` of every kept bucket.
async fn index(meta: &IdbObjectStore) -> Vec<(JsValue, u64, u64)> {
    pairs(meta)
        .await
        .into_iter()
        .map(|(k, v)| {
            let text = v.as_string().unwrap_or_default();
            let mut parts = text.split(' ').map(|n| n.parse::<u64>().unwrap_or(0));
            (k, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
        })
        .collect()
}

/// The kept answers of this browser, in one IndexedDB database.
#[derive(Clone, Copy, Debug)]
pub struct KeptStore {
    db: &'static str,
}

/// The app's kept answers.
pub const KEPT: KeptStore = KeptStore { db: DB_NAME };

impl KeptStore {
    /// Kept answers in a database of their own (tests).
    pub const fn named(db: &'static str) -> KeptStore {
        KeptStore { db }
    }

    /// How many bytes are kept.
    pub async fn size(&self) -> u64 {
        match stores(self.db).await {
            Some((_, meta)) => index(&meta).await.iter().map(|(_, b, _)| b).sum(),
            None => 0,
        }
    }

    /// Forgets every kept answer.
    pub async fn clear(&self) {
        if let Some((buckets, meta)) = stores(self.db).await {
            for store in [buckets, meta] {
                if let Ok(r) = store.clear() {
                    done(&r).await;
                }
            }
        }
    }

    /// Drops the least recently used buckets until at most `limit` bytes are kept.
    pub async fn trim(&self, limit: u64) {
        let Some((buckets, meta)) = stores(self.db).await else {
            return;
        };
        let mut all = index(&meta).await;
        let mut total: u64 = all.iter().map(|(_, b, _)| b).sum();
        all.sort_by_key(|(_, _, used)| *used);
        for (key, bytes, _) in all {
            if total <= limit {
                break;
            }
            for store in [&buckets, &meta] {
                if let Ok(r) = store.delete(&key) {
                    done(&r).await;
                }
            }
            total = total.saturating_sub(bytes);
        }
    }

    /// Every key and value kept, for checking what is inside.
    pub async fn entries(&self) -> Vec<(String, String)> {
        let Some((buckets, _)) = stores(self.db).await else {
            return Vec::new();
        };
        pairs(&buckets)
            .await
            .into_iter()
            .map(|(k, v)| {
                (
                    k.as_string().unwrap_or_default(),
                    v.as_string().unwrap_or_default(),
                )
            })
            .collect()
    }
}

impl BucketStore for KeptStore {
    async fn get(&self, key: &str) -> Option<String> {
        self.get_many(&[key.to_string()])
            .await
            .into_iter()
            .next()
            .flatten()
    }

    async fn put(&self, key: &str, rows: &str) {
        self.put_many(&[(key.to_string(), rows.to_string())]).await;
    }

    async fn get_many(&self, keys: &[String]) -> Vec<Option<String>> {
        let Some((buckets, _)) = stores(self.db).await else {
            return vec![None; keys.len()];
        };
        // Every read asked for at once, in one transaction.
        let pending: Vec<Option<(IdbRequest, JsFuture)>> = keys
            .iter()
            .map(|k| {
                let r = buckets.get(&JsValue::from_str(k)).ok()?;
                let f = watch(&r);
                Some((r, f))
            })
            .collect();
        let mut out = Vec::with_capacity(keys.len());
        for p in pending {
            let rows = match p {
                Some((r, f)) => match f.await {
                    Ok(_) => r.result().ok().and_then(|v| v.as_string()),
                    Err(_) => None,
                },
                None => None,
            };
            out.push(rows);
        }
        // What was read is recent now.
        if let Some((_, meta)) = stores(self.db).await {
            let mut last = None;
            for (k, rows) in keys.iter().zip(&out) {
                if let Some(rows) = rows {
                    if let Ok(r) = meta.put_with_key(&meta_text(rows.len()), &JsValue::from_str(k))
                    {
                        last = Some(watch(&r));
                    }
                }
            }
            if let Some(f) = last {
                let _ = f.await;
            }
        }
        out
    }

    async fn put_many(&self, entries: &[(String, String)]) {
        // Storage full: drop the older half of what is kept, and try once more.
        if !self.write(entries).await {
            self.trim(self.size().await / 2).await;
            if !self.write(entries).await {
                trouble(FULL);
            }
        }
    }
}

impl KeptStore {
    /// Writes every entry at once, in one transaction: whether all were kept.
    async fn write(&self, entries: &[(String, String)]) -> bool {
        let Some((buckets, meta)) = stores(self.db).await else {
            return true;
        };
        let mut pending = Vec::with_capacity(entries.len() * 2);
        for (k, rows) in entries {
            let key = JsValue::from_str(k);
            for r in [
                buckets.put_with_key(&JsValue::from_str(rows), &key),
                meta.put_with_key(&meta_text(rows.len()), &key),
            ] {
                match r {
                    Ok(r) => pending.push(watch(&r)),
                    Err(_) => {
                        // Nothing of a refused write is kept, its sizes neither.
                        let _ = buckets.transaction().abort();
                        return false;
                    }
                }
            }
        }
        let mut kept = true;
        for f in pending {
            kept &= f.await.is_ok();
        }
        kept
    }
}

/// The ThousandEyes usage snapshots of this browser, per connection `scope`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshots;

async fn snapshot_store() -> Option<IdbObjectStore> {
    let db = open(DB_NAME).await?;
    let tx = db
        .transaction_with_str_and_mode(SNAPSHOTS, IdbTransactionMode::Readwrite)
        .ok()?;
    tx.object_store(SNAPSHOTS).ok()
}

fn snapshot_key(scope: &str, s: &Snapshot) -> String {
    format!(
        "{scope}\u{1f}{}\u{1f}{}\u{1f}{}",
        s.account_group.as_deref().unwrap_or("-"),
        s.period_start,
        s.day
    )
}

impl Snapshots {
    /// Every snapshot kept for `scope`.
    pub async fn all(&self, scope: &str) -> Vec<Snapshot> {
        let Some(store) = snapshot_store().await else {
            return Vec::new();
        };
        let pairs = pairs(&store).await;
        let prefix = format!("{scope}\u{1f}");
        pairs
            .into_iter()
            .filter(|(k, _)| k.as_string().is_some_and(|k| k.starts_with(&prefix)))
            .filter_map(|(_, v)| serde_json::from_str(&v.as_string()?).ok())
            .collect()
    }

    /// Keeps `snapshots` for `scope`, each in its slot (group, period, day),
    /// where it replaces an older one.
    pub async fn put(&self, scope: &str, snapshots: &[Snapshot]) {
        let mut kept = self.all(scope).await;
        let before = kept.clone();
        merge(&mut kept, snapshots.iter().cloned());
        let Some(store) = snapshot_store().await else {
            return;
        };
        for s in kept.iter().filter(|s| !before.contains(s)) {
            if let Ok(text) = serde_json::to_string(s) {
                let key = JsValue::from_str(&snapshot_key(scope, s));
                if let Ok(r) = store.put_with_key(&JsValue::from_str(&text), &key) {
                    done(&r).await;
                }
            }
        }
    }

    /// Forgets every snapshot of every connection.
    pub async fn clear(&self) {
        if let Some(store) = snapshot_store().await {
            if let Ok(r) = store.clear() {
                done(&r).await;
            }
        }
    }
}
