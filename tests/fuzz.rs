//! Property-based runs over every response decoder, the date and interval
//! parsers, the cursor and link readers, request validation, the simulator,
//! the rules file, the snapshots import and the interval split: arbitrary
//! input never panics, and what is accepted keeps its invariants. `make
//! test` runs a short pass; `make fuzz` runs long (PROPTEST_CASES).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use usage_lens::analysis::{history, rules};
use usage_lens::engine::{BudgetHint, PollSchedule, RateBudget};
use usage_lens::error::{decode_json, Vendor};
use usage_lens::genesys::{self, auth::PkceSession};
use usage_lens::http::{self, HttpRequest, HttpResponse, Method};
use usage_lens::sim::Sim;
use usage_lens::thousandeyes;
use usage_lens::time::{parse_instant, Bucket, Interval, DAY};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

/// Arbitrary JSON values, shaped enough to reach deep into the decoders.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        "[a-zA-Z0-9 _:/.{}-]{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("queryStatus"),
            Just("results"),
            Just("entities"),
            Just("cursors"),
            Just("after"),
            Just("nextUri"),
            Just("_links"),
            Just("next"),
            Just("href"),
            Just("breakdowns"),
            Just("Complete"),
            Just("Succeeded"),
            Just(""),
            Just("usage"),
            Just("quota"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("queryStatus".to_string()),
                        Just("results".to_string()),
                        Just("entities".to_string()),
                        Just("cursors".to_string()),
                        Just("after".to_string()),
                        Just("nextUri".to_string()),
                        Just("_links".to_string()),
                        Just("next".to_string()),
                        Just("href".to_string()),
                        Just("breakdowns".to_string()),
                        Just("requests".to_string()),
                        Just("status429".to_string()),
                        Just("usage".to_string()),
                        Just("quota".to_string()),
                        Just("errorBody".to_string()),
                        "[a-z]{1,8}",
                    ],
                    inner,
                ),
                0..6
            )
            .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn decode_all(body: &str) {
    let _ = decode_json::<genesys::ApiUsageQueryResult>(body, Vendor::Genesys, "x");
    let _ = decode_json::<genesys::PublicApiUsageResultsResponse>(body, Vendor::Genesys, "x");
    let _ = decode_json::<genesys::UsageExecutionResult>(body, Vendor::Genesys, "x");
    let _ = decode_json::<genesys::UsageQueryResponse>(body, Vendor::Genesys, "x");
    let _ = decode_json::<genesys::ErrorBody>(body, Vendor::Genesys, "x");
    let _ = decode_json::<genesys::TokenResponse>(body, Vendor::Genesys, "x");
    let _ = decode_json::<genesys::ApiUsageOrganizationQuery>(body, Vendor::Genesys, "x");
    let _ =
        decode_json::<genesys::OrganizationPublicApiUsageQueryRequest>(body, Vendor::Genesys, "x");
    let _ = decode_json::<thousandeyes::Usage>(body, Vendor::ThousandEyes, "x");
    let _ = decode_json::<thousandeyes::TestsUsage>(body, Vendor::ThousandEyes, "x");
    let _ = decode_json::<thousandeyes::EnterpriseAgentsUsage>(body, Vendor::ThousandEyes, "x");
    let _ = decode_json::<thousandeyes::Quotas>(body, Vendor::ThousandEyes, "x");
    if let Ok(p) = decode_json::<thousandeyes::Problem>(body, Vendor::ThousandEyes, "x") {
        let _ = p.summary();
    }
    let _ = decode_json::<thousandeyes::TestsUnitsParams>(body, Vendor::ThousandEyes, "x");
    use thousandeyes::Document;
    use usage_lens::engine::Paged;
    if let Ok(p) = decode_json::<genesys::RawQueryResult>(body, Vendor::Genesys, "x") {
        let _ = p.check_rows();
    }
    if let Ok(p) = decode_json::<genesys::RawJobResults>(body, Vendor::Genesys, "x") {
        let _ = p.check_rows();
    }
    if let Ok(p) = decode_json::<thousandeyes::RawBreakdowns>(body, Vendor::ThousandEyes, "x") {
        let _ = p.check_rows();
    }
    if let Ok(d) = decode_json::<thousandeyes::RawDocument>(body, Vendor::ThousandEyes, "x") {
        let _ = d.rows();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn decoders_never_panic_on_arbitrary_text(body in ".{0,400}") {
        decode_all(&body);
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_json(value in json()) {
        decode_all(&value.to_string());
    }

    #[test]
    fn a_raw_page_reads_every_page_a_typed_page_reads(
        rows in proptest::collection::vec(json(), 0..6),
        status in proptest::option::of("(Complete|Running|Failed|Succeeded|[a-z]{0,6})"),
    ) {
        use usage_lens::engine::Paged;
        let mut page = serde_json::Map::new();
        if let Some(s) = status {
            page.insert("queryStatus".into(), s.into());
        }
        for key in ["results", "entities", "breakdowns"] {
            page.insert(key.into(), serde_json::Value::Array(rows.clone()));
        }
        let body = serde_json::Value::Object(page).to_string();
        // serde also reads a struct from an array of its fields; a raw page
        // holds rows to the documented shape and refuses anything but objects.
        let objects = rows.iter().all(serde_json::Value::is_object);
        if let Ok(raw) = decode_json::<genesys::RawQueryResult>(&body, Vendor::Genesys, "x") {
            prop_assert_eq!(raw.check_rows().is_ok(), objects);
        }
        if !objects {
            return Ok(());
        }
        if let Ok(typed) = decode_json::<genesys::ApiUsageQueryResult>(&body, Vendor::Genesys, "x") {
            let mut raw = decode_json::<genesys::RawQueryResult>(&body, Vendor::Genesys, "x").unwrap();
            prop_assert!(raw.check_rows().is_ok());
            prop_assert_eq!(raw.rows().len(), typed.results.len());
        }
        if let Ok(typed) = decode_json::<genesys::PublicApiUsageResultsResponse>(&body, Vendor::Genesys, "x") {
            let mut raw = decode_json::<genesys::RawJobResults>(&body, Vendor::Genesys, "x").unwrap();
            prop_assert!(raw.check_rows().is_ok());
            prop_assert_eq!(raw.rows().len(), typed.entities.len());
        }
        if let Ok(typed) = decode_json::<thousandeyes::TestsUsage>(&body, Vendor::ThousandEyes, "x") {
            let mut raw = decode_json::<thousandeyes::RawBreakdowns>(&body, Vendor::ThousandEyes, "x").unwrap();
            prop_assert!(raw.check_rows().is_ok());
            prop_assert_eq!(raw.rows().len(), typed.breakdowns.len());
        }
    }

    #[test]
    fn error_mapping_never_panics(status in 100u16..600, body in ".{0,200}", retry in ".{0,12}") {
        use usage_lens::engine::VendorRules;
        let resp = HttpResponse::new(status, body).with_header("Retry-After", retry.clone())
            .with_header("X-Organization-Rate-Limit-Reset", retry.clone())
            .with_header("inin-ratelimit-reset", retry);
        let req = HttpRequest::new(Method::Get, "https://x.test/api/v2/usage/query");
        for rules in [&genesys::GenesysRules as &dyn VendorRules, &thousandeyes::ThousandEyesRules] {
            let e = rules.error_for(&resp, &req, None);
            prop_assert!(!e.message.is_empty());
            let _ = rules.rate_limit_wait_ms(&resp, 3, 1_000);
            let _ = rules.budget_hint(&resp, 1_000);
        }
    }

    #[test]
    fn date_and_interval_parsers_never_panic(text in ".{0,60}", a in "[0-9T:Z+.-]{0,26}", b in "[0-9T:Z+.-]{0,26}") {
        let _ = parse_instant(&text);
        let _ = Interval::parse(&text);
        if let Ok(i) = Interval::parse(&format!("{a}/{b}")) {
            prop_assert!(i.start <= i.end);
            if let Some((x, y)) = i.halves() {
                prop_assert_eq!(x.end, y.start);
                prop_assert!(x.start == i.start && y.end == i.end);
            }
            // What we format, we read back.
            let again = Interval::parse(&i.format()).unwrap();
            prop_assert_eq!(again, i);
        }
        let _ = thousandeyes::check_range(Some(&a), Some(&b));
        let _ = genesys::check_job_interval(&text, 1_780_000_000_000);
    }

    #[test]
    fn valid_instants_round_trip(secs in -5_000_000_000i64..250_000_000_000) {
        let text = usage_lens::time::format_timestamp(secs);
        prop_assert_eq!(parse_instant(&text).unwrap().secs, secs);
    }

    #[test]
    fn url_and_cursor_readers_never_panic(url in ".{0,200}", name in "[a-z]{0,8}") {
        let _ = http::query_param(&url, &name);
        let _ = http::query_params(&url);
        let _ = http::path_of(&url);
        let _ = http::percent_decode(&url);
        let _ = http::normalize_base_url(&url);
        let _ = genesys::Region::find(&url);
        let _ = genesys::seconds_in_message(&url);
        let encoded = http::percent_encode(&url);
        prop_assert!(!encoded.contains(['/', '?', '#', '&']));
        prop_assert_eq!(http::percent_decode(&encoded), url.clone());
    }

    #[test]
    fn ids_and_tokens_are_checked_without_panicking(id in ".{0,80}") {
        if let Ok(ok) = genesys::check_id("clientId", &id) {
            prop_assert!(!ok.contains(['/', '?', '#', '%']));
        }
        let _ = thousandeyes::check_aid(&id);
        let _ = http::AccessToken::new(&id);
        let s = PkceSession::start("mypurecloud.com", "client", "https://app.example/", &[9u8; 64]).unwrap();
        let _ = s.read_redirect(&id);
    }

    #[test]
    fn schedules_and_budgets_never_panic(first in any::<u64>(), factor in any::<f64>(), cap in any::<u64>(), gap in any::<u64>(), at in any::<u64>(), at_once in any::<bool>(), checks in any::<u32>()) {
        let s = PollSchedule { at_once, first_ms: first % 10_000_000, factor, cap_ms: cap, min_gap_ms: gap % 10_000_000 };
        let next = s.next_check_at(at % 1_000_000_000_000);
        prop_assert!(next > at % 1_000_000_000_000 || next == u64::MAX);
        let _ = s.delay_ms(checks, at % 1_000_000_000_000);
        let mut b = RateBudget::new(cap % 1000, gap % 100_000 + 1, first % 5);
        b.observe(&BudgetHint { limit: Some(first), remaining: Some(gap), reset_at_ms: Some(at) }, at / 2);
        b.record(at);
        let _ = b.wait_ms(at);
    }

    #[test]
    fn the_simulator_never_panics(path in "/[a-zA-Z0-9_/.;=%?&{}-]{0,80}", body in ".{0,200}", post in any::<bool>(), now in 0u64..4_000_000_000_000) {
        let mut sim = Sim::new(3);
        let method = if post { Method::Post } else { Method::Get };
        let mut req = HttpRequest::new(method, format!("http://127.0.0.1:1{path}")).header("Authorization", "Bearer t");
        req.body = Some(body);
        let res = sim.handle(&req, now);
        prop_assert!((100..600).contains(&res.status));
    }
}

/// Rule sets shaped like real ones, with every field at and past its edges.
fn rule_sets() -> impl Strategy<Value = serde_json::Value> {
    let rule = (
        prop_oneof![
            Just(String::new()),
            "[a-z0-9 -]{0,70}",
            Just("spike".to_string())
        ],
        prop_oneof![
            Just("share429"),
            Just("monthAllowance"),
            Just("spike"),
            Just("unitsQuota"),
            Just("groupQuota"),
            Just("Spike"),
            Just(""),
        ],
        prop_oneof![
            any::<f64>(),
            -10.0f64..20_000.0,
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(0.0)
        ],
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop_oneof![any::<i64>(), -5i64..5_000]),
    )
        .prop_map(|(id, kind, threshold, enabled, min)| {
            let mut r = serde_json::json!({ "id": id, "kind": kind, "threshold": threshold });
            if let Some(e) = enabled {
                r["enabled"] = e.into();
            }
            if let Some(m) = min {
                r["minRequests"] = m.into();
            }
            r
        });
    proptest::collection::vec(rule, 0..8).prop_map(serde_json::Value::Array)
}

/// A date as the snapshots file holds it, or something close to one.
fn snapshot_day() -> impl Strategy<Value = String> {
    prop_oneof![
        (2020i32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        "20[0-9]{2}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?",
        ".{0,12}",
    ]
}

fn count() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (-3i64..5_000).prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::json!(1.5)),
    ]
}

