//! Scenarios: fault injection chosen by a `/_s/<scenario>` path prefix, and the
//! state the simulator keeps per scenario string (executions, counters, budgets).

use std::collections::{BTreeMap, VecDeque};

use crate::http::percent_decode;

use super::util::{hash, str_hash, uuid};
use super::SimStats;

/// The settings parsed from one scenario string such as `id=t1;r429=2;ra=1`.
/// Unknown keys and malformed values are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scenario {
    /// `id=<s>`: the name `Sim::stats` looks it up by.
    pub id: Option<String>,
    /// `exec=<ms>`: execution/job duration.
    pub exec_ms: Option<u64>,
    /// `r429=<n>`: the next n API requests answer 429.
    pub r429: u64,
    /// `ra=1`: Genesys 429s carry `Retry-After`.
    pub retry_after: bool,
    /// `wait=<s>`: seconds to wait after an injected 429 (default 2).
    pub wait_s: u64,
    /// `e5xx=<n>`: the next n API requests answer 5xx.
    pub e5xx: u64,
    /// `stall=<n>`: the answers to the next n API requests are held back
    /// `stallms` milliseconds (default 5000), like a stalled connection.
    pub stall: u64,
    /// `stallms=<ms>`: how long a stalled answer is held back.
    pub stall_ms: u64,
    /// `drop=<n>`: the next n API requests get no usable response (a
    /// dropped connection; the server leaves out the CORS headers, which a
    /// browser reports the same way).
    pub drop: u64,
    /// `code=<status>`: which 5xx (500, 502, 503, 504; default 503).
    pub code: u16,
    /// `fail=1`: executions and jobs end `Failed`.
    pub fail: bool,
    /// `cancel=1`: jobs end `Cancelled`.
    pub cancel: bool,
    /// `never=1`: executions and jobs never finish.
    pub never: bool,
    /// `rows=<n>`: simple search matches exactly n records.
    pub rows: Option<u64>,
    /// `perday=<n>`: simple search matches n records for each day of its
    /// interval, so a shorter interval matches fewer (for `splitOnCap`).
    pub per_day: Option<u64>,
    /// `tests=<n>`: ThousandEyes tests units has exactly n rows.
    pub tests: Option<u64>,
    /// `tepage=<n>`: ThousandEyes page size (default 50).
    pub tepage: Option<u64>,
    /// `repeat=1`: cursors from the third page on repeat the second page's cursor.
    pub repeat: bool,
    /// `html=1`: every API answer is an HTML login page.
    pub html: bool,
    /// `trunc=1`: JSON bodies are cut in half.
    pub trunc: bool,
    /// `expire=<n>`: the token works for n API requests, then 401.
    pub expire: Option<u64>,
    /// `deny=1`: 403 with the endpoint's permission message.
    pub deny: bool,
    /// `limit=<n>`: requests allowed per minute (Genesys default 300, TE 240).
    pub limit: Option<u64>,
    /// `windowms=<ms>`: the length of the rate-limit window (default a minute).
    pub window_ms: Option<u64>,
    /// `faultafter=<n>`: r429/e5xx start only after n successful requests.
    pub fault_after: u64,
    /// `unknown=1`: every row of an answer (`results`, `entities`,
    /// `breakdowns`) carries a field no client knows yet, as a vendor's
    /// newer version would.
    pub unknown_field: bool,
    /// `xss=1`: one OAuth client (`Nightly CRM sync`) is named
    /// `<img src=x onerror=alert(1)>`, to check that pages show it as text.
    pub xss: bool,
    /// `ttl=<s>`: the lifetime of client-credentials tokens (default a day).
    pub token_ttl_s: Option<u64>,
    /// `badsecret=1`: the token endpoint refuses every client secret.
    pub bad_secret: bool,
    /// `tok429=<n>`: the next n token requests answer 429 (`ra=1` adds
    /// `Retry-After` of `wait=` seconds).
    pub tok429: u64,
    /// `nobilling=1`: the billing endpoints answer 403 (the permission
    /// `billing:subscription:view` is missing).
    pub no_billing: bool,
    /// `nocontract=1`: the organization has no active contract.
    pub no_contract: bool,
    /// `nocharge=1`: the billing period has no API-requests charge.
    pub no_charge: bool,
    /// `nolimits=1`: the limits namespace cannot be read.
    pub no_limits: bool,
    /// `fairuse=<n>`: the contract's API allowance (default 2,000,000).
    pub fair_use: Option<u64>,
}

