//! What a person asked for, as plain data: the query kind, the interval, the
//! toggles and the filters. It round-trips through the page URL (never with a
//! token) and turns into the library's request types, checked before anything
//! is sent.

use serde::de::DeserializeOwned;

use crate::genesys::validate::{usage_data_start_date, usage_data_start_day};
use crate::genesys::{
    self, ApiUsageClientQuery, ApiUsageOrganizationQuery, ApiUsageSimpleSearch,
    ClientPublicApiUsageQueryRequest, OrganizationPublicApiUsageQueryRequest,
};
use crate::genesys::{
    ClientGroupBy, ClientJobGroupBy, JobHttpMethod, JobMetric, OrganizationGroupBy,
    OrganizationJobGroupBy, SimpleSearchHttpMethod, SimpleSearchMetric, UsageMetric,
};
use crate::thousandeyes::{self, EnterpriseAgentsUnitsParams, TestsUnitsParams, UsageParams};
use crate::time::{format_date, format_timestamp, parse_instant, DAY};

pub use super::options::Choice;
use super::options::{choices, expand_choices, granularity_choices, offers};
pub use super::presets::Preset;

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

    /// The group-by values the endpoint accepts (wire name, label).
    pub fn group_by_options(self) -> Vec<Choice> {
        match self {
            Kind::Org => choices::<OrganizationGroupBy>(),
            Kind::Client => choices::<ClientGroupBy>(),
            Kind::Job => choices::<OrganizationJobGroupBy>(),
            Kind::ClientJob => choices::<ClientJobGroupBy>(),
            _ => Vec::new(),
        }
    }

    /// The metrics (or simple-search columns) the endpoint accepts.
    pub fn metric_options(self) -> Vec<Choice> {
        match self {
            Kind::Org | Kind::Client => choices::<UsageMetric>(),
            Kind::Job | Kind::ClientJob => choices::<JobMetric>(),
            Kind::Search => choices::<SimpleSearchMetric>(),
            _ => Vec::new(),
        }
    }

    /// The HTTP methods the endpoint can filter on.
    pub fn method_options(self) -> Vec<Choice> {
        match self {
            Kind::Search => choices::<SimpleSearchHttpMethod>(),
            Kind::Job | Kind::ClientJob => choices::<JobHttpMethod>(),
            _ => Vec::new(),
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

/// A list of toggles in [`QuerySpec`], for the chips that edit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggles {
    /// The group-by wire names.
    GroupBy,
    /// The metric (or column) wire names.
    Metrics,
    /// The HTTP methods.
    Methods,
    /// The ThousandEyes `expand` values.
    Expand,
}

impl Toggles {
    /// The values switched on.
    pub fn of(self, spec: &QuerySpec) -> &Vec<String> {
        match self {
            Toggles::GroupBy => &spec.group_by,
            Toggles::Metrics => &spec.metrics,
            Toggles::Methods => &spec.methods,
            Toggles::Expand => &spec.expand,
        }
    }

    fn of_mut(self, spec: &mut QuerySpec) -> &mut Vec<String> {
        match self {
            Toggles::GroupBy => &mut spec.group_by,
            Toggles::Metrics => &mut spec.metrics,
            Toggles::Methods => &mut spec.methods,
            Toggles::Expand => &mut spec.expand,
        }
    }

    /// The values `kind` offers for the list.
    pub fn options(self, kind: Kind) -> Vec<Choice> {
        match self {
            Toggles::GroupBy => kind.group_by_options(),
            Toggles::Metrics => kind.metric_options(),
            Toggles::Methods => kind.method_options(),
            Toggles::Expand if kind == Kind::TeUsage => expand_choices(),
            Toggles::Expand => Vec::new(),
        }
    }

    /// The start of its chips' test ids.
    pub fn prefix(self) -> &'static str {
        match self {
            Toggles::GroupBy => "group",
            Toggles::Metrics => "metric",
            Toggles::Methods => "method",
            Toggles::Expand => "expand",
        }
    }

    /// Switches `value` on (last in the list) or off.
    pub fn toggle(self, spec: &mut QuerySpec, value: &str, on: bool) {
        let list = self.of_mut(spec);
        list.retain(|v| v != value);
        if on {
            list.push(value.to_string());
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

/// The body of a usage query: the fields every interval query of Genesys
/// shares (interval, granularity, metrics, group-by, checked in that order),
/// then the fields of its own (`rest`).
macro_rules! usage_body {
    ($spec:ident, $today:ident, $body:ident { $($rest:tt)* }) => {
        $body {
            interval: $spec.interval($today)?,
            granularity: $spec.granularity()?,
            metrics: wire("metric", &$spec.metrics)?,
            group_by: wire("group by", &$spec.group_by)?,
            $($rest)*
        }
    };
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
        if a < usage_data_start_day() {
            return Err(format!("Usage data starts on {}.", usage_data_start_date()));
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
        Ok(match self.kind {
            Kind::Org => Request::Org(usage_body!(self, today, ApiUsageOrganizationQuery {})),
            Kind::Client => Request::Client(
                check_client_id(&self.client_id)?,
                usage_body!(self, today, ApiUsageClientQuery {}),
            ),
            Kind::Summary => self.summary()?,
            Kind::Search => Request::Search(ApiUsageSimpleSearch {
                interval: self.interval(today)?,
                metrics: wire("column", &self.metrics)?,
                oauth_client_names: split_list(&self.client_names),
                http_methods: wire("method", &self.methods)?,
                template_uris: split_list(&self.templates),
            }),
            Kind::Job => Request::Job(usage_body!(
                self,
                today,
                OrganizationPublicApiUsageQueryRequest {
                    template_uris: split_list(&self.templates),
                    http_methods: wire("method", &self.methods)?,
                    platforms: split_list(&self.platforms),
                    user_ids: split_list(&self.user_ids),
                    oauth_client_ids: split_list(&self.client_ids),
                    ..Default::default()
                }
            )),
            Kind::ClientJob => Request::ClientJob(
                check_client_id(&self.client_id)?,
                usage_body!(
                    self,
                    today,
                    ClientPublicApiUsageQueryRequest {
                        template_uris: split_list(&self.templates),
                        http_methods: wire("method", &self.methods)?,
                        platforms: split_list(&self.platforms),
                        organization_ids: split_list(&self.org_ids),
                        ..Default::default()
                    }
                ),
            ),
            Kind::TeUsage => Request::TeUsage(UsageParams {
                aid: self.checked_aid()?,
                expand: wire("expand", &self.expand)?,
            }),
            Kind::TeTests => {
                let (start, end) = self.te_range(now_secs)?;
                Request::TeTests(TestsUnitsParams {
                    aid: self.checked_aid()?,
                    start_date: Some(start),
                    end_date: Some(end),
                })
            }
            Kind::TeAgents => {
                let (start, end) = self.te_range(now_secs)?;
                Request::TeAgents(EnterpriseAgentsUnitsParams {
                    start_date: Some(start),
                    end_date: Some(end),
                })
            }
        })
    }

    /// The granularity, parsed by its vendor enum (empty: one total).
    fn granularity(&self) -> Result<Option<genesys::Granularity>, String> {
        wire_one("granularity", &self.granularity)
    }

    /// A client summary: the days checked by the Genesys module's rule.
    fn summary(&self) -> Result<Request, String> {
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

    /// Picks an interval preset. Going to custom dates from a preset starts
    /// them at that preset's days on `today`, so the dates are never blank.
    pub fn choose_preset(&mut self, preset: Preset, today: i64) {
        if preset == Preset::Custom && self.from.is_empty() {
            if let Some((a, b)) = self.preset.days(today) {
                self.from = day_text(a);
                self.to = day_text(b);
            }
        }
        self.preset = preset;
    }

    /// Keeps only the toggles valid for the current kind (after the kind changed).
    pub fn normalise(&mut self) {
        if self.preset.is_long() && !self.kind.answers_a_year() {
            self.preset = Preset::Last90;
        }
        let groups = self.kind.group_by_options();
        self.group_by.retain(|g| offers(&groups, g));
        if self.group_by.is_empty() {
            if let Some((first, _)) = groups.first() {
                self.group_by.push(first.clone());
            }
        }
        let metrics = self.kind.metric_options();
        self.metrics.retain(|m| offers(&metrics, m));
        let methods = self.kind.method_options();
        self.methods.retain(|m| offers(&methods, m));
        if !offers(&granularity_choices(), &self.granularity) {
            self.granularity = QuerySpec::default().granularity;
        }
        let expand = expand_choices();
        self.expand.retain(|e| offers(&expand, e));
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
                .into_iter()
                .next()
                .map(|(w, _)| w)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::days_from_civil;

    /// 2024-03-15 12:00 UTC.
    fn now() -> i64 {
        days_from_civil(2024, 3, 15) * DAY + 12 * 3600
    }

    fn params(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn owned(p: Vec<(&'static str, String)>) -> Vec<(String, String)> {
        p.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// A form of `kind` with something other than the default in every field it uses.
    fn filled(kind: Kind) -> QuerySpec {
        let mut s = QuerySpec {
            kind,
            preset: Preset::Custom,
            from: "2024-03-01".into(),
            to: "2024-03-10".into(),
            granularity: "Week".into(),
            days: 30,
            ..QuerySpec::default()
        };
        s.group_by = kind
            .group_by_options()
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        s.metrics = kind
            .metric_options()
            .into_iter()
            .take(2)
            .map(|(w, _)| w)
            .collect();
        s.methods = kind
            .method_options()
            .into_iter()
            .skip(1)
            .map(|(w, _)| w)
            .collect();
        for p in text_params().filter(|p| (p.used_by)(kind)) {
            *(p.set)(&mut s) = format!("{}-value", p.key);
        }
        s.client_id = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa".into();
        s.aid = "1234".into();
        s.expand = vec!["endpoint-agent".into()];
        s
    }

    #[test]
    fn every_kind_round_trips_through_the_url() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            let spec = filled(kind);
            let url = owned(spec.to_params());
            let back = QuerySpec::from_params(&url).unwrap();
            assert_eq!(
                owned(back.to_params()),
                url,
                "{kind:?}: what the URL says is read back the same"
            );
            assert_eq!(back.kind, kind);
            assert_eq!(back.build(now()).is_ok(), spec.build(now()).is_ok());
            let default = QuerySpec {
                kind,
                ..QuerySpec::default()
            };
            let mut normal = default.clone();
            normal.normalise();
            let back = QuerySpec::from_params(&owned(default.to_params())).unwrap();
            assert_eq!(
                back, normal,
                "{kind:?}: the defaults are left out and come back"
            );
        }
    }

    #[test]
    fn the_url_holds_only_what_the_kind_uses() {
        let url = owned(filled(Kind::Org).to_params());
        let keys: Vec<&str> = url.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["q", "range", "from", "to", "gran", "group", "metrics"]
        );
        let url = owned(filled(Kind::TeUsage).to_params());
        assert_eq!(
            url,
            params(&[
                ("q", "te-usage"),
                ("aid", "1234"),
                ("expand", "endpoint-agent")
            ])
        );
    }

    #[test]
    fn bad_params_fall_back_to_defaults_and_never_panic() {
        assert_eq!(
            QuerySpec::from_params(&params(&[])),
            None,
            "no kind: no query"
        );
        assert_eq!(QuerySpec::from_params(&params(&[("q", "nope")])), None);
        let s = QuerySpec::from_params(&params(&[
            ("q", "org"),
            ("range", "8d"),
            ("gran", "Fortnight"),
            ("group", "Nope,UserId,,"),
            ("metrics", "Status429,Status999"),
            ("days", "-3"),
            ("methods", "GET"),
            ("expand", "nothing"),
        ]))
        .unwrap();
        assert_eq!(s.preset, Preset::Last7);
        assert_eq!(s.granularity, "Day");
        assert_eq!(s.group_by, ["UserId"]);
        assert_eq!(s.metrics, ["Status429"]);
        assert_eq!(s.days, 7);
        assert!(
            s.methods.is_empty(),
            "the legacy query has no method filter"
        );
        assert!(s.expand.is_empty());
        assert!(s.build(now()).is_ok());
        // A grouping of another kind is dropped, and the kind's first one stands in.
        let s =
            QuerySpec::from_params(&params(&[("q", "job"), ("group", "OAuthClientId")])).unwrap();
        assert_eq!(s.group_by, ["OauthClientName"]);
        // A long preset on a kind that answers 90 days at most.
        let s = QuerySpec::from_params(&params(&[("q", "search"), ("range", "12m")])).unwrap();
        assert_eq!(s.preset, Preset::Last90);
    }

    #[test]
    fn custom_dates_start_at_the_preset_left() {
        let today = days_from_civil(2024, 3, 1);
        let mut s = QuerySpec::default();
        s.choose_preset(Preset::LastMonth, today);
        s.choose_preset(Preset::Custom, today);
        assert_eq!(
            (s.from.as_str(), s.to.as_str()),
            ("2024-02-01", "2024-02-29")
        );
        s.from = "2024-02-10".into();
        s.choose_preset(Preset::Last7, today);
        s.choose_preset(Preset::Custom, today);
        assert_eq!(s.from, "2024-02-10", "dates already typed are kept");
        assert_eq!(s.preset, Preset::Custom);
    }

    #[test]
    fn a_toggle_switches_one_value_and_keeps_the_order_of_choice() {
        let mut s = QuerySpec::default();
        Toggles::GroupBy.toggle(&mut s, "UserId", true);
        Toggles::GroupBy.toggle(&mut s, "UserId", true);
        assert_eq!(Toggles::GroupBy.of(&s), &["OAuthClientId", "UserId"]);
        Toggles::GroupBy.toggle(&mut s, "OAuthClientId", false);
        assert_eq!(Toggles::GroupBy.of(&s), &["UserId"]);
        Toggles::Metrics.toggle(&mut s, "Status429", true);
        Toggles::Methods.toggle(&mut s, "GET", true);
        Toggles::Expand.toggle(&mut s, "test", false);
        assert_eq!(s.metrics, ["Status429"]);
        assert_eq!(s.methods, ["GET"]);
        assert_eq!(s.expand, ["enterprise-agent-unit"]);
    }

    #[test]
    fn bad_dates_are_told_in_words() {
        let mut s = filled(Kind::Org);
        s.from = "not a date".into();
        assert_eq!(
            s.build(now()).err().unwrap(),
            "Enter a start date (YYYY-MM-DD)."
        );
        s.from = "2024-03-12".into();
        assert_eq!(
            s.build(now()).err().unwrap(),
            "The start date is after the end date."
        );
        s.to = "2024-03-15".into();
        assert!(s.build(now()).err().unwrap().contains("up to yesterday"));
    }

    #[test]
    fn usage_data_starts_at_the_genesys_floor() {
        let floor = usage_data_start_day();
        let mut s = filled(Kind::Org);
        s.from = day_text(floor);
        assert!(s.build(now()).is_ok());
        s.from = day_text(floor - 1);
        assert_eq!(
            s.build(now()).err().unwrap(),
            format!("Usage data starts on {}.", usage_data_start_date())
        );
    }

    #[test]
    fn every_offered_value_builds_a_request() {
        for kind in Kind::ALL {
            let options = [
                kind.group_by_options(),
                kind.metric_options(),
                kind.method_options(),
            ];
            for (i, list) in options.iter().enumerate() {
                for (wire, _) in list {
                    let mut s = filled(kind);
                    [&mut s.group_by, &mut s.metrics, &mut s.methods][i]
                        .clone_from(&vec![wire.clone()]);
                    assert!(s.build(now()).is_ok(), "{kind:?} {wire}");
                }
            }
        }
        let mut s = filled(Kind::Org);
        s.metrics = vec!["Status999".into()];
        assert_eq!(
            s.build(now()).err().unwrap(),
            "metric `Status999` is not valid for this query"
        );
    }

    #[test]
    fn the_two_jobs_carry_their_own_filters() {
        let Ok(Request::Job(job)) = filled(Kind::Job).build(now()) else {
            panic!("an organization job")
        };
        assert_eq!(job.interval, "2024-03-01/2024-03-10");
        assert_eq!(job.granularity, Some(genesys::Granularity::Week));
        assert_eq!(job.group_by.map(|g| g.len()), Some(6));
        assert_eq!(
            job.metrics,
            Some(vec![JobMetric::Requests, JobMetric::Status200])
        );
        assert_eq!(job.http_methods.map(|m| m.len()), Some(5));
        assert_eq!(job.template_uris, Some(vec!["templates-value".to_string()]));
        assert_eq!(job.platforms, Some(vec!["platforms-value".to_string()]));
        assert_eq!(job.user_ids, Some(vec!["users-value".to_string()]));
        assert_eq!(
            job.oauth_client_ids,
            Some(vec!["clients-value".to_string()])
        );
        let Ok(Request::ClientJob(id, job)) = filled(Kind::ClientJob).build(now()) else {
            panic!("a client job")
        };
        assert_eq!(id, "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa");
        assert_eq!(job.interval, "2024-03-01/2024-03-10");
        assert_eq!(job.group_by.map(|g| g.len()), Some(4));
        assert_eq!(job.platforms, Some(vec!["platforms-value".to_string()]));
        assert_eq!(job.organization_ids, Some(vec!["orgs-value".to_string()]));
        let Ok(Request::Org(org)) = filled(Kind::Org).build(now()) else {
            panic!("an organization query")
        };
        assert_eq!(org.interval, "2024-03-01/2024-03-10");
        assert_eq!(org.group_by.map(|g| g.len()), Some(5));
    }
}
