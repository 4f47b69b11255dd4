//! Listing and searching a pool's users: keyset pages (no OFFSET), Cognito's `ListUsers`
//! filter as SQL on indexed columns, and Poolhouse's search across the searchable attributes.

use domain::filter::{FilterAttribute, MatchType, UserFilter};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use domain::user::UserStatus;

use super::{COLUMNS, UserRow, count, decode, row};
use crate::{Read, Result, like_escape, prefix_upper_bound};

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

/// How a SearchUsers text is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextMatch {
    /// The start of a field, on each field's index (see [`SearchQuery`]).
    #[default]
    Prefix,
    /// Anywhere inside email, name, `given_name + " " + family_name`, preferred_username and
    /// phone_number, without case (phone as written). No index serves this: the sort order's
    /// index is walked and each user tested, so a page stops at its `LIMIT` and a count at its
    /// cap, whatever the pool's size.
    Contains,
}

/// Who signs in how, as SearchUsers filters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInVia {
    /// The pool's own sign-in: every user but the federated ones (`EXTERNAL_PROVIDER`); a
    /// user linked to a provider signs in both ways and is one of them.
    Cognito,
    /// Any identity provider: the federated users, and the users linked to a provider.
    AnyProvider,
    /// One provider (its name, exactly): its federated users (`<name>_<subject>`,
    /// `EXTERNAL_PROVIDER`) and the users linked to one of its identities.
    Provider(String),
}

/// A SearchUsers query: one text matched against the start of the username (by the pool's
/// case rule), email, name, given_name, family_name, preferred_username and custom attribute
/// values (without case), phone_number (as written), and the whole `sub` — or, with
/// [`TextMatch::Contains`], inside a few of them; and structured filters. Other attributes
/// (`locale`, `address`, …) live in the JSON document and are not searched.
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
    /// Only users locked out (true) or not (false) at `now`.
    pub locked: Option<bool>,
    /// Only users who sign in this way.
    pub sign_in: Option<SignInVia>,
    /// ms; what "locked out" is measured against.
    pub now: i64,
    pub text_match: TextMatch,
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
            || self.locked.is_some()
            || self.sign_in.is_some()
    }
}

/// How the text terms are evaluated: `union` searches each attribute's index and sorts what
/// they find (fast when few users match); otherwise the sort order's index is walked and each
/// user tested (fast when many match).
fn search_terms(q: &SearchQuery, sql: &mut Sql, union: bool) {
    let union_plan = union;
    // A contains match has no index to unite: it always walks.
    let contains = q.text_match == TextMatch::Contains;
    let by_provider = union
        && matches!(
            q.sign_in,
            Some(SignInVia::Provider(_) | SignInVia::AnyProvider)
        );
    let union = union && !contains;
    let pool = sql.param(q.pool);
    // With the union plan every text term, and every branch of a provider's term, carries the
    // pool itself; a separate `pool = ?` term would tempt the planner into walking the whole
    // pool instead.
    if !(union && q.text.is_some() || by_provider) {
        sql.terms.push(format!("pool = {pool}"));
    }
    if let (Some(text), true) = (&q.text, contains) {
        let like = sql.param(format!("%{}%", like_escape(text)));
        let any: Vec<String> = [
            "email",
            "name",
            "(given_name || ' ' || family_name)",
            "given_name",
            "family_name",
            "preferred_username",
            "phone_number",
        ]
        .iter()
        .map(|col| format!("{col} LIKE {like} ESCAPE '\\'"))
        .collect();
        sql.terms.push(format!("({})", any.join(" OR ")));
    } else if let Some(text) = &q.text {
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
    if let Some(locked) = q.locked {
        let not = if locked { "" } else { "NOT " };
        let now = sql.param(q.now);
        sql.terms.push(format!(
            "pk {not}IN (SELECT user FROM user_security WHERE locked_until > {now})"
        ));
    }
    if let Some(via) = &q.sign_in {
        let t = sign_in_term(q, sql, &pool, via, union_plan);
        sql.terms.push(t);
    }
}

/// The term for a sign-in filter. A provider's federated users are found by the username
/// index (their names start `<provider>_`; a provider name has no `_` past its second
/// character, so no provider's prefix starts another's) and their status, its linked users by
/// the links' `(pool, provider_name, subject)` index. With the union plan each branch carries
/// the pool, so that the planner unites the two indexes' finds; otherwise the sort order is
/// walked and each user tested. The pool's own users are the other statuses: looked up by the
/// status index with the union plan (a count stops at its cap however few they are), tested
/// row by row on a walk.
fn sign_in_term(
    q: &SearchQuery,
    sql: &mut Sql,
    pool: &str,
    via: &SignInVia,
    union: bool,
) -> String {
    let external = UserStatus::ExternalProvider;
    match via {
        SignInVia::Cognito if union => {
            let own = UserStatus::ALL
                .into_iter()
                .filter(|s| *s != external)
                .map(|s| Value::Text(s.as_str().into()))
                .collect();
            in_list(sql, "status", own)
        }
        SignInVia::Cognito => {
            let e = sql.param(external.as_str().to_string());
            format!("status != {e}")
        }
        SignInVia::AnyProvider => {
            let e = sql.param(external.as_str().to_string());
            format!(
                "((pool = {pool} AND status = {e}) \
                 OR pk IN (SELECT user FROM user_provider_links WHERE pool = {pool}))"
            )
        }
        SignInVia::Provider(name) => {
            let e = sql.param(external.as_str().to_string());
            let prefix = format!("{name}_");
            let key = if q.case_insensitive {
                prefix.to_lowercase()
            } else {
                prefix.clone()
            };
            let mut federated = format!(
                "pool = {pool} AND status = {e} AND {}",
                sql.prefix("username_key", &key, false)
            );
            // In a pool that compares usernames without case the key range is the name's
            // whatever its case: the username itself tells `Okta_…` from `OKTA_…`.
            if q.case_insensitive {
                federated.push_str(&format!(" AND {}", sql.prefix("username", &prefix, false)));
            }
            let n = sql.param(name.clone());
            format!(
                "(({federated}) OR pk IN (SELECT user FROM user_provider_links \
                 WHERE pool = {pool} AND provider_name = {n}))"
            )
        }
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

/// The SQL that counts a SearchUsers query's users up to `cap + 1` (the union plan: each
/// filter's index); public so tests can inspect its plan.
pub fn search_count_sql(q: &SearchQuery, cap: i64) -> (String, Vec<Value>) {
    let mut sql = Sql::default();
    search_terms(q, &mut sql, true);
    let limit = sql.param(cap + 1);
    (
        format!(
            "SELECT count(*) FROM (SELECT 1 FROM users WHERE {} LIMIT {limit})",
            sql.terms.join(" AND ")
        ),
        sql.params,
    )
}

/// How many users match a SearchUsers query: exact up to `cap`, and `(cap, false)` beyond it, so
/// that a broad query on a huge pool answers quickly. With no filter it is the maintained
/// counter, always exact.
pub fn search_count(r: &impl Read, q: &SearchQuery, cap: i64) -> Result<(i64, bool)> {
    if !q.has_filters() {
        return Ok((count(r, q.pool)?, true));
    }
    let (text, params) = search_count_sql(q, cap);
    let n: i64 = r
        .conn()
        .prepare_cached(&text)?
        .query_row(params_from_iter(params), |row| row.get(0))?;
    Ok(if n > cap { (cap, false) } else { (n, true) })
}
