//! Genesys Cloud usage models, with the wire names of the API.
//!
//! Requests are strict: an unknown field or enum value is rejected with a
//! message that lists the allowed values. Responses are tolerant: every field
//! is optional, unknown fields are ignored, unknown enum values are kept as
//! `Unknown`, and `""` dimensions read as absent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "js")]
use tsify::Tsify;

use crate::models::{empty_as_none, none_or_empty, null_as_empty, open_enum, response_struct};

// ---------------------------------------------------------------- enums (requests)

/// Bucket size of a usage query. Omitted: one total for the whole interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum Granularity {
    /// One row per day (UTC).
    Day,
    /// One row per week.
    Week,
    /// One row per month.
    Month,
}

impl Granularity {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[Granularity::Day, Granularity::Week, Granularity::Month];
}

/// Counters of the legacy organization and client queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum UsageMetric {
    /// 2xx responses.
    Status200,
    /// 3xx responses.
    Status300,
    /// 4xx responses (429s included).
    Status400,
    /// 5xx responses.
    Status500,
    /// 429 responses.
    Status429,
    /// All requests.
    Requests,
}

impl UsageMetric {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        UsageMetric::Requests,
        UsageMetric::Status200,
        UsageMetric::Status300,
        UsageMetric::Status400,
        UsageMetric::Status429,
        UsageMetric::Status500,
    ];
}

/// Groupings of the legacy organization query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum OrganizationGroupBy {
    /// By OAuth client.
    #[serde(rename = "OAuthClientId")]
    OAuthClientId,
    /// By organization.
    OrganizationId,
    /// By user.
    UserId,
    /// By endpoint template.
    TemplateUri,
    /// By HTTP method.
    HttpMethod,
}

impl OrganizationGroupBy {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        OrganizationGroupBy::OAuthClientId,
        OrganizationGroupBy::OrganizationId,
        OrganizationGroupBy::UserId,
        OrganizationGroupBy::TemplateUri,
        OrganizationGroupBy::HttpMethod,
    ];
}

/// Groupings of the legacy OAuth-client query (no `UserId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum ClientGroupBy {
    /// By OAuth client.
    #[serde(rename = "OAuthClientId")]
    OAuthClientId,
    /// By organization.
    OrganizationId,
    /// By endpoint template.
    TemplateUri,
    /// By HTTP method.
    HttpMethod,
}

impl ClientGroupBy {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        ClientGroupBy::OAuthClientId,
        ClientGroupBy::OrganizationId,
        ClientGroupBy::TemplateUri,
        ClientGroupBy::HttpMethod,
    ];
}

/// Columns of a simple search (no `Requests`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum SimpleSearchMetric {
    /// The bucket date.
    Date,
    /// The OAuth client's name.
    ClientName,
    /// The HTTP method.
    HttpMethod,
    /// The endpoint template.
    TemplateUri,
    /// 2xx responses.
    Status200,
    /// 3xx responses.
    Status300,
    /// 4xx responses.
    Status400,
    /// 5xx responses.
    Status500,
    /// 429 responses.
    Status429,
}

impl SimpleSearchMetric {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        SimpleSearchMetric::Date,
        SimpleSearchMetric::ClientName,
        SimpleSearchMetric::HttpMethod,
        SimpleSearchMetric::TemplateUri,
        SimpleSearchMetric::Status200,
        SimpleSearchMetric::Status300,
        SimpleSearchMetric::Status400,
        SimpleSearchMetric::Status429,
        SimpleSearchMetric::Status500,
    ];
}

/// HTTP methods a simple search can filter on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
#[allow(clippy::upper_case_acronyms, missing_docs)]
pub enum SimpleSearchHttpMethod {
    GET,
    POST,
    DELETE,
    PATCH,
    PUT,
    HEAD,
    CONNECT,
    OPTIONS,
    TRACE,
}

impl SimpleSearchHttpMethod {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        SimpleSearchHttpMethod::GET,
        SimpleSearchHttpMethod::POST,
        SimpleSearchHttpMethod::PUT,
        SimpleSearchHttpMethod::PATCH,
        SimpleSearchHttpMethod::DELETE,
        SimpleSearchHttpMethod::HEAD,
        SimpleSearchHttpMethod::OPTIONS,
        SimpleSearchHttpMethod::CONNECT,
        SimpleSearchHttpMethod::TRACE,
    ];
}

