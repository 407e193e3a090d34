//! What a person asked for, as plain data: the query kind, the interval, the
//! toggles and the filters. It round-trips through the page URL (never with a
//! token) and turns into the library's request types, checked before anything
//! is sent.

use serde::de::DeserializeOwned;

use crate::genesys::{
    self, ApiUsageClientQuery, ApiUsageOrganizationQuery, ApiUsageSimpleSearch,
    ClientPublicApiUsageQueryRequest, OrganizationPublicApiUsageQueryRequest,
};
use crate::thousandeyes::{self, EnterpriseAgentsUnitsParams, TestsUnitsParams, UsageParams};
use crate::time::{
    civil_from_days, days_from_civil, format_date, format_timestamp, parse_instant, DAY,
};

/// Which endpoint a query goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Kind {
    /// Genesys organization usage (legacy execution).
    #[default]
    Org,
    /// Genesys usage of one OAuth client.
    Client,
    /// Genesys usage summary of one OAuth client.
    Summary,
    /// Genesys simple search.
    Search,
    /// Genesys organization aggregates job.
    Job,
    /// Genesys aggregates job of one OAuth client.
    ClientJob,
    /// ThousandEyes usage of the current period.
    TeUsage,
    /// ThousandEyes cloud and enterprise units per test.
    TeTests,
    /// ThousandEyes enterprise-agent units.
    TeAgents,
}

impl Kind {
    /// Every kind, in the order of the picker.
    pub const ALL: [Kind; 9] = [
        Kind::Org,
        Kind::Client,
        Kind::Summary,
        Kind::Search,
        Kind::Job,
        Kind::ClientJob,
        Kind::TeUsage,
        Kind::TeTests,
        Kind::TeAgents,
    ];

    /// The name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Org => "org",
            Kind::Client => "client",
            Kind::Summary => "summary",
            Kind::Search => "search",
            Kind::Job => "job",
            Kind::ClientJob => "client-job",
            Kind::TeUsage => "te-usage",
            Kind::TeTests => "te-tests",
            Kind::TeAgents => "te-agents",
        }
    }

    /// The kind named in the URL.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Org => "Organization usage",
            Kind::Client => "One OAuth client's usage",
            Kind::Summary => "OAuth client summary",
            Kind::Search => "Simple search",
            Kind::Job => "Aggregates job (organization)",
            Kind::ClientJob => "Aggregates job (one OAuth client)",
            Kind::TeUsage => "Usage of the billing period",
            Kind::TeTests => "Units per test",
            Kind::TeAgents => "Enterprise agent units",
        }
    }

    /// Whether the query goes to ThousandEyes.
    pub fn is_te(self) -> bool {
        matches!(self, Kind::TeUsage | Kind::TeTests | Kind::TeAgents)
    }

    /// Whether the query needs an OAuth client id.
    pub fn needs_client_id(self) -> bool {
        matches!(self, Kind::Client | Kind::Summary | Kind::ClientJob)
    }

    /// Whether the query takes an interval (from/to dates).
    pub fn has_interval(self) -> bool {
        !matches!(self, Kind::Summary | Kind::TeUsage)
    }

    /// Whether the query answers an interval longer than 90 days (the jobs
    /// run in parts; the legacy queries have no documented limit).
    pub fn answers_a_year(self) -> bool {
        matches!(self, Kind::Org | Kind::Client | Kind::Job | Kind::ClientJob)
    }

    /// Whether the query takes a granularity.
    pub fn has_granularity(self) -> bool {
        matches!(self, Kind::Org | Kind::Client | Kind::Job | Kind::ClientJob)
    }

    /// The group-by values the endpoint accepts (wire names, label).
    pub fn group_by_options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Org => &[
                ("OAuthClientId", "OAuth client"),
                ("OrganizationId", "Organization"),
                ("UserId", "User"),
                ("TemplateUri", "Endpoint"),
                ("HttpMethod", "Method"),
            ],
            Kind::Client => &[
                ("OAuthClientId", "OAuth client"),
                ("OrganizationId", "Organization"),
                ("TemplateUri", "Endpoint"),
                ("HttpMethod", "Method"),
            ],
            Kind::Job => &[
                ("OauthClientName", "Client name"),
                ("OauthClientId", "Client id"),
                ("UserId", "User"),
                ("HttpMethod", "Method"),
                ("TemplateUri", "Endpoint"),
                ("Platform", "Platform"),
            ],
            Kind::ClientJob => &[
                ("OrganizationId", "Organization"),
                ("HttpMethod", "Method"),
                ("TemplateUri", "Endpoint"),
                ("Platform", "Platform"),
            ],
            _ => &[],
        }
    }

    /// The metrics (or simple-search columns) the endpoint accepts.
    pub fn metric_options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Org | Kind::Client => &[
                ("Requests", "Requests"),
                ("Status200", "2xx"),
                ("Status300", "3xx"),
                ("Status400", "4xx"),
                ("Status429", "429"),
                ("Status500", "5xx"),
            ],
            Kind::Job | Kind::ClientJob => &[
                ("Requests", "Requests"),
                ("Status200", "2xx"),
                ("Status300", "3xx"),
                ("Status400", "4xx"),
                ("Status429", "429"),
                ("Status500", "5xx"),
            ],
            Kind::Search => &[
                ("Date", "Date"),
                ("ClientName", "Client name"),
                ("HttpMethod", "Method"),
                ("TemplateUri", "Endpoint"),
                ("Status200", "2xx"),
                ("Status300", "3xx"),
                ("Status400", "4xx"),
                ("Status429", "429"),
                ("Status500", "5xx"),
            ],
            _ => &[],
        }
    }

    /// The HTTP methods the endpoint can filter on.
    pub fn method_options(self) -> &'static [&'static str] {
        match self {
            Kind::Search => &[
                "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
            ],
            Kind::Job | Kind::ClientJob => &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
            _ => &[],
        }
    }
}

