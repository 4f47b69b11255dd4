//! A fake SAML identity provider: an RSA-2048 key with a self-signed certificate, the metadata
//! document naming it, assertions and responses built from a few fields, and enveloped
//! signatures made as an IdP makes them (exclusive c14n, SHA-256 digest, RSA-SHA256), so that a
//! test can sign exactly what it wants signed and then tamper with it. It also encrypts a
//! signed assertion to a service provider's certificate as an IdP does (XML Encryption: an
//! RSA-OAEP wrapped AES key, [`Encrypt`]).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use federation::saml::c14n;

/// The attribute naming the roles an assertion offers (`role-arn,provider-arn`).
pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
/// The attribute naming the role session.
pub const SESSION_NAME_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
/// Where AWS takes SAML responses (the recipient STS and identity pools expect).
pub const AWS_SIGN_IN: &str = "https://signin.aws.amazon.com/saml";

/// An IdP's key and its certificate.
pub struct SamlIdp {
    pub entity_id: String,
    key: KeyPair,
    /// The certificate (DER), base64, as metadata carries it.
    pub cert_b64: String,
}

impl SamlIdp {
    /// A fresh key and a self-signed certificate (common name "test idp") for `entity_id`.
    pub fn new(entity_id: &str) -> SamlIdp {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "test idp");
        let cert = params.self_signed(&pair).unwrap();
        SamlIdp {
            entity_id: entity_id.to_string(),
            key: KeyPair::from_pkcs8(&pair.serialize_der()).unwrap(),
            cert_b64: STANDARD.encode(cert.der()),
        }
    }

    /// The IdP's metadata: an `EntityDescriptor` with its signing certificate.
    pub fn metadata(&self) -> String {
        metadata(&self.entity_id, &self.cert_b64)
    }

    /// The metadata with an HTTP-Redirect `SingleSignOnService` at `sso_url` (where a service
    /// provider sends its AuthnRequest).
    pub fn metadata_with_sso(&self, sso_url: &str) -> String {
        self.metadata().replace(
            "  </md:IDPSSODescriptor>",
            &format!(
                "    <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"{sso_url}\"/>\n  </md:IDPSSODescriptor>"
            ),
        )
    }

    /// The metadata with HTTP-Redirect `SingleSignOnService` at `sso_url` and
    /// `SingleLogoutService` at `slo_url` (where a service provider sends its LogoutRequest).
    pub fn metadata_with_slo(&self, sso_url: &str, slo_url: &str) -> String {
        self.metadata_with_sso(sso_url).replace(
            "  </md:IDPSSODescriptor>",
            &format!(
                "    <md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"{slo_url}\"/>\n  </md:IDPSSODescriptor>"
            ),
        )
    }

    /// The `samlp:LogoutResponse` (ID `id`) this IdP answers `request` with, posted to
    /// `destination`, with `status` (a StatusCode value), signed by this IdP, base64.
    pub fn signed_logout_response(
        &self,
        id: &str,
        request: &LogoutRequestSeen,
        destination: &str,
        status: &str,
        now_ms: i64,
    ) -> String {
        STANDARD.encode(self.sign(
            &logout_response(
                &self.entity_id,
                id,
                &request.id,
                destination,
                status,
                now_ms,
            ),
            id,
        ))
    }

    /// A response for a service provider (audience `audience`, posted to `acs_url`, its
    /// `Destination`) of one signed assertion, base64.
    pub fn signed_response_for(&self, assertion: &Assertion, acs_url: &str) -> String {
        let unsigned = response(
            &self.entity_id,
            &assertion.xml(),
            Some(acs_url),
            assertion.issued_ms,
        );
        STANDARD.encode(self.sign(&unsigned, &assertion.id))
    }

    /// A response of one assertion signed by this IdP, base64 as it is posted.
    pub fn signed_response(&self, assertion: &Assertion) -> String {
        let unsigned = response(&self.entity_id, &assertion.xml(), None, assertion.issued_ms);
        let xml = self.sign(&unsigned, &assertion.id);
        STANDARD.encode(xml)
    }

    /// A response for a service provider whose assertion, signed by this IdP, is encrypted to
    /// the certificate `cert_der` as `how` says (the Response itself unsigned), base64.
    pub fn encrypted_response_for(
        &self,
        assertion: &Assertion,
        acs_url: &str,
        cert_der: &[u8],
        how: Encrypt,
    ) -> String {
        STANDARD.encode(self.encrypted_response_xml(assertion, acs_url, cert_der, how))
    }

    /// The XML of [`SamlIdp::encrypted_response_for`] (to sign or tamper with).
    pub fn encrypted_response_xml(
        &self,
        assertion: &Assertion,
        acs_url: &str,
        cert_der: &[u8],
        how: Encrypt,
    ) -> String {
        let signed = self.sign(&assertion.xml(), &assertion.id);
        let encrypted = encrypt_assertion(&signed, cert_der, how);
        response(
            &self.entity_id,
            &encrypted,
            Some(acs_url),
            assertion.issued_ms,
        )
    }

    /// Signs the element whose `ID` is `id` in `xml`: an enveloped `ds:Signature` put after
    /// that element's `Issuer`, its digest over the element's exclusive c14n, RSA-SHA256 over
    /// `SignedInfo`'s.
    pub fn sign(&self, xml: &str, id: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let element = doc
            .descendants()
            .find(|n| n.attribute("ID") == Some(id))
            .unwrap_or_else(|| panic!("no element with ID {id}"));
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            c14n::canonicalize(element, None, &[]).as_bytes(),
        );
        let placeholder = format!("SIGNATURE-{id}");
        let signature = format!(
            r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>{placeholder}</ds:SignatureValue></ds:Signature>"##,
            STANDARD.encode(digest.as_ref())
        );
        let at = xml.find(&format!("ID=\"{id}\"")).unwrap();
        let issuer_end = at + xml[at..].find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
        let with_sig = format!("{}{signature}{}", &xml[..issuer_end], &xml[issuer_end..]);
        let doc = roxmltree::Document::parse(&with_sig).unwrap();
        let reference = format!("#{id}");
        let signed_info = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "SignedInfo")
            .find(|n| {
                n.descendants()
                    .any(|r| r.attribute("URI") == Some(reference.as_str()))
            })
            .unwrap();
        let mut value = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                c14n::canonicalize(signed_info, None, &[]).as_bytes(),
                &mut value,
            )
            .unwrap();
        with_sig.replace(&placeholder, &STANDARD.encode(value))
    }
}

