//! The API allowance from the organization's billing contract (preview
//! endpoints): the Active contracts, the billing period that holds today, and
//! in it the API-requests charge — its fair-use quantity, the vendor's own
//! count, and the overage price.
//!
//! The charge's name is not confirmed by the vendor, so it is found by a
//! [`ChargeMatcher`]; every quantity is read as a number that may be
//! fractional, and unknown fields are kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{Phase, RunOptions};
use crate::error::{decode_json, Error, ErrorKind, Result, Vendor};
use crate::http::{Api, Clock, HttpRequest, Transport};

use super::rules::BILLING_PERMISSION;
use super::validate::check_id;
use super::Client;

/// A billing contract (`BillingContract`), the fields the allowance needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingContract {
    /// The contract's id.
    pub id: Option<String>,
    /// The contract number.
    pub external_number: Option<String>,
    /// `Active` or `Inactive`.
    pub status: Option<String>,
    /// First day, `yyyy-MM-dd`.
    pub date_start: Option<String>,
    /// Last day, `yyyy-MM-dd`.
    pub date_end: Option<String>,
    /// Its billing periods.
    #[serde(default)]
    pub billing_periods: Vec<BillingPeriod>,
    /// Fields this version does not read.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A billing period of a contract (`BillingContractPeriod`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPeriod {
    /// The period's id.
    pub id: Option<String>,
    /// First day, `yyyy-MM-dd`.
    pub date_start: Option<String>,
    /// Last day, `yyyy-MM-dd`.
    pub date_end: Option<String>,
    /// `Open` or `Closed`.
    pub status: Option<String>,
}

/// `BillingContractListing`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingContractListing {
    /// The contracts.
    #[serde(default)]
    pub entities: Vec<BillingContract>,
    /// Fields this version does not read (`nextUri`, …).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// One billing period with its charges (`BillingContractPeriodDetail`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPeriodDetail {
    /// The period's id.
    pub id: Option<String>,
    /// First day.
    pub date_start: Option<String>,
    /// Last day.
    pub date_end: Option<String>,
    /// `Open` or `Closed`.
    pub status: Option<String>,
    /// Usage against prepaid and fair use, per product.
    #[serde(default)]
    pub charges: Vec<BillingCharge>,
    /// Fields this version does not read (`wallets`, …).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The product of a charge (`BillingProduct`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingProduct {
    /// Its id.
    pub id: Option<String>,
    /// Its part number.
    pub sku: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its unit (an open list).
    pub unit_of_measure: Option<String>,
}

