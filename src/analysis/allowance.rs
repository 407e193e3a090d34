//! Where the month's API allowance comes from, always said: typed by the
//! user (it wins), the billing contract's API charge, licences × the
//! fair-use table, or none — each fallback with its reason — and the
//! projected overage in money.

use serde::{Deserialize, Serialize};

use super::outlook::{Allowance, MonthOutlook};
use crate::error::{Error, Result};
use crate::genesys::billing::{ContractAllowance, ContractMiss};
use crate::genesys::rules::{fair_use, FairUse, FAIR_USE};

/// Where the allowance came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum AllowanceSource {
    /// Typed by the user.
    Typed,
    /// The billing contract's API charge.
    Contract,
    /// Licences × the fair-use table.
    Licences,
    /// None could be found.
    None,
}

/// Billable licences of one type, for the fair-use table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct LicenceCount {
    /// The fair-use key, such as `cx3-named`.
    pub licence: String,
    /// How many billable licences.
    pub count: u32,
}

/// The allowance chosen, where it came from and why the sources before it
/// gave none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct AllowanceChoice {
    /// Requests allowed this month, when a source gave it.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub requests: Option<i64>,
    /// Where it came from.
    pub source: AllowanceSource,
    /// The source in words (`contract C-1, charge "API Requests"`).
    pub detail: String,
    /// Why each source before it gave none, in order.
    pub fallbacks: Vec<String>,
    /// What the contract said, when it was read and had a charge.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub contract: Option<ContractAllowance>,
}

impl AllowanceChoice {
    /// The allowance, for the month outlook.
    pub fn allowance(&self) -> Option<Allowance> {
        self.requests
            .map(|requests| Allowance::Requests { requests })
    }
}

/// Chooses the allowance: `typed` wins; then the contract (`None` when it
/// was not read); then `licences` × the fair-use table; then none.
///
/// # Errors
///
/// `invalidInput` for a bad typed allowance or a licence key that is not in
/// the fair-use table.
pub fn choose_allowance(
    typed: Option<&Allowance>,
    contract: Option<std::result::Result<ContractAllowance, ContractMiss>>,
    licences: Option<&LicenceCount>,
) -> Result<AllowanceChoice> {
    // A licence type that is not in the table is refused whichever source wins.
    let fair = licences.map(fair_use_of).transpose()?;
    let mut choice = AllowanceChoice {
        requests: None,
        source: AllowanceSource::None,
        detail: "no allowance: type one, let the contract state it, or pick the licences".into(),
        fallbacks: Vec::new(),
        contract: None,
    };
    if let Some(t) = typed {
        choice.requests = Some(t.total()?);
        choice.source = AllowanceSource::Typed;
        choice.detail = "typed by the user".into();
        choice.contract = contract.and_then(|c| c.ok());
        return Ok(choice);
    }
    match contract {
        Some(Ok(c)) => {
            choice.requests = Some(c.allowance.round() as i64);
            choice.source = AllowanceSource::Contract;
            choice.detail = format!("contract {}, charge \"{}\"", c.contract, c.charge);
            choice.contract = Some(c);
            return Ok(choice);
        }
        Some(Err(miss)) => choice.fallbacks.push(miss.reason()),
        None => choice.fallbacks.push("the contract was not read".into()),
    }
    let (Some(l), Some(row)) = (licences, fair) else {
        choice
            .fallbacks
            .push("no licences were given for the fair-use table".into());
        return Ok(choice);
    };
    choice.requests = Some(i64::from(l.count) * row.requests as i64);
    choice.source = AllowanceSource::Licences;
    choice.detail = format!(
        "{} × {} ({} requests each, fair-use table)",
        l.count, row.licence, row.requests
    );
    Ok(choice)
}

/// The fair-use row of a licence count, checked.
fn fair_use_of(l: &LicenceCount) -> Result<&'static FairUse> {
    if l.count == 0 {
        return Err(Error::invalid_input(
            "the number of licences must be above 0",
        ));
    }
    fair_use(&l.licence).ok_or_else(|| {
        let keys: Vec<&str> = FAIR_USE.iter().map(|f| f.key).collect();
        Error::invalid_input(format!(
            "unknown licence `{}`: use one of {}",
            l.licence,
            keys.join(", ")
        ))
    })
}

