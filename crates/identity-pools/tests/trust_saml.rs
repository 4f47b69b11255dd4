//! SAML responses signed in the test with a test key, checked against metadata holding its
//! certificate: accepted when whole, refused when tampered, wrapped, expired, meant for
//! another audience or recipient, signed by another key, or carrying a DOCTYPE.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use identity_pools::trust::saml::{self, SamlTrust, c14n, metadata, pick_role};
use identity_pools::trust::{Login, Refusal, SocialEndpoints, Trusted, Verified, Verifier};

const NOW: i64 = 1_760_000_000_000;
const PROVIDER: &str = "arn:aws:iam::000000000000:saml-provider/corp";
const ENTITY: &str = "https://idp.example.com/metadata";
const ADMIN: &str = "arn:aws:iam::000000000000:role/admin";
const READER: &str = "arn:aws:iam::000000000000:role/reader";

struct Idp {
    key: KeyPair,
    cert_b64: String,
}

fn idp() -> Idp {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "test idp");
    let cert = params.self_signed(&pair).unwrap();
    Idp {
        key: KeyPair::from_pkcs8(&pair.serialize_der()).unwrap(),
        cert_b64: STANDARD.encode(cert.der()),
    }
}

fn metadata_xml(cert_b64: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{ENTITY}" validUntil="2030-01-01T00:00:00Z">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>
{cert_b64}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
    )
}

fn trust(idp: &Idp) -> SamlTrust {
    SamlTrust {
        provider_arn: PROVIDER.into(),
        metadata: metadata::parse(&metadata_xml(&idp.cert_b64)).unwrap(),
        audiences: saml::default_audiences(),
        recipients: Vec::new(),
    }
}

fn instant(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

struct Shape<'a> {
    name_id: &'a str,
    audience: &'a str,
    recipient: &'a str,
    not_before: i64,
    not_on_or_after: i64,
    issuer: &'a str,
}

impl Default for Shape<'_> {
    fn default() -> Self {
        Shape {
            name_id: "ann@example.com",
            audience: saml::AWS_AUDIENCE,
            recipient: "https://signin.aws.amazon.com/saml",
            not_before: NOW - 60_000,
            not_on_or_after: NOW + 300_000,
            issuer: ENTITY,
        }
    }
}

fn assertion(s: &Shape<'_>, id: &str) -> String {
    format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" IssueInstant="{now}" Version="2.0">
    <saml:Issuer>{issuer}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="{nooa}" Recipient="{recipient}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{nb}" NotOnOrAfter="{nooa}">
      <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue>{ADMIN},{PROVIDER}</saml:AttributeValue>
        <saml:AttributeValue>{PROVIDER},{READER}</saml:AttributeValue>
        <saml:AttributeValue>arn:aws:iam::000000000000:role/other,arn:aws:iam::000000000000:saml-provider/elsewhere</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue>ann@example.com</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="department"><saml:AttributeValue>R&amp;D</saml:AttributeValue></saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>"#,
        now = instant(NOW),
        issuer = s.issuer,
        name_id = s.name_id,
        nooa = instant(s.not_on_or_after),
        nb = instant(s.not_before),
        recipient = s.recipient,
        audience = s.audience,
    )
}

fn response(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="resp-1" Version="2.0" IssueInstant="{now}" Destination="https://signin.aws.amazon.com/saml">
  <saml:Issuer>{ENTITY}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  {inner}
</samlp:Response>"#,
        now = instant(NOW)
    )
}

/// Signs the element with `id` in `xml` (an enveloped signature after its Issuer), as an IdP
/// would: digest of the element's exclusive c14n, then RSA-SHA256 over SignedInfo's.
fn sign(xml: &str, id: &str, key: &KeyPair) -> String {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let el = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some(id))
        .unwrap();
    let digest = digest::digest(
        &digest::SHA256,
        c14n::canonicalize(el, None, &[]).as_bytes(),
    );
    let signature = format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>SIGNATURE-{id}</ds:SignatureValue></ds:Signature>"##,
        STANDARD.encode(digest.as_ref())
    );
    let at = xml.find(&format!("ID=\"{id}\"")).unwrap();
    let issuer_end = at + xml[at..].find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
    let with_sig = format!("{}{}{}", &xml[..issuer_end], signature, &xml[issuer_end..]);
    let doc = roxmltree::Document::parse(&with_sig).unwrap();
    let signed_info = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "SignedInfo")
        .find(|n| {
            n.descendants()
                .any(|r| r.attribute("URI") == Some(&format!("#{id}")))
        })
        .unwrap();
    let mut sig = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        c14n::canonicalize(signed_info, None, &[]).as_bytes(),
        &mut sig,
    )
    .unwrap();
    with_sig.replace(&format!("SIGNATURE-{id}"), &STANDARD.encode(sig))
}