/// Metadata naming `entity_id` with one signing certificate.
pub fn metadata(entity_id: &str, cert_b64: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}" validUntil="2030-01-01T00:00:00Z">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>
{cert_b64}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
    )
}

/// What an assertion says. [`Assertion::new`] makes one for AWS (audience
/// `urn:amazon:webservices`, recipient AWS's sign-in URL) valid from a minute before `now_ms`
/// to five minutes after.
#[derive(Debug, Clone)]
pub struct Assertion {
    pub id: String,
    pub issuer: String,
    pub name_id: String,
    pub audience: String,
    pub recipient: String,
    pub not_before_ms: i64,
    pub not_on_or_after_ms: i64,
    pub issued_ms: i64,
    /// Attributes in order: name and values.
    pub attributes: Vec<(String, Vec<String>)>,
    /// The AuthnRequest this answers (`InResponseTo` on the bearer confirmation).
    pub in_response_to: Option<String>,
    /// The session at the IdP: an `AuthnStatement` with this `SessionIndex` when given.
    pub session_index: Option<String>,
}

impl Assertion {
    pub fn new(issuer: &str, name_id: &str, now_ms: i64) -> Assertion {
        Assertion {
            id: "a-1".to_string(),
            issuer: issuer.to_string(),
            name_id: name_id.to_string(),
            audience: "urn:amazon:webservices".to_string(),
            recipient: AWS_SIGN_IN.to_string(),
            not_before_ms: now_ms - 60_000,
            not_on_or_after_ms: now_ms + 300_000,
            issued_ms: now_ms,
            attributes: Vec::new(),
            in_response_to: None,
            session_index: None,
        }
    }