/// An interval preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// Yesterday.
    Yesterday,
    /// The 7 days before today.
    #[default]
    Last7,
    /// The 30 days before today.
    Last30,
    /// The 90 days before today.
    Last90,
    /// From the 1st of this month to yesterday.
    ThisMonth,
    /// The whole of last month.
    LastMonth,
    /// The 26 weeks before today.
    Last6Months,
    /// The 52 weeks before today (a jobs query starts at most a year back).
    Last12Months,
    /// From 1 January to yesterday.
    ThisYear,
    /// The `from` and `to` dates.
    Custom,
}

impl Preset {
    /// Every preset, in the order of the picker.
    pub const ALL: [Preset; 10] = [
        Preset::Yesterday,
        Preset::Last7,
        Preset::Last30,
        Preset::Last90,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::Last6Months,
        Preset::Last12Months,
        Preset::ThisYear,
        Preset::Custom,
    ];

    /// Whether the preset reaches back further than 90 days: offered only
    /// for the kinds that answer such an interval ([`Kind::answers_a_year`]).
    pub fn is_long(self) -> bool {
        matches!(
            self,
            Preset::Last6Months | Preset::Last12Months | Preset::ThisYear
        )
    }

    /// The name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Yesterday => "yesterday",
            Preset::Last7 => "7d",
            Preset::Last30 => "30d",
            Preset::Last90 => "90d",
            Preset::ThisMonth => "this-month",
            Preset::LastMonth => "last-month",
            Preset::Last6Months => "6m",
            Preset::Last12Months => "12m",
            Preset::ThisYear => "this-year",
            Preset::Custom => "custom",
        }
    }

    /// The preset named in the URL.
    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Yesterday => "Yesterday",
            Preset::Last7 => "Last 7 days",
            Preset::Last30 => "Last 30 days",
            Preset::Last90 => "Last 90 days",
            Preset::ThisMonth => "This month",
            Preset::LastMonth => "Last month",
            Preset::Last6Months => "Last 6 months",
            Preset::Last12Months => "Last 12 months",
            Preset::ThisYear => "This year",
            Preset::Custom => "Custom dates",
        }
    }

    /// First and last day (inclusive, days since 1970-01-01) for `today`.
    pub fn days(self, today: i64) -> Option<(i64, i64)> {
        let (y, m, _) = civil_from_days(today);
        let first_of_month = days_from_civil(y, m, 1);
        match self {
            Preset::Yesterday => Some((today - 1, today - 1)),
            Preset::Last7 => Some((today - 7, today - 1)),
            Preset::Last30 => Some((today - 30, today - 1)),
            Preset::Last90 => Some((today - 90, today - 1)),
            Preset::ThisMonth => Some((first_of_month, (today - 1).max(first_of_month))),
            Preset::LastMonth => {
                let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
                Some((days_from_civil(py, pm, 1), first_of_month - 1))
            }
            Preset::Last6Months => Some((today - 26 * 7, today - 1)),
            Preset::Last12Months => Some((today - 52 * 7, today - 1)),
            Preset::ThisYear => {
                let first_of_year = days_from_civil(y, 1, 1);
                Some((first_of_year, (today - 1).max(first_of_year)))
            }
            Preset::Custom => None,
        }
    }
}

