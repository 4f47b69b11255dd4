//! OIDC and social trust against a real provider on the loopback: discovery, JWKS, caching,
//! rotation, and every way a token or a provider can be wrong.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use federation::oidc::OidcTrust;
use federation::{HttpFetch, Login, Refusal, SocialEndpoints, Trusted, Verifier};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use testkit::http::{Reply, Routes};
use testkit::oidc_idp::jwks;
use testkit::{OidcIssuer, SigningKey, closed_addr};

const NOW_S: i64 = 1_760_000_000;
const NOW: i64 = NOW_S * 1000;
const CLIENT: &str = "my-client";

/// A provider publishing these keys.
fn provider(keys: &[&SigningKey]) -> OidcIssuer {
    let p = OidcIssuer::start();
    p.publish(keys, None);
    p
}

fn claims_of(p: &OidcIssuer) -> Value {
    let mut c = p.claims(CLIENT, "user-1", NOW_S);
    c["email"] = json!("a@example.com");
    c
}

fn login_of(p: &OidcIssuer) -> Login {
    Login {
        key: p.name().to_owned(),
        trusted: Trusted::Oidc(OidcTrust {
            issuers: vec![p.issuer().to_owned()],
            client_ids: vec!["other".into(), CLIENT.into()],
            discovery_base: p.issuer().to_owned(),
        }),
    }
}

fn verifier() -> Verifier {
    Verifier::new(
        Arc::new(HttpFetch::new().unwrap()),
        SocialEndpoints::default(),
    )
}

fn refused(r: Result<federation::Verified, Refusal>) -> Refusal {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e,
    }
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

#[test]
fn a_signed_id_token_is_accepted_and_the_keys_are_kept() {
    let rs = SigningKey::rs256("rs-1");
    let es = SigningKey::es256("es-1");
    let p = provider(&[&rs, &es]);
    let v = verifier();
    let ok = v
        .verify(&login_of(&p), &rs.sign(&claims_of(&p)), NOW)
        .unwrap();
    assert_eq!(ok.subject, "user-1");
    assert_eq!(ok.claims["email"], "a@example.com");
    assert_eq!(ok.provider, login_of(&p).key);
    let ok = v
        .verify(&login_of(&p), &es.sign(&claims_of(&p)), NOW + 1000)
        .unwrap();
    assert_eq!(ok.subject, "user-1");
    assert_eq!(p.jwks_hits(), 1, "the second token used the kept keys");
    assert_eq!(p.discovery_hits(), 1);
}

#[test]
fn keys_expire_with_max_age() {
    let rs = SigningKey::rs256("rs-1");
    let p = provider(&[]);
    p.publish(&[&rs], Some(120));
    let v = verifier();
    let token = rs.sign(&claims_of(&p));
    v.verify(&login_of(&p), &token, NOW).unwrap();
    v.verify(&login_of(&p), &token, NOW + 119_000).unwrap();
    assert_eq!(p.jwks_hits(), 1);
    v.verify(&login_of(&p), &token, NOW + 121_000).unwrap();
    assert_eq!(p.jwks_hits(), 2, "fetched again after max-age");
}

#[test]
fn a_rotated_key_is_fetched_once_and_unknown_kids_are_rate_limited() {
    let old = SigningKey::rs256("old");
    let new = SigningKey::rs256("new");
    let p = provider(&[&old]);
    let v = verifier();
    v.verify(&login_of(&p), &old.sign(&claims_of(&p)), NOW)
        .unwrap();
    // The provider rotates; a token with the new kid makes one fetch (30 s later).
    p.publish(&[&new], None);
    let t = NOW + 31_000;
    v.verify(&login_of(&p), &new.sign(&claims_of(&p)), t)
        .unwrap();
    assert_eq!(p.jwks_hits(), 2);
    // Forged kids: refused, and no fetch within 30 s of the last one.
    let forged = SigningKey::rs256("forged");
    for i in 0..5 {
        let e = refused(v.verify(&login_of(&p), &forged.sign(&claims_of(&p)), t + i * 1000));
        assert!(
            matches!(&e, Refusal::NotAuthorized(m) if m.contains("'forged'")),
            "{e:?}"
        );
    }
    assert_eq!(p.jwks_hits(), 2, "unknown kids did not hammer the provider");
    refused(v.verify(&login_of(&p), &forged.sign(&claims_of(&p)), t + 31_000));
    assert_eq!(p.jwks_hits(), 3, "one more fetch after the interval");
}