/// Counters of the aggregates jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum JobMetric {
    /// All requests.
    Requests,
    /// 2xx responses.
    Status200,
    /// 3xx responses.
    Status300,
    /// 4xx responses.
    Status400,
    /// 429 responses.
    Status429,
    /// 5xx responses.
    Status500,
}

impl JobMetric {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        JobMetric::Requests,
        JobMetric::Status200,
        JobMetric::Status300,
        JobMetric::Status400,
        JobMetric::Status429,
        JobMetric::Status500,
    ];
}

/// HTTP methods the aggregates jobs can filter on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
#[allow(clippy::upper_case_acronyms, missing_docs)]
pub enum JobHttpMethod {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
    HEAD,
}

impl JobHttpMethod {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        JobHttpMethod::GET,
        JobHttpMethod::POST,
        JobHttpMethod::PUT,
        JobHttpMethod::PATCH,
        JobHttpMethod::DELETE,
        JobHttpMethod::HEAD,
    ];
}

/// Groupings of the organization aggregates job (note `OauthClientId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum OrganizationJobGroupBy {
    /// By OAuth client name.
    OauthClientName,
    /// By OAuth client id.
    OauthClientId,
    /// By user.
    UserId,
    /// By HTTP method.
    HttpMethod,
    /// By endpoint template.
    TemplateUri,
    /// By platform.
    Platform,
}

impl OrganizationJobGroupBy {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        OrganizationJobGroupBy::OauthClientName,
        OrganizationJobGroupBy::OauthClientId,
        OrganizationJobGroupBy::UserId,
        OrganizationJobGroupBy::HttpMethod,
        OrganizationJobGroupBy::TemplateUri,
        OrganizationJobGroupBy::Platform,
    ];
}

/// Groupings of the per-client aggregates job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum ClientJobGroupBy {
    /// By organization.
    OrganizationId,
    /// By HTTP method.
    HttpMethod,
    /// By endpoint template.
    TemplateUri,
    /// By platform.
    Platform,
}

impl ClientJobGroupBy {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        ClientJobGroupBy::OrganizationId,
        ClientJobGroupBy::HttpMethod,
        ClientJobGroupBy::TemplateUri,
        ClientJobGroupBy::Platform,
    ];
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

// ---------------------------------------------------------------- requests

/// Body of `POST /api/v2/usage/query`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct ApiUsageOrganizationQuery {
    /// ISO 8601 `start/end`, for example `2026-07-01T00:00:00Z/2026-07-08T00:00:00Z` or `2026-06/2026-07`.
    pub interval: String,
    /// Bucket size; omitted gives one total per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub granularity: Option<Granularity>,
    /// Counters to return; omitted returns all.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub metrics: Option<Vec<UsageMetric>>,
    /// Groupings; omitted groups by OAuth client.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub group_by: Option<Vec<OrganizationGroupBy>>,
}

/// Body of `POST /api/v2/oauth/clients/{clientId}/usage/query`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct ApiUsageClientQuery {
    /// ISO 8601 `start/end`.
    pub interval: String,
    /// Bucket size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub granularity: Option<Granularity>,
    /// Counters to return; omitted returns all.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub metrics: Option<Vec<UsageMetric>>,
    /// Groupings.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub group_by: Option<Vec<ClientGroupBy>>,
}

/// Body of `POST /api/v2/usage/simplesearch`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct ApiUsageSimpleSearch {
    /// ISO 8601 `start/end`.
    pub interval: String,
    /// Columns to return; omitted returns all.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub metrics: Option<Vec<SimpleSearchMetric>>,
    /// Only these OAuth client names.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub oauth_client_names: Option<Vec<String>>,
    /// Only these HTTP methods.
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub http_methods: Option<Vec<SimpleSearchHttpMethod>>,
    /// Only these endpoint templates, spelled as returned (`api/v2/users/{userId}`).
    #[serde(default, skip_serializing_if = "none_or_empty")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub template_uris: Option<Vec<String>>,
}

