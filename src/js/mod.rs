//! The JavaScript face: `GenesysClient` and `ThousandEyesClient`.
//!
//! This module only converts: JavaScript values to the Rust types (with the
//! path of any field that does not fit), results to plain JavaScript objects
//! (serialized once and handed to `JSON.parse`, the fastest way across the
//! boundary), and errors to `Error` objects named `UsageLensError`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::analysis::{choose_allowance, Allowance, LicenceCount};
use crate::engine::{
    Progress, RateBudget, RunOptions, TokenSource, PAGE_SIZE, PARTS_AT_ONCE_RANGE, TIMEOUT_MS,
};
use crate::error::{Error, ErrorKind, Vendor};
use crate::genesys::{
    self, ApiUsageClientQuery, ApiUsageOrganizationQuery, ApiUsageSimpleSearch, ChargeMatcher,
    ClientCredentials, ClientPublicApiUsageQueryRequest, CredentialsSource,
    OrganizationPublicApiUsageQueryRequest, RateLimit, RawJobResults, RawQueryResult,
};
use crate::http::AccessToken;
use crate::thousandeyes::{
    self, EnterpriseAgentsUnitsParams, RawBreakdowns, RawDocument, TestsUnitsParams, UsageParams,
};
use crate::transport::fetch::FetchTransport;

mod analysis;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What went wrong, as `error.kind` of a `UsageLensError`. */
export type UsageLensErrorKind =
  | "invalidInput" | "unauthorized" | "forbidden" | "notFound" | "rateLimited" | "server"
  | "http" | "network" | "timeout" | "aborted" | "queryFailed" | "decode";

/** The error every rejected promise of usage-lens carries. */
export interface UsageLensError extends Error {
  name: "UsageLensError";
  kind: UsageLensErrorKind;
  /** HTTP status of the last response, if there was one. */
  status?: number;
  vendor?: "genesys" | "thousandeyes";
  /** `ININ-Correlation-Id` (Genesys), for support. */
  correlationId?: string;
  /** How long the vendor asked to wait (rate limits). */
  retryAfterMs?: number;
  /** The vendor's error body, when it was JSON. */
  details?: unknown;
  /** What was fetched before the failure, in the shape of the full result. */
  partial?: unknown;
}

/** Options of every call. */
export interface CallOptions {
  /** Aborts the in-flight request and any pending wait at once. */
  signal?: AbortSignal;
  /** Called whenever the progress changes. */
  onProgress?: (progress: Progress) => void;
  /** Give up with kind "timeout" after this many milliseconds. */
  timeoutMs?: number;
  /** Rows per page where the vendor lets the client choose (1..=1000). */
  pageSize?: number;
  /** Genesys simple search: split the interval when the 20,000-record cap is hit. */
  splitOnCap?: boolean;
  /**
   * Genesys jobs longer than 90 days run as several jobs: how many at once
   * (1..=12, default 6; 1 runs them one after another).
   */
  partsAtOnce?: number;
}

/**
 * How to reach Genesys Cloud: a region domain or a base URL, and either a
 * token or (in Node only) an OAuth client's client credentials.
 */
export type GenesysConfig = {
  /** A region domain such as "mypurecloud.com", or its name such as "us-east-1". */
  region?: string;
  /** Or any https:// base URL (a proxy, or the simulator on 127.0.0.1). */
  baseUrl?: string;
} & (
  | {
      /** An OAuth access token. Kept in memory only. */
      accessToken: string;
    }
  | {
      /** Node only: the id of an OAuth client with the client-credentials grant. */
      clientId: string;
      /** Node only: its secret. Never in a web page; kept in memory only. */
      clientSecret: string;
      /** The login host, when not derived from the region (default: the baseUrl itself). */
      loginUrl?: string;
    }
);

/** What `GenesysClient.allowance()` reads the allowance from. */
export interface AllowanceRequest {
  /** Today, `YYYY-MM-DD`: the billing period that holds it. */
  today: string;
  /** Typed by the user: it wins, and the contract is not read. */
  allowance?: Allowance;
  /** Licences for the fair-use table, when the contract gives none. */
  licences?: LicenceCount;
  /** The contract charge's name, when it is not the one named with "API". */
  charge?: string;
}

