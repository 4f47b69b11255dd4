//! IAM-style identity providers an identity pool can trust: OpenID Connect providers (an
//! issuer URL, its client ids and certificate thumbprints) and SAML providers (a name and the
//! IdP's metadata document). IAM's rules: an OIDC provider's URL is https (Poolhouse also takes
//! http on the loopback, for local IdPs), at most 100 client ids of 1–255 characters, at most
//! 5 thumbprints of 40 hex digits; a SAML provider's name is 1–128 of `[A-Za-z0-9._-]` and its
//! metadata must read: an `EntityDescriptor` with an entity id and at least one signing
//! certificate that parses (checked here, when stored, not when a login arrives). ARNs are
//! `arn:aws:iam::<account>:oidc-provider/<host/path>` and
//! `arn:aws:iam::<account>:saml-provider/<name>`.

use std::collections::BTreeMap;

use domain::FieldError;
use domain::identity_pool::validate_tags;
use federation::is_loopback;
use federation::saml::metadata;
use storage::federation_providers::{
    self as store, FederationKind, FederationProviderRow, NewFederationProvider,
};
use storage::{Read, Tx};

/// IAM's quota of each kind of provider per account.
pub const MAX_PROVIDERS: u32 = 100;
pub const MAX_CLIENT_IDS: usize = 100;
pub const MAX_THUMBPRINTS: usize = 5;
pub const MAX_URL_CHARS: usize = 255;
/// IAM's bounds on a metadata document's length.
pub const MAX_METADATA_CHARS: usize = 10_000_000;
pub const MIN_METADATA_CHARS: usize = 1000;

/// Why a provider operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    InvalidParameter(FieldError),
    #[error("{0}")]
    LimitExceeded(String),
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::InvalidParameter(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// An issuer URL as IAM keeps it, and its name (host, port when given, and path: the Logins
/// key and the ARN's resource).
pub fn check_issuer_url(
    field: &str,
    url: &str,
) -> std::result::Result<(String, String), FieldError> {
    let bad = |reason: &str| FieldError::new(field, reason);
    if url.is_empty() || url.chars().count() > MAX_URL_CHARS {
        return Err(bad("must be 1-255 characters"));
    }
    let parsed = url::Url::parse(url).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(bad(
                "must begin with https:// (http is accepted only on the loopback: 127.0.0.1, ::1, localhost)",
            ));
        }
        other => return Err(bad(&format!("must begin with https://, not {other}://"))),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("may not have a query or a fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("may not carry a user name or password"));
    }
    let host = parsed.host_str().ok_or_else(|| bad("has no host"))?;
    let mut name = host.to_ascii_lowercase();
    if let Some(port) = parsed.port() {
        name = format!("{name}:{port}");
    }
    let path = parsed.path().trim_end_matches('/');
    name.push_str(path);
    let issuer = url.trim_end_matches('/').to_owned();
    Ok((issuer, name))
}

fn check_client_ids(field: &str, ids: &[String]) -> std::result::Result<(), FieldError> {
    if ids.len() > MAX_CLIENT_IDS {
        return Err(FieldError::new(
            field,
            format!("may hold at most {MAX_CLIENT_IDS} client ids"),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let n = id.chars().count();
        if n == 0 || n > 255 {
            return Err(FieldError::new(
                format!("{field}.{}", i + 1),
                "a client id is 1-255 characters",
            ));
        }
        if ids[..i].contains(id) {
            return Err(FieldError::new(
                format!("{field}.{}", i + 1),
                format!("'{id}' is listed twice"),
            ));
        }
    }
    Ok(())
}

fn check_thumbprints(field: &str, prints: &[String]) -> std::result::Result<(), FieldError> {
    if prints.len() > MAX_THUMBPRINTS {
        return Err(FieldError::new(
            field,
            format!("may hold at most {MAX_THUMBPRINTS} thumbprints"),
        ));
    }
    for (i, t) in prints.iter().enumerate() {
        if t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FieldError::new(
                format!("{field}.{}", i + 1),
                "a thumbprint is the SHA-1 of a certificate: 40 hexadecimal digits",
            ));
        }
    }
    Ok(())
}