/// A sort key of the aggregates jobs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct UsageQuerySortBy {
    /// A row field such as `requestCount` or `date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub field_name: Option<String>,
    /// Direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub order: Option<SortOrder>,
}

/// Declares the body of an aggregates job: the interval, bucket size, sort
/// keys, counters and filters both jobs take, then the endpoint's own
/// groupings and id filters.
macro_rules! job_request {
    (
        $(#[$meta:meta])* $name:ident {
            $(#[$gmeta:meta])* group_by: $group:ty,
            $($(#[$fmeta:meta])* $field:ident),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[cfg_attr(feature = "js", derive(Tsify))]
        pub struct $name {
            /// ISO 8601 `start/end`, both inclusive: at most 90 days, starting at most a year back.
            pub interval: String,
            /// Bucket size.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub granularity: Option<Granularity>,
            /// Sort keys.
            #[serde(default, skip_serializing_if = "none_or_empty")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub sort_by: Option<Vec<UsageQuerySortBy>>,
            /// Counters; all by default.
            #[serde(default, skip_serializing_if = "none_or_empty")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub metrics: Option<Vec<JobMetric>>,
            /// Only these endpoint templates.
            #[serde(default, skip_serializing_if = "none_or_empty")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub template_uris: Option<Vec<String>>,
            /// Only these HTTP methods.
            #[serde(default, skip_serializing_if = "none_or_empty")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub http_methods: Option<Vec<JobHttpMethod>>,
            /// Only these platforms.
            #[serde(default, skip_serializing_if = "none_or_empty")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub platforms: Option<Vec<String>>,
            $(#[$gmeta])*
            #[serde(default, skip_serializing_if = "none_or_empty")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub group_by: Option<Vec<$group>>,
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "none_or_empty")]
                #[cfg_attr(feature = "js", tsify(optional))]
                pub $field: Option<Vec<String>>,
            )+
        }
    };
}

job_request! {
    /// Body of `POST /api/v2/usage/aggregates/query/jobs`.
    OrganizationPublicApiUsageQueryRequest {
        /// Groupings; by default nothing is aggregated.
        group_by: OrganizationJobGroupBy,
        /// Only these users.
        user_ids,
        /// Only these OAuth clients.
        oauth_client_ids,
    }
}

job_request! {
    /// Body of `POST /api/v2/usage/client/{clientId}/aggregates/query/jobs`.
    ClientPublicApiUsageQueryRequest {
        /// Groupings.
        group_by: ClientJobGroupBy,
        /// Only these organizations.
        organization_ids,
    }
}

// ---------------------------------------------------------------- responses

open_enum! {
    /// `queryStatus` of the legacy executions.
    QueryStatus {
        /// Not finished.
        Running = "Running",
        /// Finished: `results` holds the rows.
        Complete = "Complete",
        /// Failed; resubmit.
        Failed = "Failed",
    }
}

open_enum! {
    /// `queryStatus` of the aggregates jobs.
    JobStatus {
        /// Waiting to run.
        Queued = "Queued",
        /// Running.
        Running = "Running",
        /// Finished: `entities` holds the rows.
        Succeeded = "Succeeded",
        /// Failed; `errorBody` may say why.
        Failed = "Failed",
        /// Cancelled.
        Cancelled = "Cancelled",
    }
}

response_struct! {
    /// Answer to the legacy submit calls: where to poll.
    UsageExecutionResult {
        /// The execution to poll.
        execution_id: String,
        /// Relative URI of the results.
        results_uri: String,
    }
}

response_struct! {
    /// Paging tokens of a simple search.
    #[derive(Eq)]
    Cursors {
        /// Cursor of the previous page.
        before: String,
        /// Cursor of the next page.
        after: String,
    }
}

response_struct! {
    /// One row of a legacy usage result.
    #[derive(Eq)]
    ApiUsageRow {
        /// OAuth client id.
        #[serde(deserialize_with = "empty_as_none")]
        client_id: String,
        /// OAuth client name.
        #[serde(deserialize_with = "empty_as_none")]
        client_name: String,
        /// Organization id.
        #[serde(deserialize_with = "empty_as_none")]
        organization_id: String,
        /// User id.
        #[serde(deserialize_with = "empty_as_none")]
        user_id: String,
        /// Endpoint template, without a leading slash.
        #[serde(deserialize_with = "empty_as_none")]
        template_uri: String,
        /// HTTP method.
        #[serde(deserialize_with = "empty_as_none")]
        http_method: String,
        /// 2xx responses.
        status200: i64,
        /// 3xx responses.
        status300: i64,
        /// 4xx responses, 429s included.
        status400: i64,
        /// 5xx responses.
        status500: i64,
        /// 429 responses.
        status429: i64,
        /// All requests.
        requests: i64,
        /// Start of the bucket (RFC 3339), when a granularity was set.
        #[serde(deserialize_with = "empty_as_none")]
        date: String,
    }
}

/// A legacy usage result: status, rows and (simple search) cursors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(from = "ApiUsageQueryResultWire")]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct ApiUsageQueryResult {
    /// The rows (every page's rows, for a simple search).
    pub results: Vec<ApiUsageRow>,
    /// Execution status.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub query_status: Option<QueryStatus>,
    /// Paging tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub cursors: Option<Cursors>,
    /// Set by usage-lens when a simple search reached the 20,000-record cap and
    /// rows may be missing (narrow the interval or use `splitOnCap`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub capped: bool,
}

/// The tolerant wire form of [`ApiUsageQueryResult`]: anything missing is empty.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[derive(Default)]
struct ApiUsageQueryResultWire {
    #[serde(deserialize_with = "null_as_empty")]
    results: Vec<ApiUsageRow>,
    query_status: Option<QueryStatus>,
    cursors: Option<Cursors>,
    capped: bool,
}

impl From<ApiUsageQueryResultWire> for ApiUsageQueryResult {
    fn from(w: ApiUsageQueryResultWire) -> Self {
        ApiUsageQueryResult {
            results: w.results,
            query_status: w.query_status,
            cursors: w.cursors,
            capped: w.capped,
        }
    }
}

response_struct! {
    /// Answer to the jobs submit calls.
    UsageQueryResponse {
        /// The job id.
        id: String,
        /// Name.
        name: String,
        /// Where to poll.
        results_uri: String,
        /// The job's own URI.
        self_uri: String,
    }
}

response_struct! {
    /// A reference to an entity (an OAuth client).
    #[derive(Eq)]
    DomainEntityRef {
        /// Id.
        id: String,
        /// Name.
        name: String,
        /// URI.
        self_uri: String,
    }
}

response_struct! {
    /// A reference to a user.
    #[derive(Eq)]
    UserReference {
        /// Id.
        id: String,
        /// URI.
        self_uri: String,
    }
}

response_struct! {
    /// One row of an aggregates job, organization or client. The organization
    /// job fills `oauthClient` and `user`; the client job fills `organizationId`.
    #[derive(Eq)]
    PublicApiUsage {
        /// `yyyy-MM-dd`.
        #[serde(deserialize_with = "empty_as_none")]
        date: String,
        /// Platform.
        #[serde(deserialize_with = "empty_as_none")]
        platform: String,
        /// HTTP method.
        #[serde(deserialize_with = "empty_as_none")]
        http_method: String,
        /// Endpoint template.
        #[serde(deserialize_with = "empty_as_none")]
        template_uri: String,
        /// All requests.
        request_count: i64,
        /// 2xx responses.
        status200: i64,
        /// 3xx responses.
        status300: i64,
        /// 4xx responses.
        status400: i64,
        /// 429 responses.
        status429: i64,
        /// 5xx responses.
        status500: i64,
        /// The OAuth client (organization job).
        oauth_client: DomainEntityRef,
        /// The user (organization job).
        user: UserReference,
        /// The organization (client job).
        #[serde(deserialize_with = "empty_as_none")]
        organization_id: String,
    }
}

/// Status and one page of rows of an aggregates job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(from = "PublicApiUsageResultsResponseWire")]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct PublicApiUsageResultsResponse {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub name: Option<String>,
    /// Job status.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub query_status: Option<JobStatus>,
    /// Why the job failed, when the vendor says.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub error_body: Option<ErrorBody>,
    /// The next page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub next_uri: Option<String>,
    /// The rows (every page's rows, in a result from usage-lens).
    pub entities: Vec<PublicApiUsage>,
    /// URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub self_uri: Option<String>,
    /// From usage-lens, for an interval longer than one job: how it was cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub parts: Option<JobParts>,
}

