//! The Genesys login host: PKCE authorize and token exchange, errors and
//! the implicit grant.

use crate::encoding::pkce_challenge_s256;
use crate::http::{query_param, HttpRequest, HttpResponse, Method};
use crate::sim::tests::support::*;
use crate::sim::*;

fn authorize(s: &mut Sim, query: &str) -> HttpResponse {
    s.handle(
        &HttpRequest::new(
            Method::Get,
            format!("https://login.demo.invalid/oauth/authorize?{query}"),
        ),
        NOW,
    )
}

fn exchange(s: &mut Sim, form: &str) -> HttpResponse {
    let req = HttpRequest::new(Method::Post, "/oauth/token")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    s.handle(
        &HttpRequest {
            body: Some(form.to_string()),
            ..req
        },
        NOW + 1000,
    )
}

#[test]
fn pkce_authorize_and_token_exchange() {
    let mut s = sim();
    let verifier = "a".repeat(20) + &"B-._~9".repeat(5);
    let challenge = pkce_challenge_s256(&verifier);
    let redirect = "http://127.0.0.1:8080/callback";
    let q = format!(
        "client_id=my-app&redirect_uri={}&response_type=code&code_challenge={challenge}&code_challenge_method=S256&state=xyz%201",
        crate::http::percent_encode(redirect)
    );
    let r = authorize(&mut s, &q);
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap().to_string();
    assert!(
        loc.starts_with("http://127.0.0.1:8080/callback?code="),
        "{loc}"
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("xyz 1"));
    let code = query_param(&loc, "code").unwrap();
    let form = |code: &str, verifier: &str| {
        format!(
            "grant_type=authorization_code&code={code}&code_verifier={verifier}&client_id=my-app&redirect_uri={}",
            crate::http::percent_encode(redirect)
        )
    };
    let ok = exchange(&mut s, &form(&code, &verifier));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let t = body(&ok);
    assert_eq!(
        keys(&t),
        sorted(&["access_token", "token_type", "expires_in"])
    );
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"], 86399);
    let token = t["access_token"].as_str().unwrap().to_string();
    // The code works once.
    let again = exchange(&mut s, &form(&code, &verifier));
    assert_eq!(again.status, 400);
    assert_eq!(body(&again)["error"], "invalid_grant");
    // A wrong verifier fails.
    let r = authorize(&mut s, &q);
    let code2 = query_param(r.header("Location").unwrap(), "code").unwrap();
    assert_ne!(code, code2);
    let bad = exchange(&mut s, &form(&code2, &"x".repeat(43)));
    assert_eq!(bad.status, 400);
    assert_eq!(body(&bad)["error"], "invalid_grant");
    assert!(body(&bad)["error_description"].is_string());
    // The token works and tokens/me knows its client.
    let me = s.handle(
        &HttpRequest::new(Method::Get, "/api/v2/tokens/me")
            .header("Authorization", format!("Bearer {token}")),
        NOW,
    );
    assert_eq!(me.status, 200);
    let m = body(&me);
    assert_eq!(m["OAuthClient"]["id"], "my-app");
    assert_eq!(
        keys(&m),
        sorted(&[
            "organization",
            "homeOrganization",
            "OAuthClient",
            "authorizedScope"
        ])
    );
    assert!(m["organization"]["id"].is_string() && m["organization"]["name"].is_string());
    // The vendor's models: `NamedEntity` organizations and an `OrgOAuthClient`,
    // neither with a `selfUri`.
    assert_eq!(keys(&m["organization"]), sorted(&["id", "name"]));
    assert_eq!(m["homeOrganization"], m["organization"]);
    assert_eq!(
        keys(&m["OAuthClient"]),
        sorted(&["id", "name", "organization"])
    );
    // Nothing secret reaches the stats.
    let st = s.stats("");
    assert!(st
        .last_paths
        .iter()
        .all(|p| !p.contains(&code) && !p.contains(&token)));
    assert!(!serde_json::to_string(&st).unwrap().contains(&token));
}

