//! The API allowance from the organization's billing contract (preview
//! endpoints): the Active contracts (`BillingContractListing`), the billing
//! period that holds today, and in it (`BillingContractPeriodDetail`) the
//! API-requests charge (`BillingCharge`) — its `fairuseQuantity`, the
//! vendor's own `actualQuantity`, and the `overageRate` and
//! `overageCurrency`.
//!
//! The charge's name is not confirmed by the vendor, so it is found by a
//! [`ChargeMatcher`]. The answers are read as JSON values, whole: every
//! quantity is a number that may be fractional, and fields this version does
//! not read are kept in the value (and cost no code to carry).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{Phase, RunOptions};
use crate::error::{decode_json, Error, ErrorKind, Result, Vendor};
use crate::http::{Api, Clock, HttpRequest, Transport};

use super::rules::BILLING_PERMISSION;
use super::validate::check_id;
use super::Client;

/// A text field of a JSON object.
fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str()
}

/// A number field of a JSON object, whole or fractional, not negative.
fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key)?.as_f64().filter(|x| x.is_finite() && *x >= 0.0)
}

/// An array field of a JSON object (empty when missing).
fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], |a| a.as_slice())
}

/// A charge's name, else its product's name.
pub fn charge_label(charge: &Value) -> Option<&str> {
    text(charge, "name").or_else(|| charge.get("product").and_then(|p| text(p, "name")))
}

/// Which charge counts API requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChargeMatcher {
    /// A charge whose name or product name has the word "API" in it, in any case.
    #[default]
    Api,
    /// A charge whose name or product name is this one, in any case.
    Named(String),
}

/// Whether `text` has `word` as a whole word (or its plural), ignoring case.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        w.eq_ignore_ascii_case(word)
            || (w.len() == word.len() + 1
                && w.get(..word.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(word))
                && w.ends_with(['s', 'S']))
    })
}

impl ChargeMatcher {
    /// A matcher from a charge name given by the user (`None` or blank:
    /// the default).
    pub fn from_name(name: Option<&str>) -> Self {
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => ChargeMatcher::Named(n.to_string()),
            None => ChargeMatcher::Api,
        }
    }

    /// Whether `charge` (a `BillingCharge`) is the API-requests charge.
    pub fn matches(&self, charge: &Value) -> bool {
        let names = [
            text(charge, "name"),
            charge.get("product").and_then(|p| text(p, "name")),
        ];
        names.into_iter().flatten().any(|n| match self {
            ChargeMatcher::Api => has_word(n, "api"),
            ChargeMatcher::Named(want) => n.trim().eq_ignore_ascii_case(want),
        })
    }

    /// What it looks for, in words.
    pub fn describe(&self) -> String {
        match self {
            ChargeMatcher::Api => "a charge named with \"API\"".into(),
            ChargeMatcher::Named(n) => format!("a charge named \"{n}\""),
        }
    }
}

/// What the contract says about API requests this billing period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct ContractAllowance {
    /// The contract number (its id when it has none).
    pub contract: String,
    /// The billing period, `yyyy-MM-dd/yyyy-MM-dd`.
    pub period: String,
    /// The charge's name.
    pub charge: String,
    /// Requests included under fair use.
    pub allowance: f64,
    /// The vendor's own count so far, when given.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub actual: Option<f64>,
    /// Price per request above the allowance, when given.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub overage_rate: Option<f64>,
    /// Its currency, when given.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub overage_currency: Option<String>,
}

/// Why the contract gave no allowance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "why", content = "detail")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum ContractMiss {
    /// 403: the role lacks `billing:subscription:view`.
    Forbidden,
    /// No Active contract.
    NoContract,
    /// No billing period of an Active contract holds today.
    NoPeriod,
    /// No charge matched (the matcher, in words).
    NoCharge(String),
    /// The endpoints failed otherwise (the error, in words).
    Unreadable(String),
}

impl ContractMiss {
    /// The reason, in words.
    pub fn reason(&self) -> String {
        match self {
            ContractMiss::Forbidden => format!("the contract could not be read: the role lacks the permission {BILLING_PERMISSION}"),
            ContractMiss::NoContract => "the organization has no active billing contract".into(),
            ContractMiss::NoPeriod => "no billing period of the active contract holds today".into(),
            ContractMiss::NoCharge(what) => format!("the billing period has no API-requests charge ({what}); name the charge to use it"),
            ContractMiss::Unreadable(e) => format!("the contract could not be read: {e}"),
        }
    }

