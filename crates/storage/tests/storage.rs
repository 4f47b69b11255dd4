//! Storage tests: each on a fresh file in a temp dir.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use domain::filter::parse_filter;
use domain::pool::PoolConfig;
use domain::user::UserStatus;
use storage::users::{self, ListQuery, NewUser, SearchQuery, SortKey, TextMatch};
use storage::{Db, Error, pools};
use testkit::TestDb;

fn pool(db: &Db) -> i64 {
    db.write(|tx| pools::insert(tx, "us-east-1_test", "test", &PoolConfig::default(), 1))
        .unwrap()
}

fn add_user(db: &Db, pool: i64, name: &str, email: Option<&str>) -> i64 {
    let email: Vec<(&str, &str)> = email.map(|e| ("email", e)).into_iter().collect();
    add_user_with(db, pool, name, &email)
}

/// A confirmed user with these attributes; its `sub` is `sub-<name>`.
fn add_user_with(db: &Db, pool: i64, name: &str, attributes: &[(&str, &str)]) -> i64 {
    let attrs: BTreeMap<String, String> = attributes
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    let sub = format!("sub-{name}");
    db.write(|tx| {
        users::insert(
            tx,
            &NewUser {
                pool,
                username: name,
                username_key: &name.to_lowercase(),
                sub: &sub,
                status: UserStatus::Confirmed,
                enabled: true,
                attributes: &attrs,
                password_hash: None,
                now: 10,
            },
        )
    })
    .unwrap()
}

fn user_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn new_store_is_private_and_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/store.db");
    let db = Db::open(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode_of = |p: &std::path::Path| {
            std::fs::metadata(p)
                .unwrap_or_else(|e| panic!("{} exists while the store is open: {e}", p.display()))
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(
            mode_of(&path),
            0o600,
            "the store holds password hashes and must be private"
        );
        // The WAL and its index exist while a connection is open, and hold recent writes.
        db.write(|tx| pools::insert(tx, "us-east-1_test", "test", &PoolConfig::default(), 1))
            .unwrap();
        for suffix in ["-wal", "-shm"] {
            let side = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            assert_eq!(mode_of(&side), 0o600, "{suffix} is private too");
        }
    }
    drop(db);
    assert_eq!(
        user_version(&path),
        Db::schema_version(),
        "a new store is at the latest schema"
    );
    // Reopening applies nothing and works.
    drop(Db::open(&path).unwrap());
    assert_eq!(user_version(&path), Db::schema_version());
}

