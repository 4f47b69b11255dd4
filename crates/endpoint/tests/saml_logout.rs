//! SAML sign-out (single logout) over real HTTP on 127.0.0.1:0, with testkit's SAML IdP: a
//! browser signed in through a provider with `IDPSignout` goes from `/logout` to the IdP's
//! SingleLogoutService with a signed LogoutRequest naming the sign-in's NameID and
//! SessionIndex, and comes back through `/saml2/logout` with the IdP's signed LogoutResponse to
//! the registered logout_uri (or the sign-in page). Without `IDPSignout`, or without a
//! SingleLogoutService, the sign-out is local. Each bad LogoutResponse (unsigned, another key,
//! tampered, another request, another issuer, another destination, a failed status, a forged
//! RelayState, a provider gone, an oversized body) is an error page without a redirect, and
//! leaves the good response usable; an IdP-initiated LogoutRequest is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, encode, param, set_cookie};

use base64::Engine as _;
use serde_json::json;
use testkit::http::Response;
use testkit::saml_idp::{
    AuthnRequestSeen, LogoutRequestSeen, logout_response, read_logout_request, read_request,
};
use testkit::{Assertion, SamlIdp};

const CALLBACK: &str = "https://app.test/callback";
const SIGNED_OUT: &str = "https://app.test/signed-out";
const ENTITY: &str = "https://idp.corp.test/metadata";
const SSO: &str = "https://idp.corp.test/sso";
const SLO: &str = "https://idp.corp.test/slo";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A pool with the SAML provider `Corp` (`details` beside its metadata) and an app client that
/// supports it with a sign-out URL; answers (pool id, client id).
fn setup(s: &Server, metadata: &str, signs_out: bool) -> (String, String) {
    let pool = s.idp("CreateUserPool", json!({"PoolName": "slo"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    s.idp(
        "CreateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML",
            "ProviderDetails": {"MetadataFile": metadata, "IDPSignout": signs_out.to_string()},
            "AttributeMapping": {"email": "mail"},
        }),
    );
    let client = s.idp(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool, "ClientName": "web",
            "CallbackURLs": [CALLBACK], "LogoutURLs": [SIGNED_OUT],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["COGNITO", "Corp"],
        }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    (pool, client)
}

/// Signs Ann in through `Corp` (her session at the IdP is `session_index`); answers the
/// browser's session cookie.
fn sign_in(s: &Server, idp: &SamlIdp, pool: &str, client: &str, session_index: &str) -> String {
    let query = encode(&[
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("identity_provider", "Corp"),
    ]);
    let r = s.get(&format!("/{pool}/oauth2/authorize?{query}"), &[]);
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(param(location, "Signature").is_none(), "{location}");
    let request: AuthnRequestSeen = read_request(&param(location, "SAMLRequest").unwrap());
    let relay = param(location, "RelayState").unwrap();
    let assertion = Assertion {
        id: format!("as-{session_index}"),
        audience: request.issuer.clone(),
        recipient: request.acs_url.clone(),
        in_response_to: Some(request.id.clone()),
        session_index: Some(session_index.to_string()),
        ..Assertion::new(ENTITY, "ann@corp.test", now_ms())
    }
    .attribute("mail", &["ann@corp.test"]);
    let signed = idp.signed_response_for(&assertion, &request.acs_url);
    let r = s.post_form(
        &format!("/{pool}/saml2/idpresponse"),
        &[],
        &[("SAMLResponse", &signed), ("RelayState", &relay)],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(
        r.header("location").unwrap().starts_with(CALLBACK),
        "{:?}",
        r.header("location")
    );
    set_cookie(&r, "poolhouse-session").unwrap()
}

fn logout_query(client: &str) -> String {
    encode(&[("client_id", client), ("logout_uri", SIGNED_OUT)])
}

/// `/logout` with the session cookie; answers the response (its session cookie cleared).
fn logout(s: &Server, pool: &str, query: &str, session: &str) -> Response {
    let r = s.get(
        &format!("/{pool}/logout?{query}"),
        &[("Cookie", &format!("poolhouse-session={session}"))],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(
        set_cookie(&r, "poolhouse-session").as_deref(),
        Some(""),
        "the session cookie is cleared"
    );
    r
}

/// Whether the session cookie still signs the browser in (an authorize request goes straight
/// back to the app with a code).
fn still_signed_in(s: &Server, pool: &str, client: &str, session: &str) -> bool {
    let query = encode(&[
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid"),
    ]);
    let r = s.get(
        &format!("/{pool}/oauth2/authorize?{query}"),
        &[("Cookie", &format!("poolhouse-session={session}"))],
    );
    r.header("location")
        .is_some_and(|l| l.starts_with(&format!("{CALLBACK}?code=")))
}

/// The pool's SP metadata and the certificate it names.
fn sp_metadata(s: &Server, pool: &str) -> (String, Option<federation::saml::metadata::SigningKey>) {
    let r = s.get(&format!("/{pool}/saml2/metadata"), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let key = r
        .body
        .split("<ds:X509Certificate>")
        .nth(1)
        .and_then(|c| c.split("</ds:X509Certificate>").next())
        .map(|c| federation::saml::metadata::signing_key(c).unwrap());
    (r.body.clone(), key)
}

/// Checks the redirect's signature over its signed octets with `key`.
fn verify_redirect_signature(location: &str, key: &federation::saml::metadata::SigningKey) {
    let query = location.split_once('?').unwrap().1;
    let (signed, _) = query.split_once("&Signature=").unwrap();
    assert!(signed.starts_with("SAMLRequest=") && signed.contains("&RelayState="));
    assert_eq!(
        param(location, "SigAlg").as_deref(),
        Some("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    );
    let signature = base64::engine::general_purpose::STANDARD
        .decode(param(location, "Signature").unwrap())
        .unwrap();
    aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        &key.rsa_public_key,
    )
    .verify(signed.as_bytes(), &signature)
    .expect("the LogoutRequest is signed with the certificate of the SP metadata");
}

/// Where the LogoutResponse goes.
fn slo_endpoint(s: &Server, pool: &str) -> String {
    format!("http://{}/{pool}/saml2/logout", s.addr)
}

fn post_logout_response(s: &Server, pool: &str, response: &str, relay: &str) -> Response {
    s.post_form(
        &format!("/{pool}/saml2/logout"),
        &[],
        &[("SAMLResponse", response), ("RelayState", relay)],
    )
}

/// Signs in, signs out at the pool: answers what the IdP receives and the RelayState.
fn signed_in_then_out(
    s: &Server,
    idp: &SamlIdp,
    pool: &str,
    client: &str,
    session_index: &str,
) -> (LogoutRequestSeen, String) {
    let session = sign_in(s, idp, pool, client, session_index);
    let r = logout(s, pool, &logout_query(client), &session);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{SLO}?SAMLRequest=")),
        "{location}"
    );
    (
        read_logout_request(&param(location, "SAMLRequest").unwrap()),
        param(location, "RelayState").unwrap(),
    )
}

#[test]
fn sign_out_goes_to_the_idp_with_a_signed_logout_request_and_back_to_the_logout_uri() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);

    // The SP metadata names where the IdP answers, and the certificate requests are signed with.
    let (metadata, key) = sp_metadata(&s, &pool);
    assert!(
        metadata.contains(&format!(
            r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{}"/>"#,
            slo_endpoint(&s, &pool)
        )),
        "{metadata}"
    );
    let key = key.expect("the SP metadata names the signing certificate");
    // ... for the LogoutRequests only: the provider does not ask for signed AuthnRequests.
    assert!(
        metadata.contains(r#"AuthnRequestsSigned="false""#),
        "{metadata}"
    );

    let session = sign_in(&s, &idp, &pool, &client, "sess-1");
    assert!(still_signed_in(&s, &pool, &client, &session));
    let r = logout(&s, &pool, &logout_query(&client), &session);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{SLO}?SAMLRequest=")),
        "{location}"
    );
    verify_redirect_signature(location, &key);
    let request = read_logout_request(&param(location, "SAMLRequest").unwrap());
    assert_eq!(request.issuer, format!("urn:amazon:cognito:sp:{pool}"));
    assert_eq!(request.destination, SLO);
    assert_eq!(request.name_id, "ann@corp.test");
    assert_eq!(request.name_id_format.as_deref(), Some(PERSISTENT));
    assert_eq!(request.session_index.as_deref(), Some("sess-1"));
    let relay = param(location, "RelayState").unwrap();
    assert!(
        !relay.contains("signed-out"),
        "the RelayState is sealed: {relay}"
    );
    // The session here ended at /logout, before the IdP answers.
    assert!(!still_signed_in(&s, &pool, &client, &session));

    let answer = idp.signed_logout_response(
        "lr-1",
        &request,
        &slo_endpoint(&s, &pool),
        SUCCESS,
        now_ms(),
    );
    let r = post_logout_response(&s, &pool, &answer, &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(r.header("location"), Some(SIGNED_OUT));

    // The same cookie again: nothing left to end, a local sign-out straight to the app.
    let r = logout(&s, &pool, &logout_query(&client), &session);
    assert_eq!(r.header("location"), Some(SIGNED_OUT));
}

#[test]
fn sign_out_to_the_sign_in_page_comes_back_there_from_the_idp() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);
    let session = sign_in(&s, &idp, &pool, &client, "sess-2");
    let query = encode(&[
        ("client_id", client.as_str()),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid"),
    ]);
    let r = logout(&s, &pool, &query, &session);
    let location = r.header("location").unwrap();
    assert!(location.starts_with(SLO), "{location}");
    let request = read_logout_request(&param(location, "SAMLRequest").unwrap());
    assert_eq!(request.session_index.as_deref(), Some("sess-2"));
    let relay = param(location, "RelayState").unwrap();
    let answer = idp.signed_logout_response(
        "lr-2",
        &request,
        &slo_endpoint(&s, &pool),
        SUCCESS,
        now_ms(),
    );
    let r = post_logout_response(&s, &pool, &answer, &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/{pool}/login?{query}").as_str())
    );
}

#[test]
fn without_idp_signout_or_a_single_logout_service_the_sign_out_is_local() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);

    // IDPSignout false: local, and the SP metadata names no SingleLogoutService.
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), false);
    let (metadata, key) = sp_metadata(&s, &pool);
    assert!(!metadata.contains("SingleLogoutService"), "{metadata}");
    assert!(
        key.is_none(),
        "nothing is signed, no certificate: {metadata}"
    );
    let session = sign_in(&s, &idp, &pool, &client, "sess-3");
    let r = logout(&s, &pool, &logout_query(&client), &session);
    assert_eq!(r.header("location"), Some(SIGNED_OUT));
    assert!(!still_signed_in(&s, &pool, &client, &session));

    // IDPSignout true, but the metadata has no SingleLogoutService: local as well.
    let (pool, client) = setup(&s, &idp.metadata_with_sso(SSO), true);
    let session = sign_in(&s, &idp, &pool, &client, "sess-4");
    let r = logout(&s, &pool, &logout_query(&client), &session);
    assert_eq!(r.header("location"), Some(SIGNED_OUT));
    assert!(!still_signed_in(&s, &pool, &client, &session));

    // A user deleted while signed in takes the SAML session with it: /logout is then local.
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);
    let session = sign_in(&s, &idp, &pool, &client, "sess-del");
    s.idp(
        "AdminDeleteUser",
        json!({"UserPoolId": pool, "Username": "Corp_ann@corp.test"}),
    );
    let r = logout(&s, &pool, &logout_query(&client), &session);
    assert_eq!(r.header("location"), Some(SIGNED_OUT));

    // An unregistered logout_uri ends nothing and sends nowhere.
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);
    let session = sign_in(&s, &idp, &pool, &client, "sess-5");
    let r = s.get(
        &format!(
            "/{pool}/logout?{}",
            encode(&[
                ("client_id", client.as_str()),
                ("logout_uri", "https://evil.test/")
            ])
        ),
        &[("Cookie", &format!("poolhouse-session={session}"))],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.header("location").is_none());
    assert!(still_signed_in(&s, &pool, &client, &session));
}

