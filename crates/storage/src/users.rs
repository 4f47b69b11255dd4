//! The `users` table (and `user_custom_values`, its search companion).
//!
//! Searchable standard attributes have their own indexed columns; the rest of a user's
//! attributes are one JSON object. Every listing is keyset-paged: a page costs the same at the
//! millionth user as at the first.

use std::collections::BTreeMap;

use domain::filter::{FilterAttribute, MatchType, UserFilter};
use domain::user::{COLUMN_ATTRIBUTES, UserStatus};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};
use serde::{Deserialize, Serialize};

use crate::sealed::Conn;
use crate::{Error, Read, Result, Tx, from_json, like_escape, prefix_upper_bound, to_json};

/// A stored user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub pk: i64,
    pub pool: i64,
    pub username: String,
    pub sub: String,
    pub status: UserStatus,
    pub enabled: bool,
    /// Every attribute, `sub` included, by name.
    pub attributes: BTreeMap<String, String>,
    /// PHC string (argon2id), if the user has a password.
    pub password_hash: Option<String>,
    pub password_set_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "pk, pool, username, sub, email, phone_number, name, given_name, \
    family_name, preferred_username, status, enabled, attributes, password_hash, \
    password_set_at, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<(UserRow, String, String)> {
    let mut attributes = BTreeMap::new();
    for (i, name) in COLUMN_ATTRIBUTES.iter().enumerate() {
        if let Some(v) = r.get::<_, Option<String>>(4 + i)? {
            attributes.insert((*name).to_string(), v);
        }
    }
    let sub: String = r.get(3)?;
    attributes.insert("sub".into(), sub.clone());
    Ok((
        UserRow {
            pk: r.get(0)?,
            pool: r.get(1)?,
            username: r.get(2)?,
            sub,
            status: UserStatus::Unknown,
            enabled: r.get(11)?,
            attributes,
            password_hash: r.get(13)?,
            password_set_at: r.get(14)?,
            created_at: r.get(15)?,
            updated_at: r.get(16)?,
        },
        r.get(10)?,
        r.get(12)?,
    ))
}

fn decode((mut u, status, extra): (UserRow, String, String)) -> Result<UserRow> {
    u.status = UserStatus::parse(&status).ok_or_else(|| Error::Corrupt {
        what: "user status",
        reason: status.clone(),
    })?;
    let extra: BTreeMap<String, String> = from_json("user attributes", &extra)?;
    u.attributes.extend(extra);
    Ok(u)
}

fn collect(
    rows: impl Iterator<Item = rusqlite::Result<(UserRow, String, String)>>,
) -> Result<Vec<UserRow>> {
    rows.map(|r| decode(r?)).collect()
}

/// Splits attributes into the indexed columns and the JSON remainder (`sub` excluded).
fn split(attrs: &BTreeMap<String, String>) -> Result<([Option<&str>; 6], String)> {
    let mut cols: [Option<&str>; 6] = [None; 6];
    let mut rest = BTreeMap::new();
    for (k, v) in attrs {
        if k == "sub" {
            continue;
        }
        match COLUMN_ATTRIBUTES.iter().position(|c| c == k) {
            Some(i) => cols[i] = Some(v.as_str()),
            None => {
                rest.insert(k.as_str(), v.as_str());
            }
        }
    }
    Ok((cols, to_json("user attributes", &rest)?))
}

fn write_custom_values(
    tx: &Tx<'_>,
    user: i64,
    pool: i64,
    attrs: &BTreeMap<String, String>,
) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached("DELETE FROM user_custom_values WHERE user = ?1")?
        .execute([user])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO user_custom_values(user, pool, name, value) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (k, v) in attrs.iter().filter(|(k, _)| k.starts_with("custom:")) {
        ins.execute(params![user, pool, k, v])?;
    }
    Ok(())
}