#[cfg(unix)]
fn mode_of(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn folders_made_for_a_store_are_private_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/store.db");
    drop(Db::open(&path).unwrap());
    for folder in ["a", "a/b"] {
        assert_eq!(
            mode_of(&dir.path().join(folder)),
            0o700,
            "{folder} holds the store and its key file, so only its owner may list or enter it"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_existing_store_readable_by_others_is_made_private_on_open() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    drop(Db::open(&path).unwrap());
    // Copied or restored with a loose mode, as `cp` under a 022 umask leaves it.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = Db::open(&path).unwrap();
    assert_eq!(mode_of(&path), 0o600, "tightened when opened");
    db.write(|tx| pools::insert(tx, "us-east-1_test", "test", &PoolConfig::default(), 1))
        .unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    assert_eq!(
        mode_of(&wal),
        0o600,
        "and the WAL SQLite makes beside it follows"
    );
    drop(db);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    storage::make_private(&path);
    assert_eq!(mode_of(&path), 0o600);
    // A private file is left as it is (and a missing one is no error).
    storage::make_private(&dir.path().join("absent"));
}

#[test]
fn key_files_are_ignored_by_git() {
    // `*.db` does not cover `store.db.key`, the store's master key.
    let gitignore = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.gitignore");
    let lines = std::fs::read_to_string(gitignore).unwrap();
    assert!(
        lines.lines().any(|l| l.trim() == "*.db.key"),
        ".gitignore lists *.db.key"
    );
}

#[test]
fn a_store_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    drop(Db::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", Db::schema_version() + 1)
        .unwrap();
    drop(conn);
    match Db::open(&path) {
        Err(Error::NewerSchema { found, .. }) => assert_eq!(found, Db::schema_version() + 1),
        other => panic!("expected NewerSchema, got {other:?}"),
    }
}

#[test]
fn a_newer_store_is_refused_before_anything_is_written_to_it() {
    // A newer build's store in rollback-journal mode: switching it to WAL would rewrite its
    // header (bytes 18 and 19 go from 1 to 2) before the schema version is even read.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE;
         CREATE TABLE from_the_future(x);
         INSERT INTO from_the_future VALUES (1);",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", Db::schema_version() + 1)
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    assert_eq!((before[18], before[19]), (1, 1), "a rollback-journal file");
    match Db::open(&path) {
        Err(Error::NewerSchema { found, .. }) => assert_eq!(found, Db::schema_version() + 1),
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let after = std::fs::read(&path).unwrap();
    assert_eq!(
        (after[18], after[19]),
        (1, 1),
        "refusing the store leaves its journal mode as it was"
    );
    assert!(
        after == before,
        "refusing the store leaves every byte of it as it was"
    );
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(
            !side.exists(),
            "no {suffix} file is left beside a refused store"
        );
    }
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let db = TestDb::new();
    let p = pool(&db);
    let result: Result<(), Error> = db.write(|tx| {
        users::insert(
            tx,
            &NewUser {
                pool: p,
                username: "a",
                username_key: "a",
                sub: "s1",
                status: UserStatus::Confirmed,
                enabled: true,
                attributes: &BTreeMap::new(),
                password_hash: None,
                now: 1,
            },
        )?;
        // Same key again: the whole transaction must roll back, first row included.
        users::insert(
            tx,
            &NewUser {
                pool: p,
                username: "A",
                username_key: "a",
                sub: "s2",
                status: UserStatus::Confirmed,
                enabled: true,
                attributes: &BTreeMap::new(),
                password_hash: None,
                now: 1,
            },
        )?;
        Ok(())
    });
    assert!(matches!(result, Err(Error::Conflict { .. })), "{result:?}");
    let count = db.read(|r| users::count(r, p)).unwrap();
    assert_eq!(count, 0, "the counter rolls back with the rows");
    assert!(db.read(|r| users::get(r, p, "a")).unwrap().is_none());
}

#[test]
fn user_count_follows_inserts_and_deletes() {
    let db = TestDb::new();
    let p = pool(&db);
    let a = add_user(&db, p, "alice", None);
    add_user(&db, p, "bob", None);
    assert_eq!(db.read(|r| users::count(r, p)).unwrap(), 2);
    db.write(|tx| users::delete(tx, a)).unwrap();
    assert_eq!(db.read(|r| users::count(r, p)).unwrap(), 1);
}

#[test]
fn a_bulk_insert_counts_once_and_a_deleted_pool_takes_its_counter() {
    let db = TestDb::new();
    let p = pool(&db);
    let attrs = BTreeMap::new();
    db.write(|tx| {
        for i in 0..5 {
            let name = format!("bulk{i}");
            let sub = format!("sub-bulk{i}");
            users::insert_uncounted(
                tx,
                &NewUser {
                    pool: p,
                    username: &name,
                    username_key: &name,
                    sub: &sub,
                    status: UserStatus::Confirmed,
                    enabled: true,
                    attributes: &attrs,
                    password_hash: None,
                    now: 10,
                },
            )?;
        }
        users::add_to_count(tx, p, 5)
    })
    .unwrap();
    assert_eq!(db.read(|r| users::count(r, p)).unwrap(), 5);
    let listed = db
        .read(|r| pools::get(r, "us-east-1_test"))
        .unwrap()
        .unwrap();
    assert_eq!(listed.user_count, 5);
    db.write(|tx| pools::delete(tx, p)).unwrap();
    assert_eq!(db.read(|r| users::count(r, p)).unwrap(), 0);
}

#[test]
fn a_version_1_store_keeps_its_user_counts_when_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(include_str!("../migrations/0001_initial.sql"))
            .unwrap();
        c.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO user_pools(pk, id, name, config, created_at, updated_at)
               VALUES (7, 'us-east-1_old', 'old', '{}', 1, 1);
             INSERT INTO users(pool, username, username_key, sub, status, enabled, attributes,
               created_at, updated_at)
               VALUES (7, 'a', 'a', 's-a', 'CONFIRMED', 1, '{}', 1, 1),
                      (7, 'b', 'b', 's-b', 'CONFIRMED', 1, '{}', 1, 1);",
        )
        .unwrap();
        let counted: i64 = c
            .query_row("SELECT user_count FROM user_pools WHERE pk = 7", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(counted, 2, "the version-1 triggers counted");
    }
    let db = Db::open(&path).unwrap();
    assert_eq!(db.read(|r| users::count(r, 7)).unwrap(), 2);
    let u = db.read(|r| users::get(r, 7, "a")).unwrap().unwrap();
    db.write(|tx| users::delete(tx, u.pk)).unwrap();
    assert_eq!(db.read(|r| users::count(r, 7)).unwrap(), 1);
}

