//! Providers' signing keys, found through their discovery documents (or at the `jwks_uri` a
//! provider's configuration gives, for one without discovery) and kept until they expire: `Cache-Control: max-age` of the JWKS answer (clamped to 1 minute – 1 day), or an
//! hour. A token whose `kid` is not among the kept keys makes one fresh fetch — at most once
//! per [`REFETCH_INTERVAL_MS`] per provider, so a stream of forged `kid`s cannot make
//! Poolhouse hammer a provider. Each key is parsed by `tokens` once per fetch
//! ([`PublishedKey`]), not once per token.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use tokens::{JwkKey, Jwks};

use super::Refusal;
use super::http::{Fetch, Fetched, shown};

/// How long keys are kept when the provider does not say.
pub const DEFAULT_TTL_MS: i64 = 60 * 60 * 1000;
const MIN_TTL_MS: i64 = 60 * 1000;
const MAX_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// The least time between two fetches made for an unknown `kid`.
pub const REFETCH_INTERVAL_MS: i64 = 30 * 1000;

/// One key of a provider's JWKS: its `kid`, and the key as `tokens` parsed it, once, for the
/// one algorithm it verifies (`None` when it cannot be used: another key type or curve, a
/// declared `alg` that does not fit it, `use` other than `sig`).
#[derive(Debug, Clone)]
pub struct PublishedKey {
    /// The JWK's `kid`.
    pub kid: Option<String>,
    /// The parsed key, if usable.
    pub key: Option<JwkKey>,
}

#[derive(Debug, Clone)]
struct Entry {
    keys: Vec<PublishedKey>,
    jwks_uri: String,
    expires_at: i64,
    fetched_at: i64,
}

/// The keys of every provider asked so far, by discovery base URL (or by JWKS URL, for a
/// provider whose configuration names its keys).
#[derive(Debug, Default)]
pub struct JwksCache {
    entries: Mutex<HashMap<String, Entry>>,
}

/// The keys a token may be checked with, and where they came from.
#[derive(Debug, Clone)]
pub struct Keys {
    pub keys: Vec<PublishedKey>,
    pub jwks_uri: String,
}

impl JwksCache {
    fn kept(&self, base: &str) -> Option<Entry> {
        self.entries.lock().ok()?.get(base).cloned()
    }

    fn keep(&self, base: &str, entry: Entry) {
        if let Ok(mut m) = self.entries.lock() {
            m.insert(base.to_owned(), entry);
        }
    }

