//! An app client's secrets: up to two at once, so that a secret can be rotated without
//! downtime. Each has an id and a creation date; its value is shown once, when Poolhouse
//! generates it. Any current secret is accepted wherever the client's secret is checked.
//!
//! Values are stored sealed under the store's master key (AES-256-GCM, as signing keys, SRP
//! verifiers and access key secrets are), bound to the client id and the secret id: a sealed
//! value copied to another client or under another id does not open. They are opened only
//! where they are used (a `SECRET_HASH` check, a presented `client_secret`, the one value
//! `DescribeUserPoolClient` shows) and never written anywhere in clear.

use domain::UserPoolId;
use domain::ids;
use domain::oauth::{MAX_CLIENT_SECRETS, validate_client_secret, validate_client_secret_id};
use storage::client_secrets::{self as store, ClientSecretRow};
use storage::{Read, Tx};
use tokens::MasterKey;

use crate::{Ctx, Error, Result, clients, invalid};

pub mod sealing;
pub use sealing::{OpenedSecret, open, opened, presented_secret_matches, seal, shown};

/// A secret just added, with its value when Poolhouse generated it.
#[derive(Debug, Clone)]
pub struct Added {
    pub row: ClientSecretRow,
    /// The value, shown once; None when the caller chose it.
    pub shown: Option<String>,
}

/// `AddUserPoolClientSecret`.
pub fn add(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    master: &MasterKey,
    pool_id: &UserPoolId,
    client_id: &str,
    chosen: Option<&str>,
) -> Result<Added> {
    let client = clients::get(tx, pool_id, client_id)?;
    if let Some(s) = chosen {
        validate_client_secret(s)?;
    }
    let current = store::of_client(tx, client.pk)?;
    if current.is_empty() {
        return Err(invalid(
            "ClientId",
            format!(
                "app client {client_id} has no secret; only a confidential client \
                 (GenerateSecret) can have secrets added"
            ),
        ));
    }
    if current.len() >= MAX_CLIENT_SECRETS {
        return Err(Error::LimitExceeded(format!(
            "app client {client_id} already has {MAX_CLIENT_SECRETS} secrets; delete one first"
        )));
    }
    let mut rng = rand::rng();
    let secret_id = ids::new_client_secret_id(&mut rng);
    let value = match chosen {
        Some(s) => s.to_string(),
        None => ids::new_client_secret(&mut rng),
    };
    if presented_secret_matches(master, &client, &value)? {
        return Err(invalid(
            "ClientSecret",
            "is already one of this client's secrets",
        ));
    }
    let sealed = seal(master, client_id, &secret_id, &value)?;
    store::insert(tx, client.pk, &secret_id, &sealed, ctx.clock.now_ms())?;
    let row = store::get(tx, client.pk, &secret_id)?
        .ok_or_else(|| Error::Internal("the new client secret vanished".into()))?;
    Ok(Added {
        row,
        shown: chosen.is_none().then_some(value),
    })
}

/// `ListUserPoolClientSecrets`: oldest first.
pub fn list(r: &impl Read, pool_id: &UserPoolId, client_id: &str) -> Result<Vec<ClientSecretRow>> {
    let client = clients::get(r, pool_id, client_id)?;
    Ok(store::of_client(r, client.pk)?)
}

/// `DeleteUserPoolClientSecret`: never the last remaining one.
pub fn delete(tx: &Tx<'_>, pool_id: &UserPoolId, client_id: &str, secret_id: &str) -> Result<()> {
    validate_client_secret_id(secret_id)?;
    let client = clients::get(tx, pool_id, client_id)?;
    let row = store::get(tx, client.pk, secret_id)?.ok_or_else(|| {
        Error::NotFound(format!(
            "Client secret {secret_id} does not exist for client {client_id}."
        ))
    })?;
    if store::of_client(tx, client.pk)?.len() <= 1 {
        return Err(invalid(
            "ClientSecretId",
            "You cannot delete the last remaining secret of an app client.",
        ));
    }
    store::delete(tx, row.pk)?;
    Ok(())
}
