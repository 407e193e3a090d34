//! Where the overview's allowance and rate limit come from, in words,
//! decided without Leptos: the allowance typed, the billing contract's API
//! charge or none (with the reason the contract gave none), the projected
//! overage in money at the contract's price, and the token's rate limit read
//! from the organization or assumed.

use crate::analysis::allowance::{
    choose_allowance, overage_money, AllowanceChoice, AllowanceSource, OverageMoney,
};
use crate::analysis::format::{fixed, group_digits};
use crate::analysis::outlook::MonthOutlook;
use crate::analysis::Allowance;
use crate::genesys::billing::{ContractAllowance, ContractMiss};
use crate::genesys::limits::RateLimit;

/// What the overview read of the contract: `None` when it was not asked
/// (Genesys not connected, or the run stopped before).
pub type ContractRead = Option<Result<ContractAllowance, ContractMiss>>;

/// The allowance the month is set against: the one typed wins, then the
/// contract's. A typed allowance that is not valid counts as none typed.
pub fn allowance_choice(typed: Option<&Allowance>, contract: &ContractRead) -> AllowanceChoice {
    let typed = typed.filter(|a| a.total().is_ok());
    choose_allowance(typed, contract.clone(), None).unwrap_or_else(|_| AllowanceChoice {
        requests: None,
        source: AllowanceSource::None,
        detail: String::new(),
        fallbacks: Vec::new(),
        contract: None,
    })
}

/// The month card's line on where the allowance came from; `None` when
/// there is none (the card then asks for one, with the contract's reason).
pub fn allowance_source_words(choice: &AllowanceChoice) -> Option<String> {
    let requests = group_digits(choice.requests?);
    Some(match (&choice.source, &choice.contract) {
        (AllowanceSource::Contract, Some(c)) => format!(
            "Allowance {requests} requests, from contract {} (charge \"{}\", period {}).",
            c.contract, c.charge, c.period
        ),
        (_, Some(c)) => format!(
            "Allowance {requests} requests, as typed: it overrides the contract's {}.",
            count_of(c.allowance)
        ),
        _ => format!("Allowance {requests} requests, as typed."),
    })
}

/// Why the contract gave no allowance, for a month without one.
pub fn no_allowance_reason(contract: &ContractRead) -> Option<String> {
    match contract {
        Some(Err(miss)) => Some(capitalized(&miss.reason()) + "."),
        _ => None,
    }
}

/// Genesys Cloud's own count of the period's requests beside the one the
/// overview's rows add up to (they differ: the vendor's runs to its own
/// hour, the rows to yesterday).
pub fn vendor_count_words(contract: &ContractAllowance, counted: i64) -> Option<String> {
    let actual = contract.actual?;
    Some(format!(
        "Genesys Cloud's own count this billing period: {} requests (the rows add up to {}).",
        count_of(actual),
        group_digits(counted)
    ))
}

/// The month's projected overage in money, when the contract gives a price.
pub fn money_of(month: &MonthOutlook, choice: &AllowanceChoice) -> Option<OverageMoney> {
    overage_money(month, choice.contract.as_ref()?)
}

/// The projected overage in money: `12.50 EUR (up to 20.00 EUR)`.
pub fn money_words(m: &OverageMoney) -> String {
    let cur = m.currency.as_deref();
    let upper = m
        .projected_upper
        .filter(|u| *u > m.projected)
        .map(|u| format!(" (up to {})", money(u, cur)))
        .unwrap_or_default();
    format!("{}{upper}", money(m.projected, cur))
}

/// The price line under the money: the rate, and the overage so far by the
/// vendor's own count.
pub fn rate_words(m: &OverageMoney) -> String {
    let so_far = m
        .so_far
        .map(|s| {
            format!(
                "; {} so far by Genesys Cloud's count",
                money(s, m.currency.as_deref())
            )
        })
        .unwrap_or_default();
    format!(
        "At {} a request above the allowance{so_far}.",
        price(m.rate, m.currency.as_deref())
    )
}

/// The allowance editor's line on the contract: what it states, or why it
/// states nothing; `None` before the overview has asked.
pub fn contract_offer_words(contract: &ContractRead) -> Option<String> {
    Some(match contract.as_ref()? {
        Ok(c) => format!(
            "From your contract: {} requests a month (contract {}, charge \"{}\"). An allowance saved here overrides it; Clear goes back to it.",
            count_of(c.allowance),
            c.contract,
            c.charge
        ),
        Err(miss) => format!("Your contract states none: {}.", miss.reason()),
    })
}

/// The token's rate limit, and the budget usage-lens keeps to under it.
pub fn limit_words(l: &RateLimit) -> String {
    let from = if l.from_organization {
        "read from the organization".to_string()
    } else {
        format!(
            "the documented default: {}",
            l.reason.as_deref().unwrap_or("the limits were not read")
        )
    };
    format!(
        "Rate limit: {} requests a minute for this token ({from}); usage-lens keeps to {}.",
        group_digits(l.limit as i64),
        group_digits(l.budget as i64)
    )
}

/// A quantity (the contract's may be fractional), grouped: `1,234,567.50`.
fn count_of(x: f64) -> String {
    let whole = x.round();
    if (x - whole).abs() < 1e-9 {
        group_digits(whole as i64)
    } else {
        two_decimals(x)
    }
}

/// `x` (not below 0) with two decimals, its whole part grouped.
fn two_decimals(x: f64) -> String {
    let cents = (x.max(0.0) * 100.0).round() as i64;
    format!("{}.{:02}", group_digits(cents / 100), cents % 100)
}

/// An amount with two decimals, its whole part grouped: `1,234.50 EUR`.
fn money(x: f64, currency: Option<&str>) -> String {
    let text = two_decimals(x);
    match currency {
        Some(c) if !c.is_empty() => format!("{text} {c}"),
        _ => text,
    }
}

