//! SAML IdP metadata (`md:EntityDescriptor`): the entity id, the signing certificates of its
//! `IDPSSODescriptor` (key descriptors with `use="signing"` or no `use`), and `validUntil`.
//! Each certificate must parse as X.509 and hold an RSA key of at least 2048 bits (responses
//! are checked with RSA-SHA256). DTDs are refused.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use super::xml::{self, DSIG_NS};

pub const METADATA_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// A signing certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// The certificate, DER.
    pub certificate: Vec<u8>,
    /// The RSA public key, PKCS#1 DER (what aws-lc-rs verifies with).
    pub rsa_public_key: Vec<u8>,
    /// The certificate's subject, for messages.
    pub subject: String,
    /// Its notAfter, epoch seconds.
    pub not_after: i64,
}

/// What a metadata document says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub entity_id: String,
    pub signing_keys: Vec<SigningKey>,
    pub valid_until_ms: Option<i64>,
    /// The `cacheDuration` of the `EntityDescriptor` (or of the `EntitiesDescriptor` around it),
    /// in ms: how long a copy read at a URL may be kept.
    pub cache_duration_ms: Option<i64>,
    /// The `SingleSignOnService` location for the HTTP-Redirect binding (where a service
    /// provider sends its AuthnRequest), if the IdP has one.
    pub sso_redirect: Option<String>,
    /// The `SingleLogoutService` location for the HTTP-Redirect binding, if any.
    pub slo_redirect: Option<String>,
}

/// SAML 2.0's HTTP-Redirect binding.
pub const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

fn redirect_location(idp: roxmltree::Node<'_, '_>, service: &str) -> Option<String> {
    xml::children(idp, METADATA_NS, service)
        .find(|s| s.attribute("Binding") == Some(REDIRECT_BINDING))
        .and_then(|s| s.attribute("Location"))
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

/// Why a metadata document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MetadataError(pub String);

fn err(s: impl Into<String>) -> MetadataError {
    MetadataError(s.into())
}

/// Reads a certificate from base64 DER (white space allowed).
pub fn signing_key(b64: &str) -> Result<SigningKey, MetadataError> {
    let compact: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let der = STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| err(format!("a signing certificate is not base64: {e}")))?;
    let cert = Certificate::from_der(&der)
        .map_err(|e| err(format!("a signing certificate is not X.509 DER: {e}")))?;
    let tbs = &cert.tbs_certificate();
    let spki = tbs.subject_public_key_info();
    if spki.algorithm.oid.to_string() != RSA_ENCRYPTION {
        return Err(err(format!(
            "the signing certificate '{}' holds a {} key; SAML responses are checked with RSA-SHA256, so it must be RSA",
            tbs.subject(),
            spki.algorithm.oid
        )));
    }
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| err("a signing certificate's key is not whole bytes"))?
        .to_vec();
    // The modulus' size: an RSAPublicKey is SEQUENCE { INTEGER n, INTEGER e }.
    let bits =
        rsa_bits(&key).ok_or_else(|| err("a signing certificate's RSA key does not read"))?;
    if bits < 2048 {
        return Err(err(format!(
            "the signing certificate '{}' holds a {bits}-bit RSA key; at least 2048 bits are needed",
            tbs.subject()
        )));
    }
    let not_after = tbs
        .validity()
        .not_after
        .to_unix_duration()
        .as_secs()
        .try_into()
        .unwrap_or(i64::MAX);
    Ok(SigningKey {
        certificate: cert.to_der().unwrap_or(der),
        rsa_public_key: key,
        subject: tbs.subject().to_string(),
        not_after,
    })
}

fn rsa_bits(pkcs1: &[u8]) -> Option<usize> {
    use x509_cert::der::asn1::UintRef;
    use x509_cert::der::{Decode as _, Reader as _, SliceReader};
    let mut reader = SliceReader::new(pkcs1).ok()?;
    let n = reader
        .sequence(|r| {
            let n = UintRef::decode(r)?;
            let _e = UintRef::decode(r)?;
            Ok::<_, x509_cert::der::Error>(n)
        })
        .ok()?;
    let n = n.as_bytes();
    let lead = n.first()?;
    Some((n.len() - 1) * 8 + (8 - lead.leading_zeros() as usize))
}

