//! Synthetic Genesys Cloud API usage: OAuth clients, users, endpoints, and a
//! deterministic daily count for every (client, endpoint, method) stream.
//!
//! Counts are computed per UTC day from the seed with integer arithmetic only, so
//! any interval can be answered cheaply and identically on every platform. The
//! shape is meant to look real: weekdays busy and weekends quiet (except the
//! always-on monitors), a slow multi-month trend, a couple of noisy clients, and
//! bursts of 429s on a few endpoints on some days (`status429` ⊆ `status400`,
//! `requests` = 2xx + 3xx + 4xx + 5xx).

use crate::genesys::Granularity;
use crate::time::days_from_civil;

use super::util::{hash, month_start, pick, str_hash, weekday};

/// The organization every synthetic request belongs to.
pub(crate) const HOME_ORG_ID: &str = "a81d5c3e-0f6b-4d92-b7e4-3c2a1f9e8d70";
/// Its name.
pub(crate) const HOME_ORG_NAME: &str = "Usage Lens Demo Org";

/// Endpoint templates, spelled as Genesys returns them (no leading slash).
pub(crate) const TEMPLATES: &[&str] = &[
    "api/v2/usage/query",                                                       // 0
    "api/v2/usage/query/{executionId}/results",                                 // 1
    "api/v2/tokens/me",                                                         // 2
    "api/v2/usage/aggregates/query/jobs",                                       // 3
    "api/v2/usage/aggregates/query/jobs/{jobId}",                               // 4
    "api/v2/usage/simplesearch",                                                // 5
    "api/v2/usage/simplesearch/{executionId}/results",                          // 6
    "api/v2/users/{userId}",                                                    // 7
    "api/v2/users",                                                             // 8
    "api/v2/analytics/conversations/details/query",                             // 9
    "api/v2/routing/queues",                                                    // 10
    "api/v2/routing/queues/{queueId}/members",                                  // 11
    "api/v2/users/{userId}/profileskills",                                      // 12
    "api/v2/workforcemanagement/managementunits",                               // 13
    "api/v2/workforcemanagement/managementunits/{managementUnitId}/users",      // 14
    "api/v2/workforcemanagement/adherence",                                     // 15
    "api/v2/analytics/users/aggregates/query",                                  // 16
    "api/v2/conversations/{conversationId}",                                    // 17
    "api/v2/conversations/calls",                                               // 18
    "api/v2/conversations/calls/{conversationId}/participants/{participantId}", // 19
    "api/v2/users/{userId}/presences/purecloud",                                // 20
    "api/v2/notifications/channels",                                            // 21
    "api/v2/notifications/channels/{channelId}/subscriptions",                  // 22
    "api/v2/analytics/conversations/details/jobs",                              // 23
    "api/v2/analytics/conversations/details/jobs/{jobId}/results",              // 24
    "api/v2/analytics/conversations/aggregates/query",                          // 25
    "api/v2/quality/evaluations/query",                                         // 26
    "api/v2/quality/conversations/{conversationId}/evaluations",                // 27
    "api/v2/routing/queues/{queueId}/estimatedwaittime",                        // 28
    "api/v2/organizations/me",                                                  // 29
    "api/v2/externalcontacts/contacts",                                         // 30
    "api/v2/outbound/contactlists/{contactListId}/contacts",                    // 31
    "api/v2/outbound/campaigns/{campaignId}",                                   // 32
    "api/v2/conversations/{conversationId}/recordings",                         // 33
    "api/v2/recording/jobs",                                                    // 34
    "api/v2/recording/jobs/{jobId}",                                            // 35
    "api/v2/flows",                                                             // 36
    "api/v2/architect/ivrs",                                                    // 37
    "api/v2/integrations/actions/{actionId}/execute",                           // 38
];

/// Users that sign in to the user-grant clients.
pub(crate) const USERS: &[&str] = &[
    "6e1b7f20-43a9-4c5d-9b1e-2f8a0c7d3e51",
    "9a2c4e61-5b7d-4f80-8c3e-1d6b9a0f2e74",
    "c47d0b8e-2a13-4e96-b5f1-7e0c3a9d6b28",
    "1f8e3a5c-7d2b-4c69-a0e4-5b9c8d1e7f36",
    "e3b95d07-8c4a-4f1e-9d26-0a7c5e3b1f89",
];

