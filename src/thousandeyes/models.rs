//! ThousandEyes v7 usage models, with the wire names of the API. Every field
//! is optional, unknown fields are ignored, counters are 64-bit.

use serde::{Deserialize, Serialize};

#[cfg(feature = "js")]
use tsify::Tsify;

use crate::models::{null_as_empty, response_struct};

/// Declares an answer that is a list and its `_links`. It is read through
/// a tolerant wire form (`$wire`, named again as the text serde takes) in
/// which anything missing is empty, so the list is never optional in the
/// TypeScript types.
macro_rules! list_answer {
    ($(#[$meta:meta])* $name:ident through $wire:ident = $wire_name:tt {
        $(#[$fmeta:meta])* $field:ident: Vec<$row:ty> $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(from = $wire_name)]
        #[cfg_attr(feature = "js", derive(Tsify))]
        pub struct $name {
            $(#[$fmeta])*
            pub $field: Vec<$row>,
            /// Links.
            #[serde(rename = "_links", skip_serializing_if = "Option::is_none")]
            #[cfg_attr(feature = "js", tsify(optional))]
            pub links: Option<PaginationLinks>,
        }

        #[doc = concat!("The tolerant wire form of [`", stringify!($name), "`]: anything missing is empty.")]
        #[derive(Default, Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        struct $wire {
            #[serde(deserialize_with = "null_as_empty")]
            $field: Vec<$row>,
            #[serde(rename = "_links")]
            links: Option<PaginationLinks>,
        }

        impl From<$wire> for $name {
            fn from(w: $wire) -> Self {
                $name {
                    $field: w.$field,
                    links: w.links,
                }
            }
        }
    };
}

/// Values of the `expand` parameter of `GET /v7/usage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "js", derive(Tsify))]
pub enum ExpandUsageOptions {
    /// Adds `tests`.
    Test,
    /// Adds `enterpriseAgents`.
    EnterpriseAgent,
    /// Adds `enterpriseAgentUnits`.
    EnterpriseAgentUnit,
    /// Adds `endpointAgents`.
    EndpointAgent,
    /// Adds `endpointAgentsEssentials`.
    EndpointAgentEssential,
    /// Adds `endpointAgentsEmbedded`.
    EndpointAgentEmbedded,
}

impl ExpandUsageOptions {
    /// Every value, in the order people read them.
    pub const ALL: &'static [Self] = &[
        ExpandUsageOptions::Test,
        ExpandUsageOptions::EnterpriseAgentUnit,
        ExpandUsageOptions::EnterpriseAgent,
        ExpandUsageOptions::EndpointAgent,
        ExpandUsageOptions::EndpointAgentEssential,
        ExpandUsageOptions::EndpointAgentEmbedded,
    ];

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpandUsageOptions::Test => "test",
            ExpandUsageOptions::EnterpriseAgent => "enterprise-agent",
            ExpandUsageOptions::EnterpriseAgentUnit => "enterprise-agent-unit",
            ExpandUsageOptions::EndpointAgent => "endpoint-agent",
            ExpandUsageOptions::EndpointAgentEssential => "endpoint-agent-essential",
            ExpandUsageOptions::EndpointAgentEmbedded => "endpoint-agent-embedded",
        }
    }
}

/// Parameters of `GET /v7/usage`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct UsageParams {
    /// Account group id (numeric, as a string); selects the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub aid: Option<String>,
    /// Breakdowns to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub expand: Option<Vec<ExpandUsageOptions>>,
}

/// Parameters of `GET /v7/usage/units/tests`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct TestsUnitsParams {
    /// Account group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub aid: Option<String>,
    /// Start, a full UTC timestamp (`2026-06-01T00:00:00Z`). Omit both dates for the current billing period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub start_date: Option<String>,
    /// End, a full UTC timestamp; defaults to now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub end_date: Option<String>,
}

/// Parameters of `GET /v7/usage/units/enterprise-agents` (no `aid`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct EnterpriseAgentsUnitsParams {
    /// Start, a full UTC timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub start_date: Option<String>,
    /// End, a full UTC timestamp; defaults to now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub end_date: Option<String>,
}

response_struct! {
    /// A HAL link.
    Link {
        /// The target.
        href: String,
        /// Whether `href` is a URI template.
        templated: bool,
        /// Media type hint (`type` on the wire).
        #[serde(rename = "type")]
        media_type: String,
        /// Deprecation notice URL.
        deprecation: String,
        /// Secondary key.
        name: String,
        /// Profile URI.
        profile: String,
        /// Label.
        title: String,
        /// Language.
        hreflang: String,
    }
}

response_struct! {
    /// `_links` of a paged response.
    PaginationLinks {
        /// This page (`self` on the wire).
        #[serde(rename = "self")]
        self_link: Link,
        /// The next page.
        next: Link,
        /// The previous page.
        previous: Link,
    }
}

