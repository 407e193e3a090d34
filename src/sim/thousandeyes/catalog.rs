//! The ThousandEyes synthetic data: account groups, about sixty tests and ten
//! enterprise agents, and the units they consume through billing periods
//! that run from the 5th of a month, 08:00 UTC, to the 5th of the next.
//!
//! No two periods are alike: each has its own draw from the seed, and the
//! units grow through the contract year (it renews in January, when unused
//! tests are retired), so a past period's figures differ from the next one's
//! as real ones do.

use serde_json::{json, Value};

use crate::time::{civil_from_days, days_from_civil};

use super::super::util::{day_of, hash, pick, str_hash, DAY_MS};

/// Cloud units included per billing period.
pub(super) const CLOUD_UNITS_INCLUDED: u64 = 4_320_000_000;
/// Enterprise units per period (at the end of a period) across all tests.
const ENTERPRISE_UNITS_PER_PERIOD: f64 = 112_000_000.0;

/// How much the tests' units grow from one period to the next through the
/// contract year; June's period is the year's middle.
const GROWTH_PER_PERIOD: f64 = 0.012;
/// How far a period's units stray from the trend, either way (per mille).
const PERIOD_NOISE_PER_MILLE: u64 = 20;
/// How far one test's units stray in a period, either way (per mille).
const TEST_NOISE_PER_MILLE: u64 = 80;

/// The account groups: (aid, name).
pub(super) const GROUPS: &[(&str, &str)] = &[
    ("1234", "Support"),
    ("315", "Documentation"),
    ("2207", "Network Operations"),
    ("4410", "Retail Stores"),
];

/// (type label, cloud weight, enterprise-agent share %)
const TYPES: &[(&str, u64, u64)] = &[
    ("Web-Page Load", 30, 20),
    ("Web - HTTP Server", 12, 35),
    ("Network - Agent to Server", 8, 60),
    ("DNS Server", 4, 30),
    ("Voice - RTP Stream", 14, 70),
    ("Web - Transaction", 40, 10),
    ("Network - Agent to Agent", 6, 90),
    ("Routing - BGP", 2, 0),
    ("DNS - Trace", 3, 20),
    ("Web - API", 10, 25),
];

const HOSTS: &[&str] = &[
    "app.thousandeyes.com",
    "www.example.com",
    "login.example.com",
    "api.example.com",
    "shop.example.com",
    "portal.example.net",
    "sso.corp.example",
    "crm.example.org",
    "status.example.io",
    "cdn.example.com",
    "vpn.corp.example",
    "mail.example.com",
    "payments.example.com",
    "search.example.com",
];

const SITES: &[&str] = &[
    "Frankfurt",
    "Ashburn",
    "Singapore",
    "London",
    "Sao Paulo",
    "Chicago",
    "Sydney",
];

/// (name, agent id, primary account group)
pub(super) const AGENTS: &[(&str, Option<&str>, usize)] = &[
    ("TEVA-test-agent", Some("123456"), 0),
    ("lab-physical-appliance-1", Some("789"), 1),
    ("branch-office-vm-2", None, 1),
    ("dc1-docker-01", Some("201144"), 2),
    ("dc2-docker-02", Some("201145"), 2),
    ("store-0142-pi", Some("318820"), 3),
    ("store-0388-pi", None, 3),
    ("aws-us-east-1-ea", Some("402311"), 2),
    ("azure-westeurope-ea", Some("402377"), 0),
    ("hq-core-appliance", Some("100042"), 2),
];

/// One synthetic test.
#[derive(Clone, Debug)]
pub(crate) struct Test {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) group: usize,
    pub(super) instant: bool,
    /// Cloud and enterprise units per full period (before growth), or the one-off
    /// amount of an instant test.
    pub(super) cloud: f64,
    pub(super) ent: f64,
    /// Growth through the period (fraction) and start fraction.
    pub(super) growth: f64,
    pub(super) start: f64,
    /// Instant tests: when in the period they ran (fraction).
    pub(super) event: f64,
    pub(super) agents: Vec<usize>,
}

/// All ThousandEyes synthetic data.
#[derive(Clone, Debug)]
pub(crate) struct TeCatalog {
    /// The seed every period's draw is made from.
    seed: u64,
    pub(super) tests: Vec<Test>,
    pub(super) endpoint: [u64; 4],
    pub(super) essentials: [u64; 4],
    pub(super) embedded: [u64; 4],
}

fn g_integral(t: &Test, f: f64) -> f64 {
    let f = f.clamp(0.0, 1.0);
    if f <= t.start {
        return 0.0;
    }
    (f - t.start) + t.growth * (f * f - t.start * t.start) / 2.0
}

/// The five tests every seed has (the ones the vendor's examples name).
fn fixed_tests(seed: u64) -> Vec<Test> {
    let fixed: &[(&str, &str, usize, bool)] = &[
        ("1158", "https://app.thousandeyes.com", 0, false),
        ("1221", "https://app.thousandeyes.com", 1, false),
        ("7310", "Checkout API latency", 1, false),
        ("8802", "www.example.com page load", 0, false),
        ("9917", "https://app.thousandeyes.com", 1, true),
    ];
    fixed
        .iter()
        .enumerate()
        .map(|(i, (id, name, type_idx, instant))| {
            make_test(
                seed,
                i,
                id.to_string(),
                name.to_string(),
                *type_idx,
                0,
                *instant,
            )
        })
        .collect()
}