/** How to reach ThousandEyes. */
export interface ThousandEyesConfig {
  /** A user API bearer token. Kept in memory only. */
  accessToken: string;
  /** Default https://api.thousandeyes.com; a proxy path or URL when the browser may not call the API. */
  baseUrl?: string;
}
"#;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GenesysConfig {
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    login_url: Option<String>,
}

/// What `allowance()` is asked.
struct AllowanceRequest {
    today: String,
    allowance: Option<Allowance>,
    licences: Option<LicenceCount>,
    charge: Option<String>,
}

/// Reads an `AllowanceRequest` field by field (a few fields: no decoder of its own).
fn allowance_request(v: &JsValue) -> Result<AllowanceRequest, Error> {
    let g = |m: &str| invalid(Vendor::Genesys, format!("the allowance request: {m}"));
    if !v.is_object() {
        return Err(g("it must be an object"));
    }
    let present = |k: &str| Some(get(v, k)).filter(|x| !x.is_undefined() && !x.is_null());
    let text = |k: &str| match present(k) {
        None => Ok(None),
        Some(x) => x
            .as_string()
            .map(Some)
            .ok_or_else(|| g(&format!("{k} must be a string"))),
    };
    let today = text("today")?.ok_or_else(|| g("today (YYYY-MM-DD) is missing"))?;
    let allowance = match present("allowance") {
        Some(a) => Some(from_js(&a, "the allowance", Vendor::Genesys)?),
        None => None,
    };
    let licences = match present("licences") {
        Some(l) => Some(LicenceCount {
            licence: get(&l, "licence")
                .as_string()
                .ok_or_else(|| g("licences.licence must be a string"))?,
            count: whole_number(
                &get(&l, "count"),
                "licences.count",
                1,
                u32::MAX,
                Vendor::Genesys,
            )?
            .ok_or_else(|| g("licences.count is missing"))?,
        }),
        None => None,
    };
    Ok(AllowanceRequest {
        today,
        allowance,
        licences,
        charge: text("charge")?,
    })
}

/// Whether this runs in Node (where a client secret may live), not a web page.
fn in_node() -> bool {
    let process = get(&js_sys::global(), "process");
    !process.is_undefined() && !get(&get(&process, "versions"), "node").is_undefined()
}

/// The token, or the token source, a Genesys config signs in with.
fn genesys_sign_in(
    cfg: &GenesysConfig,
    base_or_region: &str,
) -> Result<(AccessToken, Option<Rc<dyn TokenSource>>), Error> {
    let g = |m: &str| invalid(Vendor::Genesys, m.to_string());
    match (&cfg.access_token, &cfg.client_id, &cfg.client_secret) {
        (Some(t), None, None) => {
            let token = AccessToken::new(t).map_err(|m| g(&format!("accessToken: {m}")))?;
            Ok((token, None))
        }
        (None, Some(id), Some(secret)) => {
            if !in_node() {
                return Err(g("a client secret must never be shipped in a web page: use clientId and clientSecret from Node only (a scheduled job, a server), and sign in with Genesys (PKCE) or a token in the browser"));
            }
            let creds = ClientCredentials::new(id, secret, cfg.login_url.as_deref())?;
            let url = creds.token_url(base_or_region)?;
            let source: Rc<dyn TokenSource> = Rc::new(CredentialsSource::new(creds, url));
            let placeholder = AccessToken::new("client-credentials").map_err(|m| g(&m))?;
            Ok((placeholder, Some(source)))
        }
        _ => Err(g(
            "give either accessToken, or clientId with clientSecret (Node only)",
        )),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ThousandEyesConfig {
    access_token: String,
    #[serde(default)]
    base_url: Option<String>,
}

/// Turns an [`Error`] into a JavaScript `Error` named `UsageLensError`.
pub fn to_js_error(err: &Error) -> JsValue {
    let e = js_sys::Error::new(&err.message);
    e.set_name("UsageLensError");
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&e, &JsValue::from_str(k), &v);
    };
    set("kind", JsValue::from_str(err.kind.as_str()));
    if let Some(s) = err.status {
        set("status", JsValue::from(s));
    }
    if let Some(v) = err.vendor {
        set(
            "vendor",
            JsValue::from_str(match v {
                Vendor::Genesys => "genesys",
                Vendor::ThousandEyes => "thousandeyes",
            }),
        );
    }
    if let Some(c) = &err.correlation_id {
        set("correlationId", JsValue::from_str(c));
    }
    if let Some(ms) = err.retry_after_ms {
        set("retryAfterMs", JsValue::from_f64(ms as f64));
    }
    if let Some(d) = &err.details {
        set("details", json_to_js(d.as_ref()));
    }
    if let Some(p) = &err.partial {
        set("partial", json_to_js(p.as_ref()));
    }
    e.into()
}