#[test]
fn time_audience_and_issuer_are_checked() {
    let rs = SigningKey::rs256("rs-1");
    let p = provider(&[&rs]);
    let v = verifier();
    let login = login_of(&p);
    let c = claims_of(&p);

    let e = refused(v.verify(
        &login,
        &rs.sign(&with(c.clone(), "exp", json!(NOW_S - 61))),
        NOW,
    ));
    assert_eq!(e.code(), "NotAuthorizedException");
    assert!(
        e.message()
            .starts_with("Invalid login token. Token expired"),
        "{e}"
    );
    // Within the leeway it still passes.
    v.verify(
        &login,
        &rs.sign(&with(c.clone(), "exp", json!(NOW_S - 30))),
        NOW,
    )
    .unwrap();

    let e = refused(v.verify(
        &login,
        &rs.sign(&with(c.clone(), "nbf", json!(NOW_S + 600))),
        NOW,
    ));
    assert!(e.message().contains("not yet valid"), "{e}");
    let e = refused(v.verify(
        &login,
        &rs.sign(&with(c.clone(), "iat", json!(NOW_S + 600))),
        NOW,
    ));
    assert!(e.message().contains("issued in the future"), "{e}");

    let e = refused(v.verify(
        &login,
        &rs.sign(&with(c.clone(), "aud", json!("someone-else"))),
        NOW,
    ));
    assert!(e.message().contains("Incorrect token audience"), "{e}");
    assert!(e.message().contains("someone-else"), "{e}");
    // An array audience passes when one member is trusted.
    v.verify(
        &login,
        &rs.sign(&with(c.clone(), "aud", json!(["x", CLIENT]))),
        NOW,
    )
    .unwrap();

    let hits = p.jwks_hits();
    let e = refused(v.verify(
        &login,
        &rs.sign(&with(c.clone(), "iss", json!("https://evil.example.com"))),
        NOW,
    ));
    assert!(
        e.message().contains("Issuer doesn't match providerName"),
        "{e}"
    );
    // A trailing slash is another issuer: the match is exact.
    let e = refused(v.verify(
        &login,
        &rs.sign(&with(c.clone(), "iss", json!(format!("{}/", p.issuer())))),
        NOW,
    ));
    assert!(e.message().contains("Issuer"), "{e}");
    assert_eq!(p.jwks_hits(), hits, "a foreign issuer costs no fetch");

    let e = refused(v.verify(&login, &rs.sign(&with(c.clone(), "exp", Value::Null)), NOW));
    assert!(e.message().contains("exp"), "{e}");
    let no_sub = c.as_object().unwrap().iter().filter(|(k, _)| *k != "sub");
    let no_sub: serde_json::Map<String, Value> =
        no_sub.map(|(k, v)| (k.clone(), v.clone())).collect();
    let e = refused(v.verify(&login, &rs.sign(&Value::Object(no_sub)), NOW));
    assert!(e.message().contains("sub"), "{e}");
}

fn b64(v: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

#[test]
fn alg_confusion_and_tampering_are_refused() {
    let rs = SigningKey::rs256("rs-1");
    let p = provider(&[&rs]);
    let v = verifier();
    let login = login_of(&p);
    let claims = claims_of(&p);

    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "kid": "rs-1"})),
        b64(&claims)
    );
    let e = refused(v.verify(&login, &none, NOW));
    assert!(e.message().contains("alg none"), "{e}");

    // HS256 with the provider's public key as the shared secret: the classic confusion.
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("rs-1".into());
    let hs = jsonwebtoken::encode(
        &h,
        &claims,
        &EncodingKey::from_secret(rs.public_pem.as_bytes()).unwrap(),
    )
    .unwrap();
    let e = refused(v.verify(&login, &hs, NOW));
    assert!(e.message().contains("HS256"), "{e}");

    // An ES256 header over the RSA key's kid.
    let es = SigningKey::es256("rs-1");
    let e = refused(v.verify(&login, &es.sign(&claims), NOW));
    assert!(e.message().contains("not a key for ES256"), "{e}");

    // The payload changed after signing.
    let token = rs.sign(&claims);
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(&with(claims.clone(), "sub", json!("admin"))),
        parts[2]
    );
    let e = refused(v.verify(&login, &forged, NOW));
    assert!(e.message().contains("Couldn't verify signed token"), "{e}");

    let e = refused(v.verify(&login, "not-a-jwt", NOW));
    assert!(e.message().starts_with("Invalid login token."), "{e}");
}