fn flag(v: &str) -> bool {
    !matches!(v, "" | "0" | "false" | "no")
}

fn num(v: &str) -> Option<u64> {
    v.trim().parse().ok()
}

impl Scenario {
    /// Parses `key=value` pairs separated by `;` (values percent-decoded).
    pub fn parse(raw: &str) -> Scenario {
        let mut s = Scenario {
            wait_s: 2,
            code: 503,
            ..Scenario::default()
        };
        // A client that percent-encoded the whole segment (`id%3Dt1%3Br429%3D1`).
        let decoded;
        let raw = if raw.contains('=') {
            raw
        } else {
            decoded = percent_decode(raw);
            decoded.as_str()
        };
        for pair in raw.split(';') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, "1"));
            let k = percent_decode(k);
            let v = percent_decode(v);
            match k.trim() {
                "id" => s.id = Some(v),
                "exec" => s.exec_ms = num(&v).or(s.exec_ms),
                "r429" => s.r429 = num(&v).unwrap_or(s.r429),
                "ra" => s.retry_after = flag(&v),
                "wait" => s.wait_s = num(&v).unwrap_or(s.wait_s).min(86_400),
                "e5xx" => s.e5xx = num(&v).unwrap_or(s.e5xx),
                "drop" => s.drop = num(&v).unwrap_or(s.drop),
                "stall" => s.stall = num(&v).unwrap_or(s.stall),
                "stallms" => s.stall_ms = num(&v).unwrap_or(s.stall_ms),
                "code" => {
                    if let Some(c) = num(&v).and_then(|c| u16::try_from(c).ok()) {
                        if (500..=599).contains(&c) {
                            s.code = c;
                        }
                    }
                }
                "fail" => s.fail = flag(&v),
                "cancel" => s.cancel = flag(&v),
                "never" => s.never = flag(&v),
                "rows" => s.rows = num(&v).or(s.rows),
                "perday" => s.per_day = num(&v).or(s.per_day),
                "tests" => s.tests = num(&v).map(|n| n.min(100_000)).or(s.tests),
                "tepage" => s.tepage = num(&v).filter(|n| *n > 0).or(s.tepage),
                "repeat" => s.repeat = flag(&v),
                "html" => s.html = flag(&v),
                "trunc" => s.trunc = flag(&v),
                "expire" => s.expire = num(&v).or(s.expire),
                "deny" => s.deny = flag(&v),
                "limit" => s.limit = num(&v).or(s.limit),
                "windowms" => s.window_ms = num(&v).filter(|n| *n > 0).or(s.window_ms),
                "faultafter" => s.fault_after = num(&v).unwrap_or(s.fault_after),
                "xss" => s.xss = flag(&v),
                "ttl" => s.token_ttl_s = num(&v).filter(|n| *n > 0).or(s.token_ttl_s),
                "badsecret" => s.bad_secret = flag(&v),
                "tok429" => s.tok429 = num(&v).unwrap_or(s.tok429),
                "nobilling" => s.no_billing = flag(&v),
                "nocontract" => s.no_contract = flag(&v),
                "nocharge" => s.no_charge = flag(&v),
                "nolimits" => s.no_limits = flag(&v),
                "fairuse" => s.fair_use = num(&v).or(s.fair_use),
                "unknown" => s.unknown_field = flag(&v),
                _ => {}
            }
        }
        s
    }
}

/// A fixed one-minute rate-limit window that starts with the first request
/// after the previous window has rolled over (as ThousandEyes describes it).
#[derive(Clone, Debug, Default)]
pub(crate) struct Window {
    start: u64,
    count: u64,
    length_ms: u64,
}

impl Window {
    /// The window's length: a minute unless a scenario sets `windowms=`.
    fn length(&self) -> u64 {
        if self.length_ms == 0 {
            60_000
        } else {
            self.length_ms
        }
    }