/// One OAuth client.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    /// OAuth client id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// A `purecloud-builtin` client: only the jobs API reports it.
    pub builtin: bool,
    /// Platform label on jobs rows.
    pub platform: &'static str,
    /// Weekend volume, permille of a weekday.
    pub weekend_pm: u64,
    /// Day-to-day noise, ± permille.
    pub noise_pm: u64,
    /// Trend amplitude, ± permille, and period in days.
    pub trend_pm: u64,
    trend_days: i64,
    trend_phase: i64,
    /// Growth per year, permille (negative = declining).
    growth_pm: i64,
}

/// One (client, endpoint, method) stream of requests.
#[derive(Clone, Debug)]
pub(crate) struct Stream {
    /// Index into `Catalog::clients`.
    pub client: usize,
    /// Index into [`TEMPLATES`].
    pub template: usize,
    /// HTTP method.
    pub method: &'static str,
    /// Users (index into [`USERS`]) and their cumulative share in permille
    /// (the last is 1000). Empty for client-credentials traffic.
    pub users: Vec<(usize, u64)>,
    /// Weekday volume at trend 1.0.
    base: u64,
    /// Gets bursts of 429s on some days.
    burst: bool,
    /// Other 4xx rate in 1/10000; 5xx rate in 1/10000; 3xx rate in 1/10000.
    e4: u64,
    e5: u64,
    r3: u64,
    key: u64,
}

/// Counts of one stream on one day, or a sum of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// 2xx.
    pub ok: u64,
    /// 3xx.
    pub c3: u64,
    /// 4xx other than 429.
    pub c4: u64,
    /// 429.
    pub c429: u64,
    /// 5xx.
    pub c5: u64,
}

impl Counts {
    /// `status400` (includes the 429s).
    pub fn s400(&self) -> u64 {
        self.c4.saturating_add(self.c429)
    }
    /// Total requests.
    pub fn requests(&self) -> u64 {
        self.ok
            .saturating_add(self.c3)
            .saturating_add(self.s400())
            .saturating_add(self.c5)
    }
    /// Adds another count.
    pub fn add(&mut self, o: &Counts) {
        self.ok = self.ok.saturating_add(o.ok);
        self.c3 = self.c3.saturating_add(o.c3);
        self.c4 = self.c4.saturating_add(o.c4);
        self.c429 = self.c429.saturating_add(o.c429);
        self.c5 = self.c5.saturating_add(o.c5);
    }
    /// The part between cumulative shares `lo` and `hi` (permille), so that
    /// consecutive parts add up exactly.
    pub fn part(&self, lo: u64, hi: u64) -> Counts {
        let f = |v: u64| v.saturating_mul(hi) / 1000 - v.saturating_mul(lo) / 1000;
        Counts {
            ok: f(self.ok),
            c3: f(self.c3),
            c4: f(self.c4),
            c429: f(self.c429),
            c5: f(self.c5),
        }
    }
}

/// First day with data: the vendor's own floor.
pub(crate) fn data_start_day() -> i64 {
    crate::genesys::validate::usage_data_start_day()
}

/// (name, id, builtin, platform, scale, weekend‰, noise‰, trend‰, growth‰/yr, user grant, burst template)
type ClientSpec = (
    &'static str,
    &'static str,
    bool,
    &'static str,
    u64,
    u64,
    u64,
    u64,
    i64,
    bool,
    &'static [(usize, &'static str, u64)],
);