fn b64(xml: &str) -> String {
    STANDARD.encode(xml)
}

fn check(idp: &Idp, xml: &str, now: i64) -> Result<Verified, Refusal> {
    saml::verify(&trust(idp), PROVIDER, &b64(xml), now)
}

fn refused(idp: &Idp, xml: &str, now: i64) -> String {
    match check(idp, xml, now) {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => {
            assert_eq!(e.code(), "NotAuthorizedException", "{e}");
            e.message().to_owned()
        }
    }
}

fn signed_assertion(idp: &Idp, s: &Shape<'_>) -> String {
    sign(&response(&assertion(s, "a-1")), "a-1", &idp.key)
}

#[test]
fn a_signed_assertion_is_accepted_with_its_roles() {
    let idp = idp();
    let xml = signed_assertion(&idp, &Shape::default());
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
        std::sync::Arc::new(identity_pools::trust::HttpFetch::new().unwrap()),
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
    let xml = sign(
        &response(&assertion(&Shape::default(), "a-1")),
        "resp-1",
        &idp.key,
    );
    assert_eq!(check(&idp, &xml, NOW).unwrap().subject, "ann@example.com");
    // Both signed, the assertion first, as many IdPs do.
    let both = sign(
        &signed_assertion(&idp, &Shape::default()),
        "resp-1",
        &idp.key,
    );
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
    let xml = signed_assertion(&idp, &Shape::default());
    let tampered = xml.replace(ADMIN, "arn:aws:iam::000000000000:role/root");
    assert!(refused(&idp, &tampered, NOW).contains("changed after it was signed"));

    let other = self::idp();
    let by_other = signed_assertion(&other, &Shape::default());
    assert!(refused(&idp, &by_other, NOW).contains("does not verify"));

    let unsigned = response(&assertion(&Shape::default(), "a-1"));
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
    let signed = signed_assertion(&idp, &Shape::default());
    let evil = assertion(
        &Shape {
            name_id: "root@example.com",
            ..Shape::default()
        },
        "evil",
    );

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
    let evil_same_id = assertion(
        &Shape {
            name_id: "root@example.com",
            ..Shape::default()
        },
        "a-1",
    );
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
        &Shape {
            name_id: "admin@example.com.evil.com",
            ..Shape::default()
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
    let xml = signed_assertion(&idp, &Shape::default());
    assert!(refused(&idp, &xml, NOW + 400_000).contains("expired"));
    check(&idp, &xml, NOW + 330_000).unwrap(); // within the minute's leeway
    let early = signed_assertion(
        &idp,
        &Shape {
            not_before: NOW + 600_000,
            ..Shape::default()
        },
    );
    assert!(refused(&idp, &early, NOW).contains("not valid before"));

    let aud = signed_assertion(
        &idp,
        &Shape {
            audience: "https://app.example.com",
            ..Shape::default()
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
    saml::verify(&t, PROVIDER, &b64(&aud), NOW).unwrap();

    let rcpt = signed_assertion(
        &idp,
        &Shape {
            recipient: "https://evil.example.com/acs",
            ..Shape::default()
        },
    );
    assert!(refused(&idp, &rcpt, NOW).contains("Recipient"));
    let regional = signed_assertion(
        &idp,
        &Shape {
            recipient: "https://eu-west-1.signin.aws.amazon.com/saml",
            ..Shape::default()
        },
    );
    check(&idp, &regional, NOW).unwrap();

    let iss = signed_assertion(
        &idp,
        &Shape {
            issuer: "https://other-idp.example.com",
            ..Shape::default()
        },
    );
    assert!(refused(&idp, &iss, NOW).contains("issuer"));
}

#[test]
fn doctypes_and_garbage_are_refused() {
    let idp = idp();
    let xml = signed_assertion(&idp, &Shape::default());
    let doctype = xml.replacen(
        "<samlp:Response",
        "<!DOCTYPE r [<!ENTITY x \"ann\">]><samlp:Response",
        1,
    );
    assert!(refused(&idp, &doctype, NOW).contains("DOCTYPE"));
    let e = saml::verify(&trust(&idp), PROVIDER, "%%%not base64", NOW).unwrap_err();
    assert!(e.message().contains("base64"), "{e}");
    assert!(refused(&idp, "<a/>", NOW).contains("samlp:Response"));
    let huge = "A".repeat(saml::MAX_RESPONSE_CHARS + 1);
    let e = saml::verify(&trust(&idp), PROVIDER, &huge, NOW).unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.field == "SAMLAssertion"),
        "{e:?}"
    );
}

#[test]
fn metadata_is_checked_when_read() {
    let idp = idp();
    let m = metadata::parse(&metadata_xml(&idp.cert_b64)).unwrap();
    assert_eq!(m.entity_id, ENTITY);
    assert_eq!(m.signing_keys.len(), 1);
    assert!(m.valid_until_ms.is_some());

    let e = metadata::parse(&metadata_xml("bm90IGEgY2VydGlmaWNhdGU=")).unwrap_err();
    assert!(e.to_string().contains("X.509"), "{e}");
    let ec = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let ec_cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&ec)
        .unwrap();
    let e = metadata::parse(&metadata_xml(&STANDARD.encode(ec_cert.der()))).unwrap_err();
    assert!(e.to_string().contains("must be RSA"), "{e}");
    let e = metadata::parse("<!DOCTYPE x><md:EntityDescriptor/>").unwrap_err();
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    let e = metadata::parse(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("IDPSSODescriptor"), "{e}");
}