    /// Counts one request at `now` in a window of `length_ms` (0 for a
    /// minute); returns the count in the current window.
    pub fn hit(&mut self, now: u64, length_ms: u64) -> u64 {
        self.length_ms = length_ms;
        if self.count == 0 || now >= self.start.saturating_add(self.length()) {
            self.start = now;
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
        self.count
    }

    /// When the current window ends (Unix ms).
    pub fn reset_at(&self) -> u64 {
        self.start.saturating_add(self.length())
    }
}

/// How an execution or job ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `Complete` / `Succeeded`.
    Success,
    /// `Failed`.
    Failed,
    /// `Cancelled` (jobs only).
    Cancelled,
}

/// One stored execution (legacy query, simple search) or aggregates job.
#[derive(Clone, Debug)]
pub(crate) struct Execution<K> {
    /// What was asked.
    pub kind: K,
    /// Submission time (Unix ms); also the "now" its data is computed for.
    pub created: u64,
    /// When it finishes, or `None` for never.
    pub done_at: Option<u64>,
    /// How it ends.
    pub outcome: Outcome,
}

/// How many executions a scenario keeps before forgetting the oldest.
const MAX_EXECUTIONS: usize = 512;
/// How many paths `SimStats::last_paths` keeps.
const LAST_PATHS: usize = 50;

/// Everything the simulator remembers about one scenario string.
#[derive(Debug)]
pub(crate) struct ScenarioState<K> {
    /// The parsed settings.
    pub cfg: Scenario,
    /// Remaining injected 429s.
    pub r429_left: u64,
    /// Remaining injected 5xx.
    pub e5xx_left: u64,
    /// Remaining dropped connections.
    pub drop_left: u64,
    /// Remaining stalled answers.
    pub stall_left: u64,
    /// 2xx responses served.
    pub successes: u64,
    /// API requests that passed the bearer-token check.
    pub authed: u64,
    /// Genesys rate window.
    pub genesys_window: Window,
    /// ThousandEyes rate window.
    pub te_window: Window,
    /// Requests served, 429s sent and paths, for `Sim::stats`.
    pub stats: SimStats,
    /// Timestamps of recent requests, for `max_per_minute`.
    recent: VecDeque<u64>,
    /// Executions and jobs by id.
    pub executions: BTreeMap<String, Execution<K>>,
    order: VecDeque<String>,
    /// Counter feeding id generation.
    pub id_counter: u64,
    /// Hash of the scenario string, mixed into ids.
    pub key_hash: u64,
    /// Sequence number of the last request (for eviction and merging stats).
    pub last_seq: u64,
    /// Sequence numbers matching `stats.last_paths`, to merge stats in order.
    pub path_seqs: VecDeque<u64>,
    /// Remaining token requests to answer 429 (`tok429=`).
    pub tok429_left: u64,
    /// Client-credentials token requests seen.
    pub token_requests: u64,
    /// When each client-credentials token issued here expires: hash → ms.
    cc_tokens: BTreeMap<u64, u64>,
}

impl<K> ScenarioState<K> {
    /// A fresh state for a scenario string.
    pub fn new(raw: &str) -> Self {
        let cfg = Scenario::parse(raw);
        let cfg_tok429 = cfg.tok429;
        ScenarioState {
            r429_left: cfg.r429,
            e5xx_left: cfg.e5xx,
            drop_left: cfg.drop,
            stall_left: cfg.stall,
            cfg,
            successes: 0,
            authed: 0,
            genesys_window: Window::default(),
            te_window: Window::default(),
            stats: SimStats::default(),
            recent: VecDeque::new(),
            executions: BTreeMap::new(),
            order: VecDeque::new(),
            id_counter: 0,
            key_hash: str_hash(raw),
            last_seq: 0,
            path_seqs: VecDeque::new(),
            tok429_left: cfg_tok429,
            token_requests: 0,
            cc_tokens: BTreeMap::new(),
        }
    }

    /// Remembers a client-credentials token and when it expires.
    pub fn remember_cc_token(&mut self, token: &str, expires_at: u64) {
        if self.cc_tokens.len() >= 1000 {
            let now_oldest = self
                .cc_tokens
                .iter()
                .min_by_key(|(_, e)| **e)
                .map(|(k, _)| *k);
            if let Some(k) = now_oldest {
                self.cc_tokens.remove(&k);
            }
        }
        self.cc_tokens.insert(str_hash(token), expires_at);
    }

