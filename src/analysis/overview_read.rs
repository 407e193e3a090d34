//! An [`Overview`] read back from its JSON (as `overview()` handed it to
//! JavaScript), and the parts of a ThousandEyes usage answer that the
//! overview reads, field by field over a [`serde_json::Value`].
//!
//! The JavaScript face reads overviews back for `evaluateRules`,
//! `toPrometheus` and `overviewCsv`, and usage answers for `overview`.
//! Derived decoders for those whole trees (the usage answer has a dozen
//! expansions the overview never reads) cost about 14 KB gzip of the npm
//! package; these readers do the same work in a fraction of that, and name
//! the path of a bad field.

use serde_json::{Map, Value};

use super::forecast::ForecastMethod;
use super::outlook::{
    ClientFigures, Contributor, GenesysOverview, MonthOutlook, OutlookDay, Overview,
};
use super::units::{GroupUnits, UnitsFigure, UnitsOutlook};
use crate::error::{Error, Result};
use crate::thousandeyes::{TestUsage, Usage, UsageDetails, UsageQuota};

/// Reads an overview from its JSON value; the error names the failing field.
pub fn read_overview(value: &Value) -> Result<Overview> {
    let o = Obj::of(value, String::new())?;
    Ok(Overview {
        today: o.string("today")?,
        genesys: o.maybe("genesys", genesys)?,
        thousandeyes: o.maybe("thousandeyes", units)?,
    })
}

/// Reads the parts of a `/v7/usage` answer that [`super::units::units_outlook`]
/// reads (the units used and projected, the period and what it includes,
/// and each test's account group and cloud units); the rest is left out.
pub fn read_usage_for_units(value: &Value) -> Result<Usage> {
    let u = Obj::of(value, String::new())?;
    let usage = u.maybe("usage", |u, key| {
        let d = u.child(key)?;
        Ok(UsageDetails {
            quota: d.maybe("quota", |d, key| {
                let q = d.child(key)?;
                Ok(UsageQuota {
                    month_start: q.maybe("monthStart", opt_string)?,
                    month_end: q.maybe("monthEnd", opt_string)?,
                    cloud_units_included: q.maybe("cloudUnitsIncluded", opt_int)?,
                    ..UsageQuota::default()
                })
            })?,
            cloud_units_used: d.maybe("cloudUnitsUsed", opt_int)?,
            cloud_units_projected: d.maybe("cloudUnitsProjected", opt_int)?,
            enterprise_units_used: d.maybe("enterpriseUnitsUsed", opt_int)?,
            enterprise_units_projected: d.maybe("enterpriseUnitsProjected", opt_int)?,
            tests: d
                .maybe("tests", |d, key| {
                    d.list(key, |t| {
                        Ok(TestUsage {
                            aid: t.maybe("aid", opt_string)?,
                            account_group_name: t.maybe("accountGroupName", opt_string)?,
                            cloud_units_used: t.maybe("cloudUnitsUsed", opt_int)?,
                            cloud_units_projected: t.maybe("cloudUnitsProjected", opt_int)?,
                            ..TestUsage::default()
                        })
                    })
                })?
                .unwrap_or_default(),
            ..UsageDetails::default()
        })
    })?;
    Ok(Usage { usage, links: None })
}

/// One JSON object and where it sits in the overview.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

fn bad(path: &str, what: &str) -> Error {
    Error::invalid_input(format!("`{path}` must be {what}"))
}

impl<'a> Obj<'a> {
    fn of(value: &'a Value, path: String) -> Result<Obj<'a>> {
        match value {
            Value::Object(map) => Ok(Obj { map, path }),
            _ if path.is_empty() => Err(Error::invalid_input("it must be an object")),
            _ => Err(bad(&path, "an object")),
        }
    }

    fn at(&self, key: &str) -> (String, &'a Value) {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        (path, self.map.get(key).unwrap_or(&Value::Null))
    }

    fn string(&self, key: &str) -> Result<String> {
        let (path, v) = self.at(key);
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| bad(&path, "a string"))
    }

    fn int(&self, key: &str) -> Result<i64> {
        let (path, v) = self.at(key);
        v.as_i64().ok_or_else(|| bad(&path, "a whole number"))
    }

    fn count(&self, key: &str) -> Result<u32> {
        let (path, v) = self.at(key);
        v.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| bad(&path, "a count"))
    }

    fn num(&self, key: &str) -> Result<f64> {
        let (path, v) = self.at(key);
        v.as_f64().ok_or_else(|| bad(&path, "a number"))
    }

    /// `null` or missing is `None`; anything else goes through `read`.
    fn maybe<T>(&self, key: &str, read: impl Fn(&Obj<'a>, &str) -> Result<T>) -> Result<Option<T>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => read(self, key).map(Some),
        }
    }

    fn list<T>(&self, key: &str, read: impl Fn(Obj<'a>) -> Result<T>) -> Result<Vec<T>> {
        let (path, v) = self.at(key);
        let items = v.as_array().ok_or_else(|| bad(&path, "an array"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| read(Obj::of(item, format!("{path}[{i}]"))?))
            .collect()
    }

    fn child(&self, key: &str) -> Result<Obj<'a>> {
        let (path, v) = self.at(key);
        Obj::of(v, path)
    }
}