#[test]
fn each_bad_logout_response_is_an_error_page_and_the_good_one_still_works() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);
    let (request, relay) = signed_in_then_out(&s, &idp, &pool, &client, "sess-6");
    let slo = slo_endpoint(&s, &pool);
    let now = now_ms();
    let stranger = SamlIdp::new(ENTITY);
    let b64 = |xml: &str| base64::engine::general_purpose::STANDARD.encode(xml);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "unsigned",
            b64(&logout_response(
                ENTITY,
                "u-1",
                &request.id,
                &slo,
                SUCCESS,
                now,
            )),
            "not signed",
        ),
        (
            "another key",
            stranger.signed_logout_response("k-1", &request, &slo, SUCCESS, now),
            "signature does not verify",
        ),
        (
            "tampered",
            {
                let xml = logout_response(
                    ENTITY,
                    "t-1",
                    &request.id,
                    &slo,
                    "urn:oasis:names:tc:SAML:2.0:status:Responder",
                    now,
                );
                b64(&idp
                    .sign(&xml, "t-1")
                    .replace("urn:oasis:names:tc:SAML:2.0:status:Responder", SUCCESS))
            },
            "changed after it was signed",
        ),
        (
            "another request",
            b64(&idp.sign(
                &logout_response(ENTITY, "i-1", "_someone_else", &slo, SUCCESS, now),
                "i-1",
            )),
            "_someone_else",
        ),
        (
            "another issuer",
            b64(&idp.sign(
                &logout_response(
                    "https://other.test/md",
                    "w-1",
                    &request.id,
                    &slo,
                    SUCCESS,
                    now,
                ),
                "w-1",
            )),
            "https://other.test/md",
        ),
        (
            "another destination",
            idp.signed_logout_response(
                "d-1",
                &request,
                "http://elsewhere.test/saml2/logout",
                SUCCESS,
                now,
            ),
            "Destination",
        ),
        (
            "from the future",
            idp.signed_logout_response("f-1", &request, &slo, SUCCESS, now + 3_600_000),
            "issued in the future",
        ),
        (
            "a failed status",
            idp.signed_logout_response(
                "s-1",
                &request,
                &slo,
                "urn:oasis:names:tc:SAML:2.0:status:Responder",
                now,
            ),
            "did not end your session there",
        ),
    ];
    for (name, response, expect) in cases {
        let r = post_logout_response(&s, &pool, &response, &relay);
        assert_eq!(r.status, 400, "{name}: {}", r.body);
        assert!(r.header("location").is_none(), "{name}: no redirect");
        assert!(r.body.contains(expect), "{name}: {}", r.body);
    }

    let good = idp.signed_logout_response("g-1", &request, &slo, SUCCESS, now);
    // A RelayState changed on the way, or missing.
    let mut forged = relay.clone().into_bytes();
    forged[12] = if forged[12] == b'A' { b'B' } else { b'A' };
    for bad_relay in [String::from_utf8(forged).unwrap(), String::new()] {
        let r = post_logout_response(&s, &pool, &good, &bad_relay);
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.header("location").is_none());
        assert!(r.body.contains("not a sign-out started here"), "{}", r.body);
    }
    // The RelayState of another pool's sign-out does not open here.
    let (other_pool, other_client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);
    let (_, other_relay) = signed_in_then_out(&s, &idp, &other_pool, &other_client, "sess-7");
    let r = post_logout_response(&s, &pool, &good, &other_relay);
    assert_eq!(r.status, 400, "{}", r.body);
    // Without SAMLResponse, and oversized.
    let r = s.post_form(
        &format!("/{pool}/saml2/logout"),
        &[],
        &[("RelayState", &relay)],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("SAMLResponse"), "{}", r.body);
    let r = post_logout_response(&s, &pool, &"A".repeat(400 * 1024), &relay);
    assert_eq!(r.status, 413, "{}", r.body);

    // None of it used anything up: the IdP's real answer still ends at the logout_uri.
    let r = post_logout_response(&s, &pool, &good, &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(r.header("location"), Some(SIGNED_OUT));

    // A provider deleted while the browser was at the IdP: refused, no redirect.
    let (request, relay) = signed_in_then_out(&s, &idp, &pool, &client, "sess-8");
    s.idp(
        "DeleteIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp"}),
    );
    let answer = idp.signed_logout_response("g-2", &request, &slo, SUCCESS, now_ms());
    let r = post_logout_response(&s, &pool, &answer, &relay);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.header("location").is_none());
    assert!(
        r.body
            .contains("Corp is not a SAML provider of this user pool"),
        "{}",
        r.body
    );
}

