//! The `ListUsers` filter under generated input, on a real store: whatever the filter text,
//! `users::list` answers without panicking; a filter the parser refuses is an invalid
//! parameter naming `Filter`; a filter it reads finds exactly the users a plain model of the
//! filter's meaning finds (the SQL, its indexes, `LIKE` escapes and prefix ranges against a
//! loop over the users), in the same order page after page.
//!
//! The filters are mutations of valid ones: attribute names misspelt or in another case,
//! operators doubled or split, values cut from the users' own values (prefixes, other case,
//! escapes, `%` and `_`), quotes missing or escaped. `tests/corpus/filters.txt` holds seed
//! filters that are replayed on every run and drawn from by the generator.
//!
//! 256 cases per property by default; `PROPTEST_CASES` runs more.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::OnceLock;

use common::{Env, quiet};
use domain::filter::{FilterAttribute, MatchType, UserFilter, parse_filter};
use domain::pool::{PoolSettings, UsernameConfiguration};
use proptest::prelude::*;
use storage::users::UserRow;
use tokens::MacKey;
use user_pools::Error;
use user_pools::pools::Identity;
use user_pools::users::{self, Enablement};

fn config(default_cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(default_cases)
    }
}

/// Users whose values stress the SQL: `LIKE` metacharacters, quotes and backslashes,
/// non-ASCII letters whose case SQLite does not fold, prefixes of one another, missing
/// attributes.
const USERS: &[(&str, &[(&str, &str)])] = &[
    (
        "Ana",
        &[
            ("email", "Ana.Smith@Example.com"),
            ("name", "Ana María"),
            ("given_name", "Ana"),
            ("family_name", "Smith"),
            ("phone_number", "+15550001111"),
            ("preferred_username", "ana_s"),
        ],
    ),
    (
        "ana2",
        &[
            ("email", "ana@example.com"),
            ("name", "ANA"),
            ("given_name", "ana"),
            ("family_name", "smith"),
            ("phone_number", "+15550001"),
            ("preferred_username", "ana%s"),
        ],
    ),
    (
        "Ébé",
        &[
            ("email", "ebe@exämple.com"),
            ("name", "Éloïse"),
            ("given_name", "é"),
            ("family_name", "Ünal"),
        ],
    ),
    (
        "quote",
        &[
            ("name", "He said \"hi\" \\ ok"),
            ("given_name", "_"),
            ("family_name", "%"),
            ("preferred_username", "a_b"),
        ],
    ),
    (
        "under_score",
        &[
            ("name", "100%"),
            ("given_name", "a\\b"),
            ("family_name", "a\\\\b"),
        ],
    ),
    ("İstanbul", &[("name", "İ"), ("given_name", "i")]),
    ("Straße", &[("name", "STRASSE"), ("given_name", "straße")]),
    (
        "user.one",
        &[("email", "user.one@example.com"), ("name", "[x]")],
    ),
    ("ZZZ", &[]),
    ("zzz_", &[("name", "zz")]),
];

/// The users that end up disabled.
const DISABLED: &[&str] = &["user.one", "ZZZ"];

struct Pool {
    env: Env,
    pages: MacKey,
    users: Vec<UserRow>,
    case_insensitive: bool,
}

fn pool(case_insensitive: bool) -> &'static Pool {
    static SENSITIVE: OnceLock<Pool> = OnceLock::new();
    static FOLDED: OnceLock<Pool> = OnceLock::new();
    let cell = if case_insensitive {
        &FOLDED
    } else {
        &SENSITIVE
    };
    cell.get_or_init(|| {
        let env = Env::with(
            PoolSettings::default(),
            Identity {
                username_configuration: Some(UsernameConfiguration {
                    case_sensitive: !case_insensitive,
                }),
                ..Identity::default()
            },
        );
        for (name, attributes) in USERS {
            env.write(|tx, ctx| {
                users::admin_create(tx, ctx, &env.pool_id, quiet(name, attributes))
            })
            .unwrap();
        }
        env.write(|tx, ctx| users::generate(tx, ctx, &env.pool_id, "gen", 3))
            .unwrap();
        for name in DISABLED {
            env.write(|tx, ctx| {
                users::set_enabled(tx, ctx, &env.pool_id, name, Enablement::Disabled)
            })
            .unwrap();
        }
        let pages = user_pools::pagination::key(&env.master);
        let (users, next) = env
            .read(|r| users::list(r, &pages, &env.pool_id, None, Some(60), None))
            .unwrap();
        assert!(next.is_none());
        assert_eq!(users.len(), USERS.len() + 3);
        Pool {
            env,
            pages,
            users,
            case_insensitive,
        }
    })
}