fn json_to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(text) => js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    }
}

fn invalid(vendor: Vendor, message: String) -> Error {
    Error::invalid_input(message).with_vendor(vendor)
}

/// Reads a JavaScript value as `T`, naming the field that does not fit.
///
/// The value goes through `JSON.stringify` and serde_json: that sees every
/// key (so a misspelt field is refused), drops `undefined` like the wire
/// does, and refuses what JSON cannot carry (BigInt, cycles).
fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str, vendor: Vendor) -> Result<T, Error> {
    read_js(value, what, INPUT_LIMIT).map_err(|e| e.with_vendor(vendor))
}

/// The largest query or parameters object accepted, as JSON.
const INPUT_LIMIT: usize = 1_000_000;

/// [`from_js`] without a vendor, for values of at most `limit` bytes of JSON.
fn read_js<T: DeserializeOwned>(value: &JsValue, what: &str, limit: usize) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Err(Error::invalid_input(format!("{what} is missing")));
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::invalid_input(format!(
                "{what} cannot be read as JSON (a BigInt, a function or a cycle?)"
            ))
        })?;
    if text.len() > limit {
        return Err(Error::invalid_input(format!(
            "{what} is larger than {} MB",
            limit / 1_000_000
        )));
    }
    serde_json::from_str(&text).map_err(|e| {
        let path = crate::error::json_path_at(&text, e.line(), e.column());
        let at = if path.is_empty() {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Error::invalid_input(format!("{what}{at}: {e}"))
    })
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn whole_number(
    v: &JsValue,
    what: &str,
    min: u32,
    max: u32,
    vendor: Vendor,
) -> Result<Option<u32>, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n)
            if n.is_finite()
                && n.fract() == 0.0
                && (f64::from(min)..=f64::from(max)).contains(&n) =>
        {
            Ok(Some(n as u32))
        }
        _ => Err(invalid(
            vendor,
            format!("{what} must be a whole number from {min} to {max}"),
        )),
    }
}

/// The parts of `CallOptions` that stay JavaScript values.
struct CallOptions {
    run: RunOptions,
    signal: Option<AbortSignal>,
}

fn call_options(opts: &JsValue, vendor: Vendor) -> Result<CallOptions, Error> {
    let mut out = CallOptions {
        run: RunOptions::default(),
        signal: None,
    };
    if opts.is_undefined() || opts.is_null() {
        return Ok(out);
    }
    if !opts.is_object() {
        return Err(invalid(vendor, "options must be an object".into()));
    }
    for key in Object::keys(opts.unchecked_ref::<Object>()).iter() {
        let k = key.as_string().unwrap_or_default();
        if !matches!(
            k.as_str(),
            "signal" | "onProgress" | "timeoutMs" | "pageSize" | "splitOnCap" | "partsAtOnce"
        ) {
            return Err(invalid(
                vendor,
                format!("unknown option `{k}`; the options are signal, onProgress, timeoutMs, pageSize, splitOnCap, partsAtOnce"),
            ));
        }
    }
    let signal = get(opts, "signal");
    if !signal.is_undefined() && !signal.is_null() {
        out.signal = Some(
            signal
                .dyn_into::<AbortSignal>()
                .map_err(|_| invalid(vendor, "signal must be an AbortSignal".into()))?,
        );
    }
    let progress = get(opts, "onProgress");
    if !progress.is_undefined() && !progress.is_null() {
        let f: Function = progress
            .dyn_into()
            .map_err(|_| invalid(vendor, "onProgress must be a function".into()))?;
        out.run.on_progress = Some(Rc::new(move |p: &Progress| {
            // A throwing callback must not break the run.
            let _ = f.call1(&JsValue::NULL, &json_to_js(p));
        }));
    }
    let (low, high) = (*TIMEOUT_MS.start(), *TIMEOUT_MS.end());
    out.run.timeout_ms =
        whole_number(&get(opts, "timeoutMs"), "timeoutMs", low, high, vendor)?.map(u64::from);
    let (low, high) = (*PAGE_SIZE.start(), *PAGE_SIZE.end());
    out.run.page_size = whole_number(&get(opts, "pageSize"), "pageSize", low, high, vendor)?;
    let (low, high) = (*PARTS_AT_ONCE_RANGE.start(), *PARTS_AT_ONCE_RANGE.end());
    out.run.parts_at_once =
        whole_number(&get(opts, "partsAtOnce"), "partsAtOnce", low, high, vendor)?;
    let split = get(opts, "splitOnCap");
    if !split.is_undefined() && !split.is_null() {
        out.run.split_on_cap = split
            .as_bool()
            .ok_or_else(|| invalid(vendor, "splitOnCap must be true or false".into()))?;
    }
    Ok(out)
}