    /// The provider's keys that may have signed a token with this `kid` (every key when the
    /// token names none), from the JWKS its discovery document at `base` names. Fetched when
    /// nothing fresh is kept, and once more when the `kid` is unknown and the kept keys are
    /// older than [`REFETCH_INTERVAL_MS`].
    pub fn keys_for(
        &self,
        fetch: &dyn Fetch,
        base: &str,
        issuers: &[String],
        kid: Option<&str>,
        now_ms: i64,
    ) -> Result<Keys, Refusal> {
        self.lookup(base, kid, now_ms, || {
            let discovery_url = format!(
                "{}/.well-known/openid-configuration",
                base.trim_end_matches('/')
            );
            let doc = json(fetch, &discovery_url, "discovery document")?;
            let issuer = doc
                .get("issuer")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !issuers.iter().any(|i| i == issuer) {
                return Err(Refusal::ExternalService(format!(
                    "The discovery document {} names the issuer '{issuer}', not the provider's '{}'.",
                    shown(&discovery_url),
                    issuers.first().map(String::as_str).unwrap_or_default()
                )));
            }
            let jwks_uri = doc
                .get("jwks_uri")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Refusal::ExternalService(format!(
                        "The discovery document {} has no jwks_uri.",
                        shown(&discovery_url)
                    ))
                })?
                .to_owned();
            check_jwks_uri(base, &jwks_uri)?;
            read_keys(fetch, jwks_uri, now_ms)
        })
    }

    /// The same, from a JWKS the provider's configuration names itself (`jwks_uri`, for a
    /// provider without a discovery document): no discovery, kept under the JWKS URL with
    /// the same lifetime and the same refetch on an unknown `kid`. The URL must be https, or
    /// http on the loopback.
    pub fn keys_at(
        &self,
        fetch: &dyn Fetch,
        jwks_uri: &str,
        kid: Option<&str>,
        now_ms: i64,
    ) -> Result<Keys, Refusal> {
        // A space cannot be in a URL, so these entries never meet a discovery base's.
        let kept_as = format!("jwks {jwks_uri}");
        self.lookup(&kept_as, kid, now_ms, || {
            check_jwks_uri(jwks_uri, jwks_uri)?;
            read_keys(fetch, jwks_uri.to_owned(), now_ms)
        })
    }

    /// The kept keys under `kept_as` that fit `kid`, or fresh ones from `refresh` (kept)
    /// when none are kept, the kept ones expired, or the `kid` is unknown and they are older
    /// than [`REFETCH_INTERVAL_MS`].
    fn lookup(
        &self,
        kept_as: &str,
        kid: Option<&str>,
        now_ms: i64,
        refresh: impl FnOnce() -> Result<Entry, Refusal>,
    ) -> Result<Keys, Refusal> {
        let matching = |e: &Entry| -> Vec<PublishedKey> {
            e.keys
                .iter()
                .filter(|k| kid.is_none() || k.kid.as_deref() == kid)
                .cloned()
                .collect()
        };
        if let Some(e) = self.kept(kept_as).filter(|e| e.expires_at > now_ms) {
            let found = matching(&e);
            if !found.is_empty() {
                return Ok(Keys {
                    keys: found,
                    jwks_uri: e.jwks_uri,
                });
            }
            if now_ms - e.fetched_at < REFETCH_INTERVAL_MS {
                return Err(unknown_kid(kid, &e.jwks_uri));
            }
        }
        let entry = refresh()?;
        self.keep(kept_as, entry.clone());
        let found = matching(&entry);
        if found.is_empty() {
            return Err(unknown_kid(kid, &entry.jwks_uri));
        }
        Ok(Keys {
            keys: found,
            jwks_uri: entry.jwks_uri,
        })
    }
}

/// Fetches the JWKS at `jwks_uri` and parses each key once, kept for the answer's max-age.
fn read_keys(fetch: &dyn Fetch, jwks_uri: String, now_ms: i64) -> Result<Entry, Refusal> {
    let (fetched, set) = fetch_jwks(fetch, &jwks_uri)?;
    let ttl = max_age_ms(fetched.cache_control.as_deref())
        .unwrap_or(DEFAULT_TTL_MS)
        .clamp(MIN_TTL_MS, MAX_TTL_MS);
    Ok(Entry {
        keys: set
            .keys
            .iter()
            .map(|jwk| PublishedKey {
                kid: jwk.kid.clone(),
                key: JwkKey::from_jwk(jwk).ok(),
            })
            .collect(),
        jwks_uri,
        expires_at: now_ms + ttl,
        fetched_at: now_ms,
    })
}

fn unknown_kid(kid: Option<&str>, jwks_uri: &str) -> Refusal {
    match kid {
        Some(kid) => Refusal::token(format!(
            "The signing key '{kid}' is not among the provider's keys ({}).",
            shown(jwks_uri)
        )),
        None => Refusal::token(format!(
            "The provider publishes no key ({}).",
            shown(jwks_uri)
        )),
    }
}

/// A provider's endpoints as its discovery document names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
}

/// Reads `<issuer>/.well-known/openid-configuration`: the document must name `issuer` exactly
/// (OpenID Connect Discovery §4.3), and its endpoints must be https (http on the loopback for
/// a loopback http issuer), as [`JwksCache`] requires of `jwks_uri`.
pub fn discover(fetch: &dyn Fetch, issuer: &str) -> Result<Endpoints, Refusal> {
    let base = issuer.trim_end_matches('/');
    let discovery_url = format!("{base}/.well-known/openid-configuration");
    let doc = json(fetch, &discovery_url, "discovery document")?;
    let named = doc
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if named != issuer && named != base {
        return Err(Refusal::ExternalService(format!(
            "The discovery document {} names the issuer '{named}', not '{issuer}'.",
            shown(&discovery_url)
        )));
    }
    let endpoint = |key: &str| -> Result<Option<String>, Refusal> {
        match doc.get(key).and_then(Value::as_str) {
            None => Ok(None),
            Some(u) => {
                check_jwks_uri(base, u).map_err(|_| {
                    Refusal::ExternalService(format!(
                        "The discovery document {} names {key} '{}', which is not an https URL.",
                        shown(&discovery_url),
                        shown(u)
                    ))
                })?;
                Ok(Some(u.to_owned()))
            }
        }
    };
    Ok(Endpoints {
        issuer: named.to_owned(),
        authorization_endpoint: endpoint("authorization_endpoint")?,
        token_endpoint: endpoint("token_endpoint")?,
        userinfo_endpoint: endpoint("userinfo_endpoint")?,
        jwks_uri: endpoint("jwks_uri")?,
    })
}

