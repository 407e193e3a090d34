//! Browser sign-in helpers for Genesys Cloud: Authorization Code with PKCE
//! (S256).
//!
//! The functions are pure: the caller supplies the random bytes (from
//! `crypto.getRandomValues` in the browser) and performs the redirect and the
//! token request.

use serde::{Deserialize, Serialize};

use crate::encoding::{base64url, pkce_challenge_s256};
use crate::error::{decode_json, Error, ErrorKind, Result, Vendor};
use crate::http::{percent_encode, query_params, HttpRequest, HttpResponse, Method};

use super::models::TokenResponse;
use super::region::Region;

/// What must survive the redirect to the login page: kept by the app in
/// `sessionStorage` and removed as soon as the code is exchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PkceSession {
    /// The code verifier (secret until used once).
    pub verifier: String,
    /// The `state` sent, checked on return.
    pub state: String,
    /// The OAuth client id.
    pub client_id: String,
    /// The redirect URI registered for the client (the app's own origin).
    pub redirect_uri: String,
    /// `https://login.{domain}`, or the simulator's base.
    pub login_base: String,
    /// `https://api.{domain}`, or the simulator's base.
    pub api_base: String,
}

/// A token obtained by signing in.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The access token.
    pub access_token: String,
    /// Lifetime in seconds, if given.
    pub expires_in: Option<u64>,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("access_token", &"***")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

fn auth_error(kind: ErrorKind, message: String) -> Error {
    Error::new(kind, message).with_vendor(Vendor::Genesys)
}

/// The login and API bases for a region domain or a custom base URL (a custom
/// base, such as the simulator, serves both).
pub fn bases_for(region_or_base: &str) -> Result<(String, String)> {
    match Region::find(region_or_base) {
        Some(r) => Ok((r.login_base(), r.api_base())),
        None => {
            let base = super::validate::resolve_base(region_or_base)?;
            Ok((base.clone(), base))
        }
    }
}

impl PkceSession {
    /// Starts a sign-in: `random` must be at least 64 bytes from a CSPRNG; the
    /// first 48 make the verifier (64 characters), the next 16 the state.
    pub fn start(
        region_or_base: &str,
        client_id: &str,
        redirect_uri: &str,
        random: &[u8],
    ) -> Result<PkceSession> {
        if random.len() < 64 {
            return Err(auth_error(
                ErrorKind::InvalidInput,
                "PKCE needs at least 64 random bytes".into(),
            ));
        }
        let client_id = client_id.trim();
        if client_id.is_empty() || client_id.len() > 128 || client_id.contains(char::is_whitespace)
        {
            return Err(auth_error(
                ErrorKind::InvalidInput,
                "Enter the OAuth client id of a Genesys Cloud client set up for the PKCE grant"
                    .into(),
            ));
        }
        let redirect = redirect_uri.trim();
        if !(redirect.starts_with("https://")
            || redirect.starts_with("http://127.0.0.1")
            || redirect.starts_with("http://localhost"))
        {
            return Err(auth_error(
                ErrorKind::InvalidInput,
                format!("the redirect URI `{redirect}` must be the app's own https:// address"),
            ));
        }
        let (login_base, api_base) = bases_for(region_or_base)?;
        Ok(PkceSession {
            verifier: base64url(&random[..48]),
            state: base64url(&random[48..64]),
            client_id: client_id.to_string(),
            redirect_uri: redirect.to_string(),
            login_base,
            api_base,
        })
    }

    /// The URL to send the browser to.
    pub fn authorize_url(&self) -> String {
        format!(
            "{}/oauth/authorize?client_id={}&redirect_uri={}&response_type=code&code_challenge={}&code_challenge_method=S256&state={}",
            self.login_base,
            percent_encode(&self.client_id),
            percent_encode(&self.redirect_uri),
            pkce_challenge_s256(&self.verifier),
            percent_encode(&self.state),
        )
    }

