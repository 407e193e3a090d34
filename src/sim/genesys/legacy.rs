//! Legacy executions: the organization and client queries and the client
//! summary, whose results are read in one response.

use serde_json::{json, Map, Value};

use crate::http::{percent_encode, HttpResponse};

use super::super::data::{aggregate, template, user_id, AggKey, Catalog, Counts, HOME_ORG_ID};
use super::super::util::day_date;
use super::super::Ctx;
use super::error::ApiError;
use super::executions::{catalog_of, execution_not_found, phase, submit, unfinished, ExecKind};
use super::ok;
use super::request::{LegacyQuery, Metrics};

/// Starts a legacy query (organization, client, or client summary).
pub(super) fn start_legacy(
    ctx: &mut Ctx<'_>,
    query: LegacyQuery,
    client: Option<String>,
) -> HttpResponse {
    let client_segment = client.as_deref().map(percent_encode);
    let id = submit(ctx, ExecKind::Legacy { query, client });
    let results_uri = match client_segment {
        Some(c) => format!("/api/v2/oauth/clients/{c}/usage/query/results/{id}"),
        None => format!("/api/v2/usage/query/{id}/results"),
    };
    ok(
        202,
        &json!({ "executionId": id, "resultsUri": results_uri }),
    )
}

/// The results of a legacy query: every row in one response.
pub(super) fn legacy_results(
    ctx: &mut Ctx<'_>,
    id: &str,
    client: Option<&String>,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.now;
    let e = ctx.st.executions.get(id).ok_or_else(execution_not_found)?;
    let ExecKind::Legacy { client: c, query } = &e.kind else {
        return Err(execution_not_found());
    };
    if c.as_ref() != client {
        return Err(execution_not_found());
    }
    if let Some(answer) = unfinished(phase(e, now)) {
        return Ok(answer);
    }
    let cat = catalog_of(ctx.cat, client.map(String::as_str), ctx.st.cfg.xss);
    let (first, last) = query.interval.days(e.created);
    let rows = aggregate(
        &cat,
        first,
        last,
        query.gran,
        query.dims,
        &|_, c| !c.builtin,
        None,
    );
    // Written row by row (a tree of every row first would take several
    // times the memory of the text), the keys in the order `json!` sorts
    // them: `{"queryStatus":"Complete","results":[...]}`.
    let mut body = String::from(r#"{"queryStatus":"Complete","results":["#);
    for (i, (k, c)) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let row = legacy_row(&cat, k, c, &query.metrics).to_string();
        if i == 0 {
            // Rows are about the same length: room for all of them at once.
            body.reserve((row.len() + 8) * rows.len());
        }
        body.push_str(&row);
    }
    body.push_str("]}");
    Ok(HttpResponse::new(200, body).with_header("Content-Type", "application/json"))
}

fn legacy_row(cat: &Catalog, k: &AggKey, c: &Counts, metrics: &Metrics) -> Value {
    let client = k.client.and_then(|i| cat.clients.get(i));
    let mut m = Map::new();
    m.insert(
        "clientId".into(),
        json!(client.map_or("", |c| c.id.as_str())),
    );
    m.insert(
        "clientName".into(),
        json!(client.map_or("", |c| c.name.as_str())),
    );
    m.insert(
        "organizationId".into(),
        json!(if k.org { HOME_ORG_ID } else { "" }),
    );
    m.insert("userId".into(), json!(k.user.flatten().map_or("", user_id)));
    m.insert("templateUri".into(), json!(k.template.map_or("", template)));
    m.insert("httpMethod".into(), json!(k.method.unwrap_or("")));
    metrics.put_counters(&mut m, c, Some("requests"));
    if let Some(day) = k.bucket {
        m.insert("date".into(), json!(format!("{}T00:00:00Z", day_date(day))));
    }
    Value::Object(m)
}