/// The whole query form, as it lives in the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySpec {
    /// Endpoint.
    pub kind: Kind,
    /// Interval preset.
    pub preset: Preset,
    /// Custom start day, `YYYY-MM-DD`.
    pub from: String,
    /// Custom end day (inclusive), `YYYY-MM-DD`.
    pub to: String,
    /// `Day`, `Week`, `Month`, or empty for one total.
    pub granularity: String,
    /// Group-by wire names.
    pub group_by: Vec<String>,
    /// Metric wire names (empty: all).
    pub metrics: Vec<String>,
    /// OAuth client id.
    pub client_id: String,
    /// Days of a client summary.
    pub days: u32,
    /// Filter: OAuth client names (simple search), comma separated.
    pub client_names: String,
    /// Filter: HTTP methods.
    pub methods: Vec<String>,
    /// Filter: endpoint templates, comma separated.
    pub templates: String,
    /// Filter: platforms, comma separated (jobs).
    pub platforms: String,
    /// Filter: user ids, comma separated (organization job).
    pub user_ids: String,
    /// Filter: OAuth client ids, comma separated (organization job).
    pub client_ids: String,
    /// Filter: organization ids, comma separated (client job).
    pub org_ids: String,
    /// ThousandEyes account group id.
    pub aid: String,
    /// ThousandEyes `expand` values.
    pub expand: Vec<String>,
}

impl Default for QuerySpec {
    fn default() -> Self {
        QuerySpec {
            kind: Kind::Org,
            preset: Preset::Last7,
            from: String::new(),
            to: String::new(),
            granularity: "Day".into(),
            group_by: vec!["OAuthClientId".into()],
            metrics: Vec::new(),
            client_id: String::new(),
            days: 7,
            client_names: String::new(),
            methods: Vec::new(),
            templates: String::new(),
            platforms: String::new(),
            user_ids: String::new(),
            client_ids: String::new(),
            org_ids: String::new(),
            aid: String::new(),
            expand: vec!["test".into(), "enterprise-agent-unit".into()],
        }
    }
}

/// A free-text field of the query form: its URL parameter, its label, the
/// kinds that use it and where it lives in [`QuerySpec`]. The form, the URL
/// reader and the URL writer all walk [`TEXT_PARAMS`], so a field is added in
/// one place.
#[derive(Clone, Copy)]
pub struct TextParam {
    /// URL parameter.
    pub key: &'static str,
    /// Label in the form.
    pub label: &'static str,
    /// Test id of its input.
    pub testid: &'static str,
    /// An example value.
    pub placeholder: &'static str,
    /// Whether a kind uses it.
    pub used_by: fn(Kind) -> bool,
    /// Reads it.
    pub get: fn(&QuerySpec) -> &String,
    /// Writes it.
    pub set: fn(&mut QuerySpec) -> &mut String,
}

// One field a line: these are a table.