fn transport_for(opts: &CallOptions, vendor: Vendor) -> Result<Rc<FetchTransport>, Error> {
    FetchTransport::new(opts.signal.clone(), opts.run.timeout_ms)
        .map(Rc::new)
        .map_err(|e| Error::new(ErrorKind::Network, e.to_string()).with_vendor(vendor))
}

/// Runs `work` as a promise resolving to the JSON of its result.
fn promise<T, F>(work: F) -> Promise
where
    T: Serialize + 'static,
    F: std::future::Future<Output = Result<T, Error>> + 'static,
{
    // Boxed, so that the promise machinery is compiled once for every
    // method instead of once per method (a smaller download).
    let work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>> =
        Box::pin(async move {
            match work.await {
                Ok(v) => Ok(json_to_js(&v)),
                Err(e) => Err(to_js_error(&e)),
            }
        });
    future_to_promise(work)
}

fn rejected(err: Error) -> Promise {
    Promise::reject(&to_js_error(&err))
}

/// The transport a client of the JavaScript face runs on.
type JsTransport = Rc<FetchTransport>;

/// What a client of the JavaScript face holds: where its requests go, the
/// token, the request budget its calls share, and how the vendor's client is
/// made on a call's own transport.
struct Session<C> {
    vendor: Vendor,
    base: String,
    token: AccessToken,
    budget: Rc<RefCell<RateBudget>>,
    /// Where the bearer comes from when it renews itself (client credentials).
    tokens: Option<Rc<dyn TokenSource>>,
    make: fn(&Session<C>, JsTransport) -> Result<C, Error>,
}

impl<C> Session<C> {
    /// The one path of every client method: the input read from JavaScript,
    /// the options checked, the client made on a transport of this call's own,
    /// the flow run, and its answer handed back as JSON (or its error).
    fn call<I, T, Fut>(
        &self,
        input: Result<I, Error>,
        opts: Option<Object>,
        flow: impl FnOnce(C, I, RunOptions) -> Fut,
    ) -> Promise
    where
        T: Serialize + 'static,
        Fut: std::future::Future<Output = Result<T, Error>> + 'static,
    {
        let opts = opts.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let prepared = input.and_then(|input| {
            let o = call_options(&opts, self.vendor)?;
            let client = (self.make)(self, transport_for(&o, self.vendor)?)?;
            Ok((client, input, o.run))
        });
        match prepared {
            Ok((client, input, run)) => promise(flow(client, input, run)),
            Err(e) => rejected(e),
        }
    }
}

/// A Genesys Cloud usage client for JavaScript, with the rate limit it
/// read (once).
#[wasm_bindgen]
pub struct GenesysClient(
    Session<genesys::Client<JsTransport, JsTransport>>,
    Rc<RefCell<Option<RateLimit>>>,
);

