//! A SAML response from a trusted IdP, checked as STS's `AssumeRoleWithSAML` and Cognito check
//! one: base64 `samlp:Response`, status Success, one `saml:Assertion` (or, for a provider whose
//! responses are encrypted, one `saml:EncryptedAssertion`, decrypted by [`decrypt`] in place
//! once the Response's own signature has verified over the ciphertext), a valid signature on the Response or on the Assertion ([`dsig`]) made with a
//! certificate of the provider's metadata, the assertion's `Issuer` the metadata's entity id,
//! `Conditions` `NotBefore`/`NotOnOrAfter` and `AudienceRestriction` (`urn:amazon:webservices`,
//! as AWS expects), a bearer `SubjectConfirmationData` whose `Recipient` is AWS's SAML sign-in
//! URL and whose `NotOnOrAfter` has not passed, and the `Destination` when the response names
//! one. What it grants: the `https://aws.amazon.com/SAML/Attributes/Role` pairs
//! (`role-arn,provider-arn`, either order) that name this provider, and the
//! `RoleSessionName`; [`pick_role`] applies `CustomRoleArn`.
//!
//! A user pool's federation checks the same response against its own service provider
//! ([`SamlTrust::for_service_provider`]: its audience, its ACS URL as the only recipient) and
//! passes a [`ReplayCache`], so that an assertion is accepted once.

pub mod c14n;
pub mod decrypt;
pub mod dsig;
pub mod logout;
pub mod metadata;
pub mod request;
pub mod xml;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roxmltree::Node;
use serde_json::{Map, Value};

use super::{Refusal, Verified};
use crate::ProviderKind;
use xml::{ASSERTION_NS, DSIG_NS, PROTOCOL_NS};

pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
pub const SESSION_NAME_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
/// The audience AWS expects in a SAML assertion.
pub const AWS_AUDIENCE: &str = "urn:amazon:webservices";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// STS's bound on `SAMLAssertion`.
pub const MAX_RESPONSE_CHARS: usize = 100_000;
/// What a refusal says when a signature is made with none of the metadata's certificates
/// (a caller that keeps metadata may read it again: the IdP may have rolled its key).
pub const UNKNOWN_KEY: &str = "does not verify with the provider's signing certificates";
/// How far the assertion's times may be off the clock.
pub const LEEWAY_MS: i64 = 60_000;

/// The audiences accepted by default.
pub fn default_audiences() -> Vec<String> {
    vec![AWS_AUDIENCE.to_owned()]
}

/// Whether `recipient` is AWS's SAML sign-in endpoint (global or regional).
pub fn is_aws_recipient(recipient: &str) -> bool {
    let Some(rest) = recipient.strip_prefix("https://") else {
        return false;
    };
    match rest.strip_suffix("signin.aws.amazon.com/saml") {
        Some("") => true,
        Some(region) => region.strip_suffix('.').is_some_and(|r| {
            !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        }),
        None => false,
    }
}

/// What a response is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlTrust {
    /// The provider's ARN (the Logins key), or the name a user pool gives it.
    pub provider_arn: String,
    pub metadata: metadata::Metadata,
    /// Accepted audiences ([`AWS_AUDIENCE`] by default).
    pub audiences: Vec<String>,
    /// Accepted recipients (the response's `Destination`, the bearer confirmation's
    /// `Recipient`) besides AWS's sign-in URLs.
    pub recipients: Vec<String>,
    /// Whether AWS's SAML sign-in URLs are accepted recipients: yes for STS and identity pools,
    /// no for a user pool, whose assertions go to its own ACS URL.
    pub aws_sign_in: bool,
    /// What `InResponseTo` must say (the Response's and the bearer confirmation's).
    pub in_response_to: InResponseTo,
    /// Whether the assertion comes encrypted, and the keys that decrypt it.
    pub encryption: Encryption,
}

