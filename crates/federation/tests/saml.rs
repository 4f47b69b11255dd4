//! SAML responses signed in the test with a test key, checked against metadata holding its
//! certificate: accepted when whole, refused when tampered, wrapped, expired, meant for
//! another audience or recipient, signed by another key, or carrying a DOCTYPE.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use federation::saml::{self, SamlTrust, metadata, pick_role};
use federation::{Login, Refusal, SocialEndpoints, Trusted, Verified, Verifier};
use testkit::saml_idp::{AWS_SIGN_IN, ROLE_ATTRIBUTE, SESSION_NAME_ATTRIBUTE, response};
use testkit::{Assertion, SamlIdp};

const NOW: i64 = 1_760_000_000_000;
const PROVIDER: &str = "arn:aws:iam::000000000000:saml-provider/corp";
const ENTITY: &str = "https://idp.example.com/metadata";
const ADMIN: &str = "arn:aws:iam::000000000000:role/admin";
const READER: &str = "arn:aws:iam::000000000000:role/reader";

fn idp() -> SamlIdp {
    SamlIdp::new(ENTITY)
}

fn trust(idp: &SamlIdp) -> SamlTrust {
    SamlTrust::for_aws(PROVIDER, metadata::parse(&idp.metadata()).unwrap())
}

/// The assertion most tests start from: Ann, offering two roles of this provider (the pair
/// in either order) and one of another, with a session name and one more attribute.
fn shape() -> Assertion {
    Assertion::new(ENTITY, "ann@example.com", NOW)
        .attribute(
            ROLE_ATTRIBUTE,
            &[
                &format!("{ADMIN},{PROVIDER}"),
                &format!("{PROVIDER},{READER}"),
                "arn:aws:iam::000000000000:role/other,arn:aws:iam::000000000000:saml-provider/elsewhere",
            ],
        )
        .attribute(SESSION_NAME_ATTRIBUTE, &["ann@example.com"])
        .attribute("department", &["R&D"])
}

/// The response around an assertion, sent to AWS's sign-in URL.
fn respond(a: &Assertion) -> String {
    response(ENTITY, &a.xml(), Some(AWS_SIGN_IN), NOW)
}

fn b64(xml: &str) -> String {
    STANDARD.encode(xml)
}

fn check(idp: &SamlIdp, xml: &str, now: i64) -> Result<Verified, Refusal> {
    saml::verify(&trust(idp), PROVIDER, &b64(xml), now, None)
}

fn refused(idp: &SamlIdp, xml: &str, now: i64) -> String {
    match check(idp, xml, now) {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => {
            assert_eq!(e.code(), "NotAuthorizedException", "{e}");
            e.message().to_owned()
        }
    }
}

fn signed_assertion(idp: &SamlIdp, a: &Assertion) -> String {
    idp.sign(&respond(a), &a.id)
}

#[test]
fn a_signed_assertion_is_accepted_with_its_roles() {
    let idp = idp();
    let xml = signed_assertion(&idp, &shape());
    let v = check(&idp, &xml, NOW).unwrap();
    assert_eq!(v.subject, "ann@example.com");
    assert_eq!(v.claims["department"], "R&D");
    let grant = v.saml.unwrap();
    assert_eq!(grant.session_name.as_deref(), Some("ann@example.com"));
    let roles: Vec<&str> = grant.roles.iter().map(|r| r.role_arn.as_str()).collect();
    // Both orders of the pair are read; the pair naming another provider is not this one's.
    assert_eq!(roles, [ADMIN, READER]);

    // CustomRoleArn picks among them.
    assert_eq!(pick_role(&grant, Some(READER)).unwrap().role_arn, READER);
    let e = pick_role(&grant, None).unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("CustomRoleArn")),
        "{e}"
    );
    let e = pick_role(&grant, Some("arn:aws:iam::000000000000:role/other")).unwrap_err();
    assert!(e.message().contains("does not offer"), "{e}");

    // Through the verifier, as a login.
    let verifier = Verifier::new(
        std::sync::Arc::new(federation::HttpFetch::new().unwrap()),
        SocialEndpoints::default(),
    );
    let login = Login {
        key: PROVIDER.into(),
        trusted: Trusted::Saml(trust(&idp)),
    };
    assert_eq!(
        verifier.verify(&login, &b64(&xml), NOW).unwrap().subject,
        "ann@example.com"
    );
}

