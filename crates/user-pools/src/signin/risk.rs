//! Account takeover protection: IP ranges that are always blocked or never assessed, a risk
//! level for each password sign-in, and the pool's answer to each level.
//!
//! The level is judged from the user's own history: a sign-in from an address the user has
//! signed in from before is low risk; from a new address, medium; from a new address after a
//! run of failed attempts, high. A user's first sign-in has nothing to compare with and is low.

use std::net::IpAddr;

use domain::risk::{AccountTakeoverAction, cidr_contains};
use storage::outbox::{self, Message};
use storage::pools::PoolRow;
use storage::user_security::Security;
use storage::users::UserRow;
use storage::{Read, Tx};

use super::Origin;
use crate::Result;

/// Failed attempts in a row that make a sign-in from a new address high risk.
const HIGH_RISK_FAILURES: i64 = 3;

fn ip(origin: &Origin) -> Option<IpAddr> {
    origin.ip.as_deref().and_then(|s| s.parse().ok())
}

fn in_ranges(ranges: Option<&Vec<String>>, ip: IpAddr) -> bool {
    ranges.is_some_and(|r| r.iter().any(|c| cidr_contains(c, ip)))
}

/// Whether the request's address is in the pool's blocked ranges.
pub fn blocked(pool: &PoolRow, origin: &Origin) -> bool {
    let Some(ip) = ip(origin) else {
        return false;
    };
    in_ranges(
        pool.config
            .risk
            .exceptions
            .as_ref()
            .and_then(|e| e.blocked_ip_range_list.as_ref()),
        ip,
    )
}

/// The risk level of a sign-in (`Low`, `Medium`, `High`), or `None` when the pool does not
/// assess sign-ins or the address is in its skipped ranges.
pub fn assess(
    r: &impl Read,
    pool: &PoolRow,
    user: &UserRow,
    origin: &Origin,
    security: &Security,
) -> Result<Option<&'static str>> {
    if pool.config.risk.account_takeover.is_none() {
        return Ok(None);
    }
    let Some(addr) = ip(origin) else {
        return Ok(Some("Low"));
    };
    if in_ranges(
        pool.config
            .risk
            .exceptions
            .as_ref()
            .and_then(|e| e.skipped_ip_range_list.as_ref()),
        addr,
    ) {
        return Ok(None);
    }
    let history = storage::auth_events::ip_history(r, user.pk, &addr.to_string())?;
    Ok(Some(
        if history.signed_in_from_ip || !history.signed_in_before {
            "Low"
        } else if security.failed_sign_ins >= HIGH_RISK_FAILURES {
            "High"
        } else {
            "Medium"
        },
    ))
}

/// What the pool does at `level`.
pub fn action(pool: &PoolRow, level: &str) -> Option<AccountTakeoverAction> {
    let a = pool.config.risk.account_takeover.as_ref()?.actions;
    match level {
        "High" => a.high_action,
        "Medium" => a.medium_action,
        _ => a.low_action,
    }
}

/// What the user is told happened to a risky sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Blocked,
    Allowed,
}

/// Tells the user about a risky sign-in (a message in the outbox), when they have an email.
pub fn notify(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    origin: &Origin,
    level: &str,
    action: Notice,
    now: i64,
) -> Result<()> {
    let Some(email) = user.attributes.get("email") else {
        return Ok(());
    };
    let from = origin.ip.as_deref().unwrap_or("an unknown address");
    let body = if action == Notice::Blocked {
        format!(
            "We blocked a sign-in to your account from {from} ({level} risk). If it was you, \
             try again from a device you have used before; if not, change your password."
        )
    } else {
        format!(
            "There was a sign-in to your account from {from} ({level} risk). If it was not you, \
             change your password."
        )
    };
    outbox::insert(
        tx,
        &Message {
            id: 0,
            at: now,
            pool_id: pool.id.to_string(),
            username: user.username.clone(),
            medium: "EMAIL".into(),
            destination: email.clone(),
            subject: Some("Unusual sign-in activity".into()),
            body,
            kind: "RiskNotification".into(),
            delivery: None,
            delivery_detail: None,
        },
    )?;
    Ok(())
}