    /// Adds an attribute with these values.
    pub fn attribute(mut self, name: &str, values: &[&str]) -> Assertion {
        self.attributes.push((
            name.to_string(),
            values.iter().map(|v| (*v).to_string()).collect(),
        ));
        self
    }

    /// Offers these roles, each `role-arn,provider-arn`, and names the session.
    pub fn roles(self, pairs: &[&str], session_name: &str) -> Assertion {
        self.attribute(ROLE_ATTRIBUTE, pairs)
            .attribute(SESSION_NAME_ATTRIBUTE, &[session_name])
    }

    /// The `saml:Assertion` element (unsigned).
    pub fn xml(&self) -> String {
        let attributes: String = self
            .attributes
            .iter()
            .map(|(name, values)| {
                let values: String = values
                    .iter()
                    .map(|v| format!("<saml:AttributeValue>{}</saml:AttributeValue>", escape(v)))
                    .collect();
                format!(r#"<saml:Attribute Name="{name}">{values}</saml:Attribute>"#)
            })
            .collect();
        let statement = if attributes.is_empty() {
            String::new()
        } else {
            format!("<saml:AttributeStatement>{attributes}</saml:AttributeStatement>")
        };
        format!(
            r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" IssueInstant="{issued}" Version="2.0">
    <saml:Issuer>{issuer}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="{nooa}" Recipient="{recipient}"{irt}/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{nb}" NotOnOrAfter="{nooa}">
      <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    {authn}{statement}
  </saml:Assertion>"#,
            id = self.id,
            issued = instant(self.issued_ms),
            issuer = self.issuer,
            name_id = self.name_id,
            nooa = instant(self.not_on_or_after_ms),
            nb = instant(self.not_before_ms),
            recipient = self.recipient,
            audience = self.audience,
            authn = self
                .session_index
                .as_deref()
                .map(|s| format!(
                    r#"<saml:AuthnStatement AuthnInstant="{}" SessionIndex="{s}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"#,
                    instant(self.issued_ms)
                ))
                .unwrap_or_default(),
            irt = self
                .in_response_to
                .as_deref()
                .map(|id| format!(r#" InResponseTo="{id}""#))
                .unwrap_or_default(),
        )
    }
}

/// What an AuthnRequest sent over the HTTP-Redirect binding asks (an IdP reads it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRequestSeen {
    pub id: String,
    pub issuer: String,
    pub acs_url: String,
    pub destination: String,
}

/// Reads the `SAMLRequest` of a redirect (base64 of raw DEFLATE).
pub fn read_request(saml_request: &str) -> AuthnRequestSeen {
    let xml = federation::saml::request::inflate(saml_request, 100_000).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "AuthnRequest", "{xml}");
    let issuer = root
        .children()
        .find(|n| n.tag_name().name() == "Issuer")
        .and_then(|n| n.text())
        .unwrap_or_default();
    AuthnRequestSeen {
        id: root.attribute("ID").unwrap().to_string(),
        issuer: issuer.to_string(),
        acs_url: root
            .attribute("AssertionConsumerServiceURL")
            .unwrap()
            .to_string(),
        destination: root
            .attribute("Destination")
            .unwrap_or_default()
            .to_string(),
    }
}

/// A successful `samlp:Response` (ID `resp-1`) of `issuer` issued at `now_ms` around `inner`,
/// with a `Destination` when given.
pub fn response(issuer: &str, inner: &str, destination: Option<&str>, now_ms: i64) -> String {
    let destination = destination
        .map(|d| format!(r#" Destination="{d}""#))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="resp-1" Version="2.0" IssueInstant="{now}"{destination}>
  <saml:Issuer>{issuer}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  {inner}
</samlp:Response>"#,
        now = instant(now_ms)
    )
}

/// An instant (ms since the epoch) as xs:dateTime.
pub fn instant(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

/// A service provider's encryption key pair as a test holds it: the RSA-2048 private key
/// (PKCS#8 DER) and a self-signed certificate of it (DER).
pub fn encryption_key_pair() -> (Vec<u8>, Vec<u8>) {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "test sp encryption");
    let cert = params.self_signed(&pair).unwrap();
    (pair.serialize_der(), cert.der().to_vec())
}

/// How the content key is wrapped (RSA-OAEP, as XML Encryption names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTransport {
    /// `xmlenc#rsa-oaep-mgf1p`: SHA-1 digest, MGF1 with SHA-1.
    RsaOaepMgf1p,
    /// `xmlenc11#rsa-oaep` with its defaults (SHA-1, MGF1 with SHA-1).
    RsaOaepSha1,
    /// `xmlenc11#rsa-oaep` with a SHA-256 digest and `mgf1sha256`.
    RsaOaepSha256,
}

/// How the assertion itself is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCipher {
    Aes128Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
}