/// Encrypted assertions: whether a provider's come encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// Never (STS and identity pools): an encrypted assertion cannot be read.
    Unsupported,
    /// Not for this provider (a user pool's SAML provider without `EncryptedResponses`): an
    /// encrypted assertion is refused, naming the setting.
    Off,
    /// Always (`EncryptedResponses`): a plain assertion is refused; an encrypted one is
    /// decrypted with one of these keys (the provider's encryption certificates' keys).
    Required(Vec<decrypt::DecryptionKey>),
}

/// Whether a response answers a request of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InResponseTo {
    /// Not checked (STS and identity pools never send a request).
    NotChecked,
    /// An answer to the AuthnRequest with this ID: `InResponseTo` must name it (on the
    /// Response or on the bearer confirmation, and wherever it appears).
    Request(String),
    /// Unsolicited (IdP-initiated): no `InResponseTo` anywhere, since a response made for
    /// someone else's request must not start a sign-in of its own.
    Unsolicited,
}

impl SamlTrust {
    /// A provider as STS and identity pools trust it: audience [`AWS_AUDIENCE`], recipient
    /// AWS's SAML sign-in URL.
    pub fn for_aws(provider_arn: impl Into<String>, metadata: metadata::Metadata) -> Self {
        Self {
            provider_arn: provider_arn.into(),
            metadata,
            audiences: default_audiences(),
            recipients: Vec::new(),
            aws_sign_in: true,
            in_response_to: InResponseTo::NotChecked,
            encryption: Encryption::Unsupported,
        }
    }

    /// A provider as a service provider other than AWS trusts it (a user pool: audience
    /// `urn:amazon:cognito:sp:<pool id>`, recipient its `/saml2/idpresponse` URL): only that
    /// audience and that recipient are accepted.
    pub fn for_service_provider(
        provider: impl Into<String>,
        metadata: metadata::Metadata,
        audience: impl Into<String>,
        acs_url: impl Into<String>,
    ) -> Self {
        Self {
            provider_arn: provider.into(),
            metadata,
            audiences: vec![audience.into()],
            recipients: vec![acs_url.into()],
            aws_sign_in: false,
            in_response_to: InResponseTo::Unsolicited,
            encryption: Encryption::Off,
        }
    }

    /// The same trust for a provider whose assertions come encrypted (`EncryptedResponses`),
    /// decrypted with one of `keys`.
    pub fn encrypted(mut self, keys: Vec<decrypt::DecryptionKey>) -> Self {
        self.encryption = Encryption::Required(keys);
        self
    }

    /// The same trust for the answer to the AuthnRequest `request_id` (SP-initiated).
    pub fn answering(mut self, request_id: impl Into<String>) -> Self {
        self.in_response_to = InResponseTo::Request(request_id.into());
        self
    }

    /// Checks the `InResponseTo` values a response carries (`None` where an element has none).
    fn check_in_response_to(&self, found: &[Option<&str>]) -> Result<(), Refusal> {
        match &self.in_response_to {
            InResponseTo::NotChecked => Ok(()),
            InResponseTo::Unsolicited => match found.iter().flatten().next() {
                None => Ok(()),
                Some(id) => Err(bad(format!(
                    "it answers the request '{id}', but no sign-in through this provider was started here"
                ))),
            },
            InResponseTo::Request(want) => {
                if let Some(other) = found.iter().flatten().find(|id| **id != want) {
                    return Err(bad(format!(
                        "it answers the request '{other}', not this sign-in's request '{want}'"
                    )));
                }
                if found.iter().flatten().next().is_none() {
                    return Err(bad(format!(
                        "it has no InResponseTo; this sign-in's request was '{want}'"
                    )));
                }
                Ok(())
            }
        }
    }

    fn accepts_recipient(&self, recipient: &str) -> bool {
        (self.aws_sign_in && is_aws_recipient(recipient))
            || self.recipients.iter().any(|r| r == recipient)
    }

    /// The recipients accepted, as refusals name them.
    fn expected_recipient(&self) -> String {
        let mut named: Vec<&str> = Vec::new();
        if self.aws_sign_in {
            named.push("AWS's SAML endpoint (https://signin.aws.amazon.com/saml)");
        }
        named.extend(self.recipients.iter().map(String::as_str));
        named.join(" or ")
    }
}