response_struct! {
    /// Contract allowances and the current period's bounds.
    UsageQuota {
        /// Start of the billing period (UTC).
        month_start: String,
        /// End of the billing period (UTC).
        month_end: String,
        /// Cloud units included per period.
        cloud_units_included: i64,
        /// Device agents included.
        device_agents_included: i64,
        /// Endpoint agents included.
        endpoint_agents_included: i64,
        /// Endpoint Agent Essentials included.
        endpoint_agents_essentials_included: i64,
        /// Embedded endpoint agents included.
        endpoint_agents_embedded_included: i64,
        /// Enterprise agents included (legacy billing).
        enterprise_agents_included: i64,
    }
}

response_struct! {
    /// Cloud units of one test in the current period.
    TestUsage {
        /// Account group that owns the test.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Test id.
        test_id: String,
        /// Test name.
        test_name: String,
        /// Display label of the test type.
        test_type: String,
        /// Units used.
        cloud_units_used: i64,
        /// Units projected to the end of the period.
        cloud_units_projected: i64,
    }
}

response_struct! {
    /// Enterprise units of one agent in the current period.
    EnterpriseAgentUnits {
        /// Account group.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Agent id (may be missing).
        agent_id: String,
        /// Agent name.
        agent_name: String,
        /// Units used.
        enterprise_units_used: i64,
        /// Units projected.
        enterprise_units_projected: i64,
    }
}

response_struct! {
    /// Endpoint agents of one account group.
    EndpointAgentsUsage {
        /// Account group.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Agents counted.
        endpoint_agents_used: i64,
    }
}

response_struct! {
    /// Endpoint Agent Essentials of one account group.
    EndpointAgentsEssentials {
        /// Account group.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Agents counted.
        endpoint_agents_essentials_used: i64,
    }
}

response_struct! {
    /// Embedded endpoint agents of one account group.
    EndpointAgentsEmbedded {
        /// Account group.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Agents counted.
        endpoint_agents_embedded_used: i64,
    }
}

response_struct! {
    /// Enterprise agents of one account group.
    EnterpriseAgents {
        /// Account group.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Agents counted.
        enterprise_agents_used: i64,
    }
}

response_struct! {
    /// Units allocated to one product.
    AllocationUnitUsageBreakdown {
        /// Product.
        product_name: String,
        /// Units allocated.
        allocated_units: i64,
    }
}

/// Units allocated to products.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct UnitAllocationSummary {
    /// Allocation units used.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub used: Option<i64>,
    /// Allocation units projected.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub projected: Option<i64>,
    /// Per product.
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub allocations: Vec<AllocationUnitUsageBreakdown>,
}

/// Usage of the organization in the current billing period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct UsageDetails {
    /// Allowances and the period's bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub quota: Option<UsageQuota>,
    /// Cloud units used so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub cloud_units_used: Option<i64>,
    /// Cloud units projected to the end of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub cloud_units_projected: Option<i64>,
    /// Cloud units expected next period.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub cloud_units_next_billing_period: Option<i64>,
    /// Enterprise units used.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enterprise_units_used: Option<i64>,
    /// Enterprise units projected.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enterprise_units_projected: Option<i64>,
    /// Enterprise units expected next period.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enterprise_units_next_billing_period: Option<i64>,
    /// Connected-devices units used.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub connected_devices_units_used: Option<i64>,
    /// Connected-devices units projected.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub connected_devices_units_projected: Option<i64>,
    /// Connected-devices units expected next period.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub connected_devices_units_next_billing_period: Option<i64>,
    /// Endpoint agents counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub endpoint_agents_used: Option<i64>,
    /// Endpoint Agent Essentials counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub endpoint_agents_essentials_used: Option<i64>,
    /// Embedded endpoint agents counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub endpoint_agents_embedded_used: Option<i64>,
    /// Enterprise agents counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enterprise_agents_used: Option<i64>,
    /// Per agent (`expand=enterprise-agent-unit`).
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enterprise_agent_units: Vec<EnterpriseAgentUnits>,
    /// Per test (`expand=test`).
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub tests: Vec<TestUsage>,
    /// Per account group (`expand=endpoint-agent`).
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub endpoint_agents: Vec<EndpointAgentsUsage>,
    /// Per account group (`expand=endpoint-agent-essential`).
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub endpoint_agents_essentials: Vec<EndpointAgentsEssentials>,
    /// Per account group (`expand=endpoint-agent-embedded`).
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub endpoint_agents_embedded: Vec<EndpointAgentsEmbedded>,
    /// Per account group (`expand=enterprise-agent`).
    #[serde(
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enterprise_agents: Vec<EnterpriseAgents>,
    /// Units allocated to products.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub allocations: Option<UnitAllocationSummary>,
}

