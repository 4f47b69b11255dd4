//! A user pool as a SAML service provider: its entity id (`urn:amazon:cognito:sp:<poolId>`),
//! the `AuthnRequest` it sends an IdP over the HTTP-Redirect binding (raw DEFLATE, base64,
//! URL-encoded; signed with `SigAlg`/`Signature` when the provider asks for signed requests),
//! and the metadata that describes it to an IdP.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The HTTP-POST binding (where the IdP sends its response).
pub const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
/// `SigAlg` of an RSA-SHA256 signed redirect.
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/// A user pool's SAML entity id (the audience its assertions must name), as Cognito's.
pub fn sp_entity_id(pool_id: &str) -> String {
    format!("urn:amazon:cognito:sp:{pool_id}")
}

/// Signs the query's octets (RSA-SHA256), or cannot.
pub type Signer<'a> = &'a dyn Fn(&[u8]) -> Option<Vec<u8>>;

/// What an AuthnRequest says.
#[derive(Debug, Clone)]
pub struct AuthnRequest<'a> {
    /// The request's `ID` (an XML NCName: starts with a letter or `_`).
    pub id: &'a str,
    /// The service provider's entity id.
    pub issuer: &'a str,
    /// The IdP's SSO URL (`Destination`).
    pub destination: &'a str,
    /// Where the response is posted (`AssertionConsumerServiceURL`).
    pub acs_url: &'a str,
    /// `IssueInstant`, ms since the epoch.
    pub issued_ms: i64,
}

pub(crate) fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

pub(crate) fn instant(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

impl AuthnRequest<'_> {
    /// The `samlp:AuthnRequest` document.
    pub fn xml(&self) -> String {
        format!(
            r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{at}" Destination="{dest}" AssertionConsumerServiceURL="{acs}" ProtocolBinding="{POST_BINDING}"><saml:Issuer>{issuer}</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" AllowCreate="true"/></samlp:AuthnRequest>"#,
            id = escape_attr(self.id),
            at = instant(self.issued_ms),
            dest = escape_attr(self.destination),
            acs = escape_attr(self.acs_url),
            issuer = escape_attr(self.issuer),
        )
    }

    /// The request as the HTTP-Redirect binding carries it: raw DEFLATE, then base64.
    pub fn deflated(&self) -> std::io::Result<String> {
        deflate(&self.xml())
    }

    /// The URL that sends the browser to the IdP: `destination` with `SAMLRequest`,
    /// `RelayState` and, when `sign` is given (RSA-SHA256 over the query's octets, as the
    /// binding defines them), `SigAlg` and `Signature`.
    pub fn redirect_url(
        &self,
        relay_state: &str,
        sign: Option<Signer<'_>>,
    ) -> std::io::Result<String> {
        redirect_binding(
            self.destination,
            "SAMLRequest",
            &self.xml(),
            relay_state,
            sign,
        )
    }
}

/// A message as the HTTP-Redirect binding carries it: raw DEFLATE, then base64.
pub fn deflate(xml: &str) -> std::io::Result<String> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(xml.as_bytes())?;
    Ok(STANDARD.encode(enc.finish()?))
}

/// The HTTP-Redirect binding's URL for a message: `destination` with `field` (`SAMLRequest` or
/// `SAMLResponse`: the XML deflated), `RelayState` and, when `sign` is given (RSA-SHA256 over
/// the query's octets, as the binding defines them), `SigAlg` and `Signature`.
pub fn redirect_binding(
    destination: &str,
    field: &str,
    xml: &str,
    relay_state: &str,
    sign: Option<Signer<'_>>,
) -> std::io::Result<String> {
    let mut query = format!(
        "{field}={}&RelayState={}",
        encode(&deflate(xml)?),
        encode(relay_state)
    );
    if let Some(sign) = sign {
        query.push_str("&SigAlg=");
        query.push_str(&encode(RSA_SHA256));
        let signature = sign(query.as_bytes())
            .ok_or_else(|| std::io::Error::other("the SAML message could not be signed"))?;
        query.push_str("&Signature=");
        query.push_str(&encode(&STANDARD.encode(signature)));
    }
    let sep = if destination.contains('?') { '&' } else { '?' };
    Ok(format!("{destination}{sep}{query}"))
}