/// The OAuth client whose usage is asked for.
#[rustfmt::skip]
pub static CLIENT_ID: TextParam = TextParam { key: "client", label: "OAuth client id", testid: "client-id", placeholder: "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa", used_by: Kind::needs_client_id, get: |s| &s.client_id, set: |s| &mut s.client_id };

/// The endpoint templates filter (beside the HTTP methods).
#[rustfmt::skip]
pub static TEMPLATES: TextParam = TextParam { key: "templates", label: "Endpoint templates (comma separated)", testid: "filter-templates", placeholder: "api/v2/users/{userId}", used_by: |k| !k.method_options().is_empty(), get: |s| &s.templates, set: |s| &mut s.templates };

/// The ThousandEyes account group.
#[rustfmt::skip]
pub static ACCOUNT_GROUP: TextParam = TextParam { key: "aid", label: "Account group id (optional)", testid: "te-aid", placeholder: "1234", used_by: |k| matches!(k, Kind::TeUsage | Kind::TeTests), get: |s| &s.aid, set: |s| &mut s.aid };

/// The comma-separated id and name filters, in the order the form shows them.
#[rustfmt::skip]
pub static LIST_FILTERS: [TextParam; 5] = [
    TextParam { key: "names", label: "OAuth client names (comma separated)", testid: "filter-client-names", placeholder: "", used_by: |k| k == Kind::Search, get: |s| &s.client_names, set: |s| &mut s.client_names },
    TextParam { key: "platforms", label: "Platforms (comma separated)", testid: "filter-platforms", placeholder: "", used_by: |k| matches!(k, Kind::Job | Kind::ClientJob), get: |s| &s.platforms, set: |s| &mut s.platforms },
    TextParam { key: "users", label: "User ids (comma separated)", testid: "filter-users", placeholder: "", used_by: |k| k == Kind::Job, get: |s| &s.user_ids, set: |s| &mut s.user_ids },
    TextParam { key: "clients", label: "OAuth client ids (comma separated)", testid: "filter-client-ids", placeholder: "", used_by: |k| k == Kind::Job, get: |s| &s.client_ids, set: |s| &mut s.client_ids },
    TextParam { key: "orgs", label: "Organization ids (comma separated)", testid: "filter-orgs", placeholder: "", used_by: |k| k == Kind::ClientJob, get: |s| &s.org_ids, set: |s| &mut s.org_ids },
];

/// Every free-text field of the form.
pub fn text_params() -> impl Iterator<Item = &'static TextParam> {
    [&CLIENT_ID, &TEMPLATES, &ACCOUNT_GROUP]
        .into_iter()
        .chain(LIST_FILTERS.iter())
}

/// The `expand` values of `GET /v7/usage`, with labels.
pub const EXPAND_OPTIONS: [(&str, &str); 6] = [
    ("test", "Tests"),
    ("enterprise-agent-unit", "Enterprise agent units"),
    ("enterprise-agent", "Enterprise agents"),
    ("endpoint-agent", "Endpoint agents"),
    ("endpoint-agent-essential", "Endpoint Agent Essentials"),
    ("endpoint-agent-embedded", "Embedded endpoint agents"),
];

/// A request ready for a client, checked.
#[derive(Clone)]
pub enum Request {
    /// Organization usage.
    Org(ApiUsageOrganizationQuery),
    /// One client's usage.
    Client(String, ApiUsageClientQuery),
    /// One client's summary.
    Summary(String, Option<u32>),
    /// Simple search.
    Search(ApiUsageSimpleSearch),
    /// Organization job.
    Job(OrganizationPublicApiUsageQueryRequest),
    /// Client job.
    ClientJob(String, ClientPublicApiUsageQueryRequest),
    /// ThousandEyes usage.
    TeUsage(UsageParams),
    /// ThousandEyes units per test.
    TeTests(TestsUnitsParams),
    /// ThousandEyes agent units.
    TeAgents(EnterpriseAgentsUnitsParams),
}