fn opt_int(o: &Obj, key: &str) -> Result<i64> {
    o.int(key)
}
fn opt_num(o: &Obj, key: &str) -> Result<f64> {
    o.num(key)
}
fn opt_string(o: &Obj, key: &str) -> Result<String> {
    o.string(key)
}

fn genesys(o: &Obj, key: &str) -> Result<GenesysOverview> {
    let g = o.child(key)?;
    Ok(GenesysOverview {
        first_day: g.maybe("firstDay", opt_string)?,
        last_day: g.maybe("lastDay", opt_string)?,
        requests: g.int("requests")?,
        status429: g.int("status429")?,
        month: month(&g.child("month")?)?,
        clients: g.list("clients", |c| {
            Ok(ClientFigures {
                client: c.string("client")?,
                requests: c.int("requests")?,
                status429: c.int("status429")?,
                share429: c.num("share429")?,
                last_day_requests: c.int("lastDayRequests")?,
                median_previous: c.maybe("medianPrevious", opt_num)?,
            })
        })?,
        rate_limit: g
            .maybe("rateLimit", opt_int)?
            .and_then(|n| u64::try_from(n).ok()),
    })
}

fn month(m: &Obj) -> Result<MonthOutlook> {
    Ok(MonthOutlook {
        month: m.string("month")?,
        days_in_month: m.count("daysInMonth")?,
        days_counted: m.count("daysCounted")?,
        month_to_date: m.int("monthToDate")?,
        days: m.list("days", |d| {
            Ok(OutlookDay {
                date: d.string("date")?,
                actual: d.maybe("actual", opt_int)?,
                mean: d.maybe("mean", opt_num)?,
                lower: d.maybe("lower", opt_num)?,
                upper: d.maybe("upper", opt_num)?,
                cumulative: d.num("cumulative")?,
                cumulative_lower: d.num("cumulativeLower")?,
                cumulative_upper: d.num("cumulativeUpper")?,
            })
        })?,
        projected: m.num("projected")?,
        projected_lower: m.num("projectedLower")?,
        projected_upper: m.num("projectedUpper")?,
        interval_level: m.num("intervalLevel")?,
        method: m.maybe("method", method)?,
        allowance: m.maybe("allowance", opt_int)?,
        share_of_allowance: m.maybe("shareOfAllowance", opt_num)?,
        overage: m.maybe("overage", opt_num)?,
        overage_upper: m.maybe("overageUpper", opt_num)?,
        contributors: m.list("contributors", |c| {
            Ok(Contributor {
                client: c.string("client")?,
                month_to_date: c.int("monthToDate")?,
                projected: c.num("projected")?,
                share: c.num("share")?,
            })
        })?,
    })
}

fn method(o: &Obj, key: &str) -> Result<ForecastMethod> {
    let (path, v) = o.at(key);
    ForecastMethod::ALL
        .iter()
        .copied()
        .find(|m| v.as_str() == Some(m.as_str()))
        .ok_or_else(|| bad(&path, "a forecast method"))
}

fn units(o: &Obj, key: &str) -> Result<UnitsOutlook> {
    let u = o.child(key)?;
    Ok(UnitsOutlook {
        month_start: u.maybe("monthStart", opt_string)?,
        month_end: u.maybe("monthEnd", opt_string)?,
        elapsed_share: u.maybe("elapsedShare", opt_num)?,
        cloud: figure(&u.child("cloud")?)?,
        enterprise: figure(&u.child("enterprise")?)?,
        groups: u.list("groups", |g| {
            Ok(GroupUnits {
                aid: g.string("aid")?,
                name: g.string("name")?,
                used: g.int("used")?,
                vendor_projected: g.int("vendorProjected")?,
                our_projected: g.maybe("ourProjected", opt_num)?,
                quota: g.maybe("quota", opt_int)?,
                share_of_quota: g.maybe("shareOfQuota", opt_num)?,
            })
        })?,
    })
}