/// How usage-lens ran a jobs interval longer than one job allows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct JobParts {
    /// Jobs the interval was cut into (each at most 90 days, cut where a
    /// day, week or month starts, so no row's bucket is split).
    pub total: u32,
    /// No granularity was asked for: each row's counts are the sum of the
    /// parts' totals.
    pub summed: bool,
    /// On the rows handed back with a failure: the parts (`start/end`) whose
    /// rows are missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Buckets (days, weeks or months) read from the kept answers instead
    /// of being asked for again.
    #[serde(skip_serializing_if = "is_zero")]
    pub kept: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The tolerant wire form of [`PublicApiUsageResultsResponse`]: anything missing is empty.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[derive(Default)]
struct PublicApiUsageResultsResponseWire {
    name: Option<String>,
    query_status: Option<JobStatus>,
    error_body: Option<ErrorBody>,
    next_uri: Option<String>,
    #[serde(deserialize_with = "null_as_empty")]
    entities: Vec<PublicApiUsage>,
    self_uri: Option<String>,
    parts: Option<JobParts>,
}

impl From<PublicApiUsageResultsResponseWire> for PublicApiUsageResultsResponse {
    fn from(w: PublicApiUsageResultsResponseWire) -> Self {
        PublicApiUsageResultsResponse {
            name: w.name,
            query_status: w.query_status,
            error_body: w.error_body,
            next_uri: w.next_uri,
            entities: w.entities,
            self_uri: w.self_uri,
            parts: w.parts,
        }
    }
}

