//! The billing contract (preview endpoints) and the `platform.api` limits
//! namespace.
//!
//! One Active contract with a billing period per calendar month (the current
//! one `Open`, the two before `Closed`). Each period has a licence charge and
//! an API-requests charge whose `actualQuantity` is the requests the
//! simulator's own usage data counts for that month up to yesterday (the
//! `purecloud-builtin` clients left out, as the usage queries leave them
//! out). The limits answer the scenario's `limit=` (300 by default), which
//! the rate window enforces.

use serde_json::{json, Value};

use crate::genesys::rules::{CLIENT_CREDENTIALS_RATE_KEY, LIMITS_NAMESPACE, TOKEN_RATE_KEY};
use crate::genesys::TOKEN_RATE_LIMIT;

use super::super::util::{day_date, day_of, month_start, ms_i64, next_month_start};
use super::super::Ctx;
use super::error::ApiError;

/// The contract's id and number.
const CONTRACT_ID: &str = "5e7c1d20-4a8b-4f0e-9c3d-1b2a3c4d5e6f";
const CONTRACT_NUMBER: &str = "C-0042-7781";
/// The API allowance unless `fairuse=` sets it.
const FAIR_USE: u64 = 2_000_000;
/// Price per request above it.
const OVERAGE_RATE: f64 = 0.000_25;

fn period_id(month_start_day: i64) -> String {
    format!("bp-{}", &day_date(month_start_day)[..7])
}

/// The billing periods: this month and the two before.
fn periods(today: i64) -> Vec<Value> {
    let mut start = month_start(today);
    let mut out = Vec::new();
    for i in 0..3 {
        let end = next_month_start(start) - 1;
        out.push(json!({
            "id": period_id(start),
            "dateStart": day_date(start),
            "dateEnd": day_date(end),
            "status": if i == 0 { "Open" } else { "Closed" },
        }));
        start = month_start(start - 1);
    }
    out.reverse();
    out
}

/// `GET /api/v2/billing/contracts`.
pub(super) fn contracts(ctx: &Ctx<'_>) -> Result<Value, ApiError> {
    check_billing(ctx)?;
    let entities = if ctx.st.cfg.no_contract {
        Vec::new()
    } else {
        let today = day_of(ms_i64(ctx.now));
        vec![json!({
            "id": CONTRACT_ID,
            "externalNumber": CONTRACT_NUMBER,
            "status": "Active",
            "commercialModel": "Subscription",
            "dateStart": "2025-01-01",
            "dateEnd": "2027-12-31",
            "billingPeriods": periods(today),
            "plans": [],
        })]
    };
    Ok(json!({ "entities": entities, "selfUri": "/api/v2/billing/contracts" }))
}

fn check_billing(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if ctx.st.cfg.no_billing {
        return Err(ApiError::forbidden(
            &[crate::genesys::rules::BILLING_PERMISSION],
            false,
        ));
    }
    Ok(())
}

/// Requests the usage data counts from `start` (a day) up to `end`
/// (exclusive) and yesterday.
fn requests_between(ctx: &Ctx<'_>, start: i64, end: i64) -> u64 {
    let end = end.min(day_of(ms_i64(ctx.now)));
    let mut total = 0u64;
    for s in &ctx.cat.streams {
        if ctx.cat.client_of(s).is_none_or(|c| c.builtin) {
            continue;
        }
        for day in start..end {
            total = total.saturating_add(ctx.cat.day_counts(s, day).requests());
        }
    }
    total
}

/// `GET /api/v2/billing/contracts/{contractId}/billingperiods/{periodId}`.
pub(super) fn billing_period(
    ctx: &Ctx<'_>,
    contract: &str,
    period: &str,
) -> Result<Value, ApiError> {
    check_billing(ctx)?;
    let today = day_of(ms_i64(ctx.now));
    let found = periods(today)
        .into_iter()
        .find(|p| p["id"] == period && contract == CONTRACT_ID && !ctx.st.cfg.no_contract);
    let Some(p) = found else {
        return Err(ApiError::not_found("The billing period was not found."));
    };
    let start = crate::time::days_from_civil(
        p["dateStart"]
            .as_str()
            .and_then(|d| d.get(..4)?.parse().ok())
            .unwrap_or(1970),
        p["dateStart"]
            .as_str()
            .and_then(|d| d.get(5..7)?.parse().ok())
            .unwrap_or(1),
        1,
    );
    let actual = requests_between(ctx, start, next_month_start(start));
    let fair = ctx.st.cfg.fair_use.unwrap_or(FAIR_USE);
    let over = actual.saturating_sub(fair);
    let mut charges = vec![json!({
        "id": "chg-licences",
        "name": "Genesys Cloud CX 3 Concurrent",
        "product": { "id": "prod-cx3", "sku": "CX3-CONC", "name": "Genesys Cloud CX 3", "unitOfMeasure": "User" },
        "prepaidQuantity": 25, "actualQuantity": 22, "overageQuantity": 0,
    })];
    if !ctx.st.cfg.no_charge {
        charges.push(json!({
            "id": "chg-api",
            "name": "API Requests",
            "product": { "id": "prod-api", "sku": "API-OD", "name": "Platform API on demand", "unitOfMeasure": "Transaction" },
            "prepaidQuantity": 0,
            "fairuseQuantity": fair,
            "actualQuantity": actual,
            "overageQuantity": over,
            "overageRate": OVERAGE_RATE,
            "overageCharge": over as f64 * OVERAGE_RATE,
            "overageCurrency": "USD",
        }));
    }
    let mut out = p;
    out["charges"] = Value::Array(charges);
    out["wallets"] = json!([]);
    Ok(out)
}

/// `GET /api/v2/organizations/limits/namespaces/{namespace}`.
pub(super) fn limits(ctx: &Ctx<'_>, namespace: &str) -> Result<Value, ApiError> {
    if ctx.st.cfg.no_limits {
        return Err(ApiError::not_found("The limits namespace was not found."));
    }
    if namespace != LIMITS_NAMESPACE {
        return Ok(json!({ "entities": [] }));
    }
    let rate = ctx.st.cfg.limit.unwrap_or(TOKEN_RATE_LIMIT);
    let limit = |key: &str, value: u64| json!({ "key": key, "namespace": LIMITS_NAMESPACE, "value": value });
    Ok(json!({
        "entities": [
            limit(TOKEN_RATE_KEY, rate),
            limit(CLIENT_CREDENTIALS_RATE_KEY, rate),
            limit("org.app.user.rate.per.minute", 3000),
            limit("request.bytes.max", 512_000),
        ]
    }))
}