/// A user to insert.
pub struct NewUser<'a> {
    pub pool: i64,
    pub username: &'a str,
    /// The unique key: the username, lower-cased in case-insensitive pools.
    pub username_key: &'a str,
    pub sub: &'a str,
    pub status: UserStatus,
    pub enabled: bool,
    /// Attributes other than `sub`.
    pub attributes: &'a BTreeMap<String, String>,
    pub password_hash: Option<&'a str>,
    pub now: i64,
}

/// Inserts a user and counts it; [`Error::Conflict`] when the username key or sub is taken.
pub fn insert(tx: &Tx<'_>, u: &NewUser<'_>) -> Result<i64> {
    let pk = insert_uncounted(tx, u)?;
    add_to_count(tx, u.pool, 1)?;
    Ok(pk)
}

/// Inserts a user without touching the pool's count: for bulk paths, which call
/// [`add_to_count`] once for the whole batch in the same transaction.
pub fn insert_uncounted(tx: &Tx<'_>, u: &NewUser<'_>) -> Result<i64> {
    let (cols, rest) = split(u.attributes)?;
    let conn = tx.conn();
    conn.prepare_cached(
        "INSERT INTO users(pool, username, username_key, sub, email, phone_number, name, given_name,
            family_name, preferred_username, status, enabled, attributes, password_hash,
            password_set_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        u.pool,
        u.username,
        u.username_key,
        u.sub,
        cols[0],
        cols[1],
        cols[2],
        cols[3],
        cols[4],
        cols[5],
        u.status.as_str(),
        u.enabled,
        rest,
        u.password_hash,
        u.password_hash.map(|_| u.now),
        u.now,
    ])?;
    let pk = conn.last_insert_rowid();
    if u.attributes.keys().any(|k| k.starts_with("custom:")) {
        write_custom_values(tx, pk, u.pool, u.attributes)?;
    }
    Ok(pk)
}

/// The user whose username key is `key`.
pub fn get(r: &impl Read, pool: i64, key: &str) -> Result<Option<UserRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool = ?1 AND username_key = ?2"
    ))?;
    stmt.query_row(params![pool, key], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// The user with this key.
pub fn get_by_pk(r: &impl Read, pk: i64) -> Result<Option<UserRow>> {
    let mut stmt = r
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE pk = ?1"))?;
    stmt.query_row([pk], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// The user with this `sub`.
pub fn get_by_sub(r: &impl Read, pool: i64, sub: &str) -> Result<Option<UserRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool = ?1 AND sub = ?2"
    ))?;
    stmt.query_row(params![pool, sub], row)
        .optional()?
        .map(decode)
        .transpose()
}

/// Users whose column attribute `attr` (one of [`COLUMN_ATTRIBUTES`]) equals `value`, at most
/// `limit`. Email and names compare without case.
pub fn find_by_attribute(
    r: &impl Read,
    pool: i64,
    attr: &str,
    value: &str,
    limit: u32,
) -> Result<Vec<UserRow>> {
    let Some(col) = COLUMN_ATTRIBUTES.iter().find(|c| **c == attr) else {
        return Ok(Vec::new());
    };
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pool = ?1 AND {col} = ?2 ORDER BY pk LIMIT ?3"
    ))?;
    collect(stmt.query_map(params![pool, value, limit], row)?)
}

/// Replaces every attribute but `sub`.
pub fn replace_attributes(
    tx: &Tx<'_>,
    user: &UserRow,
    attrs: &BTreeMap<String, String>,
    now: i64,
) -> Result<()> {
    let (cols, rest) = split(attrs)?;
    tx.conn()
        .prepare_cached(
            "UPDATE users SET email = ?2, phone_number = ?3, name = ?4, given_name = ?5,
             family_name = ?6, preferred_username = ?7, attributes = ?8, updated_at = ?9
             WHERE pk = ?1",
        )?
        .execute(params![
            user.pk, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], rest, now
        ])?;
    let had_custom = user.attributes.keys().any(|k| k.starts_with("custom:"));
    if had_custom || attrs.keys().any(|k| k.starts_with("custom:")) {
        write_custom_values(tx, user.pk, user.pool, attrs)?;
    }
    Ok(())
}