/// The overage in money, at the contract's price per request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct OverageMoney {
    /// Price per request above the allowance.
    pub rate: f64,
    /// Its currency, when the contract names it.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub currency: Option<String>,
    /// The projected overage at the month's end, in money (0 when under).
    pub projected: f64,
    /// The same at the band's upper edge.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub projected_upper: Option<f64>,
    /// The overage so far by the vendor's own count, in money.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub so_far: Option<f64>,
}

/// The month's projected overage in money, when the contract gives a price.
pub fn overage_money(month: &MonthOutlook, contract: &ContractAllowance) -> Option<OverageMoney> {
    overage_money_of(month.overage, month.overage_upper, contract)
}

/// [`overage_money`] from the month's projected overage in requests and
/// the same at its band's upper edge.
pub fn overage_money_of(
    overage: Option<f64>,
    overage_upper: Option<f64>,
    contract: &ContractAllowance,
) -> Option<OverageMoney> {
    let rate = contract.overage_rate?;
    let overage = overage.filter(|o| o.is_finite())?;
    Some(OverageMoney {
        rate,
        currency: contract.overage_currency.clone(),
        projected: overage * rate,
        projected_upper: overage_upper.filter(|o| o.is_finite()).map(|o| o * rate),
        so_far: contract
            .actual
            .map(|a| (a - contract.allowance).max(0.0) * rate),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(overage: f64) -> MonthOutlook {
        serde_json::from_value(serde_json::json!({
            "month": "2026-06", "daysInMonth": 30, "daysCounted": 20, "monthToDate": 1_500_000,
            "days": [], "projected": 2_400_000.0, "projectedLower": 2_300_000.0,
            "projectedUpper": 2_600_000.0, "intervalLevel": 0.8, "method": null,
            "allowance": 2_000_000, "shareOfAllowance": 1.2, "overage": overage,
            "overageUpper": 600_000.0, "contributors": []
        }))
        .unwrap()
    }

    fn contract() -> ContractAllowance {
        ContractAllowance {
            contract: "C-1".into(),
            period: "2026-06-01/2026-06-30".into(),
            charge: "API Requests".into(),
            allowance: 2_000_000.5,
            actual: Some(2_100_000.5),
            overage_rate: Some(0.000_25),
            overage_currency: Some("USD".into()),
        }
    }

    #[test]
    fn the_projected_overage_is_priced_at_the_contract_rate() {
        let m = overage_money(&month(400_000.0), &contract()).unwrap();
        assert!((m.projected - 100.0).abs() < 1e-9, "{}", m.projected);
        assert!((m.projected_upper.unwrap() - 150.0).abs() < 1e-9);
        assert!((m.so_far.unwrap() - 25.0).abs() < 1e-9);
        assert_eq!(m.currency.as_deref(), Some("USD"));
        let free = ContractAllowance {
            overage_rate: None,
            ..contract()
        };
        assert_eq!(overage_money(&month(400_000.0), &free), None);
    }

    #[test]
    fn a_fractional_contract_allowance_is_rounded_for_the_month() {
        let c = choose_allowance(None, Some(Ok(contract())), None).unwrap();
        assert_eq!(c.requests, Some(2_000_001));
        assert_eq!(
            c.allowance(),
            Some(Allowance::Requests {
                requests: 2_000_001
            })
        );
    }

    #[test]
    fn the_fair_use_table_gives_licences_times_their_allowance() {
        let l = |k: &str, n| LicenceCount {
            licence: k.into(),
            count: n,
        };
        let miss = || Some(Err(ContractMiss::NoContract));
        let c = choose_allowance(None, miss(), Some(&l("CX3-concurrent", 10))).unwrap();
        assert_eq!(
            (c.source, c.requests),
            (AllowanceSource::Licences, Some(1_820_000))
        );
        assert!(c.detail.contains("fair-use"));
        let c = choose_allowance(None, miss(), Some(&l("communicate-named", 3))).unwrap();
        assert_eq!(c.requests, Some(30_000));
        assert!(choose_allowance(None, miss(), Some(&l("cx9", 1))).is_err());
        assert!(choose_allowance(None, miss(), Some(&l("ex-named", 0))).is_err());
    }
}