/// One-time use of assertions, kept by the caller (SAML's bearer profile: an assertion is
/// consumed once). Asked only after everything else about the assertion has been checked.
pub trait ReplayCache {
    /// Records the assertion `id` of `issuer` as used until `until_ms` (its `NotOnOrAfter`);
    /// false when it was recorded before and has not expired.
    fn first_use(&self, issuer: &str, id: &str, until_ms: i64) -> bool;
}

/// One role an assertion offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlRole {
    pub role_arn: String,
    pub provider_arn: String,
}

/// What a verified assertion grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlGrant {
    pub name_id: String,
    /// The NameID's `Format`, when it names one (a LogoutRequest names the subject the same way).
    pub name_id_format: Option<String>,
    /// The `SessionIndex` of the assertion's first `AuthnStatement` (the session at the IdP a
    /// LogoutRequest ends), if it has one.
    pub session_index: Option<String>,
    pub roles: Vec<SamlRole>,
    pub session_name: Option<String>,
    pub issuer: String,
}

/// The role to use: `custom` when the assertion offers it, the only role when it offers one.
pub fn pick_role<'a>(grant: &'a SamlGrant, custom: Option<&str>) -> Result<&'a SamlRole, Refusal> {
    match custom {
        Some(arn) => grant
            .roles
            .iter()
            .find(|r| r.role_arn == arn)
            .ok_or_else(|| {
                Refusal::InvalidParameter(domain::FieldError::new(
                    "CustomRoleArn",
                    format!(
                        "the SAML assertion does not offer the role '{arn}' (it offers {})",
                        offered(grant)
                    ),
                ))
            }),
        None => match grant.roles.as_slice() {
            [one] => Ok(one),
            [] => Err(Refusal::token(
                "The SAML assertion offers no role for this provider.",
            )),
            _ => Err(Refusal::InvalidParameter(domain::FieldError::new(
                "CustomRoleArn",
                format!(
                    "the SAML assertion offers {} roles ({}); name one",
                    grant.roles.len(),
                    offered(grant)
                ),
            ))),
        },
    }
}

