//! App clients.

use domain::UserPoolId;
use domain::client::{ClientSettings, validate_client_name};
use domain::ids;
use domain::schema;
use storage::clients::{self as store, ClientRow, NewClient};
use storage::pools::PoolRow;
use storage::{Read, Tx};
use tokens::MasterKey;

use crate::{Ctx, Error, Result, invalid, require_pool};

/// Most app clients a pool may have.
pub const MAX_CLIENTS_PER_POOL: u32 = 1000;

fn check_attributes(pool: &PoolRow, settings: &ClientSettings) -> Result<()> {
    for (field, list) in [
        ("ReadAttributes", &settings.read_attributes),
        ("WriteAttributes", &settings.write_attributes),
    ] {
        for (i, name) in list.iter().enumerate() {
            if schema::find(&pool.config.schema_attributes, name).is_none() {
                return Err(invalid(
                    &format!("{field}[{i}]"),
                    format!("{name} is not an attribute of this pool"),
                ));
            }
        }
    }
    for (i, name) in settings.write_attributes.iter().enumerate() {
        if matches!(
            name.as_str(),
            "sub" | "email_verified" | "phone_number_verified"
        ) {
            return Err(invalid(
                &format!("WriteAttributes[{i}]"),
                format!("{name} cannot be made writable by app clients"),
            ));
        }
    }
    Ok(())
}

/// The pool-dependent OAuth checks: custom scopes must be defined by a resource server, and
/// identity providers must be `COGNITO` or one of the pool's.
fn check_oauth(r: &impl Read, pool: &PoolRow, settings: &ClientSettings) -> Result<()> {
    for (i, p) in settings.supported_identity_providers.iter().enumerate() {
        if p != domain::idp::COGNITO && storage::idps::get(r, pool.pk, p)?.is_none() {
            return Err(invalid(
                &format!("SupportedIdentityProviders[{i}]"),
                format!("The provider {p} does not exist for User Pool {}", pool.id),
            ));
        }
    }
    crate::resource_servers::check_client_scopes(r, pool.pk, &settings.allowed_oauth_scopes)
}

/// Creates an app client, with a generated secret when asked.
pub fn create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    master: &MasterKey,
    pool_id: &UserPoolId,
    name: &str,
    generate_secret: bool,
    settings: ClientSettings,
) -> Result<ClientRow> {
    let pool = require_pool(tx, pool_id)?;
    validate_client_name(name)?;
    settings.validate(generate_secret)?;
    check_attributes(&pool, &settings)?;
    check_oauth(tx, &pool, &settings)?;
    if store::list(tx, pool.pk, "", MAX_CLIENTS_PER_POOL)?.len() >= MAX_CLIENTS_PER_POOL as usize {
        return Err(Error::LimitExceeded(format!(
            "a user pool may have at most {MAX_CLIENTS_PER_POOL} app clients"
        )));
    }
    let mut rng = rand::rng();
    let client_id = ids::new_client_id(&mut rng);
    let secret = generate_secret
        .then(|| {
            let secret_id = ids::new_client_secret_id(&mut rng);
            let clear = ids::new_client_secret(&mut rng);
            crate::client_secrets::sealing::seal(master, &client_id, &secret_id, &clear)
                .map(|sealed| (secret_id, sealed))
        })
        .transpose()?;
    store::insert(
        tx,
        &NewClient {
            pool: pool.pk,
            client_id: &client_id,
            name,
            secret: secret.as_ref().map(|(id, s)| (id.as_str(), s.as_slice())),
            settings: &settings,
        },
        ctx.clock.now_ms(),
    )?;
    get(tx, pool_id, &client_id)
}

/// Describes a client.
pub fn get(r: &impl Read, pool_id: &UserPoolId, client_id: &str) -> Result<ClientRow> {
    let pool = require_pool(r, pool_id)?;
    ids::validate_client_id(client_id)?;
    store::get(r, pool.pk, client_id)?.ok_or_else(|| Error::ClientNotFound(client_id.to_string()))
}

/// Replaces a client's settings (absent members return to their defaults, as in Cognito).
pub fn update(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    client_id: &str,
    name: Option<&str>,
    settings: ClientSettings,
) -> Result<ClientRow> {
    let pool = require_pool(tx, pool_id)?;
    let client = get(tx, pool_id, client_id)?;
    let name = name.unwrap_or(&client.name);
    validate_client_name(name)?;
    settings.validate(!client.secrets.is_empty())?;
    check_attributes(&pool, &settings)?;
    check_oauth(tx, &pool, &settings)?;
    store::update(tx, client.pk, name, &settings, ctx.clock.now_ms())?;
    get(tx, pool_id, client_id)
}

/// Deletes a client.
pub fn delete(tx: &Tx<'_>, pool_id: &UserPoolId, client_id: &str) -> Result<()> {
    let client = get(tx, pool_id, client_id)?;
    store::delete(tx, client.pk)?;
    Ok(())
}

/// Clients of a pool by id.
pub fn list(
    r: &impl Read,
    pool_id: &UserPoolId,
    after: &str,
    limit: u32,
) -> Result<Vec<ClientRow>> {
    let pool = require_pool(r, pool_id)?;
    Ok(store::list(r, pool.pk, after, limit)?)
}