    /// The miss an error of the billing endpoints means.
    pub fn of_error(e: &Error) -> ContractMiss {
        if e.is(ErrorKind::Forbidden) {
            ContractMiss::Forbidden
        } else {
            ContractMiss::Unreadable(e.message.clone())
        }
    }
}

/// `GET /api/v2/billing/contracts?status=Active` (10 a page: the most every
/// vendor SDK allows).
pub fn contracts_request(api: &Api<'_>) -> HttpRequest {
    api.get("/api/v2/billing/contracts?status=Active&pageSize=10")
}

/// `GET /api/v2/billing/contracts/{contractId}/billingperiods/{billingPeriodId}`.
pub fn period_request(api: &Api<'_>, contract_id: &str, period_id: &str) -> Result<HttpRequest> {
    let c = check_id("contractId", contract_id)?;
    let p = check_id("billingPeriodId", period_id)?;
    Ok(api.get(&format!("/api/v2/billing/contracts/{c}/billingperiods/{p}")))
}

/// The `yyyy-MM-dd` of a date field.
fn day<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    text(v, key).and_then(|t| t.get(..10))
}

/// The billing period that holds today, and its contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodRef {
    /// The contract's id.
    pub contract_id: String,
    /// The contract number (its id when it has none).
    pub contract: String,
    /// The period's id.
    pub period_id: String,
}

/// The Active contract of a `BillingContractListing` and its billing period
/// that hold `today` (`yyyy-MM-dd`; both ends of a period count).
pub fn period_holding(
    listing: &Value,
    today: &str,
) -> std::result::Result<PeriodRef, ContractMiss> {
    let active: Vec<&Value> = list(listing, "entities")
        .iter()
        .filter(|c| text(c, "status").is_none_or(|s| s.eq_ignore_ascii_case("active")))
        .filter(|c| text(c, "id").is_some())
        .collect();
    if active.is_empty() {
        return Err(ContractMiss::NoContract);
    }
    active
        .into_iter()
        .find_map(|c| {
            let p = list(c, "billingPeriods").iter().find(|p| {
                text(p, "id").is_some()
                    && day(p, "dateStart").is_some_and(|s| s <= today)
                    && day(p, "dateEnd").is_none_or(|e| today <= e)
            })?;
            let id = text(c, "id").unwrap_or_default();
            Some(PeriodRef {
                contract_id: id.to_string(),
                contract: text(c, "externalNumber").unwrap_or(id).to_string(),
                period_id: text(p, "id").unwrap_or_default().to_string(),
            })
        })
        .ok_or(ContractMiss::NoPeriod)
}

