//! SAML sign-in into a user pool over real HTTP on 127.0.0.1:0, with testkit's SAML IdP signing
//! with a test key: the SP-initiated round trip (authorize → the IdP's SSO URL with an
//! AuthnRequest → a signed response posted to `/saml2/idpresponse` → the app with a code →
//! tokens carrying `identities`), IdP-initiated sign-in on and off, the SP metadata, and each
//! refusal: unsigned, tampered, wrong audience, wrong recipient, expired, not yet valid,
//! replayed, another request's `InResponseTo`, unknown provider, an encrypted assertion, an
//! oversized body. A refused response creates nobody. Encrypted responses: the provider's
//! certificate read from DescribeIdentityProvider and the SP metadata, the assertion encrypted
//! to it, a plain one refused. A MetadataURL is read once for several sign-ins, again after
//! an update and when the IdP has rolled its key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, claims, encode, param, set_cookie};

use base64::Engine as _;
use serde_json::{Value, json};
use testkit::http::Response;
use testkit::saml_idp::{AuthnRequestSeen, Encrypt, read_request, response};
use testkit::{Assertion, Reply, Routes, SamlIdp};

const CALLBACK: &str = "https://app.test/callback";
const ENTITY: &str = "https://idp.corp.test/metadata";
const SSO: &str = "https://idp.corp.test/sso";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const STATE: &str = "app state & more";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A pool with the SAML provider `Corp` (the IdP's metadata with its redirect SSO URL, email
/// mapped) and an app client that supports it; answers (pool id, client id).
fn setup(s: &Server, idp: &SamlIdp, idp_init: bool) -> (String, String) {
    let pool = s.idp("CreateUserPool", json!({"PoolName": "saml"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    s.idp(
        "CreateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML",
            "ProviderDetails": {
                "MetadataFile": idp.metadata_with_sso(SSO),
                "IDPInit": idp_init.to_string(),
            },
            "AttributeMapping": {"email": "mail"},
        }),
    );
    let client = s.idp(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool, "ClientName": "web",
            "CallbackURLs": [CALLBACK],
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

fn authorize_query(client: &str) -> String {
    encode(&[
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("state", STATE),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("identity_provider", "Corp"),
    ])
}

/// Starts an SP-initiated sign-in: answers what the IdP receives (the AuthnRequest read back)
/// and the RelayState to post with the response.
fn start(s: &Server, pool: &str, client: &str) -> (AuthnRequestSeen, String) {
    let r = s.get(
        &format!("/{pool}/oauth2/authorize?{}", authorize_query(client)),
        &[],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{SSO}?SAMLRequest=")),
        "{location}"
    );
    assert!(param(location, "SigAlg").is_none());
    let request = read_request(&param(location, "SAMLRequest").unwrap());
    (request, param(location, "RelayState").unwrap())
}

/// The assertion a well-behaved IdP makes for `request`: Ann, with her mail.
fn answer(request: &AuthnRequestSeen, id: &str) -> Assertion {
    Assertion {
        id: id.into(),
        audience: request.issuer.clone(),
        recipient: request.acs_url.clone(),
        in_response_to: Some(request.id.clone()),
        ..Assertion::new(ENTITY, "ann@corp.test", now_ms())
    }
    .attribute("mail", &["ann@corp.test"])
}

fn post_response(s: &Server, pool: &str, saml_response: &str, relay: &str) -> Response {
    s.post_form(
        &format!("/{pool}/saml2/idpresponse"),
        &[],
        &[("SAMLResponse", saml_response), ("RelayState", relay)],
    )
}

fn users(s: &Server, pool: &str) -> usize {
    s.idp("ListUsers", json!({"UserPoolId": pool}))["Users"]
        .as_array()
        .unwrap()
        .len()
}

/// A refusal sent back to the app: `error=invalid_request`, the state untouched; answers the
/// description.
fn refused_to_app(r: &Response) -> String {
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert_eq!(param(location, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(location, "state").as_deref(), Some(STATE));
    assert!(param(location, "code").is_none());
    assert!(set_cookie(r, "poolhouse-session").is_none());
    param(location, "error_description").unwrap()
}

#[test]
fn sp_initiated_sign_in_lands_at_the_app_with_a_code_and_tokens_with_identities() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp, false);
    let (request, relay) = start(&s, &pool, &client);
    assert_eq!(request.issuer, format!("urn:amazon:cognito:sp:{pool}"));
    assert_eq!(
        request.acs_url,
        format!("http://{}/{pool}/saml2/idpresponse", s.addr)
    );
    assert_eq!(request.destination, SSO);

    let signed = idp.signed_response_for(&answer(&request, "as-1"), &request.acs_url);
    let r = post_response(&s, &pool, &signed, &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap().to_string();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(param(&location, "state").as_deref(), Some(STATE));
    let session = set_cookie(&r, "poolhouse-session").unwrap();
    let set = r.header("set-cookie").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );

    let code = param(&location, "code").unwrap();
    let t = s.post_form(
        &format!("/{pool}/oauth2/token"),
        &[],
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(t.status, 200, "{}", t.body);
    let id = claims(t.json()["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Corp_ann@corp.test");
    assert_eq!(id["email"], "ann@corp.test");
    let identities = id["identities"].as_array().unwrap();
    assert_eq!(identities[0]["providerName"], "Corp");
    assert_eq!(identities[0]["providerType"], "SAML");
    assert_eq!(identities[0]["userId"], "ann@corp.test");
    assert!(
        id["cognito:groups"]
            .as_array()
            .unwrap()
            .contains(&json!(format!("{pool}_Corp")))
    );
    assert_eq!(users(&s, &pool), 1);

    // The browser's session works at the pool: a new authorize goes straight back.
    let again = s.get(
        &format!(
            "/{pool}/oauth2/authorize?{}",
            encode(&[
                ("client_id", client.as_str()),
                ("redirect_uri", CALLBACK),
                ("response_type", "code"),
                ("scope", "openid"),
            ])
        ),
        &[("Cookie", &format!("poolhouse-session={session}"))],
    );
    assert_eq!(again.status, 302, "{}", again.body);
    assert!(
        again
            .header("location")
            .unwrap()
            .starts_with(&format!("{CALLBACK}?code=")),
        "{:?}",
        again.header("location")
    );

    // The same response again: a replay, whatever RelayState comes with it.
    let m = refused_to_app(&post_response(&s, &pool, &signed, &relay));
    assert!(m.contains("'as-1' was used before"), "{m}");
    let (_, relay2) = start(&s, &pool, &client);
    let m = refused_to_app(&post_response(&s, &pool, &signed, &relay2));
    assert!(m.contains("not this sign-in's request"), "{m}");
    assert_eq!(users(&s, &pool), 1);
}

#[test]
fn each_bad_response_is_refused_and_creates_nobody() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp, false);
    let stranger = SamlIdp::new(ENTITY);
    type Make<'a> = Box<dyn Fn(&AuthnRequestSeen) -> String + 'a>;
    let cases: Vec<(&str, Make<'_>, &str)> = vec![
        (
            "unsigned",
            Box::new(|rq| {
                let a = answer(rq, "u-1");
                let xml = response(ENTITY, &a.xml(), Some(&rq.acs_url), a.issued_ms);
                base64::engine::general_purpose::STANDARD.encode(xml)
            }),
            "neither the Response nor the Assertion is signed",
        ),
        (
            "tampered",
            Box::new(|rq| {
                let a = answer(rq, "t-1");
                let xml = response(ENTITY, &a.xml(), Some(&rq.acs_url), a.issued_ms);
                let signed = idp
                    .sign(&xml, "t-1")
                    .replace("ann@corp.test<", "root@corp.test<");
                base64::engine::general_purpose::STANDARD.encode(signed)
            }),
            "changed after it was signed",
        ),
        (
            "another key",
            Box::new(|rq| stranger.signed_response_for(&answer(rq, "k-1"), &rq.acs_url)),
            "signature",
        ),
        (
            "wrong audience",
            Box::new(|rq| {
                let a = Assertion {
                    audience: "urn:amazon:cognito:sp:us-east-1_Other".into(),
                    ..answer(rq, "w-1")
                };
                idp.signed_response_for(&a, &rq.acs_url)
            }),
            "audience",
        ),
        (
            "wrong recipient",
            Box::new(|rq| {
                let a = Assertion {
                    recipient: "https://elsewhere.test/saml2/idpresponse".into(),
                    ..answer(rq, "r-1")
                };
                idp.signed_response_for(&a, &rq.acs_url)
            }),
            "Recipient",
        ),
        (
            "expired",
            Box::new(|rq| {
                let a = Assertion {
                    not_before_ms: now_ms() - 3_600_000,
                    not_on_or_after_ms: now_ms() - 600_000,
                    ..answer(rq, "e-1")
                };
                idp.signed_response_for(&a, &rq.acs_url)
            }),
            "expired",
        ),
        (
            "not yet valid",
            Box::new(|rq| {
                let a = Assertion {
                    not_before_ms: now_ms() + 600_000,
                    not_on_or_after_ms: now_ms() + 900_000,
                    ..answer(rq, "n-1")
                };
                idp.signed_response_for(&a, &rq.acs_url)
            }),
            "not valid before",
        ),
        (
            "another request",
            Box::new(|rq| {
                let a = Assertion {
                    in_response_to: Some("_someone_else".into()),
                    ..answer(rq, "i-1")
                };
                idp.signed_response_for(&a, &rq.acs_url)
            }),
            "'_someone_else', not this sign-in's request",
        ),
        (
            "encrypted",
            Box::new(|rq| {
                let inner = r#"<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>"#;
                let xml = response(ENTITY, inner, Some(&rq.acs_url), now_ms());
                base64::engine::general_purpose::STANDARD.encode(xml)
            }),
            "EncryptedResponses is off",
        ),
    ];
    for (name, make, expect) in cases {
        let (request, relay) = start(&s, &pool, &client);
        let m = refused_to_app(&post_response(&s, &pool, &make(&request), &relay));
        assert!(m.contains(expect), "{name}: {m}");
    }
    assert_eq!(users(&s, &pool), 0);

    // A RelayState that is no sign-in of ours and names no app client: a page, no redirect.
    let (request, _) = start(&s, &pool, &client);
    let good = idp.signed_response_for(&answer(&request, "g-1"), &request.acs_url);
    let r = post_response(&s, &pool, &good, "forged-state");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.header("location").is_none());
    // Nor without SAMLResponse.
    let r = s.post_form(
        &format!("/{pool}/saml2/idpresponse"),
        &[],
        &[("RelayState", "x")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("SAMLResponse"), "{}", r.body);
    // An unknown provider named by an IdP-initiated RelayState.
    let relay = encode(&[
        ("identity_provider", "Nobody"),
        ("client_id", &client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("state", STATE),
    ]);
    let m = refused_to_app(&post_response(&s, &pool, &good, &relay));
    assert!(m.contains("Nobody is not a provider"), "{m}");
    // An oversized body.
    let big = "A".repeat(400 * 1024);
    let r = post_response(&s, &pool, &big, "x");
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(users(&s, &pool), 0);
}

#[test]
fn idp_initiated_sign_in_needs_idp_init_and_an_unsolicited_response() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp, false);
    let acs = format!("http://{}/{pool}/saml2/idpresponse", s.addr);
    let unsolicited = |id: &str| {
        let a = Assertion {
            id: id.into(),
            audience: format!("urn:amazon:cognito:sp:{pool}"),
            recipient: acs.clone(),
            ..Assertion::new(ENTITY, "bob@corp.test", now_ms())
        }
        .attribute("mail", &["bob@corp.test"]);
        idp.signed_response_for(&a, &acs)
    };
    let relay = encode(&[
        ("identity_provider", "Corp"),
        ("client_id", &client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("state", STATE),
    ]);
    let m = refused_to_app(&post_response(&s, &pool, &unsolicited("x-1"), &relay));
    assert!(m.contains("IDPInit"), "{m}");
    assert_eq!(users(&s, &pool), 0);

    s.idp(
        "UpdateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp",
            "ProviderDetails": {"MetadataFile": idp.metadata_with_sso(SSO), "IDPInit": "true"},
        }),
    );
    let r = post_response(&s, &pool, &unsolicited("x-2"), &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(param(location, "state").as_deref(), Some(STATE));
    assert!(set_cookie(&r, "poolhouse-session").is_some());
    assert_eq!(users(&s, &pool), 1);

    // A response made for an SP-initiated request cannot be posted as an unsolicited one.
    let (request, _) = start(&s, &pool, &client);
    let solicited = idp.signed_response_for(&answer(&request, "x-3"), &request.acs_url);
    let m = refused_to_app(&post_response(&s, &pool, &solicited, &relay));
    assert!(
        m.contains("no sign-in through this provider was started here"),
        "{m}"
    );
    assert_eq!(users(&s, &pool), 1);
}

#[test]
fn the_pool_serves_its_sp_metadata_on_either_address() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, _) = setup(&s, &idp, false);
    let r = s.get(&format!("/{pool}/saml2/metadata"), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/samlmetadata+xml")
    );
    assert!(
        r.body
            .contains(&format!(r#"entityID="urn:amazon:cognito:sp:{pool}""#))
    );
    assert!(r.body.contains(&format!(
        r#"Location="http://{}/{pool}/saml2/idpresponse""#,
        s.addr
    )));
    assert!(r.body.contains(r#"AuthnRequestsSigned="false""#));
    let r = s.get("/us-east-1_Nope0000/saml2/metadata", &[]);
    assert_eq!(r.status, 404, "{}", r.body);
}

#[test]
fn a_provider_asking_for_signed_requests_gets_them_signed_with_the_metadatas_certificate() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp, false);
    let unsigned_metadata = s.get(&format!("/{pool}/saml2/metadata"), &[]).body;
    assert!(!unsigned_metadata.contains("X509Certificate"));
    s.idp(
        "UpdateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp",
            "ProviderDetails": {
                "MetadataFile": idp.metadata_with_sso(SSO),
                "RequestSigningAlgorithm": "rsa-sha256",
            },
        }),
    );
    let metadata = s.get(&format!("/{pool}/saml2/metadata"), &[]).body;
    assert!(
        metadata.contains(r#"AuthnRequestsSigned="true""#),
        "{metadata}"
    );
    let cert = metadata
        .split("<ds:X509Certificate>")
        .nth(1)
        .unwrap()
        .split("</ds:X509Certificate>")
        .next()
        .unwrap();
    let key = federation::saml::metadata::signing_key(cert).unwrap();
    assert!(
        key.subject
            .contains(&format!("urn:amazon:cognito:sp:{pool}")),
        "{}",
        key.subject
    );
    // The same certificate every time (it is made from the pool's key, not stored).
    assert_eq!(
        s.get(&format!("/{pool}/saml2/metadata"), &[]).body,
        metadata
    );

    let r = s.get(
        &format!("/{pool}/oauth2/authorize?{}", authorize_query(&client)),
        &[],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
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
    assert_eq!(signature.len(), 256);
    let public = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        &key.rsa_public_key,
    );
    public.verify(signed.as_bytes(), &signature).unwrap();
    let mut tampered = signed.to_string();
    tampered.push('x');
    assert!(public.verify(tampered.as_bytes(), &signature).is_err());
}

fn described(s: &Server, pool: &str) -> Value {
    s.idp(
        "DescribeIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp"}),
    )["IdentityProvider"]
        .clone()
}

