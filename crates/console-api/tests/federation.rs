//! IAM-style OIDC and SAML providers through the operation list (records, bad input named by
//! member, audit), and a federated login verified end to end: an identity pool trusting an
//! OIDC provider record whose issuer runs on the loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use console_api::{ApiError, ErrorCode};
use domain::identity_pool::IdentityPoolConfig;
use federation::Refusal;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use testkit::http::{HttpServer, Reply};
use testkit::{TestConsole, err, ok};

const NOW_S: i64 = 1_760_000_000;
const ACCOUNT: &str = "000000000000";

fn console() -> TestConsole {
    TestConsole::at(NOW_S * 1000)
}

fn invalid(e: &ApiError, field: &str) {
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
}

fn audited(c: &TestConsole, op: &str) -> usize {
    ok(c, "ListAuditEvents", json!({}))["Events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["Operation"] == op)
        .count()
}

#[test]
fn oidc_provider_records() {
    let c = console();
    let created = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "https://login.example.com/tenant/", "ClientIDList": ["app-1"],
               "ThumbprintList": ["a".repeat(40)], "Tags": [{"Key": "team", "Value": "id"}]}),
    );
    let arn = created["OpenIDConnectProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        arn,
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/login.example.com/tenant")
    );
    assert_eq!(created["Tags"], json!([{"Key": "team", "Value": "id"}]));

    let got = ok(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(got["Url"], "https://login.example.com/tenant");
    assert_eq!(got["ClientIDList"], json!(["app-1"]));
    assert_eq!(got["CreateDate"], json!(NOW_S as f64));

    ok(
        &c,
        "AddClientIDToOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-2"}),
    );
    ok(
        &c,
        "AddClientIDToOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-2"}),
    );
    ok(
        &c,
        "RemoveClientIDFromOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-1"}),
    );
    let got = ok(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(got["ClientIDList"], json!(["app-2"]));
    ok(
        &c,
        "UpdateOpenIDConnectProviderThumbprint",
        json!({"OpenIDConnectProviderArn": arn, "ThumbprintList": []}),
    );
    let got = ok(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(got["ThumbprintList"], json!([]));

    // A loopback issuer over http is accepted; its port is part of the name.
    let local = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "http://127.0.0.1:9229/idp"}),
    );
    assert_eq!(
        local["OpenIDConnectProviderArn"],
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/127.0.0.1:9229/idp")
    );
    let list = ok(&c, "ListOpenIDConnectProviders", json!({}));
    assert_eq!(
        list["OpenIDConnectProviderList"].as_array().unwrap().len(),
        2
    );

    let e = err(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "https://login.example.com/tenant"}),
    );
    assert_eq!(e.code, ErrorCode::EntityAlreadyExists, "{e:?}");
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "http://login.example.com"}),
        ),
        "Url",
    );
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "not a url"}),
        ),
        "Url",
    );
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "https://x.example.com", "ClientIDList": ["a", "a"]}),
        ),
        "ClientIDList.2",
    );
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "https://x.example.com", "ThumbprintList": ["xyz"]}),
        ),
        "ThumbprintList.1",
    );
    invalid(
        &err(
            &c,
            "GetOpenIDConnectProvider",
            json!({"OpenIDConnectProviderArn": "arn:aws:iam::111111111111:oidc-provider/login.example.com/tenant"}),
        ),
        "OpenIDConnectProviderArn",
    );

    ok(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    let e = err(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(e.code, ErrorCode::NoSuchEntity, "{e:?}");
    let e = err(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(e.code, ErrorCode::NoSuchEntity, "{e:?}");

    assert_eq!(
        audited(&c, "CreateOpenIDConnectProvider"),
        2 + 5,
        "successes and refusals"
    );
    assert_eq!(audited(&c, "DeleteOpenIDConnectProvider"), 2);
    assert_eq!(audited(&c, "AddClientIDToOpenIDConnectProvider"), 2);
}

fn certificate_b64() -> String {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&pair)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(cert.der())
}

fn metadata(entity: &str, cert_b64: &str) -> String {
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
    )
}

