//! Small wrappers over the browser: storage, the address bar, time,
//! randomness and downloads. Every failure is swallowed or returned as words;
//! nothing here panics.

use wasm_bindgen::{JsCast, JsValue};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    (now_ms() / 1000.0) as i64
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn session() -> Option<web_sys::Storage> {
    window()?.session_storage().ok().flatten()
}

fn local() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// Reads a `sessionStorage` item.
pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok().flatten()
}

/// Writes a `sessionStorage` item (tokens live here, never in `localStorage`).
pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a `sessionStorage` item.
pub fn session_remove(key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(key);
    }
}

/// Reads a `localStorage` item (only for things that are not secret).
pub fn local_get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes a `localStorage` item (only for things that are not secret).
pub fn local_set(key: &str, value: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a `localStorage` item.
pub fn local_remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

/// `location.search`, with its `?`.
pub fn location_search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// `location.origin + location.pathname`: where sign-in comes back to.
pub fn own_address() -> String {
    let Some(loc) = window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

fn path_with(search: &str) -> String {
    let path = window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into());
    if search.is_empty() || search == "?" {
        path
    } else if search.starts_with('?') {
        format!("{path}{search}")
    } else {
        format!("{path}?{search}")
    }
}

/// Replaces the address bar's query without a new history entry.
pub fn replace_search(search: &str) {
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&path_with(search)));
    }
}

/// Sets the address bar's query as a new history entry (unless it is unchanged).
pub fn push_search(search: &str) {
    let current = location_search();
    let wanted = if search.is_empty() || search.starts_with('?') {
        search.to_string()
    } else {
        format!("?{search}")
    };
    if current == wanted {
        return;
    }
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&path_with(search)));
    }
}

/// Sends the browser to another address (the sign-in page).
pub fn go_to(url: &str) -> Result<(), String> {
    window()
        .ok_or("no window")?
        .location()
        .assign(url)
        .map_err(|_| "The browser refused to open the sign-in page.".to_string())
}

/// `n` bytes from `crypto.getRandomValues`.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, String> {
    let crypto = window()
        .and_then(|w| w.crypto().ok())
        .ok_or("This browser has no crypto.getRandomValues, which sign-in needs.")?;
    let mut buf = vec![0u8; n];
    crypto
        .get_random_values_with_u8_array(&mut buf)
        .map_err(|_| "crypto.getRandomValues failed.".to_string())?;
    Ok(buf)
}

/// Offers `text` as a file download.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |_| "The browser refused to create the download.".to_string();
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no anchor element".to_string())?;
    a.set_href(&url);
    a.set_download(file_name);
    a.set_attribute("hidden", "").map_err(fail)?;
    if let Some(body) = document.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    } else {
        a.click();
    }
    // Revoke a moment later, once the download has started.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

/// `hh:mm:ss` (local time) of a Unix-millisecond instant.
pub fn clock_time(ms: u64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}