#[test]
fn keyset_pages_visit_every_user_once() {
    let db = TestDb::new();
    let p = pool(&db);
    for i in 0..137 {
        add_user(
            &db,
            p,
            &format!("user{i:03}"),
            Some(&format!("u{i}@example.com")),
        );
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .read(|r| {
                users::list(
                    r,
                    &ListQuery {
                        pool: p,
                        filter: None,
                        case_insensitive: true,
                        after: after.clone(),
                        limit: 60,
                    },
                )
            })
            .unwrap();
        seen.extend(page.users.iter().map(|u| u.username.clone()));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 137);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "pages are ordered and never repeat a user");
}

#[test]
fn email_prefix_is_case_insensitive_and_exact_about_the_prefix() {
    let db = TestDb::new();
    let p = pool(&db);
    add_user(&db, p, "a", Some("Ann@example.com"));
    add_user(&db, p, "b", Some("anna@example.com"));
    add_user(&db, p, "c", Some("an[x@example.com"));
    add_user(&db, p, "d", Some("bob@example.com"));
    add_user(&db, p, "e", None);
    let q = |f: &str| {
        let filter = parse_filter(f).unwrap();
        let page = db
            .read(|r| {
                users::list(
                    r,
                    &ListQuery {
                        pool: p,
                        filter,
                        case_insensitive: true,
                        after: None,
                        limit: 60,
                    },
                )
            })
            .unwrap();
        page.users
            .into_iter()
            .map(|u| u.username)
            .collect::<Vec<_>>()
    };
    assert_eq!(q("email ^= \"AN\""), ["c", "a", "b"]);
    assert_eq!(q("email ^= \"ann\""), ["a", "b"]);
    assert_eq!(q("email = \"ANN@example.com\""), ["a"]);
    assert_eq!(
        q("email ^= \"an%\""),
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    assert_eq!(q("cognito:user_status = \"confirmed\"").len(), 5);
    assert_eq!(q("status = \"Disabled\"").len(), 0);
}

/// The query plan of `sql`, its parameters inlined so that EXPLAIN sees the statement as the
/// engine does.
fn plan_of(db: &Db, sql: &str, params: &[rusqlite::types::Value]) -> String {
    let mut inlined = sql.to_string();
    for (i, p) in params.iter().enumerate().rev() {
        let lit = match p {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
            _ => "NULL".into(),
        };
        inlined = inlined.replace(&format!("?{}", i + 1), &lit);
    }
    db.explain(&inlined).unwrap().join("\n")
}

#[test]
fn prefix_and_page_queries_use_an_index() {
    let db = TestDb::new();
    for (filter, index) in [
        ("email ^= \"abc\"", "users_pool_email"),
        ("username ^= \"abc\"", "users_pool_username"),
        ("phone_number ^= \"+1\"", "users_pool_phone"),
        ("", "users_pool_username"),
    ] {
        let q = ListQuery {
            pool: 1,
            filter: parse_filter(filter).unwrap(),
            case_insensitive: true,
            after: Some(users::Cursor {
                key: users::CursorKey::Text("x".into()),
                pk: 5,
            }),
            limit: 60,
        };
        let (sql, params) = users::list_sql(&q);
        let plan = plan_of(&db, &sql, &params);
        assert!(
            plan.contains(&format!("USING INDEX {index}"))
                || plan.contains(&format!("USING COVERING INDEX {index}")),
            "{filter:?} must search {index}, plan was:\n{plan}"
        );
        assert!(
            !plan.contains("TEMP B-TREE"),
            "{filter:?} must not sort, plan was:\n{plan}"
        );
    }
}

/// What SearchUsers' text searches: the start of the username, email, name, given_name,
/// family_name, preferred_username, phone_number and custom attributes (without case, but
/// phone_number), and the whole `sub`.
#[test]
fn search_finds_by_each_searchable_attribute_and_counts() {
    let db = TestDb::new();
    let p = pool(&db);
    add_user(&db, p, "zed", Some("carol@example.com"));
    add_user(&db, p, "carl", None);
    add_user(&db, p, "dave", Some("dave@example.org"));
    let q = SearchQuery {
        pool: p,
        text: Some("car".into()),
        case_insensitive: true,
        statuses: vec![],
        enabled: None,
        group: None,
        mfa: None,
        locked: None,
        sign_in: None,
        now: 0,
        text_match: TextMatch::Prefix,
        sort: SortKey::Username,
        descending: false,
        after: None,
        limit: 60,
        few_matches: true,
    };
    let page = db.read(|r| users::search(r, &q)).unwrap();
    let scanned = db
        .read(|r| {
            users::search(
                r,
                &SearchQuery {
                    few_matches: false,
                    ..q.clone()
                },
            )
        })
        .unwrap();
    assert_eq!(
        page.users, scanned.users,
        "both plans find the same users in the same order"
    );
    let names: Vec<_> = page.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["carl", "zed"]);
    assert_eq!(
        db.read(|r| users::search_count(r, &q, 10)).unwrap(),
        (2, true)
    );
    assert_eq!(
        db.read(|r| users::search_count(r, &q, 1)).unwrap(),
        (1, false),
        "beyond the cap the count is a lower bound"
    );
    let all = SearchQuery {
        text: None,
        sort: SortKey::Email,
        ..q.clone()
    };
    let mut after = None;
    let mut seen = Vec::new();
    loop {
        let page = db
            .read(|r| {
                users::search(
                    r,
                    &SearchQuery {
                        after: after.clone(),
                        limit: 1,
                        ..all.clone()
                    },
                )
            })
            .unwrap();
        seen.extend(page.users.iter().map(|u| u.username.clone()));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["carl", "zed", "dave"],
        "users without email come first and are not lost"
    );

    add_user_with(
        &db,
        p,
        "ursula",
        &[
            ("name", "Xavier Quill"),
            ("given_name", "Yolanda"),
            ("family_name", "Zimmer"),
            ("preferred_username", "wolfie"),
            ("phone_number", "+15550001111"),
            ("custom:team", "Quokkas"),
        ],
    );
    let found = |text: &str| {
        let q = SearchQuery {
            text: Some(text.into()),
            ..q.clone()
        };
        let few = db.read(|r| users::search(r, &q)).unwrap();
        let many = db
            .read(|r| {
                users::search(
                    r,
                    &SearchQuery {
                        few_matches: false,
                        ..q.clone()
                    },
                )
            })
            .unwrap();
        assert_eq!(few.users, many.users, "both plans agree on {text:?}");
        few.users
            .into_iter()
            .map(|u| u.username)
            .collect::<Vec<_>>()
    };
    for (text, attribute) in [
        ("URS", "username"),
        ("CAROL@", "email"),
        ("xavier q", "name"),
        ("YOL", "given_name"),
        ("zim", "family_name"),
        ("WOLF", "preferred_username"),
        ("+1555", "phone_number"),
        ("quok", "a custom attribute"),
    ] {
        let expected = if attribute == "email" {
            "zed"
        } else {
            "ursula"
        };
        assert_eq!(found(text), [expected], "{text:?} finds by {attribute}");
    }
    assert_eq!(found("sub-ursula"), ["ursula"], "the whole sub finds");
    assert_eq!(
        found("sub-urs"),
        Vec::<String>::new(),
        "a sub matches whole"
    );
}