/// A SAML provider's name.
pub fn check_saml_name(field: &str, name: &str) -> std::result::Result<(), FieldError> {
    let n = name.chars().count();
    if n == 0 || n > 128 {
        return Err(FieldError::new(field, "must be 1-128 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new(
            field,
            "may hold only letters, digits, '.', '_' and '-'",
        ));
    }
    Ok(())
}

/// A metadata document, read and checked; its `validUntil` in epoch ms.
pub fn check_metadata(field: &str, doc: &str) -> std::result::Result<Option<i64>, FieldError> {
    let n = doc.chars().count();
    if !(MIN_METADATA_CHARS..=MAX_METADATA_CHARS).contains(&n) {
        return Err(FieldError::new(
            field,
            format!("must be {MIN_METADATA_CHARS}-{MAX_METADATA_CHARS} characters (is {n})"),
        ));
    }
    let m = metadata::parse(doc).map_err(|e| FieldError::new(field, e.to_string()))?;
    Ok(m.valid_until_ms)
}

/// `arn:aws:iam::<account>:oidc-provider/<name>`.
pub fn oidc_arn(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:oidc-provider/{name}")
}

/// `arn:aws:iam::<account>:saml-provider/<name>`.
pub fn saml_arn(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:saml-provider/{name}")
}

fn name_of_arn(
    field: &str,
    account: &str,
    arn: &str,
    kind: &str,
) -> std::result::Result<String, FieldError> {
    let prefix = format!("arn:aws:iam::{account}:{kind}/");
    match arn.strip_prefix(&prefix) {
        Some(name) if !name.is_empty() => Ok(name.to_owned()),
        _ => Err(FieldError::new(
            field,
            format!(
                "'{arn}' is not an ARN of the form {prefix}<name> (the workspace's account is {account})"
            ),
        )),
    }
}

/// The name in an OIDC provider ARN of this account.
pub fn oidc_name_of_arn(account: &str, arn: &str) -> std::result::Result<String, FieldError> {
    name_of_arn("OpenIDConnectProviderArn", account, arn, "oidc-provider")
}

/// The name in a SAML provider ARN of this account.
pub fn saml_name_of_arn(account: &str, arn: &str) -> std::result::Result<String, FieldError> {
    name_of_arn("SAMLProviderArn", account, arn, "saml-provider")
}

/// Creates an OIDC provider; answers the stored row.
pub fn create_oidc(
    tx: &Tx<'_>,
    now: i64,
    account: &str,
    url: &str,
    client_ids: &[String],
    thumbprints: &[String],
    tags: &BTreeMap<String, String>,
) -> Result<FederationProviderRow> {
    let (issuer, name) = check_issuer_url("Url", url)?;
    check_client_ids("ClientIDList", client_ids)?;
    check_thumbprints("ThumbprintList", thumbprints)?;
    validate_tags("Tags", tags)?;
    if store::count(tx, FederationKind::Oidc)? >= MAX_PROVIDERS {
        return Err(Error::LimitExceeded(format!(
            "A workspace holds at most {MAX_PROVIDERS} OpenID Connect providers."
        )));
    }
    if store::get(tx, FederationKind::Oidc, &name)?.is_some() {
        return Err(Error::AlreadyExists(format!(
            "Provider with url {issuer} already exists ({}).",
            oidc_arn(account, &name)
        )));
    }
    store::insert(
        tx,
        FederationKind::Oidc,
        &NewFederationProvider {
            name: &name,
            url: Some(&issuer),
            client_ids,
            thumbprints,
            tags: Some(tags),
            ..Default::default()
        },
        now,
    )?;
    get_oidc_by_name(tx, account, &name)
}

fn get_oidc_by_name(r: &impl Read, account: &str, name: &str) -> Result<FederationProviderRow> {
    store::get(r, FederationKind::Oidc, name)?.ok_or_else(|| {
        Error::NotFound(format!(
            "OpenIDConnect Provider not found for arn {}",
            oidc_arn(account, name)
        ))
    })
}