/// The `i`th test drawn from the seed: its type, a name that fits the type,
/// an id and an account group.
fn seeded_test(seed: u64, i: usize) -> Test {
    let h = hash(&[seed, i as u64, 0x7E57]);
    let type_idx = (h % TYPES.len() as u64) as usize;
    let host = HOSTS
        .get((h >> 8) as usize % HOSTS.len())
        .copied()
        .unwrap_or("example.com");
    let site = SITES
        .get((h >> 16) as usize % SITES.len())
        .copied()
        .unwrap_or("HQ");
    let site2 = SITES
        .get((h >> 20) as usize % SITES.len())
        .copied()
        .unwrap_or("DC");
    let name = match type_idx {
        0 => format!("https://{host} page load"),
        1 | 9 => format!("https://{host}"),
        2 => format!("{host}:443"),
        3 => format!("{host} DNS"),
        4 => format!("SIP trunk {site}"),
        5 => format!("{host} checkout flow"),
        6 => format!("{site} to {site2}"),
        7 => format!("BGP 203.0.{}.0/24", (h >> 24) % 256),
        _ => format!("{host} trace"),
    };
    let id = (10_000 + i as u64 * 37 + (h >> 30) % 30).to_string();
    let group = ((h >> 34) % GROUPS.len() as u64) as usize;
    make_test(seed, i + 5, id, name, type_idx, group, i % 11 == 3)
}

/// Scales the tests' units so that the period totals land slightly over the
/// quota; instant tests get their one-off amounts.
fn scale_to_quota(tests: &mut [Test]) {
    let cloud_sum: f64 = tests
        .iter()
        .filter(|t| !t.instant)
        .map(|t| t.cloud * g_integral(t, 1.0))
        .sum();
    let ent_sum: f64 = tests
        .iter()
        .filter(|t| !t.instant)
        .map(|t| t.ent * g_integral(t, 1.0))
        .sum();
    let cloud_k = if cloud_sum > 0.0 {
        CLOUD_UNITS_INCLUDED as f64 * 1.035 / cloud_sum
    } else {
        0.0
    };
    let ent_k = if ent_sum > 0.0 {
        ENTERPRISE_UNITS_PER_PERIOD / ent_sum
    } else {
        0.0
    };
    for t in tests {
        if t.instant {
            t.cloud *= 4_000.0;
            t.ent *= 500.0;
        } else {
            t.cloud *= cloud_k;
            t.ent *= ent_k;
        }
    }
}

impl TeCatalog {
    /// Builds the catalog for a seed.
    pub fn new(seed: u64) -> TeCatalog {
        let mut tests = fixed_tests(seed);
        tests.extend((0..55usize).map(|i| seeded_test(seed, i)));
        scale_to_quota(&mut tests);
        let h = hash(&[seed, 0xE4D]);
        TeCatalog {
            seed,
            tests,
            endpoint: [
                pick(h, 18, 26),
                pick(h >> 8, 10, 16),
                pick(h >> 16, 3, 6),
                pick(h >> 24, 1, 3),
            ],
            essentials: [2, pick(h >> 32, 2, 4), 0, 0],
            embedded: [pick(h >> 40, 1, 3), 3, 0, 0],
        }
    }

    pub(super) fn group(&self, g: usize) -> (&'static str, &'static str) {
        GROUPS.get(g).copied().unwrap_or(("0", ""))
    }

    /// A test's units in the period that starts at `p0` (Unix ms), as a
    /// share of its base units: the contract year's growth, the period's own
    /// noise and the test's, all drawn from the seed and the period.
    pub(super) fn period_factor(&self, t: &Test, p0: i64) -> f64 {
        let (_, month, _) = civil_from_days(day_of(p0));
        let trend = 1.0 + GROWTH_PER_PERIOD * (f64::from(month) - 6.0);
        let h = hash(&[self.seed, p0.unsigned_abs(), 0xBE11]);
        let noise =
            |h: u64, spread: u64| 1.0 + (pick(h, 0, 2 * spread) as f64 - spread as f64) / 1000.0;
        trend
            * noise(h, PERIOD_NOISE_PER_MILLE)
            * noise(hash(&[h, str_hash(&t.id)]), TEST_NOISE_PER_MILLE)
    }

