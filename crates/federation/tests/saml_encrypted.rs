//! Encrypted SAML assertions: testkit's IdP signs an assertion, encrypts it to a service
//! provider's certificate with each accepted pair of key transport and content cipher, and
//! the response is checked as a plain one once decrypted. Refused: a wrong key, a changed
//! ciphertext (under an unsigned and under a signed Response), a changed signed assertion
//! inside valid encryption, unknown or weak algorithms, a plain assertion when encryption is
//! required, an encrypted one when it is not, and plaintexts that are not one assertion.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use federation::Refusal;
use federation::saml::decrypt::DecryptionKey;
use federation::saml::{self, SamlTrust, metadata};
use testkit::saml_idp::{
    ContentCipher, Encrypt, KeyTransport, encrypt_assertion, encryption_key_pair, every_encryption,
    response,
};
use testkit::{Assertion, SamlIdp};

const NOW: i64 = 1_760_000_000_000;
const ENTITY: &str = "https://idp.example.com/metadata";
const ACS: &str = "https://auth.example.com/saml2/idpresponse";
const AUDIENCE: &str = "urn:amazon:cognito:sp:us-east-1_AbC";

struct Sp {
    key: DecryptionKey,
    cert: Vec<u8>,
}

fn sp() -> Sp {
    let (pkcs8, cert) = encryption_key_pair();
    Sp {
        key: DecryptionKey::from_pkcs8(&pkcs8, cert.clone()).unwrap(),
        cert,
    }
}

fn trust(idp: &SamlIdp, keys: Vec<DecryptionKey>) -> SamlTrust {
    SamlTrust::for_service_provider(
        "corp",
        metadata::parse(&idp.metadata()).unwrap(),
        AUDIENCE,
        ACS,
    )
    .encrypted(keys)
}

fn assertion(id: &str) -> Assertion {
    Assertion {
        id: id.into(),
        audience: AUDIENCE.into(),
        recipient: ACS.into(),
        ..Assertion::new(ENTITY, "ann@example.com", NOW)
    }
    .attribute("mail", &["ann@example.com"])
}

fn check(trust: &SamlTrust, xml: &str) -> Result<federation::Verified, Refusal> {
    saml::verify(trust, "corp", &STANDARD.encode(xml), NOW, None)
}

fn refused(trust: &SamlTrust, xml: &str) -> String {
    match check(trust, xml) {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => {
            assert_eq!(e.code(), "NotAuthorizedException", "{e}");
            e.message().to_owned()
        }
    }
}

#[test]
fn each_accepted_algorithm_pair_decrypts_and_the_assertion_is_checked_as_a_plain_one() {
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    let other = self::sp();
    // The provider's older certificate first: any of its keys may open it.
    let trust = trust(&idp, vec![other.key.clone(), sp.key.clone()]);
    for (i, how) in every_encryption().into_iter().enumerate() {
        let a = assertion(&format!("enc-{i}"));
        let xml = idp.encrypted_response_xml(&a, ACS, &sp.cert, how);
        assert!(!xml.contains("ann@example.com"), "{how:?}: not encrypted");
        let v = check(&trust, &xml).unwrap_or_else(|e| panic!("{how:?}: {e}"));
        assert_eq!(v.subject, "ann@example.com", "{how:?}");
        assert_eq!(v.claims["mail"], "ann@example.com", "{how:?}");
    }
    // A Response signed over the encrypted assertion (the assertion signed inside too).
    let a = assertion("enc-signed");
    let signed = idp.sign(
        &idp.encrypted_response_xml(&a, ACS, &sp.cert, Encrypt::default()),
        "resp-1",
    );
    check(&trust, &signed).unwrap();
    // Only the Response signed: the assertion inside is unsigned, which the plain rules allow.
    let unsigned_inside = encrypt_assertion(&a.xml(), &sp.cert, Encrypt::default());
    let xml = idp.sign(
        &response(ENTITY, &unsigned_inside, Some(ACS), NOW),
        "resp-1",
    );
    check(&trust, &xml).unwrap();
    // Neither signed: refused as a plain unsigned assertion is.
    let xml = response(ENTITY, &unsigned_inside, Some(ACS), NOW);
    assert!(refused(&trust, &xml).contains("neither the Response nor the Assertion is signed"));
    // Decrypted, the assertion meets every other check: here, another audience.
    let elsewhere = Assertion {
        audience: "urn:amazon:cognito:sp:us-east-1_Other".into(),
        ..assertion("enc-aud")
    };
    let xml = idp.encrypted_response_xml(&elsewhere, ACS, &sp.cert, Encrypt::default());
    assert!(refused(&trust, &xml).contains("audience"));
}