/// One charge of a billing period (`BillingCharge`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingCharge {
    /// Its id.
    pub id: Option<String>,
    /// Its name (new in the vendor's newest models).
    pub name: Option<String>,
    /// The product charged.
    pub product: Option<BillingProduct>,
    /// Committed quantity.
    pub prepaid_quantity: Option<f64>,
    /// Quantity included under fair use: the allowance.
    pub fairuse_quantity: Option<f64>,
    /// The vendor's count so far.
    pub actual_quantity: Option<f64>,
    /// Quantity above prepaid and fair use.
    pub overage_quantity: Option<f64>,
    /// Price per unit above it.
    pub overage_rate: Option<f64>,
    /// Amount charged for the overage so far.
    pub overage_charge: Option<f64>,
    /// Currency of the overage.
    pub overage_currency: Option<String>,
    /// Fields this version does not read.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl BillingCharge {
    /// Its name, else its product's name.
    pub fn label(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or_else(|| self.product.as_ref().and_then(|p| p.name.as_deref()))
    }
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
    text.split(|c: char| !c.is_alphanumeric()).any(|w| {
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

    /// Whether `charge` is the API-requests charge.
    pub fn matches(&self, charge: &BillingCharge) -> bool {
        let names = [
            charge.name.as_deref(),
            charge.product.as_ref().and_then(|p| p.name.as_deref()),
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

fn day(text: &Option<String>) -> Option<&str> {
    text.as_deref().and_then(|t| t.get(..10))
}

/// The Active contract and its billing period that hold `today`
/// (`yyyy-MM-dd`; both ends of a period count).
pub fn period_holding<'a>(
    contracts: &'a [BillingContract],
    today: &str,
) -> std::result::Result<(&'a BillingContract, &'a BillingPeriod), ContractMiss> {
    let active: Vec<&BillingContract> = contracts
        .iter()
        .filter(|c| {
            c.status
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("active"))
        })
        .collect();
    if active.is_empty() {
        return Err(ContractMiss::NoContract);
    }
    active
        .into_iter()
        .flat_map(|c| c.billing_periods.iter().map(move |p| (c, p)))
        .find(|(_, p)| {
            p.id.is_some()
                && day(&p.date_start).is_some_and(|s| s <= today)
                && day(&p.date_end).is_none_or(|e| today <= e)
        })
        .ok_or(ContractMiss::NoPeriod)
}

/// The allowance a billing period's charges give, by `matcher`.
pub fn contract_allowance(
    contract: &BillingContract,
    detail: &BillingPeriodDetail,
    matcher: &ChargeMatcher,
) -> std::result::Result<ContractAllowance, ContractMiss> {
    let charge = detail
        .charges
        .iter()
        .filter(|c| matcher.matches(c))
        .find(|c| {
            c.fairuse_quantity
                .is_some_and(|q| q.is_finite() && q >= 0.0)
        })
        .ok_or_else(|| ContractMiss::NoCharge(matcher.describe()))?;
    let finite = |v: Option<f64>| v.filter(|x| x.is_finite() && *x >= 0.0);
    Ok(ContractAllowance {
        contract: contract
            .external_number
            .clone()
            .or_else(|| contract.id.clone())
            .unwrap_or_default(),
        period: format!(
            "{}/{}",
            day(&detail.date_start).unwrap_or("?"),
            day(&detail.date_end).unwrap_or("?")
        ),
        charge: charge.label().unwrap_or("API").to_string(),
        allowance: charge.fairuse_quantity.unwrap_or(0.0),
        actual: finite(charge.actual_quantity),
        overage_rate: finite(charge.overage_rate),
        overage_currency: charge.overage_currency.clone(),
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
        let listing: BillingContractListing =
            decode_json(&response.body, Vendor::Genesys, "contract list").map_err(miss)?;
        let (contract, period) = period_holding(&listing.entities, today)?;
        let ids = (contract.id.as_deref(), period.id.as_deref());
        let req = period_request(&api, ids.0.unwrap_or(""), ids.1.unwrap_or("")).map_err(miss)?;
        let response = run.send(&req).await.map_err(miss)?;
        let detail: BillingPeriodDetail =
            decode_json(&response.body, Vendor::Genesys, "billing period").map_err(miss)?;
        run.update(|p| p.phase = Phase::Done);
        contract_allowance(contract, &detail, matcher)
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

    fn contract() -> BillingContract {
        serde_json::from_str(
            r#"{"id":"c1","externalNumber":"C-1","status":"Active","billingPeriods":[
            {"id":"bp-0","dateStart":"2026-05-01","dateEnd":"2026-05-31","status":"Closed"},
            {"id":"bp-1","dateStart":"2026-06-01","dateEnd":"2026-06-30","status":"Open"}],
            "plans":[{"id":"p"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn fractional_quantities_and_unknown_fields_are_read() {
        let detail: BillingPeriodDetail = serde_json::from_str(PERIOD).unwrap();
        assert!(detail.other.contains_key("wallets"));
        assert!(detail.charges[1].other.contains_key("somethingNew"));
        let a = contract_allowance(&contract(), &detail, &ChargeMatcher::Api).unwrap();
        assert_eq!(a.allowance, 1234.5);
        assert_eq!(a.actual, Some(99.25));
        assert_eq!(a.charge, "Platform APIs");
        assert_eq!(
            (a.overage_rate, a.overage_currency.as_deref()),
            (Some(0.0004), Some("EUR"))
        );
        assert_eq!(a.contract, "C-1");
    }

    #[test]
    fn the_matcher_wants_the_word_api_or_the_given_name() {
        let detail: BillingPeriodDetail = serde_json::from_str(PERIOD).unwrap();
        let named = ChargeMatcher::from_name(Some("  platform apis "));
        assert!(named.matches(&detail.charges[1]));
        assert!(
            !ChargeMatcher::Api.matches(&detail.charges[0]),
            "Rapid is not API"
        );
        assert_eq!(ChargeMatcher::from_name(Some(" ")), ChargeMatcher::Api);
        let miss = contract_allowance(&contract(), &detail, &ChargeMatcher::from_name(Some("x")));
        assert!(matches!(miss, Err(ContractMiss::NoCharge(_))));
    }

    #[test]
    fn the_period_that_holds_today_is_chosen_both_ends_included() {
        let c = [contract()];
        assert_eq!(
            period_holding(&c, "2026-06-30").unwrap().1.id.as_deref(),
            Some("bp-1")
        );
        assert_eq!(
            period_holding(&c, "2026-05-01").unwrap().1.id.as_deref(),
            Some("bp-0")
        );
        assert_eq!(
            period_holding(&c, "2026-07-01").unwrap_err(),
            ContractMiss::NoPeriod
        );
        let mut inactive = contract();
        inactive.status = Some("Inactive".into());
        assert_eq!(
            period_holding(&[inactive], "2026-06-02").unwrap_err(),
            ContractMiss::NoContract
        );
    }
}