/// Answer of `GET /v7/usage`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct Usage {
    /// The usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub usage: Option<UsageDetails>,
    /// Links.
    #[serde(rename = "_links", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub links: Option<PaginationLinks>,
}

response_struct! {
    /// Units of one test over a range.
    UnitsByTests {
        /// Account group that owns the test.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Enterprise units in the range.
        enterprise_units_used: i64,
        /// Enterprise units projected for the period.
        enterprise_units_projected: i64,
        /// Cloud units in the range.
        cloud_units_used: i64,
        /// Cloud units projected for the period.
        cloud_units_projected: i64,
        /// Test id.
        test_id: String,
        /// Test name.
        test_name: String,
        /// Display label of the test type.
        test_type: String,
        /// Whether an instant test.
        is_instant_test: bool,
    }
}

list_answer! {
    /// Answer of `GET /v7/usage/units/tests`; from usage-lens, every page merged.
    TestsUsage through TestsUsageWire = "TestsUsageWire" {
        /// The rows.
        breakdowns: Vec<UnitsByTests>,
    }
}

response_struct! {
    /// Enterprise units of one (account group, agent) pair.
    EnterpriseAgentUnitsByTestOwnerAccountGroup {
        /// Account group whose tests use the agent.
        aid: String,
        /// Its name.
        account_group_name: String,
        /// Agent id (may be missing).
        agent_id: String,
        /// Agent name.
        agent_name: String,
        /// Units used.
        enterprise_units_used: i64,
        /// Units projected.
        enterprise_units_projected: i64,
    }
}

list_answer! {
    /// Answer of `GET /v7/usage/units/enterprise-agents`; every page merged.
    EnterpriseAgentsUsage through EnterpriseAgentsUsageWire = "EnterpriseAgentsUsageWire" {
        /// The rows.
        breakdowns: Vec<EnterpriseAgentUnitsByTestOwnerAccountGroup>,
    }
}

response_struct! {
    /// An organization's quota.
    OrganizationQuota {
        /// Organization id.
        org_id: String,
        /// Units.
        value: i64,
    }
}

response_struct! {
    /// An account group's quota.
    AccountGroupQuota {
        /// Account group id.
        aid: String,
        /// Units.
        value: i64,
    }
}

/// One organization's quotas.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(from = "QuotaWire")]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct Quota {
    /// The organization's quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub organization_quota: Option<OrganizationQuota>,
    /// Its account groups' quotas.
    pub account_group_quotas: Vec<AccountGroupQuota>,
}

/// The tolerant wire form of [`Quota`]: anything missing is empty.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[derive(Default)]
struct QuotaWire {
    organization_quota: Option<OrganizationQuota>,
    #[serde(deserialize_with = "null_as_empty")]
    account_group_quotas: Vec<AccountGroupQuota>,
}

impl From<QuotaWire> for Quota {
    fn from(w: QuotaWire) -> Self {
        Quota {
            organization_quota: w.organization_quota,
            account_group_quotas: w.account_group_quotas,
        }
    }
}

list_answer! {
    /// Answer of `GET /v7/quotas`.
    Quotas through QuotasWire = "QuotasWire" {
        /// Quotas per organization.
        quotas: Vec<Quota>,
    }
}

response_struct! {
    /// One field error of a 400.
    ValidationErrorItem {
        /// Error code, such as `AM-5432`.
        code: String,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    }
}

/// A problem-details error body (RFC 7807), with the 401 and legacy shapes'
/// fields too, since ThousandEyes uses all three.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Problem {
    /// Problem type URI (`type`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub problem_type: Option<String>,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Occurrence URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// 401 shape: error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// 401 shape: description.
    #[serde(rename = "error_description", skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// Field errors (400), or strings (legacy shape).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<serde_json::Value>,
}

impl Problem {
    /// The most useful sentence in the body.
    pub fn summary(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        if let Some(t) = &self.title {
            parts.push(t.clone());
        }
        if let Some(d) = self.detail.as_ref().or(self.error_description.as_ref()) {
            parts.push(d.clone());
        }
        if let Some(serde_json::Value::Array(items)) = &self.errors {
            for item in items.iter().take(5) {
                match item {
                    serde_json::Value::String(s) => parts.push(s.clone()),
                    serde_json::Value::Object(o) => {
                        let field = o.get("field").and_then(|v| v.as_str()).unwrap_or("");
                        let msg = o.get("message").and_then(|v| v.as_str()).unwrap_or("");
                        parts.push(format!("{field}: {msg}"));
                    }
                    _ => {}
                }
            }
        }
        (!parts.is_empty()).then(|| parts.join(" — "))
    }
}