#[test]
fn a_signed_response_covers_its_assertion() {
    let idp = idp();
    let xml = idp.sign(&respond(&shape()), "resp-1");
    assert_eq!(check(&idp, &xml, NOW).unwrap().subject, "ann@example.com");
    // Both signed, the assertion first, as many IdPs do.
    let both = idp.sign(&signed_assertion(&idp, &shape()), "resp-1");
    check(&idp, &both, NOW).unwrap();
    // A changed assertion under a signed response.
    let tampered = xml.replace(
        "ann@example.com</saml:NameID>",
        "root@example.com</saml:NameID>",
    );
    assert!(refused(&idp, &tampered, NOW).contains("changed after it was signed"));
}

#[test]
fn tampering_and_foreign_keys_are_refused() {
    let idp = idp();
    let xml = signed_assertion(&idp, &shape());
    let tampered = xml.replace(ADMIN, "arn:aws:iam::000000000000:role/root");
    assert!(refused(&idp, &tampered, NOW).contains("changed after it was signed"));

    let other = self::idp();
    let by_other = signed_assertion(&other, &shape());
    assert!(refused(&idp, &by_other, NOW).contains("does not verify"));

    let unsigned = respond(&shape());
    assert!(
        refused(&idp, &unsigned, NOW).contains("neither the Response nor the Assertion is signed")
    );

    let sha1 = xml.replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    assert!(refused(&idp, &sha1, NOW).contains("only RSA-SHA256"));
    let inclusive = xml.replace(
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>"#,
    );
    assert!(refused(&idp, &inclusive, NOW).contains("transforms"));
}

#[test]
fn signature_wrapping_is_refused() {
    let idp = idp();
    let signed = signed_assertion(&idp, &shape());
    let evil = Assertion {
        id: "evil".into(),
        name_id: "root@example.com".into(),
        ..shape()
    }
    .xml();

    // A second, unsigned assertion beside the signed one (before or after it).
    let before = signed.replace("<saml:Assertion ", &format!("{evil}<saml:Assertion "));
    assert!(refused(&idp, &before, NOW).contains("2 assertions"));

    // The signed assertion tucked into Extensions, an unsigned one in its place.
    let start = signed.find("<saml:Assertion ").unwrap();
    let end = signed.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let original = &signed[start..end];
    let moved = format!(
        "{}<samlp:Extensions>{original}</samlp:Extensions>{evil}{}",
        &signed[..start],
        &signed[end..]
    );
    assert!(refused(&idp, &moved, NOW).contains("2 assertions"));

    // The evil assertion given the signed one's ID, the signed one removed: the signature (moved
    // into it) refers to content that is not what was signed.
    let evil_same_id = Assertion {
        name_id: "root@example.com".into(),
        ..shape()
    }
    .xml();
    let sig_start = original.find("<ds:Signature").unwrap();
    let sig_end = original.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &original[sig_start..sig_end];
    let replaced = format!(
        "{}{}{}",
        &signed[..start],
        evil_same_id.replacen("</saml:Issuer>", &format!("</saml:Issuer>{sig}"), 1),
        &signed[end..]
    );
    assert!(refused(&idp, &replaced, NOW).contains("changed after it was signed"));

    // Two elements with the signed ID.
    let dup = signed.replace(
        "<samlp:Status>",
        r#"<samlp:Extensions><x ID="a-1"/></samlp:Extensions><samlp:Status>"#,
    );
    assert!(refused(&idp, &dup, NOW).contains("unique"));
}

#[test]
fn a_comment_in_the_name_id_cannot_shorten_it() {
    let idp = idp();
    let xml = signed_assertion(
        &idp,
        &Assertion {
            name_id: "admin@example.com.evil.com".into(),
            ..shape()
        },
    );
    // Comments are not signed (exclusive c14n without comments), so this still verifies: what
    // matters is that the whole name is read, not the text before the comment.
    let injected = xml.replace(
        "admin@example.com.evil.com",
        "admin@example.com<!---->.evil.com",
    );
    let v = check(&idp, &injected, NOW).unwrap();
    assert_eq!(v.subject, "admin@example.com.evil.com");
}