/// Sets the status.
pub fn set_status(tx: &Tx<'_>, pk: i64, status: UserStatus, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE users SET status = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, status.as_str(), now])?;
    Ok(())
}

/// Enables or disables.
pub fn set_enabled(tx: &Tx<'_>, pk: i64, enabled: bool, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE users SET enabled = ?2, updated_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, enabled, now])?;
    Ok(())
}

/// Sets the password hash and the status that goes with it. The user's SRP verifier, made from
/// the old password, is dropped in the same transaction.
pub fn set_password(tx: &Tx<'_>, pk: i64, hash: &str, status: UserStatus, now: i64) -> Result<()> {
    crate::srp_verifiers::forget(tx, pk)?;
    tx.conn()
        .prepare_cached(
            "UPDATE users SET password_hash = ?2, password_set_at = ?3, status = ?4, updated_at = ?3
             WHERE pk = ?1",
        )?
        .execute(params![pk, hash, now, status.as_str()])?;
    Ok(())
}

/// Deletes a user (group memberships and custom values go with it) and uncounts it.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<()> {
    let pool: Option<i64> = tx
        .conn()
        .prepare_cached("DELETE FROM users WHERE pk = ?1 RETURNING pool")?
        .query_row([pk], |r| r.get(0))
        .optional()?;
    if let Some(pool) = pool {
        add_to_count(tx, pool, -1)?;
    }
    Ok(())
}

/// Adds `n` (which may be negative) to a pool's user count.
pub fn add_to_count(tx: &Tx<'_>, pool: i64, n: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE pool_counters SET users = users + ?2 WHERE pool = ?1")?
        .execute(params![pool, n])?;
    Ok(())
}

/// The maintained user count of a pool.
pub fn count(r: &impl Read, pool: i64) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT users FROM pool_counters WHERE pool = ?1")?
        .query_row([pool], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Where a page ended: the sort key of its last row and that row's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "k")]
    pub key: CursorKey,
    #[serde(rename = "p")]
    pub pk: i64,
}

/// A sort key value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorKey {
    Null,
    Int(i64),
    Text(String),
}

impl CursorKey {
    fn to_value(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Int(i) => Value::Integer(*i),
            Self::Text(t) => Value::Text(t.clone()),
        }
    }
}

/// A page of users and where the next one starts.
#[derive(Debug, Clone)]
pub struct Page {
    pub users: Vec<UserRow>,
    pub next: Option<Cursor>,
}

/// A `ListUsers` query.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub pool: i64,
    pub filter: Option<UserFilter>,
    /// Whether the pool compares usernames without case.
    pub case_insensitive: bool,
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// SQL under construction: `WHERE` terms and their parameters.
#[derive(Default)]
struct Sql {
    terms: Vec<String>,
    params: Vec<Value>,
}

impl Sql {
    fn param(&mut self, v: impl Into<Value>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }

    /// A prefix match on an indexed column: an index range, plus a `LIKE` check for columns that
    /// compare without case (whose range may be a little wider than the prefix).
    fn prefix(&mut self, col: &str, prefix: &str, nocase: bool) -> String {
        let lo = self.param(prefix.to_string());
        let mut t = format!("{col} >= {lo}");
        let folded = if nocase {
            prefix.to_ascii_lowercase()
        } else {
            prefix.to_string()
        };
        if let Some(hi) = prefix_upper_bound(&folded) {
            let hi = self.param(hi);
            t.push_str(&format!(" AND {col} < {hi}"));
        }
        if nocase {
            let like = self.param(format!("{}%", like_escape(prefix)));
            t.push_str(&format!(" AND {col} LIKE {like} ESCAPE '\\'"));
        }
        format!("({t})")
    }
}