const CLIENTS: &[ClientSpec] = &[
    (
        "Usage Dashboard (PKCE)",
        "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa",
        false,
        "PublicApi",
        60,
        150,
        250,
        100,
        300,
        true,
        &[
            (0, "POST", 6),
            (1, "GET", 60),
            (2, "GET", 6),
            (3, "POST", 4),
            (4, "GET", 30),
            (5, "POST", 2),
            (6, "GET", 12),
        ],
    ),
    (
        "Nightly CRM sync",
        "7de3af06-c0b3-4f9b-af45-72f4a14037cc",
        false,
        "PublicApi",
        1000,
        250,
        80,
        150,
        100,
        false,
        &[
            (7, "GET", 50),
            (8, "GET", 8),
            (9, "POST", 6),
            (10, "GET", 2),
            (11, "GET", 5),
            (12, "GET", 4),
        ],
    ),
    (
        "WFM Connector",
        "5b8d2f14-9e36-4a70-8c1b-6f4e0a2d9c53",
        false,
        "PublicApi",
        900,
        350,
        100,
        120,
        50,
        false,
        &[
            (13, "GET", 3),
            (14, "GET", 20),
            (15, "GET", 30),
            (16, "POST", 10),
            (7, "GET", 6),
        ],
    ),
    (
        "Salesforce CTI Bridge",
        "c2e7a9d3-1f58-4b06-93ad-8e5c7b1f4a62",
        false,
        "PublicApi",
        3000,
        180,
        120,
        200,
        250,
        false,
        &[
            (17, "GET", 40),
            (18, "POST", 8),
            (19, "PATCH", 12),
            (20, "GET", 25),
            (21, "POST", 1),
            (22, "PUT", 2),
            (7, "GET", 10),
        ],
    ),
    (
        "Data Lake Exporter",
        "8f41c6b2-7a09-4d3e-b5c8-2e9d1a7f0b34",
        false,
        "PublicApi",
        1500,
        600,
        450,
        250,
        400,
        false,
        &[
            (9, "POST", 30),
            (23, "POST", 2),
            (24, "GET", 20),
            (25, "POST", 8),
        ],
    ),
    (
        "Quality Evaluations Bot",
        "0d9e4b7a-3c61-4f25-8a0e-b7d2c5f19e46",
        false,
        "PublicApi",
        300,
        100,
        150,
        150,
        0,
        false,
        &[(26, "GET", 10), (27, "POST", 3), (17, "GET", 4)],
    ),
    (
        "Status Page Monitor",
        "e6a3f8c1-2b95-4d07-9e4a-1c8b6d3f7a20",
        false,
        "PublicApi",
        1440,
        1000,
        10,
        0,
        0,
        false,
        &[(2, "GET", 1), (28, "GET", 1), (29, "GET", 1)],
    ),
    (
        "Zendesk Integration",
        "4a7c1e93-6d2f-4b58-a0c7-9f3e8b2d1c65",
        false,
        "PublicApi",
        400,
        300,
        150,
        100,
        150,
        true,
        &[
            (7, "GET", 10),
            (17, "GET", 8),
            (30, "GET", 6),
            (30, "POST", 2),
        ],
    ),
    (
        "Outbound Campaign Loader",
        "b1d5e8a2-4c7f-4e39-86b0-3a9f2d6c8e17",
        false,
        "PublicApi",
        800,
        50,
        200,
        300,
        0,
        false,
        &[(31, "POST", 12), (32, "GET", 4), (31, "DELETE", 3)],
    ),
    (
        "Recording Archiver",
        "2c6f9b04-8e1a-4d73-b2e5-7d0a4c9f1b88",
        false,
        "PublicApi",
        500,
        400,
        100,
        100,
        200,
        false,
        &[(33, "GET", 10), (34, "POST", 2), (35, "GET", 6)],
    ),
    (
        "Teams Presence Sync",
        "9e0b3d6f-5a82-4c14-a7f9-0b6e2d8c4a51",
        false,
        "PublicApi",
        1200,
        300,
        550,
        150,
        300,
        true,
        &[(20, "GET", 20), (20, "PATCH", 12), (8, "GET", 3)],
    ),
    (
        "Legacy IVR Reports",
        "f5c2a7e9-0d46-4b81-9c3f-6a1e8d5b2f07",
        false,
        "PublicApi",
        600,
        200,
        120,
        100,
        -350,
        false,
        &[(25, "POST", 10), (36, "GET", 3), (37, "GET", 2)],
    ),
    (
        "Genesys Cloud Data Actions",
        "d8a1f4c7-6b30-4e92-85d4-0f7c3b9e2a16",
        true,
        "DataActions",
        700,
        300,
        100,
        100,
        100,
        false,
        &[(38, "POST", 20), (7, "GET", 6)],
    ),
    (
        "Genesys Cloud Architect",
        "a3e6c9f2-1d74-4b05-9e8a-5c2f7d0b4e93",
        true,
        "Architect",
        200,
        400,
        100,
        50,
        0,
        false,
        &[(36, "GET", 8), (9, "POST", 2)],
    ),
];

/// `xss=1`: the client (`Nightly CRM sync`) whose name becomes [`XSS_NAME`].
pub(crate) const XSS_CLIENT_ID: &str = "7de3af06-c0b3-4f9b-af45-72f4a14037cc";
/// `xss=1`: a client name that runs script if a page renders it as HTML.
pub(crate) const XSS_NAME: &str = "<img src=x onerror=alert(1)>";

/// Templates whose streams get bursts of 429s on some days.
const BURSTY: &[usize] = &[1, 9, 20, 24, 31, 4];