/// A SAML provider stored as a record, found by a pool that lists its ARN (and by STS's
/// `PrincipalArn`), then its response verified.
#[test]
fn a_stored_saml_provider_is_resolved_for_a_pool_that_trusts_it() {
    use domain::identity_pool::IdentityPoolConfig;
    use identity_pools::{providers, trust};

    let dir = tempfile::tempdir().unwrap();
    let db = storage::Db::open(&dir.path().join("store.db")).unwrap();
    let idp = idp();
    let doc = metadata_xml(&idp.cert_b64);
    db.write(|tx| {
        providers::create_saml(tx, NOW, "000000000000", "corp", &doc, &Default::default())
    })
    .unwrap();
    let endpoints = SocialEndpoints::default();
    let config = IdentityPoolConfig {
        saml_provider_arns: vec![PROVIDER.into()],
        ..IdentityPoolConfig::default()
    };
    let login = db
        .read(|r| trust::resolve(r, "000000000000", &endpoints, &config, PROVIDER))
        .unwrap();
    let verifier = Verifier::new(
        std::sync::Arc::new(identity_pools::trust::HttpFetch::new().unwrap()),
        endpoints.clone(),
    );
    let xml = signed_assertion(&idp, &Shape::default());
    assert_eq!(
        verifier.verify(&login, &b64(&xml), NOW).unwrap().subject,
        "ann@example.com"
    );

    // A pool that does not list it, an ARN of another account, a provider never stored.
    let other = IdentityPoolConfig::default();
    let e = db
        .read(|r| trust::resolve(r, "000000000000", &endpoints, &other, PROVIDER))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("does not trust")),
        "{e:?}"
    );
    let e = db
        .read(|r| trust::saml_provider(r, "111111111111", "PrincipalArn", PROVIDER))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.field == "PrincipalArn"),
        "{e:?}"
    );
    let missing = "arn:aws:iam::000000000000:saml-provider/nobody";
    let e = db
        .read(|r| trust::saml_provider(r, "000000000000", "PrincipalArn", missing))
        .unwrap_err();
    assert!(e.message().contains("does not exist"), "{e:?}");
}