#[test]
fn a_provider_that_cannot_answer_is_named() {
    let rs = SigningKey::rs256("rs-1");
    let v = verifier();
    let issuer = format!("http://{}/idp", closed_addr());
    let login = Login {
        key: "x".into(),
        trusted: Trusted::Oidc(OidcTrust {
            issuers: vec![issuer.clone()],
            client_ids: vec![CLIENT.into()],
            discovery_base: issuer.clone(),
        }),
    };
    let claims = json!({"iss": issuer, "aud": CLIENT, "sub": "u", "exp": NOW_S + 60});
    let e = refused(v.verify(&login, &rs.sign(&claims), NOW));
    assert_eq!(e.code(), "ExternalServiceException");
    assert!(
        e.message()
            .contains(&format!("{issuer}/.well-known/openid-configuration")),
        "{e}"
    );

    // An HTML page where the discovery document should be.
    let p = provider(&[&rs]);
    p.routes().answer(
        testkit::oidc_idp::DISCOVERY_PATH,
        Reply {
            status: 200,
            content_type: "text/html".into(),
            body: "<html>login</html>".into(),
        },
    );
    let e = refused(v.verify(&login_of(&p), &rs.sign(&claims_of(&p)), NOW));
    assert!(e.message().contains("text/html, not JSON"), "{e}");
    // A server error.
    p.routes()
        .answer(testkit::oidc_idp::DISCOVERY_PATH, Reply::json(500, "{}"));
    let e = refused(v.verify(&login_of(&p), &rs.sign(&claims_of(&p)), NOW));
    assert!(e.message().contains("HTTP 500"), "{e}");
    assert_eq!(e.code(), "ExternalServiceException");
    // A discovery document naming another issuer.
    p.discovery("https://elsewhere.example.com");
    let e = refused(v.verify(&login_of(&p), &rs.sign(&claims_of(&p)), NOW));
    assert!(e.message().contains("elsewhere.example.com"), "{e}");
    // A JWKS that is not one.
    p.discovery(p.issuer());
    p.routes()
        .answer(testkit::oidc_idp::JWKS_PATH, Reply::json(200, "[1,2]"));
    let e = refused(v.verify(&login_of(&p), &rs.sign(&claims_of(&p)), NOW));
    assert!(e.message().contains("JWKS"), "{e}");
}

#[test]
fn google_is_an_oidc_preset_whose_base_url_can_be_overridden() {
    let rs = SigningKey::rs256("g-1");
    let server = Routes::start();
    server.answer(
        "/.well-known/openid-configuration",
        Reply::json(
            200,
            json!({"issuer": "https://accounts.google.com", "jwks_uri": format!("{}/certs", server.base())})
                .to_string(),
        ),
    );
    server.answer("/certs", Reply::json(200, jwks(&[&rs])));
    let endpoints = SocialEndpoints::default()
        .with_overrides(&format!("accounts.google.com={}", server.base()))
        .unwrap();
    let preset = endpoints.preset(federation::ProviderKind::Google).unwrap();
    let v = Verifier::new(Arc::new(HttpFetch::new().unwrap()), endpoints);
    let login = Login {
        key: "accounts.google.com".into(),
        trusted: Trusted::Oidc(OidcTrust {
            issuers: preset.issuers,
            client_ids: vec!["g-client".into()],
            discovery_base: preset.base,
        }),
    };
    let claims = json!({"iss": "https://accounts.google.com", "aud": "g-client", "sub": "1234",
                        "exp": NOW_S + 60});
    assert_eq!(
        v.verify(&login, &rs.sign(&claims), NOW).unwrap().subject,
        "1234"
    );
    // The override moved the keys, not the issuer: a token naming the loopback is refused.
    let claims = with(claims, "iss", json!(server.base()));
    assert!(v.verify(&login, &rs.sign(&claims), NOW).is_err());
    // Overrides cannot weaken the defaults.
    assert!(
        SocialEndpoints::default()
            .with_override("accounts.google.com", "http://example.com")
            .is_err()
    );
    assert!(
        SocialEndpoints::default()
            .with_override("graph.example.com", "https://x.example.com")
            .is_err()
    );
}