/// All clients and streams.
#[derive(Clone, Debug)]
pub(crate) struct Catalog {
    /// OAuth clients.
    pub clients: Vec<Client>,
    /// Streams, grouped by client in client order.
    pub streams: Vec<Stream>,
    /// The seed the counts are drawn from.
    pub seed: u64,
}

impl Catalog {
    /// Builds the catalog for a seed.
    pub fn new(seed: u64) -> Catalog {
        let mut clients = Vec::new();
        let mut streams = Vec::new();
        for (ci, spec) in CLIENTS.iter().enumerate() {
            let (
                name,
                id,
                builtin,
                platform,
                scale,
                weekend,
                noise,
                trend,
                growth,
                user_grant,
                eps,
            ) = *spec;
            let h = hash(&[seed, ci as u64, 0xC11E]);
            clients.push(Client {
                id: id.to_string(),
                name: name.to_string(),
                builtin,
                platform,
                weekend_pm: weekend,
                noise_pm: noise,
                trend_pm: trend,
                trend_days: pick(h, 120, 420) as i64,
                trend_phase: pick(h >> 20, 0, 400) as i64,
                growth_pm: growth,
            });
            for (k, (template, method, weight)) in eps.iter().enumerate() {
                streams.push(make_stream(
                    seed,
                    ci,
                    k,
                    *template,
                    method,
                    scale * weight,
                    user_grant,
                ));
            }
        }
        Catalog {
            clients,
            streams,
            seed,
        }
    }

    /// The same catalog with [`XSS_CLIENT_ID`] named [`XSS_NAME`] (`xss=1`).
    pub fn with_xss_name(mut self) -> Catalog {
        for c in self.clients.iter_mut().filter(|c| c.id == XSS_CLIENT_ID) {
            c.name = XSS_NAME.to_string();
        }
        self
    }

    /// The index of a client by id.
    pub fn client_index(&self, id: &str) -> Option<usize> {
        self.clients.iter().position(|c| c.id == id)
    }

    /// A catalog holding only one client: a known one, or, for an id the
    /// simulator does not know, a small synthetic client so that any id gets data.
    pub fn for_client(&self, id: &str) -> Catalog {
        if let Some(ci) = self.client_index(id) {
            let mut client = self
                .clients
                .get(ci)
                .cloned()
                .into_iter()
                .collect::<Vec<_>>();
            client.iter_mut().for_each(|c| c.builtin = false);
            let streams = self
                .streams
                .iter()
                .filter(|s| s.client == ci)
                .map(|s| Stream {
                    client: 0,
                    ..s.clone()
                })
                .collect();
            return Catalog {
                clients: client,
                streams,
                seed: self.seed,
            };
        }
        let h = hash(&[self.seed, str_hash(id), 0xAD0C]);
        let short: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(8)
            .collect();
        let client = Client {
            id: id.to_string(),
            name: format!("OAuth client {short}"),
            builtin: false,
            platform: "PublicApi",
            weekend_pm: 250,
            noise_pm: 150,
            trend_pm: 100,
            trend_days: pick(h, 120, 420) as i64,
            trend_phase: pick(h >> 9, 0, 400) as i64,
            growth_pm: 100,
        };
        let n = pick(h >> 20, 3, 6) as usize;
        let streams = (0..n)
            .map(|k| {
                let hk = hash(&[h, k as u64]);
                let t = (hk % TEMPLATES.len() as u64) as usize;
                let method = if t.is_multiple_of(3) { "POST" } else { "GET" };
                Stream {
                    client: 0,
                    ..make_stream(h, 100, k, t, method, pick(hk >> 8, 20, 4000), false)
                }
            })
            .collect();
        Catalog {
            clients: vec![client],
            streams,
            seed: self.seed,
        }
    }

    /// The client of a stream.
    pub fn client_of(&self, s: &Stream) -> Option<&Client> {
        self.clients.get(s.client)
    }

