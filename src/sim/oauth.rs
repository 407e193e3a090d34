//! The Genesys login host: `GET /oauth/authorize` (Authorization Code with
//! PKCE `S256`, and the legacy implicit grant) and `POST /oauth/token`.
//!
//! There is no login form: authorization is granted at once. Codes are valid
//! for 10 minutes and for one exchange (a failed exchange also spends the code).
//! Tokens are never stored or echoed; only a hash of each issued token is kept,
//! to tell `tokens/me` which client it belongs to.

use std::collections::{BTreeMap, VecDeque};

use crate::encoding::pkce_challenge_s256;
use crate::http::{percent_encode, query_param, query_params, HttpRequest, HttpResponse, Method};

use super::util::{hash, str_hash};
use super::Ctx;

/// Token lifetime the simulator grants (seconds).
const EXPIRES_IN: u64 = 86_399;
/// How long an authorization code can be exchanged (ms).
const CODE_TTL_MS: u64 = 600_000;
/// How many codes and token hashes are remembered.
const MAX_REMEMBERED: usize = 1000;

#[derive(Clone, Debug)]
struct Grant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    created: u64,
    used: bool,
}

/// Codes issued and the clients of issued tokens.
#[derive(Debug, Default)]
pub(crate) struct OAuthState {
    codes: BTreeMap<String, Grant>,
    code_order: VecDeque<String>,
    tokens: BTreeMap<u64, String>,
    token_order: VecDeque<u64>,
    counter: u64,
}

impl OAuthState {
    /// The client id a token was issued to, if the simulator issued it.
    pub fn client_for_token(&self, token: &str) -> Option<&str> {
        self.tokens.get(&str_hash(token)).map(String::as_str)
    }

    fn remember_token(&mut self, token: &str, client_id: &str) {
        let h = str_hash(token);
        if self.tokens.insert(h, client_id.to_string()).is_none() {
            self.token_order.push_back(h);
        }
        while self.token_order.len() > MAX_REMEMBERED {
            if let Some(old) = self.token_order.pop_front() {
                self.tokens.remove(&old);
            }
        }
    }

    fn remember_code(&mut self, code: String, grant: Grant) {
        if self.codes.insert(code.clone(), grant).is_none() {
            self.code_order.push_back(code);
        }
        while self.code_order.len() > MAX_REMEMBERED {
            if let Some(old) = self.code_order.pop_front() {
                self.codes.remove(&old);
            }
        }
    }

    fn random(&mut self, seed: u64, now: u64, salt: u64) -> String {
        self.counter = self.counter.wrapping_add(1);
        let a = hash(&[seed, self.counter, now, salt]);
        let b = hash(&[a, salt, 0x70C]);
        let c = hash(&[b, a]);
        format!("{a:016x}{b:016x}{c:08x}")
    }
}

/// Answers `/oauth/authorize` and `/oauth/token`.
pub(crate) fn handle(ctx: &mut Ctx<'_>, req: &HttpRequest, rest: &str, path: &str) -> HttpResponse {
    match (path, req.method) {
        ("/oauth/authorize", Method::Get) => authorize(ctx, rest),
        ("/oauth/token", Method::Post) => token(ctx, req),
        ("/oauth/authorize", _) => {
            oauth_error(405, "invalid_request", "Use GET for /oauth/authorize.")
                .with_header("Allow", "GET")
        }
        _ => oauth_error(405, "invalid_request", "Use POST for /oauth/token.")
            .with_header("Allow", "POST"),
    }
}

fn oauth_error(status: u16, error: &str, description: &str) -> HttpResponse {
    let body = serde_json::json!({ "error": error, "error_description": description });
    HttpResponse::new(status, body.to_string())
        .with_header("Content-Type", "application/json")
        .with_header("Cache-Control", "no-store")
}

fn valid_redirect_uri(uri: &str) -> bool {
    (uri.starts_with("https://") || uri.starts_with("http://"))
        && uri.len() <= 2048
        && uri.len() > "http://".len()
        && !uri.contains('#')
        && !uri.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn valid_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn redirect(location: String) -> HttpResponse {
    HttpResponse::new(302, "")
        .with_header("Location", location)
        .with_header("Cache-Control", "no-store")
}

fn append_query(uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = uri.to_string();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
        sep = '&';
    }
    out
}