#[test]
fn an_idp_initiated_logout_request_is_refused_and_get_is_not_the_binding() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp.metadata_with_slo(SSO, SLO), true);
    let session = sign_in(&s, &idp, &pool, &client, "sess-9");
    let request = base64::engine::general_purpose::STANDARD.encode(format!(
        r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_idp1" Version="2.0" IssueInstant="2030-01-01T00:00:00Z"><saml:Issuer>{ENTITY}</saml:Issuer><saml:NameID>ann@corp.test</saml:NameID><samlp:SessionIndex>sess-9</samlp:SessionIndex></samlp:LogoutRequest>"#
    ));
    let r = s.post_form(
        &format!("/{pool}/saml2/logout"),
        &[],
        &[("SAMLRequest", &request), ("RelayState", "x")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("IdP-initiated"), "{}", r.body);
    let r = s.get(
        &format!(
            "/{pool}/saml2/logout?{}",
            encode(&[("SAMLRequest", request.as_str())])
        ),
        &[],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("IdP-initiated"), "{}", r.body);
    // The browser's session is untouched by either.
    assert!(still_signed_in(&s, &pool, &client, &session));
    let r = s.get(&format!("/{pool}/saml2/logout?SAMLResponse=x"), &[]);
    assert_eq!(r.status, 405, "{}", r.body);
    assert_eq!(r.header("allow"), Some("POST"));
}