fn offered(grant: &SamlGrant) -> String {
    if grant.roles.is_empty() {
        "none".to_owned()
    } else {
        grant
            .roles
            .iter()
            .map(|r| r.role_arn.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn bad(detail: impl std::fmt::Display) -> Refusal {
    Refusal::token(format!("The SAML response is not valid: {detail}."))
}

fn time_attr(n: Node<'_, '_>, name: &str) -> Result<Option<i64>, Refusal> {
    n.attribute(name)
        .map(|v| xml::instant_ms(v).map_err(|e| bad(format!("{name} {e}"))))
        .transpose()
}

fn fmt_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

/// Checks a base64 SAMLResponse against a SAML provider (the Logins key `key`); with `replay`,
/// an assertion already used is refused.
pub fn verify(
    trust: &SamlTrust,
    key: &str,
    response_b64: &str,
    now_ms: i64,
    replay: Option<&dyn ReplayCache>,
) -> Result<Verified, Refusal> {
    if response_b64.len() > MAX_RESPONSE_CHARS {
        return Err(Refusal::InvalidParameter(domain::FieldError::new(
            "SAMLAssertion",
            format!("a SAML response is at most {MAX_RESPONSE_CHARS} characters"),
        )));
    }
    let compact: String = response_b64
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| bad("it is not base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text"))?;
    let doc = xml::parse(&text).map_err(|e| bad(format!("the response {e}")))?;
    let response = doc.root_element();
    if !xml::is(response, PROTOCOL_NS, "Response") {
        return Err(bad(format!(
            "its root is {}, not samlp:Response",
            response.tag_name().name()
        )));
    }
    let status = xml::only_child(response, PROTOCOL_NS, "Status")
        .and_then(|s| xml::only_child(s, PROTOCOL_NS, "StatusCode"))
        .and_then(|c| c.attribute("Value"))
        .unwrap_or_default();
    if status != SUCCESS {
        return Err(bad(format!("its status is '{status}', not Success")));
    }
    let encrypted: Vec<_> = doc
        .descendants()
        .filter(|n| xml::is(*n, ASSERTION_NS, "EncryptedAssertion"))
        .collect();
    let keys = match (&trust.encryption, encrypted.as_slice()) {
        (Encryption::Required(_), []) => {
            return Err(bad(
                "its assertion is not encrypted, and this provider's responses must be \
                 (EncryptedResponses): the IdP must encrypt every assertion with the provider's \
                 encryption certificate",
            ));
        }
        (_, []) => return check_assertion(trust, key, &doc, now_ms, replay, None),
        (Encryption::Unsupported, _) => {
            return Err(bad(
                "it holds an encrypted assertion, which Poolhouse cannot decrypt",
            ));
        }
        (Encryption::Off, _) => {
            return Err(bad(
                "it holds an encrypted assertion, but this provider does not take encrypted \
                 responses (EncryptedResponses is off: turn it on and give the IdP the \
                 provider's encryption certificate)",
            ));
        }
        (Encryption::Required(keys), _) => keys,
    };
    let encrypted_assertion = match encrypted.as_slice() {
        [e] if e.parent() == Some(response) => *e,
        [_] => {
            return Err(bad(
                "its encrypted assertion is not a child of the Response",
            ));
        }
        many => {
            return Err(bad(format!(
                "it holds {} encrypted assertions; exactly one is accepted",
                many.len()
            )));
        }
    };
    if doc
        .descendants()
        .any(|n| xml::is(n, ASSERTION_NS, "Assertion"))
    {
        return Err(bad(
            "it holds a plain assertion beside its encrypted one; exactly one assertion is accepted",
        ));
    }
    // The Response's signature covers the encrypted form: checked before anything is
    // decrypted, so that a changed ciphertext under a signed Response is never decrypted.
    let mut response_signed = false;
    for sig in doc
        .descendants()
        .filter(|n| xml::is(*n, DSIG_NS, "Signature"))
    {
        if sig.parent() != Some(response) {
            return Err(bad(
                "it holds a signature outside the Response and the (encrypted) Assertion",
            ));
        }
        dsig::verify(response, sig, &trust.metadata.signing_keys).map_err(bad)?;
        response_signed = true;
    }
    let plain = decrypt::decrypt_assertion(encrypted_assertion, keys).map_err(bad)?;
    // The assertion takes the place of the EncryptedAssertion's content, inside its element,
    // so that the namespaces the IdP wrote it in (declared there or above) stay in scope.
    let inner: Vec<_> = encrypted_assertion
        .children()
        .filter(Node::is_element)
        .collect();
    let (Some(first), Some(last)) = (inner.first(), inner.last()) else {
        return Err(bad(decrypt::DOES_NOT_DECRYPT));
    };
    let (start, end) = (first.range().start, last.range().end);
    let decrypted = format!("{}{plain}{}", &text[..start], &text[end..]);
    let doc = xml::parse(&decrypted).map_err(|_| bad(decrypt::DOES_NOT_DECRYPT))?;
    check_assertion(trust, key, &doc, now_ms, replay, Some(response_signed))
}

/// The checks of a response's one assertion: a plain one (`decrypted` is `None`), or one
/// decrypted inside its `EncryptedAssertion` (`Some(response_signed)`: whether the Response's
/// signature was verified over the encrypted form; it no longer verifies once the assertion
/// is decrypted in place, so it is not checked again here).
fn check_assertion(
    trust: &SamlTrust,
    key: &str,
    doc: &roxmltree::Document<'_>,
    now_ms: i64,
    replay: Option<&dyn ReplayCache>,
    decrypted: Option<bool>,
) -> Result<Verified, Refusal> {
    let response = doc.root_element();
    let response_signed = decrypted == Some(true);
    let container = match decrypted {
        None => response,
        Some(_) => xml::only_child(response, ASSERTION_NS, "EncryptedAssertion")
            .ok_or_else(|| bad(decrypt::DOES_NOT_DECRYPT))?,
    };
    // Exactly one assertion, a child of the Response (or of the EncryptedAssertion it was
    // decrypted in): a second one (signed or not) anywhere is the shape of a
    // signature-wrapping attack.
    let assertions: Vec<_> = doc
        .descendants()
        .filter(|n| xml::is(*n, ASSERTION_NS, "Assertion"))
        .collect();
    let assertion = match assertions.as_slice() {
        [a] if a.parent() == Some(container) => *a,
        [_] => return Err(bad("its assertion is not a child of the Response")),
        _ => {
            return Err(bad(format!(
                "it holds {} assertions; exactly one is accepted",
                assertions.len()
            )));
        }
    };
    // Signatures only where SAML puts them, each of them valid, at least one of them covering
    // the assertion.
    let mut signed = response_signed;
    for sig in doc
        .descendants()
        .filter(|n| xml::is(*n, DSIG_NS, "Signature"))
    {
        let parent = sig.parent().filter(|p| *p == response || *p == assertion);
        let Some(parent) = parent else {
            return Err(bad(
                "it holds a signature outside the Response and the Assertion",
            ));
        };
        if response_signed && parent == response {
            continue;
        }
        dsig::verify(parent, sig, &trust.metadata.signing_keys).map_err(bad)?;
        signed = true;
    }
    if !signed {
        return Err(bad("neither the Response nor the Assertion is signed"));
    }

    let issuer = xml::only_child(assertion, ASSERTION_NS, "Issuer")
        .map(xml::text)
        .unwrap_or_default();
    if issuer.trim() != trust.metadata.entity_id {
        return Err(bad(format!(
            "its issuer is '{}', the provider's metadata names '{}'",
            issuer.trim(),
            trust.metadata.entity_id
        )));
    }
    if let Some(dest) = response.attribute("Destination")
        && !trust.accepts_recipient(dest)
    {
        return Err(bad(format!(
            "its Destination is '{dest}', not {}",
            trust.expected_recipient()
        )));
    }

    let conditions = xml::only_child(assertion, ASSERTION_NS, "Conditions")
        .ok_or_else(|| bad("its assertion has no Conditions"))?;
    if let Some(nb) = time_attr(conditions, "NotBefore")?
        && now_ms + LEEWAY_MS < nb
    {
        return Err(bad(format!("it is not valid before {}", fmt_ms(nb))));
    }
    let not_on_or_after = time_attr(conditions, "NotOnOrAfter")?
        .ok_or_else(|| bad("its Conditions have no NotOnOrAfter"))?;
    if now_ms - LEEWAY_MS >= not_on_or_after {
        return Err(bad(format!("it expired at {}", fmt_ms(not_on_or_after))));
    }
    let restrictions: Vec<_> =
        xml::children(conditions, ASSERTION_NS, "AudienceRestriction").collect();
    if restrictions.is_empty() {
        return Err(bad(format!(
            "its Conditions have no AudienceRestriction (the audience must be {})",
            trust.audiences.join(" or ")
        )));
    }
    for r in restrictions {
        let audiences: Vec<String> = xml::children(r, ASSERTION_NS, "Audience")
            .map(|a| xml::text(a).trim().to_owned())
            .collect();
        if !audiences.iter().any(|a| trust.audiences.contains(a)) {
            return Err(bad(format!(
                "its audience is {}, not {}",
                if audiences.is_empty() {
                    "empty".to_owned()
                } else {
                    audiences.join(", ")
                },
                trust.audiences.join(" or ")
            )));
        }
    }

    let subject = xml::only_child(assertion, ASSERTION_NS, "Subject")
        .ok_or_else(|| bad("its assertion has no Subject"))?;
    let name_id_node = xml::only_child(subject, ASSERTION_NS, "NameID");
    let name_id = name_id_node
        .map(xml::text)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("its Subject has no NameID"))?;
    let name_id_format = name_id_node
        .and_then(|n| n.attribute("Format"))
        .map(str::to_owned);
    let session_index = xml::children(assertion, ASSERTION_NS, "AuthnStatement")
        .next()
        .and_then(|a| a.attribute("SessionIndex"))
        .map(str::to_owned);
    let bearer = xml::children(subject, ASSERTION_NS, "SubjectConfirmation")
        .filter(|c| c.attribute("Method") == Some(BEARER))
        .filter_map(|c| xml::only_child(c, ASSERTION_NS, "SubjectConfirmationData"))
        .collect::<Vec<_>>();
    if bearer.is_empty() {
        return Err(bad("its Subject has no bearer SubjectConfirmation"));
    }
    let mut in_response_to = vec![response.attribute("InResponseTo")];
    in_response_to.extend(bearer.iter().map(|d| d.attribute("InResponseTo")));
    trust.check_in_response_to(&in_response_to)?;
    let mut confirmed = Err(bad("no bearer SubjectConfirmationData names a Recipient"));
    for data in bearer {
        let recipient = data.attribute("Recipient").unwrap_or_default();
        if !trust.accepts_recipient(recipient) {
            confirmed = Err(bad(format!(
                "its Recipient is '{recipient}', not {}",
                trust.expected_recipient()
            )));
            continue;
        }
        match time_attr(data, "NotOnOrAfter")? {
            Some(t) if now_ms - LEEWAY_MS >= t => {
                confirmed = Err(bad(format!(
                    "its subject confirmation expired at {}",
                    fmt_ms(t)
                )));
            }
            _ => {
                confirmed = Ok(());
                break;
            }
        }
    }
    confirmed?;

    let mut claims = Map::new();
    let mut roles = Vec::new();
    let mut session_name = None;
    if let Some(statement) = xml::only_child(assertion, ASSERTION_NS, "AttributeStatement") {
        for attr in xml::children(statement, ASSERTION_NS, "Attribute") {
            let Some(name) = attr.attribute("Name") else {
                continue;
            };
            let values: Vec<String> = xml::children(attr, ASSERTION_NS, "AttributeValue")
                .map(|v| xml::text(v).trim().to_owned())
                .collect();
            if name == ROLE_ATTRIBUTE {
                for v in &values {
                    if let Some(role) = role_pair(v)
                        && role.provider_arn == trust.provider_arn
                    {
                        roles.push(role);
                    }
                }
            }
            if name == SESSION_NAME_ATTRIBUTE {
                session_name = values.first().cloned();
            }
            let value = match values.as_slice() {
                [one] => Value::String(one.clone()),
                many => Value::Array(many.iter().cloned().map(Value::String).collect()),
            };
            claims.insert(name.to_owned(), value);
        }
    }
    if let Some(s) = &session_name
        && !valid_session_name(s)
    {
        return Err(bad(format!(
            "its RoleSessionName '{s}' is not 2-64 of letters, digits and +=,.@-"
        )));
    }
    if let Some(cache) = replay {
        let id = assertion
            .attribute("ID")
            .ok_or_else(|| bad("its assertion has no ID"))?;
        if !cache.first_use(issuer.trim(), id, not_on_or_after) {
            return Err(bad(format!("its assertion '{id}' was used before")));
        }
    }
    Ok(Verified {
        provider: key.to_owned(),
        kind: ProviderKind::Saml,
        subject: name_id.clone(),
        claims,
        saml: Some(SamlGrant {
            name_id,
            name_id_format,
            session_index,
            roles,
            session_name,
            issuer: issuer.trim().to_owned(),
        }),
    })
}

/// `role-arn,provider-arn`, in either order.
fn role_pair(v: &str) -> Option<SamlRole> {
    let (a, b) = v.split_once(',')?;
    let (a, b) = (a.trim(), b.trim());
    let is_role = |s: &str| s.starts_with("arn:") && s.contains(":role/");
    let is_provider = |s: &str| s.starts_with("arn:") && s.contains(":saml-provider/");
    if is_role(a) && is_provider(b) {
        Some(SamlRole {
            role_arn: a.to_owned(),
            provider_arn: b.to_owned(),
        })
    } else if is_provider(a) && is_role(b) {
        Some(SamlRole {
            role_arn: b.to_owned(),
            provider_arn: a.to_owned(),
        })
    } else {
        None
    }
}

fn valid_session_name(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}