fn figure(f: &Obj) -> Result<UnitsFigure> {
    Ok(UnitsFigure {
        used: f.int("used")?,
        vendor_projected: f.maybe("vendorProjected", opt_int)?,
        our_projected: f.maybe("ourProjected", opt_num)?,
        included: f.maybe("included", opt_int)?,
        quota: f.maybe("quota", opt_int)?,
        share: f.maybe("share", opt_num)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{overview, Allowance, OverviewInput, Records};
    use crate::genesys::ApiUsageQueryResult;
    use crate::thousandeyes::{Quotas, Usage};

    /// A full overview of the vendors' own examples: both vendors, every
    /// kind of field set.
    fn full() -> Overview {
        let g: ApiUsageQueryResult = serde_json::from_str(include_str!(
            "../../tests/fixtures/genesys/usage-query-result-complete-by-client-templateuri-day.documented.json"
        ))
        .unwrap();
        let usage: Usage = serde_json::from_str(include_str!(
            "../../tests/fixtures/thousandeyes/get-usage.expanded.json"
        ))
        .unwrap();
        let quotas: Quotas = serde_json::from_str(include_str!(
            "../../tests/fixtures/thousandeyes/get-quotas.json"
        ))
        .unwrap();
        let records = Records::from_usage_rows(&g.results);
        overview(&OverviewInput {
            today: "2020-02-29",
            genesys: Some(&records),
            allowance: Some(&Allowance::Requests { requests: 5_000 }),
            usage: Some(&usage),
            quotas: Some(&quotas),
            rate_limit: Some(600),
        })
        .unwrap()
    }

    #[test]
    fn an_overview_reads_back_as_it_was_written() {
        let o = full();
        let g = o.genesys.as_ref().unwrap();
        assert!(!g.month.days.is_empty() && !g.clients.is_empty() && g.month.allowance.is_some());
        assert!(!o.thousandeyes.as_ref().unwrap().groups.is_empty());
        let value = serde_json::to_value(&o).unwrap();
        assert_eq!(read_overview(&value).unwrap(), o);
        // The derived decoder agrees (it stays for Rust users).
        assert_eq!(serde_json::from_value::<Overview>(value).unwrap(), o);
        let empty = Overview {
            today: "2026-12-02".into(),
            genesys: None,
            thousandeyes: None,
        };
        assert_eq!(
            read_overview(&serde_json::to_value(&empty).unwrap()).unwrap(),
            empty
        );
    }

    #[test]
    fn the_usage_reader_gives_the_units_outlook_what_the_full_decoder_does() {
        let text = include_str!("../../tests/fixtures/thousandeyes/get-usage.expanded.json");
        let quotas: Quotas = serde_json::from_str(include_str!(
            "../../tests/fixtures/thousandeyes/get-quotas.json"
        ))
        .unwrap();
        let full: Usage = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        let read = read_usage_for_units(&value).unwrap();
        let details = read.usage.as_ref().unwrap();
        assert!(!details.tests.is_empty() && details.cloud_units_used.is_some());
        for now in ["2026-06-02T00:00:00Z", "2026-06-20T00:00:00Z"] {
            assert_eq!(
                crate::analysis::units::units_outlook(&read, Some(&quotas), now).unwrap(),
                crate::analysis::units::units_outlook(&full, Some(&quotas), now).unwrap()
            );
        }
        let bad = serde_json::json!({ "usage": { "tests": [{ "cloudUnitsUsed": "many" }] } });
        assert_eq!(
            read_usage_for_units(&bad).unwrap_err().message,
            "`usage.tests[0].cloudUnitsUsed` must be a whole number"
        );
        let empty =
            read_usage_for_units(&serde_json::json!({ "usage": { "tests": null } })).unwrap();
        assert!(empty.usage.unwrap().tests.is_empty());
    }

    #[test]
    fn a_bad_field_is_named_by_its_path() {
        let mut v = serde_json::to_value(full()).unwrap();
        let said = |v: &Value| read_overview(v).unwrap_err().message;
        assert_eq!(said(&serde_json::json!(5)), "it must be an object");
        assert_eq!(
            said(&serde_json::json!({ "today": "x", "genesys": 5 })),
            "`genesys` must be an object"
        );
        v["genesys"]["clients"][0]["share429"] = "high".into();
        assert_eq!(said(&v), "`genesys.clients[0].share429` must be a number");
        v["genesys"]["clients"][0]["share429"] = 0.5.into();
        v["genesys"]["month"]["method"] = "psychic".into();
        assert_eq!(said(&v), "`genesys.month.method` must be a forecast method");
        v["genesys"]["month"]["method"] = Value::Null;
        v["thousandeyes"]["cloud"]["used"] = 1.5.into();
        assert_eq!(said(&v), "`thousandeyes.cloud.used` must be a whole number");
        v["thousandeyes"]["cloud"]
            .as_object_mut()
            .unwrap()
            .remove("used");
        assert_eq!(said(&v), "`thousandeyes.cloud.used` must be a whole number");
        v["thousandeyes"] = Value::Null;
        v["genesys"]["month"]["daysCounted"] = (-1).into();
        assert_eq!(said(&v), "`genesys.month.daysCounted` must be a count");
    }
}