/// What a filter means, as a loop over the users: which value of the user it reads, and
/// whether that comparison ignores case (ASCII only, as SQLite's NOCASE does; the username by
/// the pool's rule, on the lowercased key).
fn model(p: &Pool, f: &UserFilter) -> Vec<String> {
    let mut found: Vec<String> = p
        .users
        .iter()
        .filter(|u| {
            let (value, wanted): (Option<String>, String) = match f.attribute {
                FilterAttribute::Username if p.case_insensitive => {
                    (Some(u.username.to_lowercase()), f.value.to_lowercase())
                }
                FilterAttribute::Username => (Some(u.username.clone()), f.value.clone()),
                FilterAttribute::Sub => (Some(u.sub.clone()), f.value.clone()),
                FilterAttribute::PhoneNumber => {
                    (u.attributes.get("phone_number").cloned(), f.value.clone())
                }
                FilterAttribute::UserStatus => (
                    Some(u.status.as_str().to_ascii_lowercase()),
                    f.value.to_ascii_lowercase(),
                ),
                FilterAttribute::Enabled => (
                    Some(if u.enabled { "Enabled" } else { "Disabled" }.to_owned()),
                    f.value.clone(),
                ),
                other => (
                    u.attributes
                        .get(other.as_str())
                        .map(|v| v.to_ascii_lowercase()),
                    f.value.to_ascii_lowercase(),
                ),
            };
            value.is_some_and(|v| match f.match_type {
                MatchType::Exact => v == wanted,
                MatchType::Prefix => v.starts_with(&wanted),
            })
        })
        .map(|u| u.username.clone())
        .collect();
    found.sort();
    found
}