#[test]
fn stale_claims_are_released_and_fresh_ones_kept() {
    use storage::outbox::{self, Message};
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("store.db")).unwrap();
    let message = |n: &str| Message {
        id: 0,
        at: 1,
        pool_id: "us-east-1_test".into(),
        username: n.into(),
        medium: "EMAIL".into(),
        destination: format!("{n}@example.com"),
        subject: None,
        body: "hi".into(),
        kind: "Invitation".into(),
        delivery: None,
        delivery_detail: None,
    };
    let fresh = db
        .write(|tx| outbox::insert(tx, &message("fresh")))
        .unwrap();
    let stale = db
        .write(|tx| outbox::insert(tx, &message("stale")))
        .unwrap();
    let old = db.write(|tx| outbox::insert(tx, &message("old"))).unwrap();
    assert!(db.write(|tx| outbox::claim(tx, fresh, 5_000)).unwrap());
    assert!(db.write(|tx| outbox::claim(tx, stale, 1_000)).unwrap());
    assert!(db.write(|tx| outbox::claim(tx, old, 1_000)).unwrap());
    assert!(
        !db.write(|tx| outbox::claim(tx, fresh, 5_000)).unwrap(),
        "a claimed message is not claimed twice"
    );
    // What a build before claims carried a time left behind: `Sending` with no time.
    drop(db);
    let raw = rusqlite::Connection::open(dir.path().join("store.db")).unwrap();
    raw.execute("UPDATE outbox SET delivered_at = NULL WHERE pk = ?1", [old])
        .unwrap();
    drop(raw);
    let db = Db::open(&dir.path().join("store.db")).unwrap();
    let found = db.read(|r| outbox::stale_claims(r, 2_000)).unwrap();
    assert_eq!(found, vec![stale, old]);
    assert_eq!(
        db.write(|tx| outbox::release(tx, &found, 2_000)).unwrap(),
        2
    );
    let pending: Vec<i64> = db
        .read(|r| outbox::undelivered_email(r, 0, 10))
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(pending, vec![stale, old], "released claims are sent again");
    assert!(
        db.read(|r| outbox::stale_claims(r, 2_000))
            .unwrap()
            .is_empty()
    );
    let plan = db
        .explain(
            "SELECT pk FROM outbox WHERE delivery = 'Sending' AND coalesce(delivered_at, 0) < 2000",
        )
        .unwrap()
        .join("\n");
    assert!(
        plan.contains("outbox_sending"),
        "claims are found by an index: {plan}"
    );
}