#[test]
fn a_wrong_key_or_a_changed_ciphertext_does_not_decrypt() {
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    let stranger = self::sp();
    let a = assertion("enc-1");
    for how in every_encryption() {
        // Encrypted to another certificate.
        let xml = idp.encrypted_response_xml(&a, ACS, &stranger.cert, how);
        let m = refused(&trust(&idp, vec![sp.key.clone()]), &xml);
        assert!(m.contains("does not decrypt"), "{how:?}: {m}");

        // A byte of the content's ciphertext changed (the last block: CBC's padding, GCM's tag).
        let xml = idp.encrypted_response_xml(&a, ACS, &sp.cert, how);
        let tampered = change_content(&xml, |bytes| {
            let last = bytes.len() - 1;
            bytes[last] ^= 0x5a;
        });
        let m = refused(&trust(&idp, vec![sp.key.clone()]), &tampered);
        assert!(m.contains("does not decrypt"), "{how:?}: {m}");
    }
    // A changed wrapped key.
    let xml = idp.encrypted_response_xml(&a, ACS, &sp.cert, Encrypt::default());
    let key_value = between(&xml, "<xenc:EncryptedKey", "</xenc:EncryptedKey>");
    let value = between(key_value, "<xenc:CipherValue>", "</xenc:CipherValue>")
        .strip_prefix("<xenc:CipherValue>")
        .and_then(|v| v.strip_suffix("</xenc:CipherValue>"))
        .unwrap();
    let mut bytes = STANDARD.decode(value).unwrap();
    bytes[10] ^= 1;
    let tampered = xml.replace(value, &STANDARD.encode(&bytes));
    assert!(refused(&trust(&idp, vec![sp.key.clone()]), &tampered).contains("does not decrypt"));
    // No key at all (a provider whose certificate's key is gone).
    assert!(refused(&trust(&idp, Vec::new()), &xml).contains("does not decrypt"));
}

#[test]
fn a_changed_assertion_inside_valid_encryption_fails_its_signature() {
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    let a = assertion("enc-1");
    // Someone holding the public certificate re-encrypts the signed assertion with a change.
    let signed = idp.sign(&a.xml(), "enc-1");
    let changed = signed.replace(
        "ann@example.com</saml:NameID>",
        "root@example.com</saml:NameID>",
    );
    let inner = encrypt_assertion(&changed, &sp.cert, Encrypt::default());
    let xml = response(ENTITY, &inner, Some(ACS), NOW);
    assert!(
        refused(&trust(&idp, vec![sp.key.clone()]), &xml).contains("changed after it was signed")
    );
    // An assertion of their own, unsigned, encrypted as the IdP would.
    let forged = encrypt_assertion(&assertion("enc-2").xml(), &sp.cert, Encrypt::default());
    let xml = response(ENTITY, &forged, Some(ACS), NOW);
    assert!(
        refused(&trust(&idp, vec![sp.key.clone()]), &xml)
            .contains("neither the Response nor the Assertion is signed")
    );
    // A signed Response whose ciphertext was replaced: refused by the Response's signature,
    // before anything is decrypted.
    let good = idp.sign(
        &idp.encrypted_response_xml(&a, ACS, &sp.cert, Encrypt::default()),
        "resp-1",
    );
    let start = good.find("<saml:EncryptedAssertion").unwrap();
    let end = good.find("</saml:EncryptedAssertion>").unwrap() + "</saml:EncryptedAssertion>".len();
    let swapped = format!("{}{}{}", &good[..start], forged, &good[end..]);
    assert!(
        refused(&trust(&idp, vec![sp.key.clone()]), &swapped)
            .contains("changed after it was signed")
    );
}

#[test]
fn encryption_is_required_when_it_is_on_and_refused_by_name_when_it_is_off() {
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    let a = assertion("p-1");
    let plain = idp.sign(&response(ENTITY, &a.xml(), Some(ACS), NOW), "p-1");
    let m = refused(&trust(&idp, vec![sp.key.clone()]), &plain);
    assert!(
        m.contains("not encrypted") && m.contains("EncryptedResponses"),
        "{m}"
    );

    let encrypted = idp.encrypted_response_xml(&a, ACS, &sp.cert, Encrypt::default());
    let off = SamlTrust::for_service_provider(
        "corp",
        metadata::parse(&idp.metadata()).unwrap(),
        AUDIENCE,
        ACS,
    );
    let m = refused(&off, &encrypted);
    assert!(m.contains("EncryptedResponses is off"), "{m}");
    check(&off, &plain).unwrap();
    // STS and identity pools cannot read one.
    let aws = SamlTrust::for_aws(
        "arn:aws:iam::000000000000:saml-provider/corp",
        off.metadata.clone(),
    );
    assert!(refused(&aws, &encrypted).contains("cannot decrypt"));

    // A plain assertion beside an encrypted one, two encrypted ones, one out of place.
    let start = encrypted.find("<saml:EncryptedAssertion").unwrap();
    let both = format!("{}{}{}", &encrypted[..start], a.xml(), &encrypted[start..]);
    assert!(refused(&trust(&idp, vec![sp.key.clone()]), &both).contains("plain assertion beside"));
    let inner = between(
        &encrypted,
        "<saml:EncryptedAssertion",
        "</saml:EncryptedAssertion>",
    );
    let two = encrypted.replace(inner, &format!("{inner}{inner}"));
    assert!(refused(&trust(&idp, vec![sp.key.clone()]), &two).contains("2 encrypted assertions"));
    let tucked = encrypted.replace(
        inner,
        &format!("<samlp:Extensions>{inner}</samlp:Extensions>"),
    );
    assert!(
        refused(&trust(&idp, vec![sp.key.clone()]), &tucked)
            .contains("not a child of the Response")
    );
}