/// A price per request, with as many decimals as it needs (up to 6).
fn price(rate: f64, currency: Option<&str>) -> String {
    let text = fixed(rate, 6);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match currency {
        Some(c) if !c.is_empty() => format!("{text} {c}"),
        _ => text.to_string(),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> ContractAllowance {
        ContractAllowance {
            contract: "C-0042".into(),
            period: "2026-06-01/2026-06-30".into(),
            charge: "Platform API requests".into(),
            allowance: 2_000_000.0,
            actual: Some(1_234_567.5),
            overage_rate: Some(0.000_25),
            overage_currency: Some("EUR".into()),
        }
    }

    fn month(overage: f64, upper: f64) -> MonthOutlook {
        MonthOutlook {
            month: "2026-06".into(),
            days_in_month: 30,
            days_counted: 20,
            month_to_date: 1_500_000,
            days: Vec::new(),
            projected: 2_050_000.0,
            projected_lower: 1_900_000.0,
            projected_upper: 2_200_000.0,
            interval_level: 0.8,
            method: None,
            allowance: Some(2_000_000),
            share_of_allowance: Some(1.025),
            overage: Some(overage),
            overage_upper: Some(upper),
            contributors: Vec::new(),
        }
    }

    #[test]
    fn the_contract_is_the_source_unless_an_allowance_was_typed() {
        let read: ContractRead = Some(Ok(contract()));
        let choice = allowance_choice(None, &read);
        assert_eq!(choice.requests, Some(2_000_000));
        assert_eq!(
            allowance_source_words(&choice).unwrap(),
            "Allowance 2,000,000 requests, from contract C-0042 (charge \"Platform API requests\", period 2026-06-01/2026-06-30)."
        );
        let typed = Allowance::Requests { requests: 500 };
        let choice = allowance_choice(Some(&typed), &read);
        assert_eq!(choice.requests, Some(500));
        assert_eq!(
            allowance_source_words(&choice).unwrap(),
            "Allowance 500 requests, as typed: it overrides the contract's 2,000,000."
        );
        let alone = allowance_choice(Some(&typed), &None);
        assert_eq!(
            allowance_source_words(&alone).unwrap(),
            "Allowance 500 requests, as typed."
        );
    }

    #[test]
    fn without_an_allowance_the_contract_says_why() {
        let read: ContractRead = Some(Err(ContractMiss::Forbidden));
        let choice = allowance_choice(None, &read);
        assert_eq!(choice.requests, None);
        assert_eq!(allowance_source_words(&choice), None);
        let why = no_allowance_reason(&read).unwrap();
        assert!(
            why.starts_with("The contract could not be read: the role lacks the permission billing:subscription:view"),
            "{why}"
        );
        assert_eq!(no_allowance_reason(&None), None);
        assert_eq!(no_allowance_reason(&Some(Ok(contract()))), None);
        let bad = Allowance::Requests { requests: -5 };
        assert_eq!(allowance_choice(Some(&bad), &None).requests, None);
    }

    #[test]
    fn the_overage_is_priced_at_the_contracts_rate() {
        let choice = allowance_choice(None, &Some(Ok(contract())));
        let m = money_of(&month(50_000.0, 200_000.0), &choice).unwrap();
        assert_eq!(money_words(&m), "12.50 EUR (up to 50.00 EUR)");
        assert_eq!(
            rate_words(&m),
            "At 0.00025 EUR a request above the allowance; 0.00 EUR so far by Genesys Cloud's count."
        );
        let none = money_of(&month(0.0, 0.0), &choice).unwrap();
        assert_eq!(money_words(&none), "0.00 EUR");
        let huge = money_of(&month(4e9, 4e9), &choice).unwrap();
        assert_eq!(money_words(&huge), "1,000,000.00 EUR");
        let typed = allowance_choice(Some(&Allowance::Requests { requests: 9 }), &None);
        assert_eq!(money_of(&month(1.0, 1.0), &typed), None);
    }

    #[test]
    fn the_vendors_count_stands_beside_the_rows() {
        assert_eq!(
            vendor_count_words(&contract(), 1_230_000).unwrap(),
            "Genesys Cloud's own count this billing period: 1,234,567.50 requests (the rows add up to 1,230,000)."
        );
        let mut c = contract();
        c.actual = None;
        assert_eq!(vendor_count_words(&c, 1), None);
    }

    #[test]
    fn the_editor_offers_the_contracts_allowance_or_says_why_not() {
        assert_eq!(contract_offer_words(&None), None);
        let offer = contract_offer_words(&Some(Ok(contract()))).unwrap();
        assert!(
            offer.starts_with("From your contract: 2,000,000 requests a month (contract C-0042, charge \"Platform API requests\")."),
            "{offer}"
        );
        let miss = contract_offer_words(&Some(Err(ContractMiss::NoContract))).unwrap();
        assert_eq!(
            miss,
            "Your contract states none: the organization has no active billing contract."
        );
    }

    #[test]
    fn the_limit_says_whether_it_was_read() {
        let read = RateLimit {
            limit: 1_200,
            budget: 1_180,
            key: "token.rate.per.minute".into(),
            from_organization: true,
            reason: None,
        };
        assert_eq!(
            limit_words(&read),
            "Rate limit: 1,200 requests a minute for this token (read from the organization); usage-lens keeps to 1,180."
        );
        let assumed = crate::genesys::limits::default_rate_limit(false, "x".into());
        assert_eq!(
            limit_words(&assumed),
            "Rate limit: 300 requests a minute for this token (the documented default: x); usage-lens keeps to 280."
        );
    }
}
