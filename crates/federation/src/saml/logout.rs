//! SAML single logout for a user pool as service provider, as Cognito does it (SP-initiated
//! only): the `samlp:LogoutRequest` the pool sends the IdP's `SingleLogoutService` over the
//! HTTP-Redirect binding (always signed, RSA-SHA256, with the pool's signing certificate),
//! naming the subject and the `SessionIndex` of the sign-in; the IdP's `samlp:LogoutResponse`,
//! POSTed back to the pool's `/saml2/logout`, checked here ([`verify_response`]); and the
//! `SingleLogoutService` the pool's SP metadata lists ([`with_single_logout`]).
//!
//! A LogoutResponse is accepted only when it is the answer to our request (`InResponseTo`),
//! from the provider (`Issuer` its metadata's entity id), for us (`Destination`, when given,
//! our `/saml2/logout`), and signed: an enveloped signature on the LogoutResponse by a
//! certificate of the metadata (the POST binding carries its signature in the XML, as a
//! sign-in response does). Its status is then the IdP's word on whether the session there
//! ended.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::metadata::Metadata;
use super::request::{self, POST_BINDING, Signer, escape_attr, instant};
use super::xml::{self, ASSERTION_NS, DSIG_NS, PROTOCOL_NS};
use super::{LEEWAY_MS, MAX_RESPONSE_CHARS, dsig};

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// What a LogoutRequest says.
#[derive(Debug, Clone)]
pub struct LogoutRequest<'a> {
    /// The request's `ID` (an NCName), which the response's `InResponseTo` must name.
    pub id: &'a str,
    /// The service provider's entity id.
    pub issuer: &'a str,
    /// The IdP's SingleLogoutService URL (`Destination`).
    pub destination: &'a str,
    /// The subject as the assertion named it.
    pub name_id: &'a str,
    pub name_id_format: Option<&'a str>,
    /// The session at the IdP, as the assertion's AuthnStatement named it.
    pub session_index: Option<&'a str>,
    /// `IssueInstant`, ms since the epoch.
    pub issued_ms: i64,
    /// `NotOnOrAfter`, ms since the epoch: how long the IdP may act on it.
    pub not_on_or_after_ms: i64,
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl LogoutRequest<'_> {
    /// The `samlp:LogoutRequest` document (the schema's order: Issuer, NameID, SessionIndex).
    pub fn xml(&self) -> String {
        let format = self
            .name_id_format
            .map(|f| format!(r#" Format="{}""#, escape_attr(f)))
            .unwrap_or_default();
        let session = self
            .session_index
            .map(|s| {
                format!(
                    "<samlp:SessionIndex>{}</samlp:SessionIndex>",
                    escape_text(s)
                )
            })
            .unwrap_or_default();
        format!(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{at}" Destination="{dest}" NotOnOrAfter="{until}"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID{format}>{name_id}</saml:NameID>{session}</samlp:LogoutRequest>"#,
            id = escape_attr(self.id),
            at = instant(self.issued_ms),
            dest = escape_attr(self.destination),
            until = instant(self.not_on_or_after_ms),
            issuer = escape_text(self.issuer),
            name_id = escape_text(self.name_id),
        )
    }

    /// The URL that sends the browser to the IdP's SingleLogoutService: `SAMLRequest`,
    /// `RelayState`, `SigAlg` and `Signature` (RSA-SHA256 over the query's octets).
    pub fn redirect_url(&self, relay_state: &str, sign: Signer<'_>) -> std::io::Result<String> {
        request::redirect_binding(
            self.destination,
            "SAMLRequest",
            &self.xml(),
            relay_state,
            Some(sign),
        )
    }
}

/// What a LogoutResponse is checked against.
#[derive(Debug, Clone, Copy)]
pub struct LogoutTrust<'a> {
    /// The provider's metadata: its entity id and signing certificates.
    pub metadata: &'a Metadata,
    /// The ID of the LogoutRequest it must answer.
    pub request_id: &'a str,
    /// Where it was posted (the pool's `/saml2/logout` as the browser reached it).
    pub destination: &'a str,
}

/// What the IdP says of its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutStatus {
    /// The session at the IdP ended.
    Success,
    /// It did not: the status code (with its second-level code after a space, when there is
    /// one) and the IdP's message.
    Failed {
        code: String,
        message: Option<String>,
    },
}

/// Why a LogoutResponse was refused (a sentence for the error page).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The SAML LogoutResponse is not valid: {0}.")]
pub struct LogoutError(pub String);

fn bad(s: impl Into<String>) -> LogoutError {
    LogoutError(s.into())
}

