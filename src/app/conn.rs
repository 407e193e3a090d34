//! Who the app talks to, and the keys that name it: the session cache's,
//! the kept days' and the ThousandEyes snapshots'. A key names the service
//! and the organization, never a token. Pure: tested natively.

use serde::{Deserialize, Serialize};

use super::query_spec::{Kind, Request};
use crate::thousandeyes::DEFAULT_BASE_URL;

/// The base URL the in-browser simulator answers on, for both vendors.
pub const DEMO_BASE: &str = "https://demo.usage-lens.invalid";

/// A Genesys Cloud connection. The token is never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesysConn {
    /// Region domain or API base URL.
    pub base: String,
    /// The access token (memory and `sessionStorage` only).
    pub token: String,
    /// Where, in words (region name or base URL).
    pub label: String,
    /// The organization's name once `tokens/me` answered.
    #[serde(default)]
    pub org: Option<String>,
}

/// A ThousandEyes connection. The token is never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeConn {
    /// Base URL or proxy path; `None` for the API host.
    pub base: Option<String>,
    /// The bearer token (memory and `sessionStorage` only).
    pub token: String,
}

/// Who the app talks to.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Conn {
    /// The in-browser simulator answers everything.
    pub demo: bool,
    /// Genesys Cloud.
    pub genesys: Option<GenesysConn>,
    /// ThousandEyes.
    pub te: Option<TeConn>,
}

/// The ThousandEyes API host, in words (`api.thousandeyes.com`).
pub fn te_default_host() -> &'static str {
    DEFAULT_BASE_URL
        .split_once("://")
        .map_or(DEFAULT_BASE_URL, |(_, host)| host)
}

impl Conn {
    /// The demo connection.
    pub fn demo() -> Conn {
        Conn {
            demo: true,
            genesys: Some(GenesysConn {
                base: DEMO_BASE.into(),
                token: "demo".into(),
                label: "Demo (simulated data)".into(),
                org: None,
            }),
            te: Some(TeConn {
                base: Some(DEMO_BASE.into()),
                token: "demo".into(),
            }),
        }
    }

    /// A name for the cache key: which backend answered (no token).
    pub fn identity(&self, te: bool) -> String {
        if self.demo {
            return "demo".into();
        }
        if te {
            self.te
                .as_ref()
                .map(|t| format!("te:{}", t.base.clone().unwrap_or_default()))
                .unwrap_or_default()
        } else {
            self.genesys
                .as_ref()
                .map(|g| format!("genesys:{}", g.base))
                .unwrap_or_default()
        }
    }

    /// Both vendors' backends (the overview answers for both at once).
    pub fn identities(&self) -> String {
        format!("{}|{}", self.identity(false), self.identity(true))
    }
}

/// Whose kept days a connection reads: Demo's, or the API base and the
/// organization's name once sign-in has told it. Never the token.
pub fn kept_scope(conn: &Conn) -> Option<String> {
    if conn.demo {
        return Some("demo".into());
    }
    let g = conn.genesys.as_ref()?;
    Some(format!("{}|{}", g.base, g.org.as_ref()?))
}

/// Whose ThousandEyes snapshots a connection keeps: Demo's, or the API
/// base's (ThousandEyes tells a token's organization nowhere cheaper).
pub fn snapshot_scope(conn: &Conn) -> Option<String> {
    if conn.demo {
        return Some("demo".into());
    }
    let te = conn.te.as_ref()?;
    Some(
        te.base
            .clone()
            .unwrap_or_else(|| te_default_host().to_string()),
    )
}