#[test]
fn time_audience_recipient_and_issuer_are_checked() {
    let idp = idp();
    let xml = signed_assertion(&idp, &shape());
    assert!(refused(&idp, &xml, NOW + 400_000).contains("expired"));
    check(&idp, &xml, NOW + 330_000).unwrap(); // within the minute's leeway
    let early = signed_assertion(
        &idp,
        &Assertion {
            not_before_ms: NOW + 600_000,
            ..shape()
        },
    );
    assert!(refused(&idp, &early, NOW).contains("not valid before"));

    let aud = signed_assertion(
        &idp,
        &Assertion {
            audience: "https://app.example.com".into(),
            ..shape()
        },
    );
    let m = refused(&idp, &aud, NOW);
    assert!(
        m.contains("https://app.example.com") && m.contains("urn:amazon:webservices"),
        "{m}"
    );
    // A configured audience is accepted.
    let mut t = trust(&idp);
    t.audiences.push("https://app.example.com".into());
    saml::verify(&t, PROVIDER, &b64(&aud), NOW, None).unwrap();

    let rcpt = signed_assertion(
        &idp,
        &Assertion {
            recipient: "https://evil.example.com/acs".into(),
            ..shape()
        },
    );
    assert!(refused(&idp, &rcpt, NOW).contains("Recipient"));
    let regional = signed_assertion(
        &idp,
        &Assertion {
            recipient: "https://eu-west-1.signin.aws.amazon.com/saml".into(),
            ..shape()
        },
    );
    check(&idp, &regional, NOW).unwrap();

    let iss = signed_assertion(
        &idp,
        &Assertion {
            issuer: "https://other-idp.example.com".into(),
            ..shape()
        },
    );
    assert!(refused(&idp, &iss, NOW).contains("issuer"));
}

#[test]
fn doctypes_and_garbage_are_refused() {
    let idp = idp();
    let xml = signed_assertion(&idp, &shape());
    let doctype = xml.replacen(
        "<samlp:Response",
        "<!DOCTYPE r [<!ENTITY x \"ann\">]><samlp:Response",
        1,
    );
    assert!(refused(&idp, &doctype, NOW).contains("DOCTYPE"));
    let e = saml::verify(&trust(&idp), PROVIDER, "%%%not base64", NOW, None).unwrap_err();
    assert!(e.message().contains("base64"), "{e}");
    assert!(refused(&idp, "<a/>", NOW).contains("samlp:Response"));
    let huge = "A".repeat(saml::MAX_RESPONSE_CHARS + 1);
    let e = saml::verify(&trust(&idp), PROVIDER, &huge, NOW, None).unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.field == "SAMLAssertion"),
        "{e:?}"
    );
}