/// Checks a base64 `SAMLResponse` posted to `/saml2/logout` against `trust` at `now_ms`.
pub fn verify_response(
    trust: &LogoutTrust<'_>,
    response_b64: &str,
    now_ms: i64,
) -> Result<LogoutStatus, LogoutError> {
    if response_b64.len() > MAX_RESPONSE_CHARS {
        return Err(bad(format!("it is over {MAX_RESPONSE_CHARS} characters")));
    }
    let compact: String = response_b64
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| bad("it is not base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text"))?;
    let doc = xml::parse(&text).map_err(|e| bad(format!("it {e}")))?;
    let root = doc.root_element();
    if !xml::is(root, PROTOCOL_NS, "LogoutResponse") {
        return Err(bad(format!(
            "its root is {}, not samlp:LogoutResponse",
            root.tag_name().name()
        )));
    }
    if root.attribute("Version") != Some("2.0") {
        return Err(bad("its Version is not 2.0"));
    }

    // One signature, on the LogoutResponse itself, by a certificate of the metadata.
    let signatures: Vec<_> = doc
        .descendants()
        .filter(|n| xml::is(*n, DSIG_NS, "Signature"))
        .collect();
    match signatures.as_slice() {
        [] => {
            return Err(bad(
                "it is not signed (the provider must sign its LogoutResponse)",
            ));
        }
        [sig] if sig.parent() == Some(root) => {
            dsig::verify(root, *sig, &trust.metadata.signing_keys).map_err(bad)?;
        }
        [_] => return Err(bad("its signature is not on the LogoutResponse")),
        many => {
            return Err(bad(format!(
                "it holds {} signatures; a LogoutResponse carries one",
                many.len()
            )));
        }
    }

    let issuer = xml::only_child(root, ASSERTION_NS, "Issuer")
        .map(|i| xml::text(i).trim().to_owned())
        .ok_or_else(|| bad("it has no Issuer"))?;
    if issuer != trust.metadata.entity_id {
        return Err(bad(format!(
            "its issuer is '{issuer}', the provider's metadata names '{}'",
            trust.metadata.entity_id
        )));
    }
    match root.attribute("InResponseTo") {
        Some(id) if id == trust.request_id => {}
        Some(other) => {
            return Err(bad(format!(
                "it answers the request '{other}', not this sign-out's request '{}'",
                trust.request_id
            )));
        }
        None => {
            return Err(bad(format!(
                "it has no InResponseTo; this sign-out's request was '{}'",
                trust.request_id
            )));
        }
    }
    if let Some(dest) = root.attribute("Destination")
        && dest != trust.destination
    {
        return Err(bad(format!(
            "its Destination is '{dest}', not {}",
            trust.destination
        )));
    }
    let issued = root
        .attribute("IssueInstant")
        .ok_or_else(|| bad("it has no IssueInstant"))
        .and_then(|v| xml::instant_ms(v).map_err(|e| bad(format!("IssueInstant {e}"))))?;
    if issued > now_ms + LEEWAY_MS {
        return Err(bad(format!(
            "it was issued in the future ({})",
            instant(issued)
        )));
    }

    let status =
        xml::only_child(root, PROTOCOL_NS, "Status").ok_or_else(|| bad("it has no Status"))?;
    let top = xml::only_child(status, PROTOCOL_NS, "StatusCode")
        .ok_or_else(|| bad("its Status has no StatusCode"))?;
    let code = top.attribute("Value").unwrap_or_default();
    if code == SUCCESS {
        return Ok(LogoutStatus::Success);
    }
    let second = xml::only_child(top, PROTOCOL_NS, "StatusCode")
        .and_then(|c| c.attribute("Value"))
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let message = xml::only_child(status, PROTOCOL_NS, "StatusMessage")
        .map(|m| xml::text(m).trim().to_owned())
        .filter(|m| !m.is_empty());
    Ok(LogoutStatus::Failed {
        code: format!("{code}{second}"),
        message,
    })
}

