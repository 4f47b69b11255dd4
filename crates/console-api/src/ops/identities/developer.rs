//! Developer-authenticated identities' operations: GetOpenIdTokenForDeveloperIdentity,
//! LookupDeveloperIdentity, MergeDeveloperIdentities and UnlinkDeveloperIdentity.

use super::*;

/// Checks GetOpenIdTokenForDeveloperIdentity's principal tags: at most 50, keys 1–128 and
/// values 1–256 characters (botocore's `PrincipalTags`).
fn check_principal_tags(tags: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if tags.len() > 50 {
        return Err(FieldError::new("PrincipalTags", "may hold at most 50 tags"));
    }
    for (k, v) in tags {
        let (nk, nv) = (k.chars().count(), v.chars().count());
        if nk == 0 || nk > 128 {
            return Err(FieldError::new(
                "PrincipalTags",
                "tag keys must be 1–128 characters",
            ));
        }
        if nv == 0 || nv > 256 {
            return Err(FieldError::new(
                format!("PrincipalTags.{k}"),
                "must be 1–256 characters",
            ));
        }
    }
    Ok(())
}

/// `GetOpenIdTokenForDeveloperIdentity`: the developer user's identity (found, given or made)
/// and a token for it, `TokenDuration` seconds long.
pub(crate) fn get_open_id_token_for_developer_identity(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: GetOpenIdTokenForDeveloperIdentityRequest,
) -> Result<OpenIdTokenResponse, ApiError> {
    let pool_id = req.identity_pool_id;
    let tags = req.principal_tags.unwrap_or_default();
    let mut logins = clear(Some(req.logins));
    let (dev, user, verified, duration) = recorded(c, ctx, &pool_id, || {
        let duration = req
            .token_duration
            .unwrap_or(openid::DEFAULT_DEVELOPER_TOKEN_SECS);
        if !(1..=openid::MAX_DEVELOPER_TOKEN_SECS).contains(&duration) {
            return Err(ApiError::invalid(
                "TokenDuration",
                "must be between 1 and 86400 seconds",
            ));
        }
        check_principal_tags(&tags)?;
        logins::check_map("Logins", &logins)?;
        let pool = c.read(|r| Ok(identities::pool(r, &pool_id)?))?;
        let dev = identities::developer_provider(&pool, "Logins", None)?.to_owned();
        let Some(user) = logins.remove(&dev) else {
            return Err(ApiError::invalid(
                "Logins",
                format!("must hold the developer provider '{dev}' with the user's identifier"),
            ));
        };
        identities::check_developer_user(&format!("Logins.{dev}"), &user)?;
        let verified = verify(c, &pool, "Logins", &logins)?;
        Ok((dev, user, verified, duration))
    })?;
    let got = c.write_audited(ctx, None, Some(pool_id.as_str()), |tx, uctx| {
        let got = identities::developer_identity(
            tx,
            &pool_id,
            region_of(&pool_id),
            req.identity_id.as_ref(),
            &user,
            &verified,
            uctx.clock.now_ms(),
        )?;
        let id = got.identity.id.clone();
        Ok((got, Some(id)))
    })?;
    let mut amr = vec!["authenticated".to_owned()];
    amr.extend(openid::developer_amr(&dev, &pool_id, &user));
    for l in &verified {
        if !l.is_identity_token() {
            amr.extend(openid::amr_of(&l.provider, &l.subject));
        }
    }
    let token = sign(c, &got.identity.id, &pool_id, amr, duration, &tags)?;
    Ok(OpenIdTokenResponse {
        identity_id: got.identity.id,
        token: Sensitive(token),
    })
}

/// `LookupDeveloperIdentity`.
pub(crate) fn lookup_developer_identity(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: LookupDeveloperIdentityRequest,
) -> Result<LookupDeveloperIdentityResponse, ApiError> {
    let limit = listing_limit("MaxResults", req.max_results, 60, 60)?;
    let scope = format!(
        "LookupDeveloperIdentity:{}:{}:{}",
        req.identity_pool_id,
        req.identity_id.as_deref().unwrap_or_default(),
        req.developer_user_identifier.as_deref().unwrap_or_default()
    );
    let after: Option<String> = cursor(c, &scope, req.next_token.as_deref())?;
    let found = c.read(|r| {
        Ok(identities::lookup_developer(
            r,
            &req.identity_pool_id,
            req.identity_id.as_ref(),
            req.developer_user_identifier.as_deref(),
            after.as_deref(),
            limit + 1,
        )?)
    })?;
    let (users, next) = paged(c, found.users, limit, &scope, Clone::clone);
    Ok(LookupDeveloperIdentityResponse {
        identity_id: found.identity_id,
        developer_user_identifier_list: users,
        next_token: next,
    })
}

/// `MergeDeveloperIdentities`.
pub(crate) fn merge_developer_identities(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: MergeDeveloperIdentitiesRequest,
) -> Result<IdentityIdResponse, ApiError> {
    let pool_id = req.identity_pool_id;
    c.write_audited(ctx, None, Some(pool_id.as_str()), |tx, uctx| {
        let to = identities::merge_developer(
            tx,
            &pool_id,
            &req.developer_provider_name,
            &req.source_user_identifier,
            &req.destination_user_identifier,
            uctx.clock.now_ms(),
        )?;
        let id = to.id;
        Ok((
            IdentityIdResponse {
                identity_id: id.clone(),
            },
            Some(id),
        ))
    })
}

/// `UnlinkDeveloperIdentity`.
pub(crate) fn unlink_developer_identity(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UnlinkDeveloperIdentityRequest,
) -> Result<Empty, ApiError> {
    let id = req.identity_id;
    c.write_audited(ctx, None, Some(id.as_str()), |tx, uctx| {
        identities::unlink_developer(
            tx,
            &req.identity_pool_id,
            &id,
            &req.developer_provider_name,
            &req.developer_user_identifier,
            uctx.clock.now_ms(),
        )?;
        Ok((Empty {}, None))
    })
}