fn search_query(pool: i64) -> SearchQuery {
    SearchQuery {
        pool,
        text: None,
        case_insensitive: true,
        statuses: vec![],
        enabled: None,
        group: None,
        mfa: None,
        locked: None,
        sign_in: None,
        now: 0,
        text_match: TextMatch::Prefix,
        sort: SortKey::Username,
        descending: false,
        after: None,
        limit: 60,
        few_matches: true,
    }
}

fn names_of(db: &Db, q: &SearchQuery) -> Vec<String> {
    db.read(|r| users::search(r, q))
        .unwrap()
        .users
        .into_iter()
        .map(|u| u.username)
        .collect()
}

/// A contains match finds the text inside email, name, given + family name, preferred_username
/// and phone, without case, treats LIKE wildcards literally, and pages and counts like the
/// prefix match.
#[test]
fn contains_search_matches_inside_fields() {
    let db = TestDb::new();
    let p = pool(&db);
    add_user(&db, p, "u1", Some("ada@acme.example"));
    add_user(&db, p, "u2", Some("bob@other.example"));
    add_user_with(
        &db,
        p,
        "u3",
        &[("given_name", "Grace"), ("family_name", "Thompson")],
    );
    add_user_with(&db, p, "u4", &[("name", "Ms. Ada Byron")]);
    add_user_with(&db, p, "u5", &[("preferred_username", "the_wolf")]);
    add_user_with(&db, p, "u6", &[("phone_number", "+15550001111")]);
    add_user(&db, p, "u7", Some("carol@ACME.example"));
    let contains = |text: &str| SearchQuery {
        text: Some(text.into()),
        text_match: TextMatch::Contains,
        ..search_query(p)
    };
    assert_eq!(names_of(&db, &contains("@acme")), ["u1", "u7"]);
    assert_eq!(
        names_of(
            &db,
            &SearchQuery {
                text: Some("@acme".into()),
                ..search_query(p)
            }
        ),
        Vec::<String>::new(),
        "the prefix match finds nothing in the middle"
    );
    assert_eq!(names_of(&db, &contains("grace thompson")), ["u3"]);
    assert_eq!(names_of(&db, &contains("hOMPs")), ["u3"]);
    assert_eq!(names_of(&db, &contains("ada")), ["u1", "u4"]);
    assert_eq!(names_of(&db, &contains("_wol")), ["u5"]);
    assert_eq!(
        names_of(&db, &contains("e_w")),
        ["u5"],
        "an underscore is literal, not any character"
    );
    assert_eq!(names_of(&db, &contains("%")), Vec::<String>::new());
    assert_eq!(names_of(&db, &contains("0001")), ["u6"]);
    let q = contains("example");
    assert_eq!(
        db.read(|r| users::search_count(r, &q, 10)).unwrap(),
        (3, true)
    );
    assert_eq!(
        db.read(|r| users::search_count(r, &q, 2)).unwrap(),
        (2, false),
        "the count stops at its cap"
    );
    let first = db
        .read(|r| {
            users::search(
                r,
                &SearchQuery {
                    limit: 2,
                    ..q.clone()
                },
            )
        })
        .unwrap();
    assert_eq!(first.users.len(), 2, "a page stops at its limit");
    let rest = db
        .read(|r| {
            users::search(
                r,
                &SearchQuery {
                    limit: 2,
                    after: first.next.clone(),
                    ..q.clone()
                },
            )
        })
        .unwrap();
    let names: Vec<_> = rest.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["u7"]);
    assert!(rest.next.is_none());
    let (sql, _) = users::search_sql(&SearchQuery {
        few_matches: true,
        ..q.clone()
    });
    assert!(
        sql.contains("LIMIT"),
        "the contains walk is bounded by the page: {sql}"
    );
}