/// Reads and checks a metadata document.
pub fn parse(doc: &str) -> Result<Metadata, MetadataError> {
    let tree = xml::parse(doc).map_err(|e| err(format!("the metadata {e}")))?;
    let root = tree.root_element();
    let descriptor = if xml::is(root, METADATA_NS, "EntityDescriptor") {
        root
    } else if xml::is(root, METADATA_NS, "EntitiesDescriptor") {
        let found: Vec<_> = xml::children(root, METADATA_NS, "EntityDescriptor").collect();
        match found.as_slice() {
            [one] => *one,
            _ => {
                return Err(err(
                    "the metadata must describe one identity provider (an EntitiesDescriptor with one EntityDescriptor)",
                ));
            }
        }
    } else {
        return Err(err(format!(
            "the metadata's root is {}, not an md:EntityDescriptor",
            root.tag_name().name()
        )));
    };
    let entity_id = descriptor
        .attribute("entityID")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("the EntityDescriptor has no entityID"))?
        .to_owned();
    let idp = xml::children(descriptor, METADATA_NS, "IDPSSODescriptor")
        .next()
        .ok_or_else(|| {
            err("the metadata has no IDPSSODescriptor: it does not describe an identity provider")
        })?;
    let mut signing_keys = Vec::new();
    for kd in xml::children(idp, METADATA_NS, "KeyDescriptor") {
        if kd.attribute("use").is_some_and(|u| u != "signing") {
            continue;
        }
        for cert in kd
            .descendants()
            .filter(|n| xml::is(*n, DSIG_NS, "X509Certificate"))
        {
            signing_keys.push(signing_key(&xml::text(cert))?);
        }
    }
    if signing_keys.is_empty() {
        return Err(err(
            "the IDPSSODescriptor has no signing certificate (KeyDescriptor use=\"signing\" with ds:X509Certificate)",
        ));
    }
    let valid_until_ms = match descriptor.attribute("validUntil") {
        None => None,
        Some(v) => Some(xml::instant_ms(v).map_err(|e| err(format!("validUntil {e}")))?),
    };
    let cache_duration_ms = match descriptor
        .attribute("cacheDuration")
        .or_else(|| root.attribute("cacheDuration"))
    {
        None => None,
        Some(v) => Some(duration_ms(v).ok_or_else(|| {
            err(format!(
                "cacheDuration '{v}' is not an xs:duration (such as PT6H or P1D)"
            ))
        })?),
    };
    Ok(Metadata {
        entity_id,
        signing_keys,
        valid_until_ms,
        cache_duration_ms,
        sso_redirect: redirect_location(idp, "SingleSignOnService"),
        slo_redirect: redirect_location(idp, "SingleLogoutService"),
    })
}

/// An xs:duration (`PnYnMnDTnHnMnS`, years as 365 days and months as 30) in ms; `None` when
/// it is not one or is negative.
pub fn duration_ms(v: &str) -> Option<i64> {
    let rest = v.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    fn fields(part: &str, units: &[(char, f64)]) -> Option<f64> {
        let mut total = 0.0;
        let mut number = String::new();
        let mut next_unit = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let at = units[next_unit..].iter().position(|(u, _)| *u == c)? + next_unit;
            let n: f64 = number.parse().ok()?;
            total += n * units[at].1;
            number.clear();
            next_unit = at + 1;
        }
        number.is_empty().then_some(total)
    }
    const DAY: f64 = 86_400_000.0;
    let mut ms = fields(date, &[('Y', 365.0 * DAY), ('M', 30.0 * DAY), ('D', DAY)])?;
    if let Some(t) = time {
        ms += fields(t, &[('H', 3_600_000.0), ('M', 60_000.0), ('S', 1000.0)])?;
    }
    if (date.is_empty() && time.is_none()) || !ms.is_finite() || ms > 1e15 {
        return None;
    }
    Some(ms as i64)
}

/// GETs a metadata document at `url` (a provider's `MetadataURL`) and reads it; the error
/// names the URL (without its query) and what went wrong.
pub fn fetch(fetch: &dyn crate::Fetch, url: &str) -> Result<(String, Metadata), MetadataError> {
    let shown = crate::http::shown(url);
    let got = fetch.get(url).map_err(|e| err(e.to_string()))?;
    if got.status != 200 {
        return Err(err(format!(
            "the metadata at {shown} answered HTTP {}",
            got.status
        )));
    }
    let text = String::from_utf8(got.body)
        .map_err(|_| err(format!("the metadata at {shown} is not UTF-8 text")))?;
    let parsed = parse(&text).map_err(|e| err(format!("{} (from {shown})", e.0)))?;
    Ok((text, parsed))
}

#[cfg(test)]
mod tests {
    use super::duration_ms;

    #[test]
    fn durations_read_as_xs_duration() {
        assert_eq!(duration_ms("PT6H"), Some(6 * 3_600_000));
        assert_eq!(duration_ms("P1D"), Some(86_400_000));
        assert_eq!(duration_ms("P1DT1H30M"), Some(86_400_000 + 5_400_000));
        assert_eq!(duration_ms("PT0.5S"), Some(500));
        assert_eq!(duration_ms("P1Y"), Some(365 * 86_400_000));
        for bad in [
            "", "P", "PT", "6H", "PT6", "P1H", "PT1D", "-PT1H", "PT1H1H", "P1DT",
        ] {
            assert_eq!(duration_ms(bad), None, "{bad}");
        }
    }
}