fn authorize(ctx: &mut Ctx<'_>, rest: &str) -> HttpResponse {
    let p = |n: &str| query_param(rest, n).filter(|v| !v.is_empty());
    let Some(redirect_uri) = p("redirect_uri").filter(|u| valid_redirect_uri(u)) else {
        return oauth_error(
            400,
            "invalid_request",
            "The redirect_uri is missing or is not a valid absolute http(s) URL without a fragment.",
        );
    };
    let state = p("state");
    let fail = |error: &str, description: &str| {
        let mut params = vec![("error", error), ("error_description", description)];
        if let Some(s) = &state {
            params.push(("state", s.as_str()));
        }
        redirect(append_query(&redirect_uri, &params))
    };
    let Some(client_id) = p("client_id") else {
        return fail("invalid_request", "The client_id parameter is required.");
    };
    if client_id.len() > 200 || client_id.chars().any(char::is_control) {
        return fail("unauthorized_client", "The client_id is not valid.");
    }
    match p("response_type").as_deref() {
        Some("code") => {
            let Some(challenge) = p("code_challenge") else {
                return fail(
                    "invalid_request",
                    "The code_challenge parameter is required (PKCE).",
                );
            };
            if p("code_challenge_method").as_deref() != Some("S256") {
                return fail("invalid_request", "The code_challenge_method must be S256.");
            }
            if !valid_pkce_string(&challenge) {
                return fail(
                    "invalid_request",
                    "The code_challenge is not a valid S256 challenge.",
                );
            }
            let code = ctx.oauth.random(ctx.seed, ctx.now, 0xC0DE);
            ctx.oauth.remember_code(
                code.clone(),
                Grant {
                    client_id,
                    redirect_uri: redirect_uri.clone(),
                    challenge,
                    created: ctx.now,
                    used: false,
                },
            );
            let mut params = vec![("code", code.as_str())];
            if let Some(s) = &state {
                params.push(("state", s.as_str()));
            }
            redirect(append_query(&redirect_uri, &params))
        }
        Some("token") => {
            let token = format!("sim-{}", ctx.oauth.random(ctx.seed, ctx.now, 0x7070));
            ctx.oauth.remember_token(&token, &client_id);
            let mut fragment = format!(
                "access_token={}&expires_in={EXPIRES_IN}&token_type=bearer",
                percent_encode(&token)
            );
            if let Some(s) = &state {
                fragment.push_str("&state=");
                fragment.push_str(&percent_encode(s));
            }
            redirect(format!("{redirect_uri}#{fragment}"))
        }
        _ => fail(
            "unsupported_response_type",
            "The response_type must be code (with PKCE) or token.",
        ),
    }
}

/// The token request's form, or the OAuth error for a body that is not one.
fn token_form(req: &HttpRequest) -> Result<Vec<(String, String)>, HttpResponse> {
    if let Some(ct) = req.header_value("content-type") {
        if !ct
            .to_ascii_lowercase()
            .contains("application/x-www-form-urlencoded")
        {
            return Err(oauth_error(
                400,
                "invalid_request",
                "The request body must be application/x-www-form-urlencoded.",
            ));
        }
    }
    let body = req.body.as_deref().unwrap_or("");
    if body.len() > 16_384 {
        return Err(oauth_error(
            400,
            "invalid_request",
            "The request body is too large.",
        ));
    }
    Ok(query_params(&format!("?{body}")))
}