/// Snapshots files: the real header or another, snapshots near and far from valid.
fn snapshot_files() -> impl Strategy<Value = serde_json::Value> {
    let header: serde_json::Value =
        serde_json::from_str(&history::export(&[])).expect("an empty export is JSON");
    let snapshot = (
        proptest::option::of("[a-z0-9]{0,6}"),
        (
            snapshot_day(),
            snapshot_day(),
            snapshot_day(),
            snapshot_day(),
        ),
        (count(), count(), count(), count(), count()),
    )
        .prop_map(|(group, (start, end, day, taken), (u, p, q, eu, ep))| {
            let mut s = serde_json::json!({
                "periodStart": start, "periodEnd": end, "day": day, "takenAt": taken,
                "cloudUsed": u, "cloudProjected": p, "cloudQuota": q,
                "enterpriseUsed": eu, "enterpriseProjected": ep,
            });
            if let Some(g) = group {
                s["accountGroup"] = g.into();
            }
            s
        });
    (
        proptest::collection::vec(snapshot, 0..8),
        prop_oneof![Just(header["format"].clone()), json()],
        prop_oneof![Just(header["version"].clone()), json()],
    )
        .prop_map(|(snapshots, format, version)| {
            serde_json::json!({ "format": format, "version": version, "snapshots": snapshots })
        })
}