    /// The counts of one stream on one day.
    pub fn day_counts(&self, s: &Stream, day: i64) -> Counts {
        let Some(c) = self.client_of(s) else {
            return Counts::default();
        };
        let dow = weekday(day);
        let week_pm = if dow >= 5 {
            c.weekend_pm
        } else {
            [1060, 1010, 1000, 990, 920]
                .get(dow as usize)
                .copied()
                .unwrap_or(1000)
        };
        // A slow triangle-wave trend, bounded, plus a mild yearly growth.
        let period = c.trend_days.max(2);
        let pos = (day + c.trend_phase).rem_euclid(period);
        let tri = (pos * 2000 / period - 1000).abs(); // 1000 → 0 → 1000
        let trend_pm = 1000 + c.trend_pm as i64 * (tri - 500) / 500;
        let anchor = days_from_civil(2025, 1, 1);
        let growth = (1000 + c.growth_pm * (day - anchor) / 365).clamp(250, 3000);
        let h = hash(&[self.seed, s.key, day as u64]);
        let noise = 1000 + (h % (2 * c.noise_pm + 1)) as i64 - c.noise_pm as i64;
        let mut req = u128::from(s.base);
        for f in [week_pm as i64, trend_pm, growth, noise] {
            req = req * u128::from(f.max(0) as u64) / 1000;
        }
        let req = u64::try_from(req).unwrap_or(u64::MAX / 2);
        if req == 0 {
            return Counts::default();
        }
        let h2 = hash(&[h, 0x57A7]);
        let rate = |per10k: u64, salt: u32| -> u64 {
            let jitter = pick(h2 >> (salt % 40), 0, 2 * per10k);
            req * jitter / 10_000
        };
        let mut c5 = rate(s.e5, 3);
        let mut c4 = rate(s.e4, 11);
        let mut c3 = rate(s.r3, 19);
        let burst_day = s.burst && (h2 >> 44) % 100 < 12;
        let mut c429 = if burst_day {
            req * pick(h2 >> 7, 80, 380) / 1000
        } else if s.burst {
            req * pick(h2 >> 29, 0, 8) / 1000
        } else {
            0
        };
        // Keep the parts within the total.
        c429 = c429.min(req);
        c4 = c4.min(req - c429);
        c5 = c5.min(req - c429 - c4);
        c3 = c3.min(req - c429 - c4 - c5);
        Counts {
            ok: req - c429 - c4 - c5 - c3,
            c3,
            c4,
            c429,
            c5,
        }
    }
}

fn make_stream(
    seed: u64,
    ci: usize,
    k: usize,
    template: usize,
    method: &'static str,
    volume: u64,
    user_grant: bool,
) -> Stream {
    let key = hash(&[seed, ci as u64, k as u64, 0x57EA]);
    let users = if user_grant {
        let n = pick(key >> 3, 1, 3) as usize;
        let first = (key >> 7) as usize % USERS.len();
        let mut out = Vec::new();
        let mut cum = 0;
        for j in 0..n {
            let share = if j + 1 == n {
                1000 - cum
            } else {
                pick(key >> (11 + j * 5), 200, 600).min(1000 - cum)
            };
            cum += share;
            out.push(((first + j * 2) % USERS.len(), cum));
        }
        out
    } else {
        Vec::new()
    };
    Stream {
        client: ci,
        template,
        method,
        users,
        base: volume * pick(key >> 17, 600, 1400) / 1000,
        burst: BURSTY.contains(&template) && !(key >> 40).is_multiple_of(3),
        e4: pick(key >> 23, 5, 60),
        e5: pick(key >> 29, 0, 12),
        r3: if template == 33 { 150 } else { 0 },
        key,
    }
}

/// The first day of the bucket of `granularity` (the library's) containing
/// `day`: weeks start on Monday, months on the 1st.
fn bucket_start(granularity: Granularity, day: i64) -> i64 {
    match granularity {
        Granularity::Day => day,
        Granularity::Week => day - weekday(day),
        Granularity::Month => month_start(day),
    }
}

/// Which dimensions rows are grouped by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Dims {
    /// OAuth client.
    pub client: bool,
    /// User.
    pub user: bool,
    /// Endpoint template.
    pub template: bool,
    /// HTTP method.
    pub method: bool,
    /// Organization.
    pub org: bool,
    /// Platform.
    pub platform: bool,
}

/// One aggregated row: the grouped dimensions (`None` when not grouped), the
/// bucket start day, and the counts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct AggKey {
    /// Client index when grouped.
    pub client: Option<usize>,
    /// When grouped by user: `Some(None)` for traffic without a user.
    pub user: Option<Option<usize>>,
    /// Template index when grouped.
    pub template: Option<usize>,
    /// Method when grouped.
    pub method: Option<&'static str>,
    /// Grouped by organization.
    pub org: bool,
    /// Platform when grouped.
    pub platform: Option<&'static str>,
    /// Bucket start day, when bucketed.
    pub bucket: Option<i64>,
}