#[test]
fn authorize_errors_and_implicit_grant() {
    let mut s = sim();
    let r = authorize(
        &mut s,
        "client_id=my-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&state=s1",
    );
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap();
    assert_eq!(
        query_param(loc, "error").as_deref(),
        Some("invalid_request")
    );
    assert!(query_param(loc, "error_description").is_some());
    assert_eq!(query_param(loc, "state").as_deref(), Some("s1"));
    let r = authorize(
        &mut s,
        "client_id=my-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=id_token",
    );
    assert_eq!(
        query_param(r.header("Location").unwrap(), "error").as_deref(),
        Some("unsupported_response_type")
    );
    let r = authorize(&mut s, "client_id=my-app&response_type=code");
    assert_eq!(r.status, 400);
    let r = authorize(
        &mut s,
        "client_id=a&redirect_uri=https%3A%2F%2Fx%0D%0ASet-Cookie%3A1&response_type=token",
    );
    assert_eq!(r.status, 400);
    let r = authorize(
        &mut s,
        "client_id=my-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=token&state=st",
    );
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap();
    let (base, fragment) = loc.split_once('#').unwrap();
    assert_eq!(base, "https://app.example/cb");
    let f = format!("?{fragment}");
    assert!(query_param(&f, "access_token").unwrap().starts_with("sim-"));
    assert_eq!(query_param(&f, "expires_in").as_deref(), Some("86399"));
    assert_eq!(query_param(&f, "token_type").as_deref(), Some("bearer"));
    assert_eq!(query_param(&f, "state").as_deref(), Some("st"));
    // Token endpoint errors.
    assert_eq!(
        body(&exchange(&mut s, "grant_type=password"))["error"],
        "unsupported_grant_type"
    );
    // Client credentials without a Basic header: refused as the vendor refuses a wrong secret.
    let r = exchange(&mut s, "grant_type=client_credentials");
    assert_eq!(
        (r.status, body(&r)["error"].clone()),
        (401, "invalid_client".into())
    );
    assert_eq!(
        body(&exchange(&mut s, "grant_type=authorization_code&code=x"))["error"],
        "invalid_request"
    );
    assert_eq!(
        body(&exchange(
            &mut s,
            "grant_type=authorization_code&code=x&code_verifier=y&client_id=c&redirect_uri=r"
        ))["error"],
        "invalid_grant"
    );
}

fn client_credentials(s: &mut Sim, scenario: &str, secret: &str, at: u64) -> HttpResponse {
    let basic = crate::encoding::base64_std(format!("cron:{secret}").as_bytes());
    let mut req = HttpRequest::new(Method::Post, format!("/_s/{scenario}/oauth/token"))
        .header("Authorization", format!("Basic {basic}"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    req.body = Some("grant_type=client_credentials".into());
    s.handle(&req, at)
}

#[test]
fn client_credentials_tokens_live_their_ttl_and_wrong_secrets_are_refused() {
    let mut s = Sim::new(1);
    let r = client_credentials(&mut s, "id=cc;ttl=60", "good", NOW);
    assert_eq!(r.status, 200);
    let b = body(&r);
    assert_eq!(b["expires_in"], 60);
    let token = b["access_token"].as_str().unwrap().to_string();
    let me = |s: &mut Sim, at: u64| {
        let req = HttpRequest::new(Method::Get, "/_s/id=cc;ttl=60/api/v2/tokens/me")
            .header("Authorization", format!("Bearer {token}"));
        s.handle(&req, at)
    };
    assert_eq!(me(&mut s, NOW + 59_000).status, 200);
    let expired = me(&mut s, NOW + 60_000);
    assert_eq!(
        (expired.status, body(&expired)["code"].clone()),
        (401, "credentials.expired".into())
    );
    for (scenario, secret) in [("id=cc2", "wrong-one"), ("id=cc3;badsecret=1", "good")] {
        let r = client_credentials(&mut s, scenario, secret, NOW);
        assert_eq!(
            (r.status, body(&r)["error"].clone()),
            (401, "invalid_client".into())
        );
        assert!(!r.body.contains(secret));
    }
    let limited = client_credentials(&mut s, "id=cc4;tok429=1;ra=1;wait=9", "good", NOW);
    assert_eq!(
        (limited.status, limited.header("Retry-After")),
        (429, Some("9"))
    );
    assert_eq!(
        client_credentials(&mut s, "id=cc4;tok429=1;ra=1;wait=9", "good", NOW).status,
        200
    );
    assert_eq!(s.stats("cc4").token_requests, 2);
}
