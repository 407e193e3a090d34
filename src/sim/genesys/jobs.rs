//! Aggregates jobs, for the organization and for one client: `Queued`,
//! `Running`, then an end state, with rows paged through `nextUri`.

use serde_json::{json, Map, Value};

use crate::http::{percent_encode, HttpResponse};

use super::super::cursor::{self, Dialect};
use super::super::data::{
    aggregate, template, user_id, user_index, AggKey, Catalog, Client, Counts, Stream, HOME_ORG_ID,
};
use super::super::scenario::Outcome;
use super::super::util::day_date;
use super::super::Ctx;
use super::error::ApiError;
use super::executions::{catalog_of, phase, submit, trim_caches, ExecKind, Phase};
use super::ok;
use super::request::{page_size, read_after, JobQuery, Metrics};

/// The default page size.
const JOBS_PAGE: u32 = 100;

/// Starts an aggregates job, for the organization or for one client.
pub(super) fn start_job(
    ctx: &mut Ctx<'_>,
    query: JobQuery,
    client: Option<String>,
) -> HttpResponse {
    let client_segment = client.as_deref().map(percent_encode);
    let kind = ExecKind::Job {
        query,
        client,
        cache: None,
    };
    let id = submit(ctx, kind);
    let uri = job_uri(client_segment.as_deref(), &id);
    ok(202, &json!({ "id": id, "resultsUri": uri, "selfUri": uri }))
}

/// The path of a job; `client` is already percent-encoded.
fn job_uri(client: Option<&str>, id: &str) -> String {
    match client {
        Some(c) => format!("/api/v2/usage/client/{c}/aggregates/query/jobs/{id}"),
        None => format!("/api/v2/usage/aggregates/query/jobs/{id}"),
    }
}

fn job_not_found() -> ApiError {
    ApiError::not_found("The requested job was not found.")
}

/// What a job answers until its rows can be read (`None` once it succeeded):
/// `Queued` and `Running` (202), `Failed` with its `errorBody` (202), or
/// `Cancelled` (200).
fn unfinished_job(phase: Phase, self_uri: &str, cid: &str) -> Option<HttpResponse> {
    let (status, state) = match phase {
        Phase::Queued => (202, "Queued"),
        Phase::Running => (202, "Running"),
        Phase::Done(Outcome::Failed) => (202, "Failed"),
        Phase::Done(Outcome::Cancelled) => (200, "Cancelled"),
        Phase::Done(Outcome::Success) => return None,
    };
    let mut body = json!({ "queryStatus": state, "selfUri": self_uri });
    if let (Phase::Done(Outcome::Failed), Some(m)) = (phase, body.as_object_mut()) {
        let failure = ApiError::new(
            500,
            "internal.server.error",
            "The usage query failed to complete. Submit the query again.",
        );
        m.insert("errorBody".into(), failure.body(cid));
    }
    Some(ok(status, &body))
}

/// One page of a job's rows, or its state while it has none.
pub(super) fn job_results(
    ctx: &mut Ctx<'_>,
    id: &str,
    client: Option<&String>,
    rest: &str,
) -> Result<HttpResponse, ApiError> {
    let size = page_size(rest, JOBS_PAGE)?;
    let now = ctx.now;
    let cid = ctx.correlation_id();
    let client_segment = client.map(|c| percent_encode(c));
    let self_uri = job_uri(client_segment.as_deref(), id);
    let needs_rows = {
        let e = ctx.st.executions.get(id).ok_or_else(job_not_found)?;
        let ExecKind::Job {
            client: c, cache, ..
        } = &e.kind
        else {
            return Err(job_not_found());
        };
        if c.as_ref() != client {
            return Err(job_not_found());
        }
        if let Some(answer) = unfinished_job(phase(e, now), &self_uri, &cid) {
            return Ok(answer);
        }
        cache.is_none()
    };
    if needs_rows {
        trim_caches(ctx, id);
    }
    let cat = catalog_of(ctx.cat, client.map(String::as_str), ctx.st.cfg.xss);
    let cat: &Catalog = &cat;
    let repeat = ctx.st.cfg.repeat;
    let e = ctx.st.executions.get_mut(id).ok_or_else(job_not_found)?;
    let created = e.created;
    let ExecKind::Job { query, cache, .. } = &mut e.kind else {
        return Err(job_not_found());
    };
    if cache.is_none() {
        *cache = Some(job_rows(cat, query, created, client.is_some()));
    }
    let rows = cache.as_deref().unwrap_or(&[]);
    let total = rows.len() as u64;
    let (page, offset, incoming) = read_after(rest, total)?;
    let end = offset.saturating_add(size).min(total);
    let entities: Vec<Value> = rows
        .get(offset as usize..end as usize)
        .unwrap_or(&[])
        .iter()
        .map(|(k, c)| job_row(cat, k, c, &query.metrics, client.is_some()))
        .collect();
    let mut body = json!({ "queryStatus": "Succeeded", "entities": entities, "selfUri": self_uri });
    if end < total {
        let after = cursor::next(Dialect::Genesys, incoming.as_deref(), repeat, page, end);
        if let Some(m) = body.as_object_mut() {
            m.insert(
                "nextUri".into(),
                json!(format!(
                    "{self_uri}?pageSize={size}&after={}",
                    percent_encode(&after)
                )),
            );
        }
    }
    Ok(ok(200, &body))
}