/// What [`encrypt_assertion`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encrypt {
    pub transport: KeyTransport,
    pub content: ContentCipher,
    /// The `EncryptedKey` inside the `EncryptedData`'s `KeyInfo` (else beside it, named by a
    /// `RetrievalMethod`).
    pub key_in_key_info: bool,
}

impl Default for Encrypt {
    /// What most IdPs send: RSA-OAEP (mgf1p), AES-256-CBC, the key in `KeyInfo`.
    fn default() -> Encrypt {
        Encrypt {
            transport: KeyTransport::RsaOaepMgf1p,
            content: ContentCipher::Aes256Cbc,
            key_in_key_info: true,
        }
    }
}

/// Every pair of key transport and content cipher the service provider accepts.
pub fn every_encryption() -> Vec<Encrypt> {
    let mut all = Vec::new();
    for transport in [
        KeyTransport::RsaOaepMgf1p,
        KeyTransport::RsaOaepSha1,
        KeyTransport::RsaOaepSha256,
    ] {
        for content in [
            ContentCipher::Aes128Cbc,
            ContentCipher::Aes256Cbc,
            ContentCipher::Aes128Gcm,
            ContentCipher::Aes256Gcm,
        ] {
            all.push(Encrypt {
                transport,
                content,
                key_in_key_info: content != ContentCipher::Aes128Gcm,
            });
        }
    }
    all
}