/// The SP metadata `sp_metadata` with a `SingleLogoutService` (HTTP-POST, where the IdP posts
/// its LogoutResponse, as Cognito asks) at `slo_url`, put where the schema wants it: after the
/// key descriptors, before the name ID formats.
pub fn with_single_logout(sp_metadata: &str, slo_url: &str) -> String {
    let service = format!(
        r#"<md:SingleLogoutService Binding="{POST_BINDING}" Location="{}"/>"#,
        escape_attr(slo_url)
    );
    match sp_metadata.find("<md:NameIDFormat>") {
        Some(at) => format!("{}{service}{}", &sp_metadata[..at], &sp_metadata[at..]),
        None => sp_metadata.replacen(
            "<md:AssertionConsumerService ",
            &format!("{service}<md:AssertionConsumerService "),
            1,
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::saml::request::{inflate, sp_entity_id, sp_metadata};

    fn metadata() -> Metadata {
        Metadata {
            entity_id: "https://idp.test/md".into(),
            signing_keys: Vec::new(),
            valid_until_ms: None,
            cache_duration_ms: None,
            sso_redirect: None,
            slo_redirect: Some("https://idp.test/slo".into()),
        }
    }

    #[test]
    fn a_logout_request_names_the_subject_and_session_and_is_signed_on_the_redirect() {
        let r = LogoutRequest {
            id: "_abc",
            issuer: &sp_entity_id("us-east-1_X"),
            destination: "https://idp.test/slo?t=1",
            name_id: "ann&<bob>@corp.test",
            name_id_format: Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
            session_index: Some("s-1"),
            issued_ms: 1_700_000_000_000,
            not_on_or_after_ms: 1_700_000_300_000,
        };
        let url = r
            .redirect_url("relay", &|b: &[u8]| Some(b.to_vec()))
            .unwrap();
        assert!(
            url.starts_with("https://idp.test/slo?t=1&SAMLRequest="),
            "{url}"
        );
        assert!(url.contains("&RelayState=relay&SigAlg="), "{url}");
        assert!(url.contains("&Signature="), "{url}");
        let pairs: Vec<(String, String)> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        let xml = inflate(&pairs[1].1, 10_000).unwrap();
        assert_eq!(xml, r.xml());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "LogoutRequest");
        assert_eq!(root.attribute("ID"), Some("_abc"));
        let name_id = xml::only_child(root, ASSERTION_NS, "NameID").unwrap();
        assert_eq!(xml::text(name_id), "ann&<bob>@corp.test");
        assert_eq!(
            name_id.attribute("Format"),
            Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        );
        let index = xml::only_child(root, PROTOCOL_NS, "SessionIndex").unwrap();
        assert_eq!(xml::text(index), "s-1");
    }

    fn unsigned(inner: &str, attrs: &str) -> String {
        STANDARD.encode(format!(
            r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2023-11-14T22:13:20Z"{attrs}><saml:Issuer>https://idp.test/md</saml:Issuer>{inner}</samlp:LogoutResponse>"#
        ))
    }

    #[test]
    fn an_unsigned_or_misshapen_logout_response_is_refused_with_the_reason() {
        let m = metadata();
        let trust = LogoutTrust {
            metadata: &m,
            request_id: "_abc",
            destination: "http://127.0.0.1:1/us-east-1_X/saml2/logout",
        };
        let now = 1_700_000_000_000;
        let status = r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#;
        let e =
            verify_response(&trust, &unsigned(status, r#" InResponseTo="_abc""#), now).unwrap_err();
        assert!(e.0.contains("not signed"), "{e}");
        let e = verify_response(&trust, "%%%", now).unwrap_err();
        assert!(e.0.contains("base64"), "{e}");
        let e = verify_response(&trust, &STANDARD.encode("<a/>"), now).unwrap_err();
        assert!(e.0.contains("not samlp:LogoutResponse"), "{e}");
        let e = verify_response(
            &trust,
            &STANDARD.encode("<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"),
            now,
        )
        .unwrap_err();
        assert!(e.0.contains("DOCTYPE"), "{e}");
        let e = verify_response(&trust, &"A".repeat(MAX_RESPONSE_CHARS + 1), now).unwrap_err();
        assert!(e.0.contains("characters"), "{e}");
        // A signature somewhere else than on the LogoutResponse.
        let stray = format!(
            r#"{status}<samlp:Extensions><ds:Signature xmlns:ds="{DSIG_NS}"/></samlp:Extensions>"#
        );
        let e = verify_response(&trust, &unsigned(&stray, ""), now).unwrap_err();
        assert!(e.0.contains("not on the LogoutResponse"), "{e}");
    }

    #[test]
    fn sp_metadata_gets_its_single_logout_service_before_the_name_id_formats() {
        let md = sp_metadata(
            &sp_entity_id("us-east-1_X"),
            &["http://h/us-east-1_X/saml2/idpresponse".into()],
            None,
            &[],
        );
        let with = with_single_logout(&md, "http://h/us-east-1_X/saml2/logout");
        let doc = roxmltree::Document::parse(&with).unwrap();
        let names: Vec<&str> = doc
            .descendants()
            .find(|n| n.tag_name().name() == "SPSSODescriptor")
            .unwrap()
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(
            names,
            [
                "SingleLogoutService",
                "NameIDFormat",
                "AssertionConsumerService"
            ]
        );
        assert!(with.contains(&format!(
            r#"<md:SingleLogoutService Binding="{POST_BINDING}" Location="http://h/us-east-1_X/saml2/logout"/>"#
        )));
    }
}