/// The OIDC and SAML providers an identity pool lists (`OpenIdConnectProviderARNs`,
/// `SamlProviderARNs`) must be provider records of the workspace: a pool that trusts a
/// provider nobody created could never verify its logins. Refused with Cognito's
/// `InvalidParameterException`, naming the member and the ARN.
///
/// Deleting a record a pool still lists is allowed, as IAM allows it; the pool's logins of that
/// provider are then refused, naming the missing ARN (`trust::resolve`).
pub fn check_listed(
    r: &impl Read,
    account: &str,
    oidc_arns: &[String],
    saml_arns: &[String],
) -> Result<()> {
    for (member, arns, kind) in [
        ("OpenIdConnectProviderARNs", oidc_arns, FederationKind::Oidc),
        ("SamlProviderARNs", saml_arns, FederationKind::Saml),
    ] {
        for arn in arns {
            let (what, name) = match kind {
                FederationKind::Oidc => ("OpenID Connect", oidc_name_of_arn(account, arn)),
                FederationKind::Saml => ("SAML", saml_name_of_arn(account, arn)),
            };
            let missing = |detail: String| {
                Error::InvalidParameter(FieldError::new(
                    member,
                    format!("the {what} provider '{arn}' does not exist{detail}"),
                ))
            };
            let name = name.map_err(|e| missing(format!(": {}", e.reason)))?;
            if store::get(r, kind, &name)?.is_none() {
                return Err(missing(
                    " in this workspace; create it first (CreateOpenIDConnectProvider or \
                     CreateSAMLProvider)"
                        .into(),
                ));
            }
        }
    }
    Ok(())
}

/// The OIDC provider record whose issuer is `iss` (a web identity token's issuer, as STS's
/// `AssumeRoleWithWebIdentity` finds its provider): its name (host and path) and row; `None`
/// when the workspace has no provider for that issuer.
pub fn oidc_by_issuer(r: &impl Read, iss: &str) -> Result<Option<(String, FederationProviderRow)>> {
    let Ok((_, name)) = check_issuer_url("WebIdentityToken", iss) else {
        return Ok(None);
    };
    Ok(store::get(r, FederationKind::Oidc, &name)?.map(|row| (name, row)))
}

/// The OIDC provider with this ARN.
pub fn get_oidc(r: &impl Read, account: &str, arn: &str) -> Result<FederationProviderRow> {
    let name = oidc_name_of_arn(account, arn)?;
    get_oidc_by_name(r, account, &name)
}

/// Adds a client id (IAM: adding one already there changes nothing).
pub fn add_client_id(
    tx: &Tx<'_>,
    now: i64,
    account: &str,
    arn: &str,
    client_id: &str,
) -> Result<()> {
    let row = get_oidc(tx, account, arn)?;
    if row.client_ids.iter().any(|c| c == client_id) {
        return Ok(());
    }
    let mut ids = row.client_ids;
    ids.push(client_id.to_owned());
    check_client_ids("ClientID", &ids)?;
    store::set_client_ids(tx, row.pk, &ids, now)?;
    Ok(())
}

/// Removes a client id (IAM: removing one not there changes nothing).
pub fn remove_client_id(
    tx: &Tx<'_>,
    now: i64,
    account: &str,
    arn: &str,
    client_id: &str,
) -> Result<()> {
    let row = get_oidc(tx, account, arn)?;
    let ids: Vec<String> = row
        .client_ids
        .iter()
        .filter(|c| *c != client_id)
        .cloned()
        .collect();
    if ids.len() != row.client_ids.len() {
        store::set_client_ids(tx, row.pk, &ids, now)?;
    }
    Ok(())
}

/// Replaces the thumbprints.
pub fn update_thumbprints(
    tx: &Tx<'_>,
    now: i64,
    account: &str,
    arn: &str,
    thumbprints: &[String],
) -> Result<()> {
    check_thumbprints("ThumbprintList", thumbprints)?;
    let row = get_oidc(tx, account, arn)?;
    store::set_thumbprints(tx, row.pk, thumbprints, now)?;
    Ok(())
}

/// Deletes an OIDC provider.
pub fn delete_oidc(tx: &Tx<'_>, account: &str, arn: &str) -> Result<()> {
    let row = get_oidc(tx, account, arn)?;
    store::delete(tx, row.pk)?;
    Ok(())
}