/// Lists with `filter`, following page tokens `limit` users at a time.
fn list_all(p: &Pool, filter: &str, limit: u32) -> Result<Vec<UserRow>, Error> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..100 {
        let (page, next) = p.env.read(|r| {
            users::list(
                r,
                &p.pages,
                &p.env.pool_id,
                Some(filter),
                Some(limit),
                token.as_deref(),
            )
        })?;
        assert!(page.len() <= limit as usize);
        all.extend(page);
        match next {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
    panic!("{filter}: more than 100 pages for {} users", p.users.len());
}

/// The property: refused exactly when the parser refuses, and then naming `Filter`; else the
/// model's users, the same in pages of any size.
fn check(p: &Pool, filter: &str, limit: u32) -> Result<(), TestCaseError> {
    let whole = list_all(p, filter, 60);
    match parse_filter(filter) {
        Err(_) => {
            let message = match whole {
                Err(Error::InvalidParameter(m)) => m.to_string(),
                other => return Err(TestCaseError::fail(format!("{filter:?}: {other:?}"))),
            };
            prop_assert!(message.contains("Filter"), "{filter:?}: {message}");
        }
        Ok(parsed) => {
            let whole = whole.map_err(|e| TestCaseError::fail(format!("{filter:?}: {e:?}")))?;
            let mut names: Vec<String> = whole.iter().map(|u| u.username.clone()).collect();
            let expected = match &parsed {
                Some(f) => model(p, f),
                None => {
                    let mut all: Vec<String> = p.users.iter().map(|u| u.username.clone()).collect();
                    all.sort();
                    all
                }
            };
            let in_order = names.clone();
            names.sort();
            prop_assert_eq!(&names, &expected, "{:?} (parsed as {:?})", filter, parsed);
            let paged: Vec<String> = list_all(p, filter, limit)
                .map_err(|e| TestCaseError::fail(format!("{filter:?} paged: {e:?}")))?
                .into_iter()
                .map(|u| u.username)
                .collect();
            prop_assert_eq!(paged, in_order, "{:?}: pages of {}", filter, limit);
        }
    }
    Ok(())
}

fn corpus() -> Vec<String> {
    include_str!("corpus/filters.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_seed_filters_are_answered_as_the_model_says() {
    for case_insensitive in [false, true] {
        let p = pool(case_insensitive);
        let (mut refused, mut finding, mut empty) = (0, 0, 0);
        for filter in corpus() {
            check(p, &filter, 2).unwrap_or_else(|e| panic!("{e}"));
            match parse_filter(&filter) {
                Err(_) => refused += 1,
                Ok(Some(f)) if !model(p, &f).is_empty() => finding += 1,
                Ok(_) => empty += 1,
            }
        }
        // The seeds exercise all three answers, most of them finding someone.
        assert!(
            refused >= 10 && finding >= 50 && empty >= 5,
            "refused {refused}, finding {finding}, empty {empty}"
        );
    }
}

/// A value to search for: cut from a user's own values (whole or a prefix), in another case,
/// with escapes, or arbitrary.
fn value() -> impl Strategy<Value = String> {
    let own: Vec<String> = USERS
        .iter()
        .flat_map(|(name, attributes)| {
            std::iter::once((*name).to_owned()).chain(attributes.iter().map(|(_, v)| (*v).into()))
        })
        .chain(["FORCE_CHANGE_PASSWORD", "CONFIRMED", "Enabled", "Disabled"].map(String::from))
        .collect();
    prop_oneof![
        4 => (proptest::sample::select(own), 0usize..40, 0u8..4).prop_map(|(v, cut, case)| {
            let chars: Vec<char> = v.chars().collect();
            let cut = cut.min(chars.len());
            let v: String = if cut == 0 { v } else { chars[..cut].iter().collect() };
            match case {
                0 => v.to_uppercase(),
                1 => v.to_lowercase(),
                _ => v,
            }
        }),
        1 => proptest::sample::select(vec!["%", "_", "\\", "%%", "a%", "a_b", "[x]", "*", "", " ", "\u{0}", "\u{10FFFF}", "\u{FFFF}"])
            .prop_map(String::from),
        1 => "\\PC{0,12}",
    ]
}

/// Escapes a value the way the filter syntax reads it, or deliberately not.
fn quoted() -> impl Strategy<Value = String> {
    (value(), 0u8..8).prop_map(|(v, how)| {
        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
        match how {
            0 => format!("\"{v}\""),
            1 => format!("\"{escaped}"),
            2 => v,
            3 => format!("'{escaped}'"),
            4 => format!("\"{escaped}\\\""),
            5 => format!("\"{escaped}\" trailing"),
            _ => format!("\"{escaped}\""),
        }
    })
}

fn attribute_name() -> impl Strategy<Value = String> {
    let names: Vec<&str> = FilterAttribute::ALL.iter().map(|a| a.as_str()).collect();
    prop_oneof![
        6 => proptest::sample::select(names.clone()).prop_map(String::from),
        1 => proptest::sample::select(names.clone()).prop_map(|n| n.to_uppercase()),
        1 => proptest::sample::select(names).prop_map(|n| format!("{n}x")),
        1 => proptest::sample::select(vec!["custom:tier", "", "email ", "cognito:", "status:", "\"email\""])
            .prop_map(String::from),
    ]
}

fn operator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just("="),
        4 => Just("^="),
        1 => proptest::sample::select(vec!["==", "^", "^ =", "=^", "~=", "!=", "", " = ", "^=^="]),
    ]
}

fn space() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec!["", "", " ", "  ", "\t", "\n", "\u{00A0}"])
}

fn filter() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (space(), attribute_name(), space(), operator(), space(), quoted(), space())
            .prop_map(|(a, name, b, op, c, v, d)| format!("{a}{name}{b}{op}{c}{v}{d}")),
        1 => (proptest::sample::select(corpus()), any::<usize>(), any::<char>()).prop_map(
            |(seed, at, c)| {
                let mut chars: Vec<char> = seed.chars().collect();
                if !chars.is_empty() {
                    let i = at % chars.len();
                    chars[i] = c;
                }
                chars.into_iter().collect()
            }
        ),
        1 => "\\PC{0,300}",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_filter_is_refused_by_name_or_answered_as_the_model_says(
        f in filter(),
        case_insensitive in any::<bool>(),
        limit in 1u32..4,
    ) {
        check(pool(case_insensitive), &f, limit)?;
    }
}