/// The Locked filter and each user's failures and lockout.
#[test]
fn locked_filter_and_security_for_users() {
    let db = TestDb::new();
    let p = pool(&db);
    let a = add_user(&db, p, "a", None);
    let b = add_user(&db, p, "b", None);
    let c = add_user(&db, p, "c", None);
    db.write(|tx| {
        storage::user_security::set_failures(tx, a, 7, 5_000)?;
        storage::user_security::set_failures(tx, b, 3, 0)?;
        storage::user_security::set_failures(tx, c, 6, 900)
    })
    .unwrap();
    let at = |locked: bool, now: i64| SearchQuery {
        locked: Some(locked),
        now,
        ..search_query(p)
    };
    assert_eq!(
        names_of(&db, &at(true, 1_000)),
        ["a"],
        "c's lockout is over"
    );
    assert_eq!(names_of(&db, &at(false, 1_000)), ["b", "c"]);
    assert_eq!(names_of(&db, &at(true, 6_000)), Vec::<String>::new());
    assert_eq!(
        db.read(|r| users::search_count(r, &at(true, 1_000), 10))
            .unwrap(),
        (1, true)
    );
    let s = db
        .read(|r| storage::user_security::for_users(r, &[a, b, c, 999]))
        .unwrap();
    assert_eq!(s.len(), 3, "users who never failed are absent");
    assert_eq!((s[&a].failed_sign_ins, s[&a].locked_until), (7, 5_000));
    assert_eq!(s[&b].failed_sign_ins, 3);
}