#[test]
fn metadata_is_checked_when_read() {
    let idp = idp();
    let m = metadata::parse(&idp.metadata()).unwrap();
    assert_eq!(m.entity_id, ENTITY);
    assert_eq!(m.signing_keys.len(), 1);
    assert!(m.valid_until_ms.is_some());

    let e = metadata::parse(&testkit::saml_idp::metadata(
        ENTITY,
        "bm90IGEgY2VydGlmaWNhdGU=",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("X.509"), "{e}");
    let ec = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let ec_cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&ec)
        .unwrap();
    let e = metadata::parse(&testkit::saml_idp::metadata(
        ENTITY,
        &STANDARD.encode(ec_cert.der()),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("must be RSA"), "{e}");
    let e = metadata::parse("<!DOCTYPE x><md:EntityDescriptor/>").unwrap_err();
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    let e = metadata::parse(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("IDPSSODescriptor"), "{e}");
}

/// The caller's record of used assertions: ID and issuer, until they expire.
#[derive(Default)]
struct Used(std::sync::Mutex<Vec<(String, String, i64)>>);

impl saml::ReplayCache for Used {
    fn first_use(&self, issuer: &str, id: &str, until_ms: i64) -> bool {
        let mut used = self.0.lock().unwrap();
        if used.iter().any(|(i, a, _)| i == issuer && a == id) {
            return false;
        }
        used.push((issuer.to_owned(), id.to_owned(), until_ms));
        true
    }
}

/// A user pool's federation: its own audience and ACS URL, not AWS's, and each assertion
/// accepted once.
#[test]
fn a_service_provider_takes_its_own_audience_and_recipient_and_each_assertion_once() {
    const ACS: &str = "https://auth.example.com/saml2/idpresponse";
    const AUDIENCE: &str = "urn:amazon:cognito:sp:us-east-1_AbC";
    let idp = idp();
    let trust = SamlTrust::for_service_provider(
        "corp",
        metadata::parse(&idp.metadata()).unwrap(),
        AUDIENCE,
        ACS,
    );
    let for_pool = Assertion {
        audience: AUDIENCE.into(),
        recipient: ACS.into(),
        ..shape()
    };
    let xml = idp.sign(&response(ENTITY, &for_pool.xml(), Some(ACS), NOW), "a-1");
    let used = Used::default();
    let v = saml::verify(&trust, "corp", &b64(&xml), NOW, Some(&used)).unwrap();
    assert_eq!(v.subject, "ann@example.com");
    assert_eq!(
        used.0.lock().unwrap().as_slice(),
        [(ENTITY.to_owned(), "a-1".to_owned(), NOW + 300_000)]
    );
    // The same assertion again: a replay.
    let e = saml::verify(&trust, "corp", &b64(&xml), NOW + 1000, Some(&used)).unwrap_err();
    assert_eq!(e.code(), "NotAuthorizedException");
    assert!(e.message().contains("'a-1' was used before"), "{e}");

    // What AWS would take is not the pool's: AWS's recipient, AWS's audience.
    let for_aws = signed_assertion(&idp, &shape());
    let m = saml::verify(&trust, "corp", &b64(&for_aws), NOW, None)
        .unwrap_err()
        .message();
    assert!(m.contains(ACS) && m.contains("Destination"), "{m}");
    let aws_recipient = idp.sign(
        &response(
            ENTITY,
            &Assertion {
                id: "a-2".into(),
                audience: AUDIENCE.into(),
                ..shape()
            }
            .xml(),
            None,
            NOW,
        ),
        "a-2",
    );
    let m = saml::verify(&trust, "corp", &b64(&aws_recipient), NOW, None)
        .unwrap_err()
        .message();
    assert!(m.contains("Recipient") && m.contains(ACS), "{m}");
    let aws_audience = idp.sign(
        &response(
            ENTITY,
            &Assertion {
                id: "a-3".into(),
                recipient: ACS.into(),
                ..shape()
            }
            .xml(),
            Some(ACS),
            NOW,
        ),
        "a-3",
    );
    let m = saml::verify(&trust, "corp", &b64(&aws_audience), NOW, None)
        .unwrap_err()
        .message();
    assert!(
        m.contains("urn:amazon:webservices") && m.contains(AUDIENCE),
        "{m}"
    );
    // A refused assertion is not recorded as used.
    assert_eq!(used.0.lock().unwrap().len(), 1);
}

/// An answer to our AuthnRequest must name it; an unsolicited response must name none.
#[test]
fn in_response_to_is_checked_for_a_service_provider() {
    const ACS: &str = "https://auth.example.com/saml2/idpresponse";
    const AUDIENCE: &str = "urn:amazon:cognito:sp:us-east-1_AbC";
    let idp = idp();
    let sp = || {
        SamlTrust::for_service_provider(
            "corp",
            metadata::parse(&idp.metadata()).unwrap(),
            AUDIENCE,
            ACS,
        )
    };
    let answer = |irt: Option<&str>| {
        let a = Assertion {
            audience: AUDIENCE.into(),
            recipient: ACS.into(),
            in_response_to: irt.map(str::to_owned),
            ..shape()
        };
        idp.sign(&response(ENTITY, &a.xml(), Some(ACS), NOW), "a-1")
    };
    let ok = saml::verify(
        &sp().answering("_req1"),
        "corp",
        &b64(&answer(Some("_req1"))),
        NOW,
        None,
    );
    assert_eq!(ok.unwrap().subject, "ann@example.com");
    let other = saml::verify(
        &sp().answering("_req1"),
        "corp",
        &b64(&answer(Some("_req2"))),
        NOW,
        None,
    )
    .unwrap_err()
    .message();
    assert!(
        other.contains("'_req2', not this sign-in's request '_req1'"),
        "{other}"
    );
    let none = saml::verify(
        &sp().answering("_req1"),
        "corp",
        &b64(&answer(None)),
        NOW,
        None,
    )
    .unwrap_err()
    .message();
    assert!(none.contains("no InResponseTo"), "{none}");
    // Unsolicited (IdP-initiated): a response made for some request is refused.
    assert!(saml::verify(&sp(), "corp", &b64(&answer(None)), NOW, None).is_ok());
    let solicited = saml::verify(&sp(), "corp", &b64(&answer(Some("_req1"))), NOW, None)
        .unwrap_err()
        .message();
    assert!(
        solicited.contains("no sign-in through this provider was started here"),
        "{solicited}"
    );
    // The Response's own InResponseTo counts too.
    let on_response =
        answer(Some("_req1")).replace(r#" ID="resp-1""#, r#" ID="resp-1" InResponseTo="_req9""#);
    let m = saml::verify(
        &sp().answering("_req1"),
        "corp",
        &b64(&on_response),
        NOW,
        None,
    )
    .unwrap_err()
    .message();
    assert!(m.contains("'_req9'"), "{m}");
}