    /// Reads the redirect's query string (`?code=…&state=…`, or `?error=…`):
    /// refuses a missing or different `state`, and returns the code.
    pub fn read_redirect(&self, query: &str) -> Result<String> {
        let params = query_params(&format!("?{}", query.trim_start_matches('?')));
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let Some(err) = get("error") {
            let desc = get("error_description").unwrap_or_default();
            return Err(auth_error(
                ErrorKind::Unauthorized,
                format!("Genesys Cloud sign-in failed: {err} {desc}. Check that the OAuth client allows the PKCE grant with this redirect URI."),
            ));
        }
        match get("state") {
            Some(s) if s == self.state => {}
            _ => {
                return Err(auth_error(
                    ErrorKind::Unauthorized,
                    "The sign-in answer does not belong to this sign-in (state mismatch), so it was refused. Sign in again.".into(),
                ))
            }
        }
        get("code").filter(|c| !c.is_empty()).ok_or_else(|| {
            auth_error(
                ErrorKind::Unauthorized,
                "The sign-in answer has no code. Sign in again.".into(),
            )
        })
    }

    /// The token request that exchanges `code` (no client secret).
    pub fn token_request(&self, code: &str) -> HttpRequest {
        let body = format!(
            "grant_type=authorization_code&code={}&code_verifier={}&client_id={}&redirect_uri={}",
            percent_encode(code),
            percent_encode(&self.verifier),
            percent_encode(&self.client_id),
            percent_encode(&self.redirect_uri),
        );
        let mut req = HttpRequest::new(Method::Post, format!("{}/oauth/token", self.login_base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
        req.body = Some(body);
        req
    }
}

/// Reads the answer of the token endpoint.
pub fn read_token_response(response: &HttpResponse) -> Result<SignedIn> {
    let body: TokenResponse = decode_json(&response.body, Vendor::Genesys, "token answer")
        .map_err(|e| e.with_status(response.status))?;
    if !response.is_success() || body.access_token.is_none() {
        let why = body
            .error_description
            .or(body.description)
            .or(body.error)
            .unwrap_or_else(|| format!("HTTP {}", response.status));
        return Err(auth_error(
            ErrorKind::Unauthorized,
            format!("Genesys Cloud did not issue a token ({why}). Sign in again."),
        )
        .with_status(response.status));
    }
    Ok(SignedIn {
        access_token: body.access_token.unwrap_or_default(),
        expires_in: body.expires_in,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> PkceSession {
        PkceSession::start(
            "mypurecloud.ie",
            "client-1",
            "https://app.example/",
            &[7u8; 64],
        )
        .unwrap()
    }

    #[test]
    fn authorize_url_carries_an_s256_challenge_and_state() {
        let s = session();
        assert_eq!(s.verifier.len(), 64);
        let url = s.authorize_url();
        assert!(url.starts_with("https://login.mypurecloud.ie/oauth/authorize?client_id=client-1"));
        assert!(url.contains("&code_challenge_method=S256"));
        assert!(url.contains(&format!(
            "code_challenge={}",
            pkce_challenge_s256(&s.verifier)
        )));
        assert!(!url.contains(&s.verifier));
        assert!(url.contains("redirect_uri=https%3A%2F%2Fapp.example%2F"));
    }

    #[test]
    fn the_state_is_checked_on_return() {
        let s = session();
        let good = format!("code=abc&state={}", s.state);
        assert_eq!(s.read_redirect(&good).unwrap(), "abc");
        assert!(s.read_redirect("code=abc&state=other").is_err());
        assert!(s.read_redirect("code=abc").is_err());
        assert!(s.read_redirect("error=access_denied&state=x").is_err());
    }

    #[test]
    fn the_token_request_has_no_secret() {
        let s = session();
        let r = s.token_request("the-code");
        assert_eq!(r.url, "https://login.mypurecloud.ie/oauth/token");
        let body = r.body.unwrap();
        assert!(body.contains("grant_type=authorization_code&code=the-code&code_verifier="));
        assert!(r
            .headers
            .iter()
            .all(|(n, _)| !n.eq_ignore_ascii_case("authorization")));
    }

    #[test]
    fn token_answers_are_read_both_ways() {
        let ok = HttpResponse::new(
            200,
            r#"{"access_token":"tok","token_type":"bearer","expires_in":86399}"#,
        );
        assert_eq!(read_token_response(&ok).unwrap().expires_in, Some(86399));
        let bad = HttpResponse::new(400, r#"{"error":"invalid_grant","description":"bad code"}"#);
        let e = read_token_response(&bad).unwrap_err();
        assert!(e.message.contains("bad code"));
        assert!(!format!("{:?}", read_token_response(&ok).unwrap()).contains("tok\""));
    }

    #[test]
    fn too_little_randomness_is_refused() {
        assert!(PkceSession::start("mypurecloud.com", "c", "https://a.example", &[0; 10]).is_err());
    }
}