#[test]
fn facebook_tokens_are_checked_with_the_graph_api() {
    let server = Routes::start();
    server.answer("/app", Reply::json(200, r#"{"id":"1111","name":"My app"}"#));
    server.answer("/me", Reply::json(200, r#"{"id":"9999","name":"Ann"}"#));
    let endpoints = SocialEndpoints::default()
        .with_override("graph.facebook.com", &server.base())
        .unwrap();
    let v = Verifier::new(Arc::new(HttpFetch::new().unwrap()), endpoints);
    let login = |ids: &[&str]| Login {
        key: "graph.facebook.com".into(),
        trusted: Trusted::Facebook {
            app_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
        },
    };
    let ok = v.verify(&login(&["1111"]), "EAAB-token", NOW).unwrap();
    assert_eq!(ok.subject, "9999");
    assert_eq!(ok.claims["aud"], "1111");
    assert_eq!(ok.claims["name"], "Ann");
    assert!(
        server
            .queries()
            .iter()
            .all(|q| q == "access_token=EAAB-token")
    );

    let e = refused(v.verify(&login(&["2222"]), "EAAB-token", NOW));
    assert!(
        e.message().contains("'1111'") && e.message().contains("2222"),
        "{e}"
    );

    server.answer(
        "/app",
        Reply::json(400, r#"{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}"#),
    );
    let e = refused(v.verify(&login(&["1111"]), "bad", NOW));
    assert_eq!(e.code(), "NotAuthorizedException");
    assert!(e.message().contains("Invalid OAuth access token"), "{e}");

    let endpoints = SocialEndpoints::default()
        .with_override("graph.facebook.com", &format!("http://{}", closed_addr()))
        .unwrap();
    let v = Verifier::new(Arc::new(HttpFetch::new().unwrap()), endpoints);
    let e = refused(v.verify(&login(&["1111"]), "secret-token", NOW));
    assert_eq!(e.code(), "ExternalServiceException");
    assert!(e.message().contains("/app"), "{e}");
    assert!(
        !e.message().contains("secret-token"),
        "the token stays out of messages: {e}"
    );
}

#[test]
fn login_with_amazon_access_tokens_are_checked_with_tokeninfo() {
    let server = Routes::start();
    server.answer(
        "/auth/o2/tokeninfo",
        Reply::json(
            200,
            r#"{"iss":"https://www.amazon.com","user_id":"amzn1.account.K2LI","aud":"amzn1.application-oa2-client.abc","app_id":"amzn1.application.1","exp":3597,"iat":1311280970}"#,
        ),
    );
    let endpoints = SocialEndpoints::default()
        .with_override("api.amazon.com", &server.base())
        .unwrap();
    let preset = endpoints.preset(federation::ProviderKind::Amazon).unwrap();
    let v = Verifier::new(Arc::new(HttpFetch::new().unwrap()), endpoints);
    let login = |client: &str| Login {
        key: "www.amazon.com".into(),
        trusted: Trusted::Oidc(OidcTrust {
            issuers: preset.issuers.clone(),
            client_ids: vec![client.to_owned()],
            discovery_base: preset.base.clone(),
        }),
    };
    let ok = v
        .verify(&login("amzn1.application-oa2-client.abc"), "Atza|IQEB", NOW)
        .unwrap();
    assert_eq!(ok.subject, "amzn1.account.K2LI");
    assert_eq!(ok.claims["user_id"], "amzn1.account.K2LI");
    assert_eq!(server.queries(), ["access_token=Atza%7CIQEB"]);

    let e = refused(v.verify(&login("another-client"), "Atza|IQEB", NOW));
    assert!(e.message().contains("Incorrect token audience"), "{e}");

    server.answer(
        "/auth/o2/tokeninfo",
        Reply::json(400, r#"{"error":"invalid_token","error_description":"The access token provided is expired"}"#),
    );
    let e = refused(v.verify(&login("amzn1.application-oa2-client.abc"), "Atza|old", NOW));
    assert_eq!(e.code(), "NotAuthorizedException");
    assert!(e.message().contains("expired"), "{e}");
}

/// A user pool's code flow: the ID token's `nonce` must be the one the sign-in sent.
#[test]
fn a_code_flow_id_token_carries_the_nonce_it_was_asked_for() {
    let p = OidcIssuer::start();
    let v = verifier();
    let Trusted::Oidc(trust) = login_of(&p).trusted else {
        unreachable!()
    };
    let with_nonce = with(claims_of(&p), "nonce", json!("n-0S6_WzA2Mj"));
    let token = p.token(&with_nonce);
    let ok = v
        .verify_id_token(&trust, p.name(), &token, Some("n-0S6_WzA2Mj"), NOW)
        .unwrap();
    assert_eq!(ok.subject, "user-1");
    assert_eq!(ok.claims["nonce"], "n-0S6_WzA2Mj");

    let e = refused(v.verify_id_token(&trust, p.name(), &token, Some("other"), NOW));
    assert_eq!(e.code(), "NotAuthorizedException");
    assert!(e.message().contains("nonce is not the one"), "{e}");
    let without = p.token(&claims_of(&p));
    let e = refused(v.verify_id_token(&trust, p.name(), &without, Some("n-0S6_WzA2Mj"), NOW));
    assert!(e.message().contains("has no nonce"), "{e}");
    // Without a nonce asked for (an identity pool's login), the claim is not required.
    v.verify_id_token(&trust, p.name(), &without, None, NOW)
        .unwrap();
    // The rest of the checks still come first: an expired token with the right nonce.
    let expired = p.token(&with(with_nonce, "exp", json!(NOW_S - 3600)));
    let e = refused(v.verify_id_token(&trust, p.name(), &expired, Some("n-0S6_WzA2Mj"), NOW));
    assert!(e.message().contains("Token expired"), "{e}");
}

#[test]
fn a_provider_without_discovery_is_checked_with_the_jwks_it_was_given() {
    let p = OidcIssuer::without_discovery();
    let v = verifier();
    let trust = OidcTrust {
        issuers: vec![p.issuer().to_owned()],
        client_ids: vec![CLIENT.into()],
        discovery_base: p.issuer().to_owned(),
    };
    let token = p.token(&claims_of(&p));
    // Through discovery there are no keys to find: the provider could not be asked.
    let e = refused(v.verify_id_token(&trust, "Manual", &token, None, NOW));
    assert!(matches!(e, Refusal::ExternalService(_)), "{e:?}");
    assert!(e.message().contains("404"), "{e}");
    // At the given jwks_uri: verified, the keys kept.
    let at = p.jwks_uri();
    let keys = federation::oidc::KeysAt::Jwks(&at);
    let ok = v
        .verify_id_token_with_keys(&trust, keys, "Manual", &token, None, NOW)
        .unwrap();
    assert_eq!(ok.subject, "user-1");
    v.verify_id_token_with_keys(&trust, keys, "Manual", &token, None, NOW + 1000)
        .unwrap();
    assert_eq!(p.jwks_hits(), 1);
    // The issuer is still checked, before anything is fetched.
    let other = p.token(&with(claims_of(&p), "iss", json!("https://other.example")));
    let e = refused(v.verify_id_token_with_keys(&trust, keys, "Manual", &other, None, NOW));
    assert!(e.message().contains("Issuer"), "{e}");
    // A rotated key: an unknown kid refetches once 30 s have passed, not before.
    let k2 = SigningKey::rs256("k2");
    p.publish(&[p.key(), &k2], None);
    let rotated = k2.sign(&claims_of(&p));
    let e =
        refused(v.verify_id_token_with_keys(&trust, keys, "Manual", &rotated, None, NOW + 2000));
    assert!(e.message().contains("'k2'"), "{e}");
    assert_eq!(p.jwks_hits(), 1);
    v.verify_id_token_with_keys(&trust, keys, "Manual", &rotated, None, NOW + 31_000)
        .unwrap();
    assert_eq!(p.jwks_hits(), 2);
    // A jwks_uri that is plain http off the loopback is refused before any request.
    let far = federation::oidc::KeysAt::Jwks("http://keys.example/jwks.json");
    let e = refused(v.verify_id_token_with_keys(&trust, far, "Manual", &token, None, NOW));
    assert!(e.message().contains("not an https URL"), "{e}");
}