    /// Whether a client-credentials token issued here has expired at `now`.
    pub fn cc_token_expired(&self, token: &str, now: u64) -> bool {
        self.cc_tokens
            .get(&str_hash(token))
            .is_some_and(|&e| now >= e)
    }

    /// Records one request for the stats.
    pub fn record(&mut self, seq: u64, now: u64, path: String) {
        self.last_seq = seq;
        self.stats.requests = self.stats.requests.saturating_add(1);
        while self
            .recent
            .front()
            .is_some_and(|t| t.saturating_add(60_000) <= now)
        {
            self.recent.pop_front();
        }
        if self.recent.len() < 1_000_000 {
            self.recent.push_back(now);
        }
        self.stats.max_per_minute = self.stats.max_per_minute.max(self.recent.len() as u64);
        self.stats.last_paths.push(path);
        self.path_seqs.push_back(seq);
        while self.stats.last_paths.len() > LAST_PATHS {
            self.stats.last_paths.remove(0);
            self.path_seqs.pop_front();
        }
    }

    /// A new UUID-like id, deterministic from the seed, the scenario and a counter.
    pub fn next_id(&mut self, seed: u64, salt: u64) -> String {
        self.id_counter = self.id_counter.wrapping_add(1);
        let a = hash(&[seed, self.key_hash, self.id_counter, salt]);
        let b = hash(&[a, salt, 0xB0B]);
        uuid(a, b)
    }

    /// Stores an execution, forgetting the oldest beyond the cap.
    pub fn insert(&mut self, id: String, exec: Execution<K>) {
        if self.executions.insert(id.clone(), exec).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > MAX_EXECUTIONS {
            if let Some(old) = self.order.pop_front() {
                self.executions.remove(&old);
            }
        }
    }

    /// The execution duration for this scenario.
    pub fn exec_ms(&self, default_ms: u64) -> u64 {
        self.cfg.exec_ms.unwrap_or(default_ms)
    }

    /// A new execution submitted at `now`, ending per the scenario.
    pub fn new_execution(&self, kind: K, now: u64, default_ms: u64, jobs: bool) -> Execution<K> {
        let outcome = if self.cfg.fail {
            Outcome::Failed
        } else if self.cfg.cancel && jobs {
            Outcome::Cancelled
        } else {
            Outcome::Success
        };
        Execution {
            kind,
            created: now,
            done_at: (!self.cfg.never).then(|| now.saturating_add(self.exec_ms(default_ms))),
            outcome,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn scenario_strings_parse() {
        let s = Scenario::parse("id=t1;r429=2;ra=1;wait=5;code=502;e5xx=1;rows=25000;x=9;bad");
        assert_eq!(s.id.as_deref(), Some("t1"));
        assert_eq!((s.r429, s.retry_after, s.wait_s), (2, true, 5));
        assert_eq!((s.e5xx, s.code), (1, 502));
        assert_eq!(s.rows, Some(25_000));
        let d = Scenario::parse("");
        assert_eq!((d.wait_s, d.code, d.r429), (2, 503, 0));
        assert_eq!(
            Scenario::parse("id=a%3Bb;code=200").id.as_deref(),
            Some("a;b")
        );
        assert_eq!(Scenario::parse("code=200").code, 503);
        let enc = Scenario::parse("id%3Dt2%3Br429%3D3");
        assert_eq!((enc.id.as_deref(), enc.r429), (Some("t2"), 3));
    }

    #[test]
    fn windows_roll_over() {
        let mut w = Window::default();
        assert_eq!(w.hit(1_000, 0), 1);
        assert_eq!(w.hit(30_000, 0), 2);
        assert_eq!(w.reset_at(), 61_000);
        assert_eq!(w.hit(61_000, 0), 1);
        let mut short = Window::default();
        assert_eq!(short.hit(1_000, 2_000), 1);
        assert_eq!(short.reset_at(), 3_000);
        assert_eq!(short.hit(3_000, 2_000), 1);
    }
}