/// `assertion_xml` (a whole `saml:Assertion` element, signed or not) as the
/// `saml:EncryptedAssertion` an IdP sends to the holder of the certificate `cert_der`.
pub fn encrypt_assertion(assertion_xml: &str, cert_der: &[u8], how: Encrypt) -> String {
    use aws_lc_rs::rsa::{OaepPublicEncryptingKey, PublicEncryptingKey};
    let rng = SystemRandom::new();
    let key_len = match how.content {
        ContentCipher::Aes128Cbc | ContentCipher::Aes128Gcm => 16,
        ContentCipher::Aes256Cbc | ContentCipher::Aes256Gcm => 32,
    };
    let mut content_key = vec![0u8; key_len];
    aws_lc_rs::rand::SecureRandom::fill(&rng, &mut content_key).unwrap();
    let (content_alg, data) = match how.content {
        ContentCipher::Aes128Cbc | ContentCipher::Aes256Cbc => {
            use aws_lc_rs::cipher::{
                AES_128, AES_256, EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey,
            };
            let (alg, uri) = if how.content == ContentCipher::Aes128Cbc {
                (&AES_128, "http://www.w3.org/2001/04/xmlenc#aes128-cbc")
            } else {
                (&AES_256, "http://www.w3.org/2001/04/xmlenc#aes256-cbc")
            };
            let mut iv = [0u8; 16];
            aws_lc_rs::rand::SecureRandom::fill(&rng, &mut iv).unwrap();
            let key = PaddedBlockEncryptingKey::cbc_pkcs7(
                UnboundCipherKey::new(alg, &content_key).unwrap(),
            )
            .unwrap();
            let mut body = assertion_xml.as_bytes().to_vec();
            key.less_safe_encrypt(&mut body, EncryptionContext::Iv128(iv.into()))
                .unwrap();
            let mut data = iv.to_vec();
            data.extend_from_slice(&body);
            (uri, data)
        }
        ContentCipher::Aes128Gcm | ContentCipher::Aes256Gcm => {
            use aws_lc_rs::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
            let (alg, uri) = if how.content == ContentCipher::Aes128Gcm {
                (&AES_128_GCM, "http://www.w3.org/2009/xmlenc11#aes128-gcm")
            } else {
                (&AES_256_GCM, "http://www.w3.org/2009/xmlenc11#aes256-gcm")
            };
            let mut iv = [0u8; 12];
            aws_lc_rs::rand::SecureRandom::fill(&rng, &mut iv).unwrap();
            let key = LessSafeKey::new(UnboundKey::new(alg, &content_key).unwrap());
            let mut body = assertion_xml.as_bytes().to_vec();
            key.seal_in_place_append_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut body)
                .unwrap();
            let mut data = iv.to_vec();
            data.extend_from_slice(&body);
            (uri, data)
        }
    };
    let spki = federation::saml::decrypt::certificate_public_key(cert_der).unwrap();
    let public =
        OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(&spki).unwrap()).unwrap();
    let (oaep, method) = match how.transport {
        KeyTransport::RsaOaepMgf1p => (
            &aws_lc_rs::rsa::OAEP_SHA1_MGF1SHA1,
            r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>"#,
        ),
        KeyTransport::RsaOaepSha1 => (
            &aws_lc_rs::rsa::OAEP_SHA1_MGF1SHA1,
            r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"/>"#,
        ),
        KeyTransport::RsaOaepSha256 => (
            &aws_lc_rs::rsa::OAEP_SHA256_MGF1SHA256,
            r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"><ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/></xenc:EncryptionMethod>"#,
        ),
    };
    let mut wrapped = vec![0u8; public.ciphertext_size()];
    let wrapped = public
        .encrypt(oaep, &content_key, &mut wrapped, None)
        .unwrap()
        .to_vec();
    let id = if how.key_in_key_info {
        ""
    } else {
        r#" Id="ek-1""#
    };
    let encrypted_key = format!(
        r#"<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"{id}>{method}<xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"#,
        STANDARD.encode(&wrapped)
    );
    let (key_info, beside) = if how.key_in_key_info {
        (encrypted_key, String::new())
    } else {
        (
            r##"<ds:RetrievalMethod URI="#ek-1" Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey"/>"##
                .to_string(),
            encrypted_key,
        )
    };
    format!(
        r#"<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{content_alg}"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">{key_info}</ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>{beside}</saml:EncryptedAssertion>"#,
        STANDARD.encode(&data)
    )
}

/// What a LogoutRequest sent over the HTTP-Redirect binding asks (an IdP reads it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRequestSeen {
    pub id: String,
    pub issuer: String,
    pub destination: String,
    pub name_id: String,
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
}

/// Reads the `SAMLRequest` of a sign-out redirect (base64 of raw DEFLATE).
pub fn read_logout_request(saml_request: &str) -> LogoutRequestSeen {
    let xml = federation::saml::request::inflate(saml_request, 100_000).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "LogoutRequest", "{xml}");
    let child = |name: &str| root.children().find(|n| n.tag_name().name() == name);
    let name_id = child("NameID").unwrap();
    LogoutRequestSeen {
        id: root.attribute("ID").unwrap().to_string(),
        issuer: child("Issuer")
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_string(),
        destination: root
            .attribute("Destination")
            .unwrap_or_default()
            .to_string(),
        name_id: name_id.text().unwrap_or_default().to_string(),
        name_id_format: name_id.attribute("Format").map(str::to_string),
        session_index: child("SessionIndex")
            .and_then(|n| n.text())
            .map(str::to_string),
    }
}

/// An unsigned `samlp:LogoutResponse` (ID `id`) of `issuer` answering the request
/// `in_response_to`, posted to `destination`, with the StatusCode `status`.
pub fn logout_response(
    issuer: &str,
    id: &str,
    in_response_to: &str,
    destination: &str,
    status: &str,
    now_ms: i64,
) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{destination}" InResponseTo="{in_response_to}">
  <saml:Issuer>{issuer}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status>
</samlp:LogoutResponse>"#,
        now = instant(now_ms)
    )
}