fn job_rows(cat: &Catalog, q: &JobQuery, created: u64, client_job: bool) -> Vec<(AggKey, Counts)> {
    let (first, last) = q.interval.days(created);
    if client_job && !q.orgs.is_empty() && !q.orgs.iter().any(|o| o == HOME_ORG_ID) {
        return Vec::new();
    }
    let keep = |s: &Stream, c: &Client| {
        (q.templates.is_empty() || q.templates.iter().any(|t| t == template(s.template)))
            && (q.methods.is_empty() || q.methods.contains(&s.method))
            && (q.platforms.is_empty() || q.platforms.iter().any(|p| p == c.platform))
            && (q.clients.is_empty() || q.clients.contains(&c.id))
    };
    let wanted_users: Vec<usize> = q.users.iter().filter_map(|u| user_index(u)).collect();
    let user_keep = |u: usize| wanted_users.contains(&u);
    let user_filter: Option<&dyn Fn(usize) -> bool> = if q.users.is_empty() {
        None
    } else {
        Some(&user_keep)
    };
    let mut rows = aggregate(cat, first, last, q.gran, q.dims, &keep, user_filter);
    // Date first, then the group (the aggregate is ordered group first).
    rows.sort_by(|(a, _), (b, _)| a.bucket.cmp(&b.bucket).then_with(|| a.cmp(b)));
    for (field, desc) in q.sort.iter().rev() {
        let key = |k: &AggKey, c: &Counts| -> Option<SortKey> {
            Some(match field.as_str() {
                "requestCount" | "requests" | "Requests" => SortKey::N(c.requests()),
                "status200" | "Status200" => SortKey::N(c.ok),
                "status300" | "Status300" => SortKey::N(c.c3),
                "status400" | "Status400" => SortKey::N(c.s400()),
                "status429" | "Status429" => SortKey::N(c.c429),
                "status500" | "Status500" => SortKey::N(c.c5),
                "date" | "Date" => SortKey::N(k.bucket.unwrap_or(0).max(0) as u64),
                "templateUri" | "TemplateUri" => {
                    SortKey::S(k.template.map_or("", template).to_string())
                }
                "httpMethod" | "HttpMethod" => SortKey::S(k.method.unwrap_or("").to_string()),
                "platform" | "Platform" => SortKey::S(k.platform.unwrap_or("").to_string()),
                _ => return None,
            })
        };
        rows.sort_by(|(ka, ca), (kb, cb)| {
            let ord = key(ka, ca).cmp(&key(kb, cb));
            if *desc {
                ord.reverse()
            } else {
                ord
            }
        });
    }
    rows
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    N(u64),
    S(String),
}

fn job_row(cat: &Catalog, k: &AggKey, c: &Counts, metrics: &Metrics, client_job: bool) -> Value {
    let mut m = Map::new();
    if let Some(day) = k.bucket {
        m.insert("date".into(), json!(day_date(day)));
    }
    if let Some(p) = k.platform {
        m.insert("platform".into(), json!(p));
    }
    if let Some(method) = k.method {
        m.insert("httpMethod".into(), json!(method));
    }
    if let Some(t) = k.template {
        m.insert("templateUri".into(), json!(template(t)));
    }
    metrics.put_counters(&mut m, c, Some("requestCount"));
    if client_job {
        if k.org {
            m.insert("organizationId".into(), json!(HOME_ORG_ID));
        }
    } else {
        if let Some(client) = k.client.and_then(|i| cat.clients.get(i)) {
            m.insert(
                "oauthClient".into(),
                json!({
                    "id": client.id,
                    "name": client.name,
                    "selfUri": format!("/api/v2/oauth/clients/{}", percent_encode(&client.id)),
                }),
            );
        }
        if let Some(Some(u)) = k.user {
            let id = user_id(u);
            m.insert(
                "user".into(),
                json!({ "id": id, "selfUri": format!("/api/v2/users/{id}") }),
            );
        }
    }
    Value::Object(m)
}