/// The allowance a `BillingContractPeriodDetail` of `contract` gives, by `matcher`.
pub fn contract_allowance(
    contract: &str,
    detail: &Value,
    matcher: &ChargeMatcher,
) -> std::result::Result<ContractAllowance, ContractMiss> {
    let charge = list(detail, "charges")
        .iter()
        .filter(|c| matcher.matches(c))
        .find(|c| number(c, "fairuseQuantity").is_some())
        .ok_or_else(|| ContractMiss::NoCharge(matcher.describe()))?;
    Ok(ContractAllowance {
        contract: contract.to_string(),
        period: format!(
            "{}/{}",
            day(detail, "dateStart").unwrap_or("?"),
            day(detail, "dateEnd").unwrap_or("?")
        ),
        charge: charge_label(charge).unwrap_or("API").to_string(),
        allowance: number(charge, "fairuseQuantity").unwrap_or(0.0),
        actual: number(charge, "actualQuantity"),
        overage_rate: number(charge, "overageRate"),
        overage_currency: text(charge, "overageCurrency").map(str::to_string),
    })
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// The API allowance of the billing period that holds `today`
    /// (`yyyy-MM-dd`), from the Active contract's charge that `matcher`
    /// finds. A 403, no contract, no period or no matching charge is a
    /// [`ContractMiss`] that says why (the caller falls back to the next
    /// source); it never fails otherwise.
    pub async fn contract_allowance(
        &self,
        today: &str,
        matcher: &ChargeMatcher,
        opts: &RunOptions,
    ) -> std::result::Result<ContractAllowance, ContractMiss> {
        let miss = |e: Error| ContractMiss::of_error(&e);
        opts.validate().map_err(miss)?;
        let run = self.conn.run(opts);
        run.update(|p| p.phase = Phase::Submitting);
        let api = Api::new(&self.base, &self.token, "application/json");
        let response = run.send(&contracts_request(&api)).await.map_err(miss)?;
        let listing: Value =
            decode_json(&response.body, Vendor::Genesys, "contract list").map_err(miss)?;
        let found = period_holding(&listing, today)?;
        let req = period_request(&api, &found.contract_id, &found.period_id).map_err(miss)?;
        let response = run.send(&req).await.map_err(miss)?;
        let detail: Value =
            decode_json(&response.body, Vendor::Genesys, "billing period").map_err(miss)?;
        run.update(|p| p.phase = Phase::Done);
        contract_allowance(&found.contract, &detail, matcher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: &str = r#"{"id":"bp-1","dateStart":"2026-06-01","dateEnd":"2026-06-30","status":"Open",
        "charges":[
          {"name":"Genesys Cloud CX 3","product":{"name":"Rapid dialler"},"prepaidQuantity":25},
          {"product":{"name":"Platform APIs","sku":"X","unitOfMeasure":"Transaction","future":true},
           "fairuseQuantity":1234.5,"actualQuantity":99.25,"overageRate":0.0004,"overageCurrency":"EUR",
           "convertedTokenCount":3,"somethingNew":{"a":1}}
        ],"wallets":[]}"#;

    const CONTRACTS: &str = r#"{"entities":[{"id":"c1","externalNumber":"C-1","status":"Active","billingPeriods":[
            {"id":"bp-0","dateStart":"2026-05-01","dateEnd":"2026-05-31","status":"Closed"},
            {"id":"bp-1","dateStart":"2026-06-01","dateEnd":"2026-06-30","status":"Open"}],
            "plans":[{"id":"p"}]}],"nextUri":null}"#;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn fractional_quantities_are_read_and_unknown_fields_kept() {
        let detail = json(PERIOD);
        assert_eq!(detail["charges"][1]["somethingNew"]["a"], 1);
        let a = contract_allowance("C-1", &detail, &ChargeMatcher::Api).unwrap();
        assert_eq!(a.allowance, 1234.5);
        assert_eq!(a.actual, Some(99.25));
        assert_eq!(a.charge, "Platform APIs");
        assert_eq!(
            (a.overage_rate, a.overage_currency.as_deref()),
            (Some(0.0004), Some("EUR"))
        );
        assert_eq!(
            (a.contract.as_str(), a.period.as_str()),
            ("C-1", "2026-06-01/2026-06-30")
        );
    }

    #[test]
    fn the_matcher_wants_the_word_api_or_the_given_name() {
        let detail = json(PERIOD);
        let named = ChargeMatcher::from_name(Some("  platform apis "));
        assert!(named.matches(&detail["charges"][1]));
        assert!(
            !ChargeMatcher::Api.matches(&detail["charges"][0]),
            "Rapid is not API"
        );
        assert_eq!(ChargeMatcher::from_name(Some(" ")), ChargeMatcher::Api);
        let miss = contract_allowance("C-1", &detail, &ChargeMatcher::from_name(Some("x")));
        assert!(matches!(miss, Err(ContractMiss::NoCharge(_))));
    }

    #[test]
    fn the_period_that_holds_today_is_chosen_both_ends_included() {
        let c = json(CONTRACTS);
        let found = period_holding(&c, "2026-06-30").unwrap();
        assert_eq!(
            (found.contract.as_str(), found.period_id.as_str()),
            ("C-1", "bp-1")
        );
        assert_eq!(period_holding(&c, "2026-05-01").unwrap().period_id, "bp-0");
        assert_eq!(
            period_holding(&c, "2026-07-01").unwrap_err(),
            ContractMiss::NoPeriod
        );
        let inactive = json(&CONTRACTS.replace("\"Active\"", "\"Inactive\""));
        assert_eq!(
            period_holding(&inactive, "2026-06-02").unwrap_err(),
            ContractMiss::NoContract
        );
    }
}