#[test]
fn a_saml_assertion_is_used_once_until_its_time_and_old_ones_are_pruned() {
    let db = TestDb::new();
    let first = |issuer: &str, id: &str, until: i64, now: i64| {
        db.write(|tx| storage::saml_replay::first_use(tx, issuer, id, until, now))
            .unwrap()
    };
    assert!(first("https://idp", "a-1", 2_000, 1_000));
    assert!(!first("https://idp", "a-1", 2_000, 1_500), "a replay");
    assert!(
        first("https://other-idp", "a-1", 2_000, 1_500),
        "ids are per issuer"
    );
    assert_eq!(db.read(|r| storage::saml_replay::count(r)).unwrap(), 2);
    // Past its time the row goes (the assertion itself is refused as expired by then).
    assert!(first("https://idp", "a-2", 9_000, 2_000));
    assert_eq!(db.read(|r| storage::saml_replay::count(r)).unwrap(), 1);
}

/// A user of this status, its key the name in lower case (as a pool that compares usernames
/// without case stores it).
fn add_user_in_status(db: &Db, pool: i64, name: &str, status: UserStatus) -> i64 {
    let sub = format!("sub-{name}");
    db.write(|tx| {
        users::insert(
            tx,
            &NewUser {
                pool,
                username: name,
                username_key: &name.to_lowercase(),
                sub: &sub,
                status,
                enabled: true,
                attributes: &BTreeMap::new(),
                password_hash: None,
                now: 10,
            },
        )
    })
    .unwrap()
}

fn add_provider(db: &Db, pool: i64, name: &str) {
    let none = BTreeMap::new();
    db.write(|tx| {
        storage::idps::insert(
            tx,
            pool,
            name,
            &storage::idps::IdpFields {
                provider_type: "OIDC",
                details: &none,
                secrets_sealed: None,
                attribute_mapping: &none,
                acr_mapping: &none,
                idp_identifiers: &[],
            },
            1,
        )
    })
    .unwrap();
}

/// The sign-in filter: the pool's own users, any provider's, or one provider's (its federated
/// users and the users linked to it), the same by both plans, paged and counted.
#[test]
fn sign_in_filter_finds_each_providers_users() {
    use storage::users::SignInVia;
    let db = TestDb::new();
    let p = pool(&db);
    for name in ["Okta", "OKTA", "PoolB"] {
        add_provider(&db, p, name);
    }
    add_user(&db, p, "alice", None);
    let carol = add_user(&db, p, "carol", None);
    // A native user whose name only looks federated.
    add_user(&db, p, "okta_lookalike", None);
    add_user_in_status(&db, p, "Okta_123", UserStatus::ExternalProvider);
    add_user_in_status(&db, p, "OKTA_7", UserStatus::ExternalProvider);
    add_user_in_status(&db, p, "PoolB_9", UserStatus::ExternalProvider);
    db.write(|tx| {
        storage::idps::insert_link(tx, p, carol, "Okta", "Cognito_Subject", "okta-carol", 1)
    })
    .unwrap();
    // Another pool's federated user of a provider of the same name is not this pool's.
    let other = db
        .write(|tx| pools::insert(tx, "us-east-1_other", "other", &PoolConfig::default(), 1))
        .unwrap();
    add_user_in_status(&db, other, "Okta_1", UserStatus::ExternalProvider);

    let via = |v: SignInVia| {
        let q = SearchQuery {
            sign_in: Some(v),
            ..search_query(p)
        };
        let few = names_of(&db, &q);
        let many = names_of(
            &db,
            &SearchQuery {
                few_matches: false,
                ..q.clone()
            },
        );
        assert_eq!(few, many, "both plans agree on {:?}", q.sign_in);
        let (n, exact) = db.read(|r| users::search_count(r, &q, 100)).unwrap();
        assert!(exact);
        assert_eq!(usize::try_from(n).unwrap(), few.len(), "{:?}", q.sign_in);
        few
    };
    assert_eq!(
        via(SignInVia::Cognito),
        ["alice", "carol", "okta_lookalike"],
        "a linked user signs in with the pool's own sign-in too"
    );
    assert_eq!(
        via(SignInVia::AnyProvider),
        ["carol", "Okta_123", "OKTA_7", "PoolB_9"]
    );
    assert_eq!(
        via(SignInVia::Provider("Okta".into())),
        ["carol", "Okta_123"],
        "OKTA's user is another provider's, whatever the pool's case rule"
    );
    assert_eq!(via(SignInVia::Provider("OKTA".into())), ["OKTA_7"]);
    assert_eq!(via(SignInVia::Provider("PoolB".into())), ["PoolB_9"]);
    assert_eq!(
        via(SignInVia::Provider("Pool".into())),
        Vec::<String>::new(),
        "a name is not a prefix of another's"
    );

    // Keyset pages of one, the filter kept.
    let mut after = None;
    let mut seen = Vec::new();
    loop {
        let page = db
            .read(|r| {
                users::search(
                    r,
                    &SearchQuery {
                        sign_in: Some(SignInVia::Provider("Okta".into())),
                        after: after.clone(),
                        limit: 1,
                        ..search_query(p)
                    },
                )
            })
            .unwrap();
        seen.extend(page.users.iter().map(|u| u.username.clone()));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, ["carol", "Okta_123"]);
}