/// Aggregates counts over days `first..=last` for the streams `keep` accepts,
/// grouped by `dims` and bucketed by `gran`. `user_keep` (if given) keeps only
/// the user parts it accepts. Rows with no requests are dropped.
pub(crate) fn aggregate(
    cat: &Catalog,
    first: i64,
    last: i64,
    gran: Option<Granularity>,
    dims: Dims,
    keep: &dyn Fn(&Stream, &Client) -> bool,
    user_keep: Option<&dyn Fn(usize) -> bool>,
) -> Vec<(AggKey, Counts)> {
    let mut map: std::collections::BTreeMap<AggKey, Counts> = std::collections::BTreeMap::new();
    let streams: Vec<&Stream> = cat
        .streams
        .iter()
        .filter(|s| cat.client_of(s).is_some_and(|c| keep(s, c)))
        .collect();
    if first > last {
        return Vec::new();
    }
    for day in first..=last {
        let bucket = gran.map(|g| bucket_start(g, day));
        for s in &streams {
            let counts = cat.day_counts(s, day);
            if counts.requests() == 0 {
                continue;
            }
            let base = AggKey {
                client: dims.client.then_some(s.client),
                user: None,
                template: dims.template.then_some(s.template),
                method: dims.method.then_some(s.method),
                org: dims.org,
                platform: if dims.platform {
                    cat.client_of(s).map(|c| c.platform)
                } else {
                    None
                },
                bucket,
            };
            if dims.user || user_keep.is_some() {
                if s.users.is_empty() {
                    if user_keep.is_some() {
                        continue;
                    }
                    let key = AggKey {
                        user: Some(None),
                        ..base
                    };
                    map.entry(key).or_default().add(&counts);
                    continue;
                }
                let mut lo = 0;
                for (u, cum) in &s.users {
                    let part = counts.part(lo, *cum);
                    lo = *cum;
                    if user_keep.is_some_and(|f| !f(*u)) {
                        continue;
                    }
                    let key = AggKey {
                        user: dims.user.then_some(Some(*u)),
                        ..base.clone()
                    };
                    map.entry(key).or_default().add(&part);
                }
            } else {
                map.entry(base).or_default().add(&counts);
            }
        }
    }
    map.into_iter().filter(|(_, c)| c.requests() > 0).collect()
}

/// A user id by index.
pub(crate) fn user_id(u: usize) -> &'static str {
    USERS.get(u).copied().unwrap_or("")
}

/// The index of a user id.
pub(crate) fn user_index(id: &str) -> Option<usize> {
    USERS.iter().position(|u| *u == id)
}

/// A template by index.
pub(crate) fn template(t: usize) -> &'static str {
    TEMPLATES.get(t).copied().unwrap_or("")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_consistent_and_deterministic() {
        let cat = Catalog::new(7);
        let again = Catalog::new(7);
        let day = days_from_civil(2026, 6, 1);
        let mut total = Counts::default();
        for (i, s) in cat.streams.iter().enumerate() {
            for d in day..day + 60 {
                let c = cat.day_counts(s, d);
                assert_eq!(c, again.day_counts(&again.streams[i], d));
                assert!(c.c429 <= c.s400());
                total.add(&c);
            }
        }
        assert!(total.requests() > 1_000_000);
        assert!(total.c429 > 0);
        // weekends are quieter
        let cti = cat
            .streams
            .iter()
            .find(|s| s.template == 17 && s.client == 3)
            .unwrap();
        let sat = days_from_civil(2026, 6, 6);
        let wed = days_from_civil(2026, 6, 3);
        assert!(cat.day_counts(cti, sat).requests() * 2 < cat.day_counts(cti, wed).requests());
    }

    #[test]
    fn user_parts_add_up() {
        let c = Counts {
            ok: 101,
            c3: 0,
            c4: 7,
            c429: 5,
            c5: 3,
        };
        let a = c.part(0, 333);
        let b = c.part(333, 1000);
        let mut sum = a;
        sum.add(&b);
        assert_eq!(sum, c);
    }

    #[test]
    fn unknown_clients_get_synthetic_data() {
        let cat = Catalog::new(1);
        let one = cat.for_client("my-pkce-app");
        assert_eq!(one.clients.len(), 1);
        assert!(!one.streams.is_empty());
        let known = cat.for_client("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa");
        assert_eq!(known.clients[0].name, "Usage Dashboard (PKCE)");
        assert!(known.streams.iter().all(|s| s.client == 0));
    }
}