/// Every snapshot an import accepts is one the app can show.
fn check_imported(snaps: &[history::Snapshot]) -> Result<(), TestCaseError> {
    prop_assert!(snaps.len() <= history::IMPORT_MAX);
    for s in snaps {
        let start = parse_instant(&s.period_start).unwrap().secs;
        let end = parse_instant(&s.period_end).unwrap().secs;
        prop_assert!(start < end, "{s:?}");
        prop_assert!(parse_instant(&s.day).is_ok() && parse_instant(&s.taken_at).is_ok());
        let counts = [
            Some(s.cloud_used),
            s.cloud_projected,
            s.cloud_quota,
            s.enterprise_used,
            s.enterprise_projected,
        ];
        prop_assert!(counts.iter().flatten().all(|n| *n >= 0), "{s:?}");
    }
    // What is exported reads back the same.
    prop_assert_eq!(
        history::import(&history::export(snaps)).unwrap(),
        snaps.to_vec()
    );
    // And the views built on it never panic.
    let mut kept = Vec::new();
    let added = history::merge(&mut kept, snaps.iter().cloned());
    prop_assert!(added <= snaps.len() && kept.len() <= snaps.len());
    for group in history::groups(&kept) {
        let _ = history::periods(&kept, group.as_deref());
    }
    Ok(())
}