#[test]
fn unknown_or_weak_algorithms_are_refused_by_name() {
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    let t = trust(&idp, vec![sp.key.clone()]);
    let xml = idp.encrypted_response_xml(&assertion("x-1"), ACS, &sp.cert, Encrypt::default());
    let cases = [
        (
            xml.replace(
                "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
                "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
            ),
            "PKCS#1 v1.5",
        ),
        (
            xml.replace(
                "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
                "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
            ),
            "tripledes-cbc",
        ),
        (
            // xmlenc11#rsa-oaep with a SHA-256 digest and the default MGF1 (SHA-1).
            xml.replace(
                r#"Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>"#,
                r#"Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"><ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
            ),
            "one hash for both",
        ),
        (
            xml.replace(
                r#"Type="http://www.w3.org/2001/04/xmlenc#Element""#,
                r#"Type="http://www.w3.org/2001/04/xmlenc#Content""#,
            ),
            "of type",
        ),
    ];
    for (xml, expect) in cases {
        let m = refused(&t, &xml);
        assert!(m.contains(expect), "{expect}: {m}");
    }
    // No EncryptedKey anywhere.
    let no_key = {
        let k = between(&xml, "<xenc:EncryptedKey", "</xenc:EncryptedKey>");
        xml.replace(k, "")
    };
    assert!(refused(&t, &no_key).contains("no xenc:EncryptedKey"));
}

#[test]
fn a_plaintext_that_is_not_one_assertion_is_refused() {
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    let t = trust(&idp, vec![sp.key.clone()]);
    let signed = idp.sign(&assertion("w-1").xml(), "w-1");
    let evil = assertion("w-2").xml();
    for plaintext in [
        // A second (unsigned) assertion after the signed one.
        format!("{signed}{evil}"),
        // Text beside it.
        format!("{signed}trailing"),
        // Closing the Response around it to add elements of its own.
        format!("{signed}</samlp:Response><samlp:Response>"),
        // Not an assertion.
        "<saml:Issuer>x</saml:Issuer>".to_owned(),
        "not xml at all".to_owned(),
    ] {
        let inner = encrypt_assertion(&plaintext, &sp.cert, Encrypt::default());
        let xml = response(ENTITY, &inner, Some(ACS), NOW);
        let m = refused(&t, &xml);
        assert!(m.contains("does not decrypt"), "{plaintext}: {m}");
    }
    // An XML declaration before the assertion is allowed (some IdPs serialise a document).
    let inner = encrypt_assertion(
        &format!(r#"<?xml version="1.0" encoding="UTF-8"?>{signed}"#),
        &sp.cert,
        Encrypt {
            transport: KeyTransport::RsaOaepSha256,
            content: ContentCipher::Aes128Gcm,
            key_in_key_info: false,
        },
    );
    check(&t, &response(ENTITY, &inner, Some(ACS), NOW)).unwrap();
}

#[test]
fn a_plaintext_may_use_the_namespaces_declared_on_its_encrypted_assertion() {
    const SAML_NS: &str = r#" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#;
    let idp = SamlIdp::new(ENTITY);
    let sp = sp();
    // Signed as it stands in its response; serialised without its own declaration of `saml`,
    // which the EncryptedAssertion declares (exclusive c14n renders it either way).
    let signed = idp.sign(&assertion("ns-1").xml(), "ns-1");
    let bare = signed.replacen(SAML_NS, "", 1);
    assert!(bare.starts_with("<saml:Assertion ID="), "{bare}");
    let inner = encrypt_assertion(&bare, &sp.cert, Encrypt::default());
    // Nor does the Response declare it: only its Issuer and the EncryptedAssertion do.
    let xml = response(ENTITY, &inner, Some(ACS), NOW)
        .replacen(&format!(r#"{SAML_NS} ID="resp-1""#), r#" ID="resp-1""#, 1)
        .replacen("<saml:Issuer>", &format!("<saml:Issuer{SAML_NS}>"), 1);
    let v = check(&trust(&idp, vec![sp.key.clone()]), &xml).unwrap();
    assert_eq!(v.subject, "ann@example.com");
}

/// The part of `s` from `start` through `end`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s.find(start).unwrap();
    let j = i + s[i..].find(end).unwrap() + end.len();
    &s[i..j]
}

/// `xml` with the bytes of the EncryptedData's own CipherValue (after its KeyInfo) changed by
/// `f`.
fn change_content(xml: &str, f: impl Fn(&mut Vec<u8>)) -> String {
    let open = "<xenc:CipherValue>";
    let after = xml.find("</ds:KeyInfo>").unwrap();
    let at = after + xml[after..].find(open).unwrap() + open.len();
    let end = at + xml[at..].find("</xenc:CipherValue>").unwrap();
    let mut bytes = STANDARD.decode(&xml[at..end]).unwrap();
    f(&mut bytes);
    format!("{}{}{}", &xml[..at], STANDARD.encode(&bytes), &xml[end..])
}