#[wasm_bindgen]
impl GenesysClient {
    /// A client for one region (or base URL) and token.
    ///
    /// ```js
    /// const gc = new GenesysClient({ region: "mypurecloud.com", accessToken });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GenesysConfig")] config: JsValue,
    ) -> Result<GenesysClient, JsValue> {
        let cfg: GenesysConfig =
            from_js(&config, "the Genesys config", Vendor::Genesys).map_err(|e| to_js_error(&e))?;
        let base_or_region = match (&cfg.region, &cfg.base_url) {
            (Some(_), Some(_)) => {
                return Err(to_js_error(&invalid(
                    Vendor::Genesys,
                    "give either region or baseUrl, not both".into(),
                )))
            }
            (Some(r), None) => {
                if genesys::Region::find(r).is_none() {
                    return Err(to_js_error(&invalid(
                        Vendor::Genesys,
                        format!("unknown region `{}`; use a domain such as mypurecloud.com or mypurecloud.ie", crate::error::snippet(r, 60)),
                    )));
                }
                r.clone()
            }
            (None, Some(b)) => b.clone(),
            (None, None) => {
                return Err(to_js_error(&invalid(
                    Vendor::Genesys,
                    "give a region (such as mypurecloud.com) or a baseUrl".into(),
                )))
            }
        };
        let base = genesys::resolve_base(&base_or_region).map_err(|e| to_js_error(&e))?;
        let (token, tokens) =
            genesys_sign_in(&cfg, &base_or_region).map_err(|e| to_js_error(&e))?;
        let session = Session {
            vendor: Vendor::Genesys,
            base,
            token,
            budget: RateBudget::shared_per_minute(genesys::REQUESTS_PER_MINUTE),
            tokens,
            make: |s, t| {
                let client = match &s.tokens {
                    Some(source) => {
                        genesys::Client::with_token_source(&s.base, source.clone(), t.clone(), t)?
                    }
                    None => genesys::Client::new(&s.base, s.token.expose(), t.clone(), t)?,
                };
                Ok(client.with_budget(s.budget.clone()))
            },
        };
        Ok(GenesysClient(session, Rc::default()))
    }

    /// The token's rate limit, read from the organization once (later calls
    /// answer from memory); every call of this client then keeps to it, less
    /// a margin. When it cannot be read, the documented default is used and
    /// the answer says why.
    #[wasm_bindgen(js_name = rateLimit, unchecked_return_type = "Promise<RateLimit>")]
    pub fn rate_limit(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let known = self.1.clone();
        self.0.call(Ok(()), opts, |c, (), run| async move {
            let cached = known.borrow().clone();
            if let Some(limit) = cached {
                return Ok(limit);
            }
            let limit = c.rate_limit(&run).await;
            *known.borrow_mut() = Some(limit.clone());
            Ok(limit)
        })
    }

    /// The month's API allowance and where it came from: typed (it wins),
    /// the billing contract's API charge, licences × the fair-use table, or
    /// none, with the reason each source before it gave none.
    #[wasm_bindgen(unchecked_return_type = "Promise<AllowanceChoice>")]
    pub fn allowance(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AllowanceRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let request = allowance_request(&request);
        self.0
            .call(request, opts, |c, r: AllowanceRequest, run| async move {
                let contract = match r.allowance {
                    Some(_) => None,
                    None => {
                        let matcher = ChargeMatcher::from_name(r.charge.as_deref());
                        Some(c.contract_allowance(&r.today, &matcher, &run).await)
                    }
                };
                choose_allowance(r.allowance.as_ref(), contract, r.licences.as_ref())
            })
    }

    /// The API base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.0.base.clone()
    }

    /// Runs an organization usage query until it is complete.
    #[wasm_bindgen(js_name = queryOrganizationUsage, unchecked_return_type = "Promise<ApiUsageQueryResult>")]
    pub fn query_organization_usage(
        &self,
        query: Ts<ApiUsageOrganizationQuery>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let query = from_js(&query.js_value(), "the query", Vendor::Genesys);
        self.0.call(
            query,
            opts,
            |c, q: ApiUsageOrganizationQuery, run| async move {
                c.query_organization_usage_as::<RawQueryResult>(&q, &run)
                    .await
            },
        )
    }

    /// Runs the usage query of one OAuth client until it is complete.
    #[wasm_bindgen(js_name = queryClientUsage, unchecked_return_type = "Promise<ApiUsageQueryResult>")]
    pub fn query_client_usage(
        &self,
        #[wasm_bindgen(js_name = clientId)] client_id: String,
        query: Ts<ApiUsageClientQuery>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let query = from_js(&query.js_value(), "the query", Vendor::Genesys);
        self.0
            .call(query, opts, |c, q: ApiUsageClientQuery, run| async move {
                c.query_client_usage_as::<RawQueryResult>(&client_id, &q, &run)
                    .await
            })
    }

    /// The usage summary of one OAuth client over the last `days` days (default 7).
    #[wasm_bindgen(js_name = clientUsageSummary, unchecked_return_type = "Promise<ApiUsageQueryResult>")]
    pub fn client_usage_summary(
        &self,
        #[wasm_bindgen(js_name = clientId)] client_id: String,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] days: Option<f64>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let (low, high) = (*genesys::SUMMARY_DAYS.start(), *genesys::SUMMARY_DAYS.end());
        let days = days.map_or(Ok(None), |d| {
            whole_number(&JsValue::from_f64(d), "days", low, high, Vendor::Genesys)
        });
        self.0.call(days, opts, |c, days, run| async move {
            c.client_usage_summary_as::<RawQueryResult>(&client_id, days, &run)
                .await
        })
    }

    /// Runs a simple search and returns every page's rows concatenated.
    #[wasm_bindgen(js_name = simpleSearch, unchecked_return_type = "Promise<ApiUsageQueryResult>")]
    pub fn simple_search(
        &self,
        search: Ts<ApiUsageSimpleSearch>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let search = from_js(&search.js_value(), "the search", Vendor::Genesys);
        self.0
            .call(search, opts, |c, s: ApiUsageSimpleSearch, run| async move {
                c.simple_search_as::<RawQueryResult>(&s, &run).await
            })
    }

    /// Runs an organization aggregates job and returns every page's rows.
    #[wasm_bindgen(js_name = aggregatesQuery, unchecked_return_type = "Promise<PublicApiUsageResultsResponse>")]
    pub fn aggregates_query(
        &self,
        request: Ts<OrganizationPublicApiUsageQueryRequest>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let request = from_js(&request.js_value(), "the request", Vendor::Genesys);
        self.0.call(
            request,
            opts,
            |c, r: OrganizationPublicApiUsageQueryRequest, run| async move {
                c.aggregates_query_as::<RawJobResults>(&r, &run).await
            },
        )
    }

    /// Runs the aggregates job of one OAuth client and returns every page's rows.
    #[wasm_bindgen(js_name = clientAggregatesQuery, unchecked_return_type = "Promise<PublicApiUsageResultsResponse>")]
    pub fn client_aggregates_query(
        &self,
        #[wasm_bindgen(js_name = clientId)] client_id: String,
        request: Ts<ClientPublicApiUsageQueryRequest>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let request = from_js(&request.js_value(), "the request", Vendor::Genesys);
        self.0.call(
            request,
            opts,
            |c, r: ClientPublicApiUsageQueryRequest, run| async move {
                c.client_aggregates_query_as::<RawJobResults>(&client_id, &r, &run)
                    .await
            },
        )
    }
}