/// Creates a SAML provider from its metadata.
pub fn create_saml(
    tx: &Tx<'_>,
    now: i64,
    account: &str,
    name: &str,
    metadata_doc: &str,
    tags: &BTreeMap<String, String>,
) -> Result<FederationProviderRow> {
    check_saml_name("Name", name)?;
    let valid_until = check_metadata("SAMLMetadataDocument", metadata_doc)?;
    validate_tags("Tags", tags)?;
    if store::count(tx, FederationKind::Saml)? >= MAX_PROVIDERS {
        return Err(Error::LimitExceeded(format!(
            "A workspace holds at most {MAX_PROVIDERS} SAML providers."
        )));
    }
    if store::get(tx, FederationKind::Saml, name)?.is_some() {
        return Err(Error::AlreadyExists(format!(
            "SAMLProvider {name} already exists ({}).",
            saml_arn(account, name)
        )));
    }
    store::insert(
        tx,
        FederationKind::Saml,
        &NewFederationProvider {
            name,
            metadata: Some(metadata_doc),
            valid_until,
            tags: Some(tags),
            ..Default::default()
        },
        now,
    )?;
    get_saml_by_name(tx, account, name)
}

fn get_saml_by_name(r: &impl Read, account: &str, name: &str) -> Result<FederationProviderRow> {
    store::get(r, FederationKind::Saml, name)?.ok_or_else(|| {
        Error::NotFound(format!(
            "SAMLProvider not found for arn {}",
            saml_arn(account, name)
        ))
    })
}

/// The SAML provider with this ARN.
pub fn get_saml(r: &impl Read, account: &str, arn: &str) -> Result<FederationProviderRow> {
    let name = saml_name_of_arn(account, arn)?;
    get_saml_by_name(r, account, &name)
}

/// Replaces a SAML provider's metadata.
pub fn update_saml(
    tx: &Tx<'_>,
    now: i64,
    account: &str,
    arn: &str,
    metadata_doc: &str,
) -> Result<FederationProviderRow> {
    let valid_until = check_metadata("SAMLMetadataDocument", metadata_doc)?;
    let row = get_saml(tx, account, arn)?;
    store::set_metadata(tx, row.pk, metadata_doc, valid_until, now)?;
    get_saml_by_name(tx, account, &row.name)
}

/// Deletes a SAML provider.
pub fn delete_saml(tx: &Tx<'_>, account: &str, arn: &str) -> Result<()> {
    let row = get_saml(tx, account, arn)?;
    store::delete(tx, row.pk)?;
    Ok(())
}

/// Every provider of a kind.
pub fn list(r: &impl Read, kind: FederationKind) -> Result<Vec<FederationProviderRow>> {
    Ok(store::list(r, kind)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_urls_are_https_or_loopback_http() {
        let ok = check_issuer_url("Url", "https://login.example.com/tenant/").map(|x| x.1);
        assert_eq!(ok, Ok("login.example.com/tenant".to_owned()));
        assert_eq!(
            check_issuer_url("Url", "http://127.0.0.1:8080/pool").map(|x| x.1),
            Ok("127.0.0.1:8080/pool".to_owned())
        );
        let e = check_issuer_url("Url", "http://login.example.com").err();
        assert!(e.is_some_and(|e| e.field == "Url" && e.reason.contains("https")));
        assert!(check_issuer_url("Url", "https://x.example.com/?a=b").is_err());
        assert!(check_issuer_url("Url", "ftp://x.example.com").is_err());
        assert!(check_issuer_url("Url", "https://user:pw@x.example.com").is_err());
    }

    #[test]
    fn arns_name_their_account() {
        let arn = oidc_arn("123456789012", "login.example.com");
        assert_eq!(
            arn,
            "arn:aws:iam::123456789012:oidc-provider/login.example.com"
        );
        assert_eq!(
            oidc_name_of_arn("123456789012", &arn),
            Ok("login.example.com".to_owned())
        );
        assert!(oidc_name_of_arn("000000000000", &arn).is_err());
        assert!(saml_name_of_arn("123456789012", &arn).is_err());
    }

    #[test]
    fn client_ids_and_thumbprints_are_bounded() {
        assert!(check_client_ids("ClientIDList", &["a".into(), "a".into()]).is_err());
        assert!(check_client_ids("ClientIDList", &[String::new()]).is_err());
        assert!(check_thumbprints("ThumbprintList", &["zz".into()]).is_err());
        assert!(check_thumbprints("ThumbprintList", &["a".repeat(40)]).is_ok());
    }
}