    /// Cloud and enterprise units a test used in `[a, b)` (Unix ms).
    pub(super) fn used(&self, t: &Test, a: i64, b: i64) -> (f64, f64) {
        let (mut cloud, mut ent) = (0.0, 0.0);
        let a = a.max(te_data_start());
        if b <= a {
            return (0.0, 0.0);
        }
        let (mut p0, mut p1) = period_of(a);
        for _ in 0..400 {
            if p0 >= b {
                break;
            }
            let len = (p1 - p0).max(1) as f64;
            let f1 = (a.max(p0) - p0) as f64 / len;
            let f2 = (b.min(p1) - p0) as f64 / len;
            let k = self.period_factor(t, p0);
            if t.instant {
                if t.event >= f1 && t.event < f2 {
                    cloud += t.cloud * k;
                    ent += t.ent * k;
                }
            } else {
                let part = (g_integral(t, f2) - g_integral(t, f1)) * k;
                cloud += t.cloud * part;
                ent += t.ent * part;
            }
            (p0, p1) = (p1, next_period_end(p1));
        }
        (cloud, ent)
    }

    /// A row of the enterprise units an agent consumed, counted under
    /// account group `group`; `None` for an unknown agent.
    pub(super) fn agent_row(
        &self,
        group: usize,
        agent: usize,
        used: f64,
        projected: f64,
    ) -> Option<Value> {
        let (name, id, _) = AGENTS.get(agent)?;
        let (aid, group_name) = self.group(group);
        let mut row = json!({
            "aid": aid,
            "accountGroupName": group_name,
            "agentName": name,
            "enterpriseUnitsUsed": units(used),
            "enterpriseUnitsProjected": units(projected),
        });
        if let (Some(id), Some(m)) = (id, row.as_object_mut()) {
            m.insert("agentId".into(), json!(id));
        }
        Some(row)
    }

    /// Projected cloud and enterprise units of a test for the period containing `now`.
    pub(super) fn projected(&self, t: &Test, now: i64) -> (f64, f64) {
        let (p0, p1) = period_of(now);
        let (uc, ue) = self.used(t, p0, now);
        if t.instant {
            return (uc, ue);
        }
        let f = (now - p0) as f64 / (p1 - p0).max(1) as f64;
        let rest = if f >= t.start {
            (1.0 + t.growth * f) * (1.0 - f) * self.period_factor(t, p0)
        } else {
            0.0
        };
        (uc + t.cloud * rest, ue + t.ent * rest)
    }

    /// Units for the next period at the current rate.
    pub(super) fn next_period(&self, t: &Test, now: i64) -> (f64, f64) {
        let (p0, p1) = period_of(now);
        let f = (now - p0) as f64 / (p1 - p0).max(1) as f64;
        if t.instant || f < t.start {
            return (0.0, 0.0);
        }
        let rate = (1.0 + t.growth * f) * self.period_factor(t, p0);
        (t.cloud * rate, t.ent * rate)
    }
}

fn make_test(
    seed: u64,
    i: usize,
    id: String,
    name: String,
    type_idx: usize,
    group: usize,
    instant: bool,
) -> Test {
    let h = hash(&[seed, i as u64, 0x7E5E]);
    let (kind, cloud_w, ent_pct) =
        TYPES
            .get(type_idx)
            .copied()
            .unwrap_or(("Web - HTTP Server", 10, 0));
    let uses_agents = ent_pct > 0 && (h >> 3) % 100 < ent_pct;
    let agents = if uses_agents {
        let n = pick(h >> 9, 1, 3) as usize;
        (0..n)
            .map(|k| ((h >> (13 + 4 * k)) as usize + k) % AGENTS.len())
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    let variation = pick(h >> 25, 40, 160) as f64 / 100.0;
    let late = !instant && i >= 5 && (h >> 33).is_multiple_of(12);
    Test {
        id,
        name,
        kind,
        group,
        instant,
        cloud: if instant {
            pick(h >> 41, 10, 120) as f64
        } else {
            cloud_w as f64 * variation
        },
        ent: if agents.is_empty() {
            0.0
        } else if instant {
            pick(h >> 47, 5, 60) as f64
        } else {
            cloud_w as f64 * variation * pick(h >> 51, 50, 150) as f64 / 100.0
        },
        growth: pick(h >> 37, 0, 160) as f64 / 1000.0 + if i == 7 { 0.5 } else { 0.0 },
        start: if late {
            pick(h >> 43, 150, 600) as f64 / 1000.0
        } else {
            0.0
        },
        event: pick(h >> 55, 50, 950) as f64 / 1000.0,
        agents,
    }
}

/// The first instant with data.
fn te_data_start() -> i64 {
    days_from_civil(2022, 1, 5) * DAY_MS + 8 * 3_600_000
}

fn period_start(y: i64, m: u32) -> i64 {
    days_from_civil(y, m, 5) * DAY_MS + 8 * 3_600_000
}

/// The billing period containing `t`: `[start, end)`.
pub(super) fn period_of(t: i64) -> (i64, i64) {
    let (y, m, _) = civil_from_days(day_of(t));
    let this = period_start(y, m);
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    if t >= this {
        (this, period_start(ny, nm))
    } else {
        (period_start(py, pm), this)
    }
}

fn next_period_end(p_end: i64) -> i64 {
    period_of(p_end).1
}

/// Units as the API counts them: whole and never negative.
pub(super) fn units(v: f64) -> u64 {
    v.max(0.0).round() as u64
}