/// A ThousandEyes usage client for JavaScript.
#[wasm_bindgen]
pub struct ThousandEyesClient(Session<thousandeyes::Client<JsTransport, JsTransport>>);

fn optional_params<T: DeserializeOwned + Default>(
    v: Option<Object>,
    what: &str,
) -> Result<T, Error> {
    match v {
        None => Ok(T::default()),
        Some(v) => from_js(&v, what, Vendor::ThousandEyes),
    }
}

#[wasm_bindgen]
impl ThousandEyesClient {
    /// A client for a token and, optionally, a base URL (a proxy).
    ///
    /// ```js
    /// const te = new ThousandEyesClient({ accessToken });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ThousandEyesConfig")] config: JsValue,
    ) -> Result<ThousandEyesClient, JsValue> {
        let cfg: ThousandEyesConfig =
            from_js(&config, "the ThousandEyes config", Vendor::ThousandEyes)
                .map_err(|e| to_js_error(&e))?;
        let base =
            thousandeyes::resolve_base(cfg.base_url.as_deref()).map_err(|e| to_js_error(&e))?;
        let token = AccessToken::new(&cfg.access_token).map_err(|m| {
            to_js_error(&invalid(Vendor::ThousandEyes, format!("accessToken: {m}")))
        })?;
        Ok(ThousandEyesClient(Session {
            vendor: Vendor::ThousandEyes,
            base,
            token,
            budget: RateBudget::shared_per_minute(thousandeyes::REQUESTS_PER_MINUTE),
            tokens: None,
            make: |s, t| {
                Ok(
                    thousandeyes::Client::new(Some(&s.base), s.token.expose(), t.clone(), t)?
                        .with_budget(s.budget.clone()),
                )
            },
        }))
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.0.base.clone()
    }

    /// Usage of the current billing period.
    #[wasm_bindgen(unchecked_return_type = "Promise<Usage>")]
    pub fn usage(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "UsageParams")] params: Option<Object>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let params = optional_params(params, "the usage parameters");
        self.0
            .call(params, opts, |c, p: UsageParams, run| async move {
                c.usage_as::<RawDocument>(&p, &run).await
            })
    }

    /// Cloud and enterprise units per test over a range, every page merged.
    #[wasm_bindgen(js_name = testUnitsUsage, unchecked_return_type = "Promise<TestsUsage>")]
    pub fn test_units_usage(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "TestsUnitsParams")] params: Option<Object>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let params = optional_params(params, "the parameters");
        self.0
            .call(params, opts, |c, p: TestsUnitsParams, run| async move {
                c.tests_units_usage_as::<RawBreakdowns>(&p, &run).await
            })
    }

    /// Enterprise-agent units per account group and agent over a range, merged.
    #[wasm_bindgen(js_name = enterpriseAgentUnitsUsage, unchecked_return_type = "Promise<EnterpriseAgentsUsage>")]
    pub fn enterprise_agent_units_usage(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "EnterpriseAgentsUnitsParams")]
        params: Option<Object>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        let params = optional_params(params, "the parameters");
        self.0.call(
            params,
            opts,
            |c, p: EnterpriseAgentsUnitsParams, run| async move {
                c.enterprise_agent_units_usage_as::<RawBreakdowns>(&p, &run)
                    .await
            },
        )
    }

    /// The quotas the caller may see (read-only).
    #[wasm_bindgen(unchecked_return_type = "Promise<Quotas>")]
    pub fn quotas(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: Option<Object>,
    ) -> Promise {
        self.0.call(Ok(()), opts, |c, (), run| async move {
            c.quotas_as::<RawDocument>(&run).await
        })
    }
}