response_struct! {
    /// One detail of an error.
    #[derive(Eq)]
    Detail {
        /// Error code.
        error_code: String,
        /// The field at fault.
        field_name: String,
        /// Entity id.
        entity_id: String,
        /// Entity name.
        entity_name: String,
    }
}

response_struct! {
    /// The limit an error refers to (429s).
    #[derive(Eq)]
    Limit {
        /// Limit key, such as `token.rate.per.minute`.
        key: String,
        /// Namespace, such as `platform.api`.
        namespace: String,
        /// Value.
        value: i64,
    }
}

/// The Genesys error body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct ErrorBody {
    /// Message.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub message: Option<String>,
    /// Code, such as `missing.any.permissions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub code: Option<String>,
    /// HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub status: Option<i32>,
    /// Entity id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub entity_id: Option<String>,
    /// Entity name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub entity_name: Option<String>,
    /// Message template.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub message_with_params: Option<String>,
    /// Template values.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub message_params: Option<BTreeMap<String, String>>,
    /// Request id for Genesys support.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub context_id: Option<String>,
    /// Details.
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub details: Vec<Detail>,
    /// Nested errors.
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub errors: Vec<ErrorBody>,
    /// The limit hit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub limit: Option<Limit>,
}

response_struct! {
    /// Answer of `GET /api/v2/tokens/me`: who a token belongs to.
    #[derive(Eq)]
    TokenInfo {
        /// The organization the token acts in.
        organization: DomainEntityRef,
        /// The organization the token was issued in.
        home_organization: DomainEntityRef,
        /// The scopes the token was granted.
        authorized_scope: Vec<String>,
        /// The OAuth client that issued it (`OAuthClient` on the wire).
        #[serde(rename = "OAuthClient")]
        oauth_client: DomainEntityRef,
    }
}

/// Answer of `POST /oauth/token`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: Option<String>,
    /// `bearer`.
    pub token_type: Option<String>,
    /// Lifetime in seconds.
    pub expires_in: Option<u64>,
    /// OAuth error code.
    pub error: Option<String>,
    /// OAuth error text (RFC 6749).
    pub error_description: Option<String>,
    /// OAuth error text (older form).
    pub description: Option<String>,
}