#[test]
fn saml_provider_records() {
    let c = console();
    let cert = certificate_b64();
    let doc = metadata("https://idp.example.com", &cert);
    let created = ok(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": doc}),
    );
    let arn = created["SAMLProviderArn"].as_str().unwrap().to_owned();
    assert_eq!(arn, format!("arn:aws:iam::{ACCOUNT}:saml-provider/corp"));

    let got = ok(&c, "GetSAMLProvider", json!({"SAMLProviderArn": arn}));
    assert_eq!(got["SAMLMetadataDocument"], doc);
    assert_eq!(got["EntityID"], "https://idp.example.com");
    assert_eq!(got["SigningCertificates"].as_array().unwrap().len(), 1);

    let doc2 = metadata("https://idp2.example.com", &cert);
    let updated = ok(
        &c,
        "UpdateSAMLProvider",
        json!({"SAMLProviderArn": arn, "SAMLMetadataDocument": doc2}),
    );
    assert_eq!(updated["SAMLProviderArn"], arn);
    let got = ok(&c, "GetSAMLProvider", json!({"SAMLProviderArn": arn}));
    assert_eq!(got["EntityID"], "https://idp2.example.com");
    let list = ok(&c, "ListSAMLProviders", json!({}));
    assert_eq!(list["SAMLProviderList"][0]["Arn"], arn);

    let e = err(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": doc}),
    );
    assert_eq!(e.code, ErrorCode::EntityAlreadyExists, "{e:?}");
    invalid(
        &err(
            &c,
            "CreateSAMLProvider",
            json!({"Name": "bad name!", "SAMLMetadataDocument": doc}),
        ),
        "Name",
    );
    let broken = doc.replace(&cert[10..40], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let e = err(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "broken", "SAMLMetadataDocument": broken}),
    );
    invalid(&e, "SAMLMetadataDocument");
    assert!(e.message.contains("certificate"), "{e:?}");
    let doctype = format!("<!DOCTYPE x>{doc}");
    invalid(
        &err(
            &c,
            "CreateSAMLProvider",
            json!({"Name": "dt", "SAMLMetadataDocument": doctype}),
        ),
        "SAMLMetadataDocument",
    );
    invalid(
        &err(
            &c,
            "CreateSAMLProvider",
            json!({"Name": "short", "SAMLMetadataDocument": "<x/>"}),
        ),
        "SAMLMetadataDocument",
    );
    invalid(
        &err(
            &c,
            "UpdateSAMLProvider",
            json!({"SAMLProviderArn": arn, "SAMLMetadataDocument": broken}),
        ),
        "SAMLMetadataDocument",
    );

    ok(&c, "DeleteSAMLProvider", json!({"SAMLProviderArn": arn}));
    let e = err(&c, "GetSAMLProvider", json!({"SAMLProviderArn": arn}));
    assert_eq!(e.code, ErrorCode::NoSuchEntity, "{e:?}");
    assert_eq!(audited(&c, "CreateSAMLProvider"), 1 + 5);
    assert_eq!(audited(&c, "UpdateSAMLProvider"), 2);
}

/// An OIDC provider on the loopback: discovery, a JWKS, and a key to sign its ID tokens.
struct Idp {
    server: HttpServer,
    issuer: String,
    key: EncodingKey,
}

fn idp() -> Idp {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let key = EncodingKey::from_rsa_pem(pair.serialize_pem().as_bytes()).unwrap();
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some("k1".into());
    let jwks = serde_json::to_string(&JwkSet { keys: vec![jwk] }).unwrap();
    let issuer_cell = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let cell = std::sync::Arc::clone(&issuer_cell);
    let server = HttpServer::start(move |r| {
        let issuer = cell.lock().unwrap().clone();
        match r.path.as_str() {
            "/idp/.well-known/openid-configuration" => Reply::json(
                200,
                json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")}),
            ),
            "/idp/jwks" => Reply::json(200, &jwks),
            _ => Reply::text(404, "no"),
        }
    });
    let issuer = server.url("/idp");
    *issuer_cell.lock().unwrap() = issuer.clone();
    Idp {
        server,
        issuer,
        key,
    }
}