fn column_of(attr: FilterAttribute) -> Option<(&'static str, bool)> {
    match attr {
        FilterAttribute::Username => Some(("username_key", false)),
        FilterAttribute::Email => Some(("email", true)),
        FilterAttribute::PhoneNumber => Some(("phone_number", false)),
        FilterAttribute::Name => Some(("name", true)),
        FilterAttribute::GivenName => Some(("given_name", true)),
        FilterAttribute::FamilyName => Some(("family_name", true)),
        FilterAttribute::PreferredUsername => Some(("preferred_username", true)),
        FilterAttribute::Sub => Some(("sub", false)),
        FilterAttribute::UserStatus | FilterAttribute::Enabled => None,
    }
}

fn matches(candidate: &str, m: MatchType, value: &str, ignore_case: bool) -> bool {
    let (c, v) = if ignore_case {
        (candidate.to_ascii_lowercase(), value.to_ascii_lowercase())
    } else {
        (candidate.to_string(), value.to_string())
    };
    match m {
        MatchType::Exact => c == v,
        MatchType::Prefix => c.starts_with(&v),
    }
}

fn in_list(sql: &mut Sql, col: &str, values: Vec<Value>) -> String {
    if values.is_empty() {
        return "0".into();
    }
    let ps: Vec<String> = values.into_iter().map(|v| sql.param(v)).collect();
    format!("{col} IN ({})", ps.join(", "))
}

/// The SQL (and parameters) for a `ListUsers` page; public so tests can inspect its plan.
pub fn list_sql(q: &ListQuery) -> (String, Vec<Value>) {
    let mut sql = Sql::default();
    let pool = sql.param(q.pool);
    sql.terms.push(format!("pool = {pool}"));
    // (sort column, whether the cursor carries a key)
    let mut order = ("username_key", true);
    match &q.filter {
        None => {}
        Some(f) => match column_of(f.attribute) {
            Some((col, nocase)) => {
                let value = if f.attribute == FilterAttribute::Username && q.case_insensitive {
                    f.value.to_lowercase()
                } else {
                    f.value.clone()
                };
                let term = match f.match_type {
                    MatchType::Exact => {
                        let p = sql.param(value);
                        format!("{col} = {p}")
                    }
                    MatchType::Prefix => sql.prefix(col, &value, nocase),
                };
                sql.terms.push(term);
                order = (col, true);
            }
            None if f.attribute == FilterAttribute::UserStatus => {
                let statuses = UserStatus::ALL
                    .into_iter()
                    .filter(|s| matches(s.as_str(), f.match_type, &f.value, true))
                    .map(|s| Value::Text(s.as_str().into()))
                    .collect();
                let t = in_list(&mut sql, "status", statuses);
                sql.terms.push(t);
                order = ("pk", false);
            }
            None => {
                let flags = [("Enabled", 1), ("Disabled", 0)]
                    .into_iter()
                    .filter(|(n, _)| matches(n, f.match_type, &f.value, false))
                    .map(|(_, v)| Value::Integer(v))
                    .collect();
                let t = in_list(&mut sql, "enabled", flags);
                sql.terms.push(t);
                order = ("pk", false);
            }
        },
    }
    if let Some(c) = &q.after {
        let pk = sql.param(c.pk);
        if order.1 {
            let k = sql.param(c.key.to_value());
            sql.terms.push(format!("({}, pk) > ({k}, {pk})", order.0));
        } else {
            sql.terms.push(format!("pk > {pk}"));
        }
    }
    let limit = sql.param(i64::from(q.limit) + 1);
    let order_by = if order.1 {
        format!("{}, pk", order.0)
    } else {
        "pk".into()
    };
    (
        format!(
            "SELECT {COLUMNS}, {} FROM users WHERE {} ORDER BY {order_by} LIMIT {limit}",
            if order.1 { order.0 } else { "NULL" },
            sql.terms.join(" AND ")
        ),
        sql.params,
    )
}