fn split_list(s: &str) -> Option<Vec<String>> {
    let v: Vec<String> = s
        .split([',', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect();
    (!v.is_empty()).then_some(v)
}

fn wire<T: DeserializeOwned>(what: &str, values: &[String]) -> Result<Option<Vec<T>>, String> {
    if values.is_empty() {
        return Ok(None);
    }
    values
        .iter()
        .map(|v| {
            serde_json::from_value::<T>(serde_json::Value::String(v.clone()))
                .map_err(|_| format!("{what} `{v}` is not valid for this query"))
        })
        .collect::<Result<Vec<T>, String>>()
        .map(Some)
}

fn wire_one<T: DeserializeOwned>(what: &str, value: &str) -> Result<Option<T>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    serde_json::from_value::<T>(serde_json::Value::String(value.to_string()))
        .map(Some)
        .map_err(|_| format!("{what} `{value}` is not valid"))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` text.
pub fn day_number(text: &str) -> Option<i64> {
    parse_instant(text.trim())
        .ok()
        .map(|i| i.secs.div_euclid(DAY))
}

/// A day number as `YYYY-MM-DD`.
pub fn day_text(day: i64) -> String {
    format_date(day * DAY)
}

/// The client id, checked by the Genesys module's rule and reworded.
fn check_client_id(id: &str) -> Result<String, String> {
    if id.trim().is_empty() {
        return Err(
            "Enter the OAuth client id (it looks like 3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa)."
                .into(),
        );
    }
    genesys::check_id("clientId", id).map_err(|_| {
        "The OAuth client id may only contain letters, digits, `-`, `_`, `.` and `~`.".to_string()
    })?;
    Ok(id.trim().to_string())
}

impl QuerySpec {
    /// First and last day (inclusive) of the interval, or why it is not valid.
    pub fn days_range(&self, today: i64) -> Result<(i64, i64), String> {
        let (a, b) = match self.preset.days(today) {
            Some(r) => r,
            None => {
                let a = day_number(&self.from).ok_or("Enter a start date (YYYY-MM-DD).")?;
                let b = day_number(&self.to).ok_or("Enter an end date (YYYY-MM-DD).")?;
                (a, b)
            }
        };
        if a > b {
            return Err("The start date is after the end date.".into());
        }
        if b >= today && !self.kind.is_te() {
            return Err("Usage is counted up to yesterday: pick an end date before today.".into());
        }
        if matches!(self.kind, Kind::Job | Kind::ClientJob) {
            // Longer than one job is run in parts; the start's limit is a
            // year to the second, so the day a full year back is out.
            if a <= today - genesys::JOB_LOOKBACK_DAYS {
                return Err(format!(
                    "An aggregates job may start at most a year ago: start on {} or later.",
                    day_text(today - genesys::JOB_LOOKBACK_DAYS + 1)
                ));
            }
        }
        if self.preset.is_long() && !self.kind.answers_a_year() {
            return Err(format!(
                "{} answers at most 90 days: pick a shorter interval.",
                self.kind.label()
            ));
        }
        if a < days_from_civil(2018, 1, 1) {
            return Err("Usage data starts on 2018-01-01.".into());
        }
        Ok((a, b))
    }

    /// The interval in the form every Genesys endpoint takes (both ends are whole days).
    pub fn interval(&self, today: i64) -> Result<String, String> {
        let (a, b) = self.days_range(today)?;
        Ok(format!("{}/{}", day_text(a), day_text(b)))
    }

    /// Checks the form and builds the request. `now_secs` is the current time.
    pub fn build(&self, now_secs: i64) -> Result<Request, String> {
        let today = now_secs.div_euclid(DAY);
        let gran = || wire_one("granularity", &self.granularity);
        match self.kind {
            Kind::Org => Ok(Request::Org(ApiUsageOrganizationQuery {
                interval: self.interval(today)?,
                granularity: gran()?,
                metrics: wire("metric", &self.metrics)?,
                group_by: wire("group by", &self.group_by)?,
            })),
            Kind::Client => Ok(Request::Client(
                check_client_id(&self.client_id)?,
                ApiUsageClientQuery {
                    interval: self.interval(today)?,
                    granularity: gran()?,
                    metrics: wire("metric", &self.metrics)?,
                    group_by: wire("group by", &self.group_by)?,
                },
            )),
            Kind::Summary => {
                if genesys::check_summary_days(self.days).is_err() {
                    return Err(format!(
                        "A client summary covers {} to {} days.",
                        genesys::SUMMARY_DAYS.start(),
                        genesys::SUMMARY_DAYS.end()
                    ));
                }
                Ok(Request::Summary(
                    check_client_id(&self.client_id)?,
                    Some(self.days),
                ))
            }
            Kind::Search => Ok(Request::Search(ApiUsageSimpleSearch {
                interval: self.interval(today)?,
                metrics: wire("column", &self.metrics)?,
                oauth_client_names: split_list(&self.client_names),
                http_methods: wire("method", &self.methods)?,
                template_uris: split_list(&self.templates),
            })),
            Kind::Job => Ok(Request::Job(OrganizationPublicApiUsageQueryRequest {
                interval: self.interval(today)?,
                granularity: gran()?,
                metrics: wire("metric", &self.metrics)?,
                group_by: wire("group by", &self.group_by)?,
                template_uris: split_list(&self.templates),
                http_methods: wire("method", &self.methods)?,
                platforms: split_list(&self.platforms),
                user_ids: split_list(&self.user_ids),
                oauth_client_ids: split_list(&self.client_ids),
                ..Default::default()
            })),
            Kind::ClientJob => Ok(Request::ClientJob(
                check_client_id(&self.client_id)?,
                ClientPublicApiUsageQueryRequest {
                    interval: self.interval(today)?,
                    granularity: gran()?,
                    metrics: wire("metric", &self.metrics)?,
                    group_by: wire("group by", &self.group_by)?,
                    template_uris: split_list(&self.templates),
                    http_methods: wire("method", &self.methods)?,
                    platforms: split_list(&self.platforms),
                    organization_ids: split_list(&self.org_ids),
                    ..Default::default()
                },
            )),
            Kind::TeUsage => Ok(Request::TeUsage(UsageParams {
                aid: self.checked_aid()?,
                expand: wire("expand", &self.expand)?,
            })),
            Kind::TeTests => {
                let (start, end) = self.te_range(now_secs)?;
                Ok(Request::TeTests(TestsUnitsParams {
                    aid: self.checked_aid()?,
                    start_date: Some(start),
                    end_date: Some(end),
                }))
            }
            Kind::TeAgents => {
                let (start, end) = self.te_range(now_secs)?;
                Ok(Request::TeAgents(EnterpriseAgentsUnitsParams {
                    start_date: Some(start),
                    end_date: Some(end),
                }))
            }
        }
    }

    fn checked_aid(&self) -> Result<Option<String>, String> {
        let t = self.aid.trim();
        if t.is_empty() {
            return Ok(None);
        }
        thousandeyes::check_aid(t)
            .map(Some)
            .map_err(|_| "The account group id is a number, such as 1234.".to_string())
    }

    fn te_range(&self, now_secs: i64) -> Result<(String, String), String> {
        let today = now_secs.div_euclid(DAY);
        let (a, b) = self.days_range(today)?;
        let end = ((b + 1) * DAY).min(now_secs);
        Ok((format_timestamp(a * DAY), format_timestamp(end)))
    }

    /// A short name for files: kind, interval and granularity.
    pub fn file_stem(&self, now_secs: i64) -> String {
        let today = now_secs.div_euclid(DAY);
        let mut parts = vec!["usage-lens".to_string(), self.kind.as_str().to_string()];
        if self.kind.has_interval() {
            if let Ok((a, b)) = self.days_range(today) {
                parts.push(format!("{}_{}", day_text(a), day_text(b)));
            }
        } else if self.kind == Kind::Summary {
            parts.push(format!("{}d", self.days));
        } else {
            parts.push("current-period".into());
        }
        if self.kind.has_granularity() {
            parts.push(if self.granularity.is_empty() {
                "total".to_string()
            } else {
                self.granularity.to_ascii_lowercase()
            });
        }
        parts.join("_")
    }

    /// Keeps only the toggles valid for the current kind (after the kind changed).
    pub fn normalise(&mut self) {
        if self.preset.is_long() && !self.kind.answers_a_year() {
            self.preset = Preset::Last90;
        }
        let groups = self.kind.group_by_options();
        self.group_by.retain(|g| groups.iter().any(|(w, _)| w == g));
        if self.group_by.is_empty() {
            if let Some((first, _)) = groups.first() {
                self.group_by.push((*first).to_string());
            }
        }
        let metrics = self.kind.metric_options();
        self.metrics.retain(|m| metrics.iter().any(|(w, _)| w == m));
        let methods = self.kind.method_options();
        self.methods.retain(|m| methods.contains(&m.as_str()));
        if !matches!(self.granularity.as_str(), "" | "Day" | "Week" | "Month") {
            self.granularity = "Day".into();
        }
        self.expand
            .retain(|e| EXPAND_OPTIONS.iter().any(|(w, _)| w == e));
    }

    /// The query as URL parameters (never a token): only what the kind uses,
    /// defaults left out.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let d = QuerySpec::default();
        let k = self.kind;
        let mut out = vec![("q", k.as_str().to_string())];
        let mut push = |k: &'static str, v: String, dv: String| {
            if v != dv {
                out.push((k, v));
            }
        };
        if k.has_interval() {
            push(
                "range",
                self.preset.as_str().into(),
                d.preset.as_str().into(),
            );
            if self.preset == Preset::Custom {
                push("from", self.from.clone(), String::new());
                push("to", self.to.clone(), String::new());
            }
        }
        if k.has_granularity() {
            push("gran", self.granularity.clone(), d.granularity.clone());
        }
        if !k.group_by_options().is_empty() {
            let default_group = k
                .group_by_options()
                .first()
                .map(|(w, _)| w.to_string())
                .unwrap_or_default();
            push("group", self.group_by.join(","), default_group);
        }
        if !k.metric_options().is_empty() {
            push("metrics", self.metrics.join(","), String::new());
        }
        if k == Kind::Summary {
            push("days", self.days.to_string(), d.days.to_string());
        }
        if !k.method_options().is_empty() {
            push("methods", self.methods.join(","), String::new());
        }
        for p in text_params().filter(|p| (p.used_by)(k)) {
            push(p.key, (p.get)(self).clone(), String::new());
        }
        if k == Kind::TeUsage {
            push("expand", self.expand.join(","), d.expand.join(","));
        }
        out
    }

    /// Reads the query from URL parameters; unknown or invalid values fall back to defaults.
    pub fn from_params(params: &[(String, String)]) -> Option<QuerySpec> {
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let kind = Kind::parse(&get("q")?)?;
        let mut s = QuerySpec {
            kind,
            ..QuerySpec::default()
        };
        let list = |v: String| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        if let Some(p) = get("range").as_deref().and_then(Preset::parse) {
            s.preset = p;
        }
        if let Some(v) = get("from") {
            s.from = v;
        }
        if let Some(v) = get("to") {
            s.to = v;
        }
        if let Some(v) = get("gran") {
            s.granularity = v;
        }
        match get("group") {
            Some(v) => s.group_by = list(v),
            // Absent: the kind's default (normalise picks its first grouping).
            None => s.group_by.clear(),
        }
        if let Some(v) = get("metrics") {
            s.metrics = list(v);
        }
        if let Some(v) = get("days").and_then(|d| d.parse().ok()) {
            s.days = v;
        }
        if let Some(v) = get("methods") {
            s.methods = list(v);
        }
        for p in text_params() {
            if let Some(v) = get(p.key) {
                *(p.set)(&mut s) = v;
            }
        }
        if let Some(v) = get("expand") {
            s.expand = list(v);
        }
        s.normalise();
        Some(s)
    }
}