impl Idp {
    fn token(&self, claims: Value) -> String {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some("k1".into());
        jsonwebtoken::encode(&h, &claims, &self.key).unwrap()
    }
}

fn pool_config(c: &TestConsole, pool: &str) -> IdentityPoolConfig {
    let d = ok(c, "DescribeIdentityPool", json!({"IdentityPoolId": pool}));
    let mut m = serde_json::Map::new();
    m.insert("AllowUnauthenticatedIdentities".into(), json!(false));
    for k in [
        "OpenIdConnectProviderARNs",
        "SamlProviderARNs",
        "SupportedLoginProviders",
    ] {
        if !d[k].is_null() {
            m.insert(k.into(), d[k].clone());
        }
    }
    serde_json::from_value(Value::Object(m)).unwrap()
}

#[test]
fn a_login_of_a_trusted_oidc_provider_is_verified_end_to_end() {
    let c = console();
    let idp = idp();
    let arn = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": idp.issuer, "ClientIDList": ["app-1"]}),
    )["OpenIDConnectProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = arn.split_once("oidc-provider/").unwrap().1.to_owned();
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "fed", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_owned();
    let config = pool_config(&c, &pool);
    let claims = json!({"iss": idp.issuer, "aud": "app-1", "sub": "u-7", "exp": NOW_S + 300});

    let v = c
        .verify_federated_login(&config, &key, &idp.token(claims.clone()))
        .unwrap();
    assert_eq!(v.subject, "u-7");
    assert_eq!(v.provider, key);

    // The record's client ids are the audiences: removing app-1 refuses the same token.
    ok(
        &c,
        "RemoveClientIDFromOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-1"}),
    );
    let e = c
        .verify_federated_login(&config, &key, &idp.token(claims.clone()))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::NotAuthorized(m) if m.contains("audience")),
        "{e:?}"
    );

    // A provider the pool does not list.
    let e = c
        .verify_federated_login(&config, "other.example.com", &idp.token(claims.clone()))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("does not trust")),
        "{e:?}"
    );
    // A deleted record.
    ok(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    let e = c
        .verify_federated_login(&config, &key, &idp.token(claims))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("does not exist")),
        "{e:?}"
    );
    assert!(
        idp.server.requests().len() >= 2,
        "discovery and JWKS were fetched"
    );
}