/// Every rule set the rules file accepts is one `check_rules` accepts, and
/// reads back the same.
fn check_rule_set(set: &[rules::Rule]) -> Result<(), TestCaseError> {
    prop_assert!(rules::check_rules(set).is_ok());
    prop_assert!(set.len() <= rules::MAX_RULES);
    for (i, r) in set.iter().enumerate() {
        prop_assert!(r.threshold.is_finite() && r.threshold > 0.0, "{r:?}");
        prop_assert!(r.threshold <= 10_000.0 && r.min_requests >= 0, "{r:?}");
        prop_assert!(!r.id.trim().is_empty() && r.id.chars().count() <= rules::MAX_ID_LEN);
        prop_assert!(set[..i].iter().all(|o| o.id != r.id));
    }
    // Read back the same; a threshold to the last bit of its digits only
    // (JSON numbers are read to within one unit in the last place).
    let text = serde_json::to_string(set).unwrap();
    let again = rules::rules_from_json(&text).unwrap();
    prop_assert_eq!(again.len(), set.len());
    for (a, r) in again.iter().zip(set) {
        prop_assert!(
            (a.threshold - r.threshold).abs() <= r.threshold * 1e-15,
            "{a:?} {r:?}"
        );
        let same = rules::Rule {
            threshold: r.threshold,
            ..a.clone()
        };
        prop_assert_eq!(&same, r);
    }
    Ok(())
}

fn bucket() -> impl Strategy<Value = Bucket> {
    prop_oneof![Just(Bucket::Day), Just(Bucket::Week), Just(Bucket::Month)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_rules_file_never_panics_and_keeps_what_it_accepts(text in ".{0,200}", value in json(), set in rule_sets()) {
        for t in [text, value.to_string(), set.to_string()] {
            match rules::rules_from_json(&t) {
                Ok(rs) => check_rule_set(&rs)?,
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
        }
    }

    #[test]
    fn the_snapshots_import_never_panics_and_keeps_what_it_accepts(text in ".{0,200}", value in json(), file in snapshot_files()) {
        for t in [text, value.to_string(), file.to_string()] {
            match history::import(&t) {
                Ok(snaps) => check_imported(&snaps)?,
                Err(m) => prop_assert!(!m.is_empty()),
            }
        }
    }

    #[test]
    fn an_interval_splits_into_parts_that_cover_it_on_bucket_starts(
        start in -2_000_000_000i64..4_000_000_000,
        len in 0i64..(3 * 366 * DAY),
        max_days in -2i64..400,
        bucket in bucket(),
    ) {
        let whole = Interval { start, end: start + len };
        let Some(parts) = whole.split(max_days, bucket) else {
            // Only a limit shorter than a month can fail to hold a bucket.
            prop_assert!(max_days < 31 && len > max_days.max(0) * DAY);
            return Ok(());
        };
        prop_assert!(!parts.is_empty());
        prop_assert_eq!(parts[0].start, whole.start);
        prop_assert_eq!(parts[parts.len() - 1].end, whole.end);
        for (i, p) in parts.iter().enumerate() {
            prop_assert!(p.end - p.start <= max_days.max(0) * DAY || parts.len() == 1, "{p:?}");
            if i > 0 {
                prop_assert_eq!(parts[i - 1].end, p.start, "parts follow each other");
                prop_assert!(p.start > parts[i - 1].start);
                // Cut only where a bucket starts.
                prop_assert_eq!(p.start.rem_euclid(DAY), 0);
                let day = p.start / DAY;
                prop_assert_eq!(bucket.next_start(day - 1), day, "{:?} cut on day {}", bucket, day);
            }
        }
    }
}