/// The sign-in filter reads indexes with the union plan (a count's, and a page's when few
/// match): a provider's federated users by their username range and its linked users by the
/// links' key, any provider's by status and links, the pool's own by status; never every user.
#[test]
fn the_sign_in_filter_is_indexed() {
    use storage::users::SignInVia;
    let db = TestDb::new();
    for (via, indexes) in [
        (
            SignInVia::Provider("Okta".into()),
            &[
                "users_pool_username (pool=? AND username_key>? AND username_key<?)",
                "user_provider_links_1 (pool=? AND provider_name=?)",
            ][..],
        ),
        (
            SignInVia::AnyProvider,
            &[
                "users_pool_status (pool=? AND status=?)",
                "user_provider_links_1 (pool=?)",
            ][..],
        ),
        (
            SignInVia::Cognito,
            &["users_pool_status (pool=? AND status=?)"][..],
        ),
    ] {
        let q = SearchQuery {
            sign_in: Some(via.clone()),
            ..search_query(1)
        };
        let (sql, params) = users::search_count_sql(&q, 10_000);
        let mut plans = vec![("count", plan_of(&db, &sql, &params))];
        if via != SignInVia::Cognito {
            let (sql, params) = users::search_sql(&q);
            plans.push(("page", plan_of(&db, &sql, &params)));
        }
        for (what, plan) in plans {
            for index in indexes {
                assert!(
                    plan.contains(index),
                    "{via:?} {what} must search {index}, plan was:\n{plan}"
                );
            }
            assert!(
                !plan.contains("SCAN users") && plan.contains("SEARCH users USING"),
                "{via:?} {what}, plan was:\n{plan}"
            );
        }
    }
}

#[test]
fn a_read_transaction_keeps_one_configuration_while_another_connection_changes_it() {
    let db = TestDb::new();
    let pk = pool(&db);
    let before = db.read(|r| storage::config_revision(r)).unwrap();
    db.read(|r| {
        assert_eq!(storage::config_revision(r)?, before);
        assert_eq!(pools::get(r, "us-east-1_test")?.unwrap().name, "test");
        // Committed on the writer's connection while this snapshot is open.
        db.write(|tx| pools::update(tx, pk, "renamed", &PoolConfig::default(), 2))?;
        assert_eq!(storage::config_revision(r)?, before);
        assert_eq!(pools::get(r, "us-east-1_test")?.unwrap().name, "test");
        Ok::<_, Error>(())
    })
    .unwrap();
    db.read(|r| {
        assert!(storage::config_revision(r)? > before);
        assert_eq!(pools::get(r, "us-east-1_test")?.unwrap().name, "renamed");
        Ok::<_, Error>(())
    })
    .unwrap();
}