/// Reads back a `SAMLRequest` of the HTTP-Redirect binding (base64 of raw DEFLATE) as text,
/// at most `limit` bytes once inflated (an IdP's side; the tests' IdP uses it).
pub fn inflate(saml_request: &str, limit: u64) -> Option<String> {
    use std::io::Read as _;
    let raw = STANDARD.decode(saml_request.as_bytes()).ok()?;
    let mut out = String::new();
    flate2::read::DeflateDecoder::new(raw.as_slice())
        .take(limit)
        .read_to_string(&mut out)
        .ok()?;
    Some(out)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The content and key transport algorithms an encrypting IdP may use, as the metadata's
/// encryption key descriptors list them (preferred first).
pub const ENCRYPTION_METHODS: [&str; 6] = [
    super::decrypt::AES256_GCM,
    super::decrypt::AES128_GCM,
    super::decrypt::AES256_CBC,
    super::decrypt::AES128_CBC,
    super::decrypt::RSA_OAEP_MGF1P,
    super::decrypt::RSA_OAEP,
];

fn key_descriptor(usage: &str, der: &[u8], methods: &str) -> String {
    format!(
        r#"<md:KeyDescriptor use="{usage}"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{methods}</md:KeyDescriptor>"#,
        STANDARD.encode(der)
    )
}

/// The service provider's metadata: its entity id, its ACS URL (HTTP-POST), the certificate
/// it signs requests with, when it signs them (`AuthnRequestsSigned`), and the certificates
/// its IdPs encrypt assertions to (`use="encryption"`, with the algorithms it accepts).
pub fn sp_metadata(
    entity_id: &str,
    acs_urls: &[String],
    signing_cert_der: Option<&[u8]>,
    encryption_certs_der: &[Vec<u8>],
) -> String {
    let mut keys = signing_cert_der
        .map(|der| key_descriptor("signing", der, ""))
        .unwrap_or_default();
    let methods: String = ENCRYPTION_METHODS
        .iter()
        .map(|m| format!(r#"<md:EncryptionMethod Algorithm="{m}"/>"#))
        .collect();
    for der in encryption_certs_der {
        keys.push_str(&key_descriptor("encryption", der, &methods));
    }
    let acs: String = acs_urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            format!(
                r#"<md:AssertionConsumerService Binding="{POST_BINDING}" Location="{}" index="{}"{}/>"#,
                escape_attr(url),
                i + 1,
                if i == 0 { r#" isDefault="true""# } else { "" }
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}"><md:SPSSODescriptor AuthnRequestsSigned="{signed}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>{acs}</md:SPSSODescriptor></md:EntityDescriptor>
"#,
        entity = escape_attr(entity_id),
        signed = signing_cert_der.is_some(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_request_deflates_and_inflates_back_and_carries_its_relay_state() {
        let r = AuthnRequest {
            id: "_abc",
            issuer: &sp_entity_id("us-east-1_X"),
            destination: "https://idp.test/sso?tenant=1",
            acs_url: "http://127.0.0.1:9/us-east-1_X/saml2/idpresponse",
            issued_ms: 1_700_000_000_000,
        };
        let url = r.redirect_url("st&ate", None).unwrap();
        assert!(url.starts_with("https://idp.test/sso?tenant=1&SAMLRequest="));
        assert!(url.ends_with("&RelayState=st%26ate"));
        let pairs: Vec<(String, String)> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        let xml = inflate(&pairs[1].1, 10_000).unwrap();
        assert_eq!(xml, r.xml());
        assert!(xml.contains(r#"ID="_abc""#));
        assert!(xml.contains("<saml:Issuer>urn:amazon:cognito:sp:us-east-1_X</saml:Issuer>"));
        let signed = r
            .redirect_url("s", Some(&|b: &[u8]| Some(b.to_vec())))
            .unwrap();
        assert!(signed.contains(
            "&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature="
        ));
    }
}