#[test]
fn a_social_login_needs_the_pool_to_list_the_provider() {
    let c = console();
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "social", "AllowUnauthenticatedIdentities": false,
               "SupportedLoginProviders": {"graph.facebook.com": "1111"}}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_owned();
    let config = pool_config(&c, &pool);
    let e = c
        .verify_federated_login(&config, "accounts.google.com", "x.y.z")
        .unwrap_err();
    assert!(matches!(&e, Refusal::InvalidParameter(_)), "{e:?}");

    // Facebook through its Graph API, moved to the loopback.
    let graph = HttpServer::start(|r| {
        if r.path.starts_with("/app?") {
            Reply::json(200, r#"{"id":"1111"}"#)
        } else {
            Reply::json(200, r#"{"id":"42","name":"Ann"}"#)
        }
    });
    c.set_social_endpoints(
        federation::SocialEndpoints::default()
            .with_override("graph.facebook.com", &graph.url(""))
            .unwrap(),
    )
    .unwrap();
    let v = c
        .verify_federated_login(&config, "graph.facebook.com", "EAAB")
        .unwrap();
    assert_eq!(v.subject, "42");
}

/// GetId with the login of an OIDC provider record: verified through the dispatch point, the
/// same identity each time; a token the provider did not issue for the pool's client, and a
/// provider that cannot be reached, are refused with Cognito's codes.
#[test]
fn get_id_takes_an_oidc_login() {
    let c = console();
    let idp = idp();
    let arn = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": idp.issuer, "ClientIDList": ["app-1"]}),
    )["OpenIDConnectProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = arn.split_once("oidc-provider/").unwrap().1.to_owned();
    let dead = format!("http://127.0.0.1:{}/gone", testkit::closed_addr().port());
    let dead_arn = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": dead, "ClientIDList": ["app-1"]}),
    )["OpenIDConnectProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let dead_key = dead_arn.split_once("oidc-provider/").unwrap().1.to_owned();
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "fed", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn, dead_arn]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_owned();
    let claims = json!({"iss": idp.issuer, "aud": "app-1", "sub": "u-7", "exp": NOW_S + 300});
    let token = idp.token(claims.clone());
    let get_id = |logins: Value| {
        testkit::call::<Value>(
            &c,
            "GetId",
            json!({"IdentityPoolId": pool, "Logins": logins}),
        )
    };

    let first = get_id(json!({key.clone(): token.clone()})).unwrap()["IdentityId"].clone();
    let again =
        get_id(json!({key.clone(): idp.token(claims.clone())})).unwrap()["IdentityId"].clone();
    assert_eq!(
        first, again,
        "the same subject of the same provider is one identity"
    );
    let d = ok(&c, "DescribeIdentity", json!({"IdentityId": first}));
    assert_eq!(d["Logins"], json!([key.clone()]));

    let mut other = claims.clone();
    other["aud"] = json!("someone-else");
    let e = get_id(json!({key.clone(): idp.token(other)})).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAuthorizedException, "{e:?}");
    assert!(e.message.contains("Incorrect token audience"), "{e:?}");

    let mut to_dead = claims;
    to_dead["iss"] = json!(dead);
    let e = get_id(json!({dead_key: idp.token(to_dead)})).unwrap_err();
    assert_eq!(e.code, ErrorCode::ExternalServiceException, "{e:?}");
    assert!(
        e.message.contains("/gone/.well-known/openid-configuration"),
        "{e:?}"
    );
}

/// A SAML IdP: an RSA key and its self-signed certificate.
struct SamlIdp {
    key: aws_lc_rs::rsa::KeyPair,
    cert_b64: String,
}

fn saml_idp() -> SamlIdp {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&pair)
        .unwrap();
    SamlIdp {
        key: aws_lc_rs::rsa::KeyPair::from_pkcs8(&pair.serialize_der()).unwrap(),
        cert_b64: base64::engine::general_purpose::STANDARD.encode(cert.der()),
    }
}

/// `NOW_S` and five minutes later as xs:dateTime.
const NOW_ISO: &str = "2025-10-09T08:53:20Z";
const LATER_ISO: &str = "2025-10-09T08:58:20Z";

/// A SAML response whose assertion is signed by `idp` (enveloped, exclusive c14n, RSA-SHA256).
fn saml_response(idp: &SamlIdp, entity: &str, provider_arn: &str, name_id: &str) -> String {
    use federation::saml::c14n;
    let b64 = base64::engine::general_purpose::STANDARD;
    let assertion = format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" Version="2.0" IssueInstant="{now}"><saml:Issuer>{entity}</saml:Issuer><saml:Subject><saml:NameID>{name_id}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{now}" NotOnOrAfter="{later}"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::{ACCOUNT}:role/Staff,{provider_arn}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>{name_id}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#,
        now = NOW_ISO,
        later = LATER_ISO,
    );
    let digest = {
        let doc = roxmltree::Document::parse(&assertion).unwrap();
        aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            c14n::canonicalize(doc.root_element(), None, &[]).as_bytes(),
        )
    };
    let signature = format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#a1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>SIG</ds:SignatureValue></ds:Signature>"##,
        b64.encode(digest.as_ref())
    );
    let signed = assertion.replacen("</saml:Issuer>", &format!("</saml:Issuer>{signature}"), 1);
    let value = {
        let doc = roxmltree::Document::parse(&signed).unwrap();
        let info = doc
            .descendants()
            .find(|n| n.tag_name().name() == "SignedInfo")
            .unwrap();
        let mut sig = vec![0; idp.key.public_modulus_len()];
        idp.key
            .sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                c14n::canonicalize(info, None, &[]).as_bytes(),
                &mut sig,
            )
            .unwrap();
        b64.encode(sig)
    };
    let response = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="r1" Version="2.0" IssueInstant="{now}"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{}</samlp:Response>"#,
        signed.replace(">SIG<", &format!(">{value}<")),
        now = NOW_ISO,
    );
    b64.encode(response)
}