fn page(r: &impl Read, sql: &str, params: Vec<Value>, limit: u32) -> Result<Page> {
    let mut stmt = r.conn().prepare_cached(sql)?;
    let mut keys = Vec::new();
    let rows = stmt.query_map(params_from_iter(params), |r| {
        let key = match r.get::<_, Value>(17)? {
            Value::Integer(i) => CursorKey::Int(i),
            Value::Text(t) => CursorKey::Text(t),
            _ => CursorKey::Null,
        };
        Ok((row(r)?, key))
    })?;
    let mut users = Vec::new();
    for item in rows {
        let (u, key) = item?;
        users.push(decode(u)?);
        keys.push(key);
    }
    let next = if users.len() > limit as usize {
        users.truncate(limit as usize);
        users.last().map(|u| Cursor {
            key: keys[limit as usize - 1].clone(),
            pk: u.pk,
        })
    } else {
        None
    };
    Ok(Page { users, next })
}

/// A `ListUsers` page.
pub fn list(r: &impl Read, q: &ListQuery) -> Result<Page> {
    let (sql, params) = list_sql(q);
    page(r, &sql, params, q.limit)
}

/// What SearchUsers sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Username,
    Email,
    Created,
    Modified,
    Status,
}

impl SortKey {
    fn column(self) -> &'static str {
        match self {
            Self::Username => "username_key",
            Self::Email => "email",
            Self::Created => "created_at",
            Self::Modified => "updated_at",
            Self::Status => "status",
        }
    }
}

/// A SearchUsers query: one text matched against the start of the username (by the pool's
/// case rule), email, name, given_name, family_name, preferred_username and custom attribute
/// values (without case), phone_number (as written), and the whole `sub`; and structured
/// filters. Other attributes (`locale`, `address`, …) live in the JSON document and are not
/// searched.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub pool: i64,
    pub text: Option<String>,
    pub case_insensitive: bool,
    pub statuses: Vec<UserStatus>,
    pub enabled: Option<bool>,
    /// Only members of this group (its key).
    pub group: Option<i64>,
    /// Only users with (true) or without (false) an enabled MFA factor.
    pub mfa: Option<bool>,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<Cursor>,
    pub limit: u32,
    /// Whether few users match (as a capped [`search_count`] tells): picks how the text is
    /// searched. Either way the answer is the same; only the speed differs.
    pub few_matches: bool,
}

impl SearchQuery {
    fn has_filters(&self) -> bool {
        self.text.is_some()
            || !self.statuses.is_empty()
            || self.enabled.is_some()
            || self.group.is_some()
            || self.mfa.is_some()
    }
}

/// How the text terms are evaluated: `union` searches each attribute's index and sorts what
/// they find (fast when few users match); otherwise the sort order's index is walked and each
/// user tested (fast when many match).
fn search_terms(q: &SearchQuery, sql: &mut Sql, union: bool) {
    let pool = sql.param(q.pool);
    // With the union plan every text term carries the pool itself; a separate `pool = ?` term
    // would tempt the planner into walking the whole pool instead.
    if !(union && q.text.is_some()) {
        sql.terms.push(format!("pool = {pool}"));
    }
    if let Some(text) = &q.text {
        let mut any = Vec::new();
        let in_pool = if union {
            format!("pool = {pool} AND ")
        } else {
            String::new()
        };
        let key = if q.case_insensitive {
            text.to_lowercase()
        } else {
            text.clone()
        };
        any.push(format!(
            "({in_pool}{})",
            sql.prefix("username_key", &key, false)
        ));
        for col in [
            "email",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
        ] {
            any.push(format!("({in_pool}{})", sql.prefix(col, text, true)));
        }
        any.push(format!(
            "({in_pool}{})",
            sql.prefix("phone_number", text, false)
        ));
        let p = sql.param(text.clone());
        any.push(format!("({in_pool}sub = {p})"));
        let custom = sql.prefix("value", text, true);
        any.push(format!(
            "pk IN (SELECT user FROM user_custom_values WHERE pool = {pool} AND {custom})"
        ));
        sql.terms.push(format!("({})", any.join(" OR ")));
    }
    if !q.statuses.is_empty() {
        let values = q
            .statuses
            .iter()
            .map(|s| Value::Text(s.as_str().into()))
            .collect();
        let t = in_list(sql, "status", values);
        sql.terms.push(t);
    }
    if let Some(e) = q.enabled {
        let p = sql.param(i64::from(e));
        sql.terms.push(format!("enabled = {p}"));
    }
    if let Some(g) = q.group {
        let p = sql.param(g);
        sql.terms.push(format!(
            "pk IN (SELECT user FROM group_members WHERE grp = {p})"
        ));
    }
    if let Some(with) = q.mfa {
        let not = if with { "" } else { "NOT " };
        sql.terms.push(format!(
            "pk {not}IN (SELECT user FROM user_mfa WHERE pool = {pool} AND \
             ((totp_enabled = 1 AND totp_sealed IS NOT NULL) OR email_enabled = 1 \
             OR sms_enabled = 1))"
        ));
    }
}

