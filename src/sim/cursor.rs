//! The one page-cursor codec of the simulator, for both vendors. A cursor is
//! opaque to clients: base64 of a small JSON object naming the page index and
//! the offset of its first row. Each vendor's cursors look like the real ones.

use serde_json::Value;

use crate::encoding::{base64_decode, base64_std, base64url};

/// How a vendor writes its cursors.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Dialect<'a> {
    /// Genesys `cursors.after` and `after=`: URL-safe base64, no padding.
    Genesys,
    /// ThousandEyes `cursor=`: standard base64, always padded (the real
    /// ones end in `%3D` once percent-encoded), and valid only for the
    /// query whose tag it carries.
    ThousandEyes {
        /// Names the query (path and dates) the cursor belongs to.
        query: &'a str,
    },
}

/// The cursor of the page `page` starting at row `offset`.
pub(crate) fn encode(dialect: Dialect<'_>, page: u64, offset: u64) -> String {
    match dialect {
        Dialect::Genesys => {
            base64url(format!("{{\"page\":{page},\"offset\":{offset}}}").as_bytes())
        }
        Dialect::ThousandEyes { query } => {
            let mut json = format!("{{\"page\":{page},\"offset\":{offset},\"q\":\"{query}\"}}");
            if json.len() % 3 == 0 {
                // A length that is a multiple of three would encode without padding.
                json.insert(json.len() - 1, ' ');
            }
            base64_std(json.as_bytes())
        }
    }
}

/// The cursor a page hands out for the page after it, which starts at row
/// `offset`: a fresh one, except that under `repeat=1` (a buggy server)
/// every page from the third on hands out the cursor it was asked with.
pub(crate) fn next(
    dialect: Dialect<'_>,
    asked_with: Option<&str>,
    repeat: bool,
    page: u64,
    offset: u64,
) -> String {
    match asked_with {
        Some(raw) if repeat && page >= 2 => raw.to_string(),
        _ => encode(dialect, page.saturating_add(1), offset),
    }
}

/// `(page, offset)` of a cursor this codec wrote (in either base64
/// alphabet), or `None` if it is not one, or belongs to another query.
pub(crate) fn decode(dialect: Dialect<'_>, raw: &str) -> Option<(u64, u64)> {
    let bytes = base64_decode(raw.trim())?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    if let Dialect::ThousandEyes { query } = dialect {
        if v.get("q")?.as_str()? != query {
            return None;
        }
    }
    Some((v.get("page")?.as_u64()?, v.get("offset")?.as_u64()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dialect_round_trips_and_keeps_its_look() {
        let g = encode(Dialect::Genesys, 2, 200);
        assert!(
            !g.contains('=') && !g.contains('+') && !g.contains('/'),
            "{g}"
        );
        assert_eq!(decode(Dialect::Genesys, &g), Some((2, 200)));
        for offset in [5, 50, 500] {
            let query = Dialect::ThousandEyes { query: "0badcafe" };
            let t = encode(query, 1, offset);
            assert!(t.ends_with('='), "{t}");
            assert_eq!(decode(query, &t), Some((1, offset)));
            let other = Dialect::ThousandEyes { query: "00000000" };
            assert_eq!(decode(other, &t), None);
        }
        assert_eq!(decode(Dialect::Genesys, "not base64!"), None);
    }
}