/// The JWKS must be fetched as securely as the discovery document: https, or http on the
/// loopback when the issuer itself is a loopback http one.
fn check_jwks_uri(base: &str, jwks_uri: &str) -> Result<(), Refusal> {
    let ok = match url::Url::parse(jwks_uri) {
        Ok(u) if u.scheme() == "https" => true,
        Ok(u) if u.scheme() == "http" => crate::is_loopback(&u) && base.starts_with("http://"),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Refusal::ExternalService(format!(
            "The provider's jwks_uri '{}' is not an https URL.",
            shown(jwks_uri)
        )))
    }
}

fn fetch_jwks(fetch: &dyn Fetch, url: &str) -> Result<(Fetched, Jwks), Refusal> {
    let fetched = get_json(fetch, url, "JWKS")?;
    let set: Jwks = serde_json::from_slice(&fetched.body).map_err(|e| {
        Refusal::ExternalService(format!("The JWKS at {} does not read: {e}", shown(url)))
    })?;
    Ok((fetched, set))
}

/// GETs `url` and reads it as a JSON object, with an error naming the URL for each way it can
/// fail: unreachable, an HTTP error, a page that is not JSON.
pub(crate) fn json(fetch: &dyn Fetch, url: &str, what: &str) -> Result<Value, Refusal> {
    let fetched = get_json(fetch, url, what)?;
    let value: Value = serde_json::from_slice(&fetched.body).map_err(|e| {
        Refusal::ExternalService(format!("The {what} at {} is not JSON: {e}", shown(url)))
    })?;
    if !value.is_object() {
        return Err(Refusal::ExternalService(format!(
            "The {what} at {} is not a JSON object.",
            shown(url)
        )));
    }
    Ok(value)
}

fn get_json(fetch: &dyn Fetch, url: &str, what: &str) -> Result<Fetched, Refusal> {
    let fetched = fetch
        .get(url)
        .map_err(|e| Refusal::ExternalService(format!("The provider's {what} at {e}")))?;
    if fetched.status != 200 {
        return Err(Refusal::ExternalService(format!(
            "The provider's {what} at {} answered HTTP {}.",
            shown(url),
            fetched.status
        )));
    }
    let looks_json = fetched.content_type.is_empty()
        || fetched.content_type.contains("json")
        || fetched.content_type == "text/plain";
    if !looks_json {
        return Err(Refusal::ExternalService(format!(
            "The provider's {what} at {} answered {}, not JSON: is the URL right?",
            shown(url),
            fetched.content_type
        )));
    }
    Ok(fetched)
}

/// `max-age` in ms; `no-store`/`no-cache` keep for the least time.
fn max_age_ms(cache_control: Option<&str>) -> Option<i64> {
    let cc = cache_control?;
    let mut age = None;
    for part in cc.split(',').map(str::trim) {
        let lower = part.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(0);
        }
        if let Some(v) = lower.strip_prefix("max-age=") {
            age = v
                .trim_matches('"')
                .parse::<i64>()
                .ok()
                .map(|s| s.saturating_mul(1000));
        }
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_and_no_store_keeps_least() {
        assert_eq!(max_age_ms(Some("public, max-age=120")), Some(120_000));
        assert_eq!(max_age_ms(Some("no-store")), Some(0));
        assert_eq!(max_age_ms(Some("private")), None);
        assert_eq!(max_age_ms(None), None);
    }
}