/// The SQL for a SearchUsers page; public so tests can inspect its plan.
pub fn search_sql(q: &SearchQuery) -> (String, Vec<Value>) {
    let mut sql = Sql::default();
    search_terms(q, &mut sql, q.few_matches);
    let col = q.sort.column();
    let nullable = q.sort == SortKey::Email;
    if let Some(c) = &q.after {
        let pk = sql.param(c.pk);
        let term = match (&c.key, q.descending) {
            (CursorKey::Null, false) if nullable => {
                format!("(({col} IS NULL AND pk > {pk}) OR {col} IS NOT NULL)")
            }
            (CursorKey::Null, true) if nullable => format!("({col} IS NULL AND pk < {pk})"),
            (key, false) => {
                let k = sql.param(key.to_value());
                format!("({col}, pk) > ({k}, {pk})")
            }
            (key, true) => {
                let k = sql.param(key.to_value());
                if nullable {
                    format!("(({col}, pk) < ({k}, {pk}) OR {col} IS NULL)")
                } else {
                    format!("({col}, pk) < ({k}, {pk})")
                }
            }
        };
        sql.terms.push(term);
    }
    let dir = if q.descending { "DESC" } else { "ASC" };
    let limit = sql.param(i64::from(q.limit) + 1);
    (
        format!(
            "SELECT {COLUMNS}, {col} FROM users WHERE {} ORDER BY {col} {dir}, pk {dir} LIMIT {limit}",
            sql.terms.join(" AND ")
        ),
        sql.params,
    )
}

/// A SearchUsers page.
pub fn search(r: &impl Read, q: &SearchQuery) -> Result<Page> {
    let (sql, params) = search_sql(q);
    page(r, &sql, params, q.limit)
}

/// How many users match a SearchUsers query: exact up to `cap`, and `(cap, false)` beyond it, so
/// that a broad query on a huge pool answers quickly. With no filter it is the maintained
/// counter, always exact.
pub fn search_count(r: &impl Read, q: &SearchQuery, cap: i64) -> Result<(i64, bool)> {
    if !q.has_filters() {
        return Ok((count(r, q.pool)?, true));
    }
    let mut sql = Sql::default();
    search_terms(q, &mut sql, true);
    let limit = sql.param(cap + 1);
    let text = format!(
        "SELECT count(*) FROM (SELECT 1 FROM users WHERE {} LIMIT {limit})",
        sql.terms.join(" AND ")
    );
    let n: i64 = r
        .conn()
        .prepare_cached(&text)?
        .query_row(params_from_iter(sql.params), |row| row.get(0))?;
    Ok(if n > cap { (cap, false) } else { (n, true) })
}

/// Members of a group ordered by key, after `after_pk`, at most `limit`.
pub fn list_in_group(r: &impl Read, group: i64, after_pk: i64, limit: u32) -> Result<Vec<UserRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE pk IN (SELECT user FROM group_members WHERE grp = ?1)
         AND pk > ?2 ORDER BY pk LIMIT ?3"
    ))?;
    collect(stmt.query_map(params![group, after_pk, limit], row)?)
}