fn token(ctx: &mut Ctx<'_>, req: &HttpRequest) -> HttpResponse {
    let form = match token_form(req) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let field = |n: &str| {
        form.iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    match field("grant_type").as_deref() {
        Some("authorization_code") => {}
        Some("client_credentials") if !super::IN_PAGE => return client_credentials(ctx, req),
        Some(_) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "Only grant_type=authorization_code or client_credentials is supported here.",
            )
        }
        None => {
            return oauth_error(
                400,
                "invalid_request",
                "The grant_type parameter is required.",
            )
        }
    }
    let get = |n: &'static str| field(n).ok_or(n);
    let (code, verifier, client_id, redirect_uri) = match (
        get("code"),
        get("code_verifier"),
        get("client_id"),
        get("redirect_uri"),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(n), ..) | (_, Err(n), ..) | (_, _, Err(n), _) | (.., Err(n)) => {
            return oauth_error(
                400,
                "invalid_request",
                &format!("The {n} parameter is required."),
            )
        }
    };
    let now = ctx.now;
    let Some(grant) = ctx.oauth.codes.get_mut(&code) else {
        return oauth_error(400, "invalid_grant", "The authorization code is invalid.");
    };
    if grant.used {
        return oauth_error(
            400,
            "invalid_grant",
            "The authorization code has already been used.",
        );
    }
    grant.used = true;
    if now.saturating_sub(grant.created) > CODE_TTL_MS {
        return oauth_error(400, "invalid_grant", "The authorization code has expired.");
    }
    if grant.client_id != client_id {
        return oauth_error(
            400,
            "invalid_grant",
            "The client_id does not match the authorization request.",
        );
    }
    if grant.redirect_uri != redirect_uri {
        return oauth_error(
            400,
            "invalid_grant",
            "The redirect_uri does not match the authorization request.",
        );
    }
    if !valid_pkce_string(&verifier) || pkce_challenge_s256(&verifier) != grant.challenge {
        return oauth_error(
            400,
            "invalid_grant",
            "The code_verifier does not match the code_challenge.",
        );
    }
    let access_token = format!("sim-{}", ctx.oauth.random(ctx.seed, now, 0xACCE55));
    ctx.oauth.remember_token(&access_token, &client_id);
    token_answer(&access_token, EXPIRES_IN)
}

fn token_answer(access_token: &str, expires_in: u64) -> HttpResponse {
    let body = serde_json::json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
    });
    HttpResponse::new(200, body.to_string())
        .with_header("Content-Type", "application/json")
        .with_header("Cache-Control", "no-store")
}

/// The client id and secret of a `Basic` header.
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let v = req.header_value("authorization")?.trim();
    v.get(..6).filter(|s| s.eq_ignore_ascii_case("basic "))?;
    let bytes = crate::encoding::base64_decode(v.get(6..)?.trim())?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    (!id.is_empty() && !secret.is_empty()).then(|| (id.to_string(), secret.to_string()))
}

/// The client-credentials grant: any id and secret are accepted, except a
/// secret starting with `wrong` or the scenario's `badsecret=1` (answered as
/// the vendor answers a wrong secret or a wrong region alike). `tok429=<n>`
/// answers the next n token requests 429; `ttl=<s>` sets the token lifetime,
/// which the API then enforces.
fn client_credentials(ctx: &mut Ctx<'_>, req: &HttpRequest) -> HttpResponse {
    let st = &mut *ctx.st;
    st.token_requests = st.token_requests.saturating_add(1);
    if st.tok429_left > 0 {
        st.tok429_left -= 1;
        let resp = oauth_error(429, "too_many_requests", "Too many token requests.");
        return if st.cfg.retry_after {
            resp.with_header("Retry-After", st.cfg.wait_s.to_string())
        } else {
            resp
        };
    }
    let Some((client_id, secret)) = basic_credentials(req) else {
        return oauth_error(401, "invalid_client", "authentication failed");
    };
    if st.cfg.bad_secret || secret.starts_with("wrong") {
        return oauth_error(401, "invalid_client", "authentication failed");
    }
    let ttl = st.cfg.token_ttl_s.unwrap_or(EXPIRES_IN);
    let access_token = format!("cc-{}", ctx.oauth.random(ctx.seed, ctx.now, 0xCC));
    ctx.oauth.remember_token(&access_token, &client_id);
    ctx.st.remember_cc_token(
        &access_token,
        ctx.now.saturating_add(ttl.saturating_mul(1000)),
    );
    token_answer(&access_token, ttl)
}
