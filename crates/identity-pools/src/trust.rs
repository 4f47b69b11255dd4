//! Which provider a login names in an identity pool, read from the store: the pool's
//! configuration and the IAM-style provider records turned into what [`federation`] checks a
//! token against. The checks themselves (OIDC, social, SAML) are federation's; its types are
//! re-exported here for the callers that name them through identity pools.

use federation::{Login, ProviderKind, SocialEndpoints, Trusted, oidc, saml};

pub use federation::{Refusal, Verified, Verifier};

/// A store that could not be read, as a refusal (the provider could not be asked).
fn unread(e: storage::Error) -> Refusal {
    Refusal::ExternalService(format!("the store could not be read: {e}"))
}

/// Runs `f` in one read of `db` ([`resolve`], [`saml_provider`]): a store that cannot be read
/// is a refusal like the others.
pub fn read<T>(
    db: &storage::Db,
    f: impl FnOnce(&storage::Reader<'_>) -> Result<T, Refusal>,
) -> Result<T, Refusal> {
    db.read(|r| Ok(f(r))).map_err(unread)?
}

/// Which provider `key` names in a pool with this configuration, read from the store: a
/// social preset the pool lists in `SupportedLoginProviders`, an OIDC provider whose ARN the
/// pool lists (the key is the issuer's host and path), or a SAML provider whose ARN the pool
/// lists (the key is the ARN). User pools and developer identities are not this function's
/// (`InvalidParameter` for them too, saying so).
pub fn resolve(
    r: &impl storage::Read,
    account: &str,
    endpoints: &SocialEndpoints,
    config: &domain::identity_pool::IdentityPoolConfig,
    key: &str,
) -> Result<Login, Refusal> {
    let login = |trusted| {
        Ok(Login {
            key: key.to_owned(),
            trusted,
        })
    };
    let kind = ProviderKind::of(key);
    let untrusted = || {
        Refusal::invalid(
            "Logins",
            format!("the identity pool does not trust the provider '{key}'"),
        )
    };
    match kind {
        ProviderKind::Google
        | ProviderKind::Apple
        | ProviderKind::Amazon
        | ProviderKind::Facebook => {
            let ids = config
                .supported_login_providers
                .get(key)
                .ok_or_else(untrusted)?;
            let ids: Vec<String> = ids
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if kind == ProviderKind::Facebook {
                return login(Trusted::Facebook { app_ids: ids });
            }
            let preset = endpoints.preset(kind).ok_or_else(untrusted)?;
            login(Trusted::Oidc(oidc::OidcTrust {
                issuers: preset.issuers,
                client_ids: ids,
                discovery_base: preset.base,
            }))
        }
        ProviderKind::Saml => {
            if !config.saml_provider_arns.iter().any(|a| a == key) {
                return Err(untrusted());
            }
            login(Trusted::Saml(saml_provider(r, account, "Logins", key)?))
        }
        ProviderKind::Oidc => {
            let listed = config
                .open_id_connect_provider_arns
                .iter()
                .find(|a| {
                    a.split_once(":oidc-provider/")
                        .is_some_and(|(_, n)| n == key)
                })
                .ok_or_else(untrusted)?;
            let arn = crate::providers::oidc_arn(account, key);
            if *listed != arn {
                return Err(Refusal::invalid(
                    "Logins",
                    format!(
                        "the identity pool trusts '{listed}', which is not an OpenID Connect \
                         provider of this workspace's account ({account}): create '{arn}' or \
                         list it instead"
                    ),
                ));
            }
            let row = storage::federation_providers::get(
                r,
                storage::federation_providers::FederationKind::Oidc,
                key,
            )
            .map_err(unread)?
            .ok_or_else(|| {
                Refusal::invalid(
                    "Logins",
                    format!("the OpenID Connect provider '{arn}' does not exist"),
                )
            })?;
            let issuer = row.url.unwrap_or_default();
            login(Trusted::Oidc(oidc::OidcTrust {
                issuers: vec![issuer.clone()],
                client_ids: row.client_ids,
                discovery_base: issuer,
            }))
        }
        ProviderKind::Twitter => Err(Refusal::token(
            "Twitter's OAuth 1.0a logins (token;secret) are not verified by Poolhouse.",
        )),
        ProviderKind::UserPool | ProviderKind::Developer => Err(Refusal::invalid(
            "Logins",
            format!("'{key}' is not an OpenID Connect, social or SAML provider"),
        )),
    }
}

/// The SAML provider with this ARN, ready to check a response: for a pool's SAML login, and
/// for STS's `AssumeRoleWithSAML` (whose `PrincipalArn` names the provider directly); `field`
/// is the member that named it.
pub fn saml_provider(
    r: &impl storage::Read,
    account: &str,
    field: &str,
    arn: &str,
) -> Result<saml::SamlTrust, Refusal> {
    let name = crate::providers::saml_name_of_arn(account, arn)
        .map_err(|e| Refusal::invalid(field, e.reason))?;
    let row = storage::federation_providers::get(
        r,
        storage::federation_providers::FederationKind::Saml,
        &name,
    )
    .map_err(unread)?
    .ok_or_else(|| Refusal::invalid(field, format!("the SAML provider '{arn}' does not exist")))?;
    let metadata =
        saml::metadata::parse(row.metadata.as_deref().unwrap_or_default()).map_err(|e| {
            Refusal::ExternalService(format!(
                "the SAML provider '{arn}' holds metadata that no longer reads: {e}"
            ))
        })?;
    Ok(saml::SamlTrust::for_aws(arn, metadata))
}