/// The session cache's key of a request: the backend, the endpoint and the
/// request's body (no token).
pub fn cache_key(conn: &Conn, kind: Kind, req: &Request) -> String {
    let body = match req {
        Request::Org(q) => serde_json::to_string(q),
        Request::Client(id, q) => serde_json::to_string(&(id, q)),
        Request::Summary(id, days) => serde_json::to_string(&(id, days)),
        Request::Search(q) => serde_json::to_string(q),
        Request::Job(q) => serde_json::to_string(q),
        Request::ClientJob(id, q) => serde_json::to_string(&(id, q)),
        Request::TeUsage(p) => serde_json::to_string(p),
        Request::TeTests(p) => serde_json::to_string(p),
        Request::TeAgents(p) => serde_json::to_string(p),
    };
    format!(
        "{}|{}|{}",
        conn.identity(kind.is_te()),
        kind.as_str(),
        body.unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::query_spec::QuerySpec;

    const TOKEN: &str = "s3cr3t-t0ken-value";

    fn genesys(base: &str, org: Option<&str>) -> Conn {
        Conn {
            demo: false,
            genesys: Some(GenesysConn {
                base: base.into(),
                token: TOKEN.into(),
                label: "Label".into(),
                org: org.map(str::to_string),
            }),
            te: None,
        }
    }

    fn te(base: Option<&str>) -> Conn {
        Conn {
            demo: false,
            genesys: None,
            te: Some(TeConn {
                base: base.map(str::to_string),
                token: TOKEN.into(),
            }),
        }
    }

    #[test]
    fn the_kept_days_scope_names_the_base_and_organization_never_the_token() {
        let a = kept_scope(&genesys("mypurecloud.com", Some("Acme"))).unwrap();
        assert_eq!(a, "mypurecloud.com|Acme");
        assert!(!a.contains(TOKEN));
        let other_org = kept_scope(&genesys("mypurecloud.com", Some("Globex"))).unwrap();
        let other_base = kept_scope(&genesys("mypurecloud.ie", Some("Acme"))).unwrap();
        assert_ne!(a, other_org, "another organization keeps its own days");
        assert_ne!(a, other_base, "another API base keeps its own days");
        assert_ne!(other_org, other_base);
        // Until sign-in names the organization, nothing is kept.
        assert_eq!(kept_scope(&genesys("mypurecloud.com", None)), None);
        assert_eq!(kept_scope(&te(None)), None);
        assert_eq!(kept_scope(&Conn::demo()).as_deref(), Some("demo"));
    }

    #[test]
    fn the_snapshot_scope_names_the_base_never_the_token() {
        // The key the snapshots were always kept under, from the vendor's constant.
        assert_eq!(
            snapshot_scope(&te(None)).as_deref(),
            Some("api.thousandeyes.com")
        );
        let proxy = snapshot_scope(&te(Some("/te-proxy"))).unwrap();
        assert_eq!(proxy, "/te-proxy");
        assert!(!proxy.contains(TOKEN));
        assert_ne!(
            snapshot_scope(&te(Some("https://a.example"))),
            snapshot_scope(&te(Some("https://b.example")))
        );
        assert_eq!(
            snapshot_scope(&genesys("mypurecloud.com", Some("Acme"))),
            None
        );
        assert_eq!(snapshot_scope(&Conn::demo()).as_deref(), Some("demo"));
        assert_eq!(te_default_host(), "api.thousandeyes.com");
    }

    #[test]
    fn the_cache_key_names_the_backend_and_query_never_the_token() {
        let now = 1_780_000_000;
        let spec = QuerySpec::default();
        let Ok(req) = spec.build(now) else {
            panic!("the default query builds");
        };
        let a = cache_key(&genesys("mypurecloud.com", Some("Acme")), spec.kind, &req);
        let b = cache_key(&genesys("mypurecloud.ie", Some("Acme")), spec.kind, &req);
        assert!(!a.contains(TOKEN) && !b.contains(TOKEN));
        assert_ne!(a, b, "another base answers for itself");
        assert!(a.starts_with("genesys:mypurecloud.com|"), "{a}");
        let both = genesys("x", None).identities();
        assert!(!both.contains(TOKEN));
        assert_ne!(
            genesys("x", None).identities(),
            genesys("y", None).identities()
        );
    }
}