/// GetId with a SAML login: the provider record's metadata checks the response; a response
/// signed by another key is refused.
#[test]
fn get_id_takes_a_saml_login() {
    let c = console();
    let idp = saml_idp();
    let entity = "https://idp.example.com";
    let arn = ok(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": metadata(entity, &idp.cert_b64)}),
    )["SAMLProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "saml", "AllowUnauthenticatedIdentities": false,
               "SamlProviderARNs": [arn]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_owned();
    let get_id = |token: String| {
        testkit::call::<Value>(
            &c,
            "GetId",
            json!({"IdentityPoolId": pool, "Logins": {arn.clone(): token}}),
        )
    };
    let first = get_id(saml_response(&idp, entity, &arn, "ann@example.com")).unwrap();
    let again = get_id(saml_response(&idp, entity, &arn, "ann@example.com")).unwrap();
    assert_eq!(first["IdentityId"], again["IdentityId"]);

    let stranger = saml_idp();
    let e = get_id(saml_response(&stranger, entity, &arn, "ann@example.com")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAuthorizedException, "{e:?}");
    assert!(e.message.contains("does not verify"), "{e:?}");

    // The verified grant, as STS's AssumeRoleWithSAML would use it.
    let v = c
        .verify_saml_assertion(&arn, &saml_response(&idp, entity, &arn, "ann@example.com"))
        .unwrap();
    let grant = v.saml.unwrap();
    let role = federation::saml::pick_role(&grant, None).unwrap();
    assert_eq!(role.role_arn, format!("arn:aws:iam::{ACCOUNT}:role/Staff"));
}

/// STS's AssumeRoleWithSAML: the response checked against the provider record, the role one the
/// assertion offers for that provider, the role's trust policy for the provider (`SAML:aud`),
/// then credentials that answer GetCallerIdentity as the assumed role.
#[test]
fn assume_role_with_saml_takes_a_signed_response() {
    let c = console();
    let idp = saml_idp();
    let entity = "https://idp.example.com";
    let arn = ok(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": metadata(entity, &idp.cert_b64)}),
    )["SAMLProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let trust = |aud: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": aud}}}]})
        .to_string()
    };
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Staff", "AssumeRolePolicyDocument": trust("https://signin.aws.amazon.com/saml")}),
    );
    let role = format!("arn:aws:iam::{ACCOUNT}:role/Staff");
    let assume = |role: &str, assertion: String| {
        testkit::call::<Value>(
            &c,
            "AssumeRoleWithSAML",
            json!({"RoleArn": role, "PrincipalArn": arn, "SAMLAssertion": assertion,
                   "DurationSeconds": 900}),
        )
    };
    let got = assume(&role, saml_response(&idp, entity, &arn, "ann@example.com")).unwrap();
    assert_eq!(got["Subject"], "ann@example.com");
    assert_eq!(got["Issuer"], entity);
    assert_eq!(
        got["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/Staff/ann@example.com")
    );
    let key = got["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let who = ok(
        &c.open_again().acting_as(console_api::Actor::endpoint(key)),
        "GetCallerIdentity",
        json!({}),
    );
    assert_eq!(who["Arn"], got["AssumedRoleUser"]["Arn"]);

    let stranger = saml_idp();
    let e = assume(
        &role,
        saml_response(&stranger, entity, &arn, "ann@example.com"),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidIdentityToken, "{e:?}");
    let e = assume(
        &format!("arn:aws:iam::{ACCOUNT}:role/Other"),
        saml_response(&idp, entity, &arn, "ann@example.com"),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    ok(
        &c,
        "UpdateRole",
        json!({"RoleName": "Staff", "AssumeRolePolicyDocument": trust("https://elsewhere.example/saml")}),
    );
    let e = assume(&role, saml_response(&idp, entity, &arn, "ann@example.com")).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    assert!(e.message.contains("SAML:aud"), "{e:?}");
}