/// Redeems a sign-in's code: answers the ID token's claims.
fn redeem(s: &Server, pool: &str, client: &str, location: &str) -> Value {
    let code = param(location, "code").unwrap();
    let t = s.post_form(
        &format!("/{pool}/oauth2/token"),
        &[],
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(t.status, 200, "{}", t.body);
    claims(t.json()["id_token"].as_str().unwrap())
}

#[test]
fn encrypted_responses_decrypt_with_the_providers_certificate_and_plain_ones_are_refused() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let (pool, client) = setup(&s, &idp, false);
    // Every SAML provider has an encryption certificate, shown read-only.
    let before = described(&s, &pool);
    let cert_b64 = before["ProviderDetails"]["ActiveEncryptionCertificate"]
        .as_str()
        .unwrap()
        .to_string();
    let cert = base64::engine::general_purpose::STANDARD
        .decode(&cert_b64)
        .unwrap();
    let subject = federation::saml::metadata::signing_key(&cert_b64)
        .unwrap()
        .subject;
    assert!(
        subject.contains(&format!("urn:amazon:cognito:sp:{pool}")) && subject.contains("Corp"),
        "{subject}"
    );
    // Not listed in the SP metadata while the provider does not encrypt.
    let metadata = s.get(&format!("/{pool}/saml2/metadata"), &[]).body;
    assert!(!metadata.contains(r#"use="encryption""#), "{metadata}");

    // A client cannot set it.
    let r = s.call(
        "UpdateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp",
            "ProviderDetails": {
                "MetadataFile": idp.metadata_with_sso(SSO),
                "ActiveEncryptionCertificate": "MIIB",
            },
        }),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["__type"], "InvalidParameterException");
    assert!(r.body.contains("ActiveEncryptionCertificate"), "{}", r.body);

    // Encryption switched on: the same certificate, now in the SP metadata for the IdP.
    let updated = s.idp(
        "UpdateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp",
            "ProviderDetails": {
                "MetadataFile": idp.metadata_with_sso(SSO),
                "EncryptedResponses": "true",
            },
        }),
    );
    assert_eq!(
        updated["IdentityProvider"]["ProviderDetails"]["ActiveEncryptionCertificate"],
        cert_b64.as_str()
    );
    assert_eq!(
        described(&s, &pool)["ProviderDetails"]["ActiveEncryptionCertificate"],
        cert_b64.as_str()
    );
    let metadata = s.get(&format!("/{pool}/saml2/metadata"), &[]).body;
    assert!(
        metadata.contains(&format!(
            r#"<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate>"#
        )),
        "{metadata}"
    );
    assert!(metadata.contains("http://www.w3.org/2009/xmlenc11#aes256-gcm"));

    // The IdP encrypts to it: Ann signs in.
    let (request, relay) = start(&s, &pool, &client);
    let encrypted = idp.encrypted_response_for(
        &answer(&request, "enc-1"),
        &request.acs_url,
        &cert,
        Encrypt::default(),
    );
    let r = post_response(&s, &pool, &encrypted, &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap().to_string();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    let id = redeem(&s, &pool, &client, &location);
    assert_eq!(id["cognito:username"], "Corp_ann@corp.test");
    assert_eq!(id["email"], "ann@corp.test");

    // A plain assertion is refused now, and one encrypted to another certificate.
    let (request, relay) = start(&s, &pool, &client);
    let plain = idp.signed_response_for(&answer(&request, "plain-1"), &request.acs_url);
    let m = refused_to_app(&post_response(&s, &pool, &plain, &relay));
    assert!(
        m.contains("not encrypted") && m.contains("EncryptedResponses"),
        "{m}"
    );
    let (_, other_cert) = testkit::saml_idp::encryption_key_pair();
    let (request, relay) = start(&s, &pool, &client);
    let elsewhere = idp.encrypted_response_for(
        &answer(&request, "enc-2"),
        &request.acs_url,
        &other_cert,
        Encrypt::default(),
    );
    let m = refused_to_app(&post_response(&s, &pool, &elsewhere, &relay));
    assert!(m.contains("does not decrypt"), "{m}");
    assert_eq!(users(&s, &pool), 1);

    // A provider made again under the same name gets a new certificate.
    s.idp(
        "DeleteIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp"}),
    );
    let again = s.idp(
        "CreateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML",
            "ProviderDetails": {"MetadataFile": idp.metadata_with_sso(SSO)},
        }),
    );
    let new_cert = again["IdentityProvider"]["ProviderDetails"]["ActiveEncryptionCertificate"]
        .as_str()
        .unwrap();
    assert_ne!(new_cert, cert_b64);
    // ... whose key decrypts (the old one, opened and kept by the console, does not stand in
    // for it, even where the store gives the new key the old one's row id).
    s.idp(
        "UpdateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp",
            "ProviderDetails": {
                "MetadataFile": idp.metadata_with_sso(SSO),
                "EncryptedResponses": "true",
            },
            "AttributeMapping": {"email": "mail"},
        }),
    );
    s.idp(
        "UpdateUserPoolClient",
        json!({
            "UserPoolId": pool, "ClientId": client, "ClientName": "web",
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["COGNITO", "Corp"],
        }),
    );
    let new_der = base64::engine::general_purpose::STANDARD
        .decode(new_cert)
        .unwrap();
    let (request, relay) = start(&s, &pool, &client);
    let encrypted = idp.encrypted_response_for(
        &answer(&request, "enc-3"),
        &request.acs_url,
        &new_der,
        Encrypt::default(),
    );
    let r = post_response(&s, &pool, &encrypted, &relay);
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    let r = s.call(
        "CreateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp2", "ProviderType": "SAML",
            "ProviderDetails": {
                "MetadataFile": idp.metadata_with_sso(SSO),
                "ActiveEncryptionCertificate": new_cert,
            },
        }),
    );
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn a_metadata_url_is_read_once_then_again_after_an_update_and_a_rolled_key() {
    let s = Server::start();
    let idp = SamlIdp::new(ENTITY);
    let routes = Routes::start();
    routes.answer("/metadata", Reply::text(200, idp.metadata_with_sso(SSO)));
    let url = format!("{}/metadata", routes.base());
    let hits = || routes.hits("/metadata");
    let (pool, client) = setup(&s, &idp, false);
    let details = json!({"MetadataURL": url});
    s.idp(
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderDetails": details}),
    );
    assert_eq!(hits(), 1, "the update reads the metadata");

    let sign_in = |signer: &SamlIdp, id: &str| {
        let (request, relay) = start(&s, &pool, &client);
        let signed = signer.signed_response_for(&answer(&request, id), &request.acs_url);
        post_response(&s, &pool, &signed, &relay)
    };
    for id in ["m-1", "m-2", "m-3"] {
        let r = sign_in(&idp, id);
        assert_eq!(r.status, 302, "{}", r.body);
        assert!(param(r.header("location").unwrap(), "code").is_some());
    }
    assert_eq!(hits(), 2, "read once for three sign-ins");

    // An update of the provider makes the kept copy stale.
    s.idp(
        "UpdateIdentityProvider",
        json!({
            "UserPoolId": pool, "ProviderName": "Corp",
            "ProviderDetails": {"MetadataURL": url, "IDPInit": "false"},
        }),
    );
    assert_eq!(hits(), 3);
    assert_eq!(sign_in(&idp, "m-4").status, 302);
    assert_eq!(hits(), 4);
    assert_eq!(sign_in(&idp, "m-5").status, 302);
    assert_eq!(hits(), 4);

    // The IdP rolls its key: the first response signed with the new one makes the console read
    // the metadata again (once), and it is accepted.
    let rolled = SamlIdp::new(ENTITY);
    routes.answer("/metadata", Reply::text(200, rolled.metadata_with_sso(SSO)));
    let r = sign_in(&rolled, "m-6");
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(param(r.header("location").unwrap(), "code").is_some());
    assert_eq!(hits(), 5);
    assert_eq!(sign_in(&rolled, "m-7").status, 302);
    assert_eq!(hits(), 5);
    // A key the metadata does not have is refused after one more read, not more.
    let stranger = SamlIdp::new(ENTITY);
    let m = refused_to_app(&sign_in(&stranger, "m-8"));
    assert!(m.contains("does not verify"), "{m}");
    assert_eq!(hits(), 6);
}