/// The month's projected overage in money, at the contract's price per
/// request (`null` when the contract gives no price or there is no
/// allowance).
///
/// ```js
/// const money = overageMoney(o.genesys.month, choice.contract);
/// ```
#[wasm_bindgen(js_name = overageMoney, unchecked_return_type = "OverageMoney | null")]
pub fn overage_money(
    #[wasm_bindgen(unchecked_param_type = "MonthOutlook")] month: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ContractAllowance")] contract: JsValue,
) -> Result<JsValue, JsValue> {
    // Only the figures the money is made of are read: the rest stays in JavaScript.
    let text = |v: JsValue| v.as_string();
    let contract = genesys::ContractAllowance {
        contract: text(get(&contract, "contract")).unwrap_or_default(),
        period: text(get(&contract, "period")).unwrap_or_default(),
        charge: text(get(&contract, "charge")).unwrap_or_default(),
        allowance: get(&contract, "allowance").as_f64().unwrap_or(0.0),
        actual: get(&contract, "actual").as_f64(),
        overage_rate: get(&contract, "overageRate").as_f64(),
        overage_currency: text(get(&contract, "overageCurrency")),
    };
    let (overage, upper) = (get(&month, "overage"), get(&month, "overageUpper"));
    Ok(json_to_js(&crate::analysis::overage_money_of(
        overage.as_f64(),
        upper.as_f64(),
        &contract,
    )))
}
