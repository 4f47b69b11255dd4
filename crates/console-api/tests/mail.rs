//! Outbox email delivered over real SMTP to a small server in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::Actor;
use serde_json::json;
use testkit::{SmtpCatcher, TestConsole, create_pool, err, ok};

#[test]
fn outbox_email_goes_out_over_smtp_once_a_server_is_set() {
    let c = TestConsole::new().acting_as(Actor::cli());
    let pool = create_pool(&c, json!({"PoolName": "mail"}));
    let invite = |name: &str| {
        ok(
            &c,
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": name, "TemporaryPassword": "Temp-Pass1",
                "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")}],
                "DesiredDeliveryMediums": ["EMAIL"]}),
        )
    };
    // Before a server is set, mail stays in the outbox.
    invite("old");
    assert_eq!(c.deliver_mail().unwrap(), 0);

    let bad = err(
        &c,
        "UpdateWorkspace",
        json!({"SmtpServer": "smtp://localhost"}),
    );
    assert_eq!(bad.field.as_deref(), Some("SmtpServer"));
    let bad = err(&c, "UpdateWorkspace", json!({"SmtpFrom": "nobody"}));
    assert_eq!(bad.field.as_deref(), Some("SmtpFrom"));

    let smtp = SmtpCatcher::start();
    let addr = smtp.addr();
    let ws = ok(
        &c,
        "UpdateWorkspace",
        json!({"SmtpServer": addr, "SmtpFrom": "Acme <no-reply@acme.test>"}),
    );
    assert_eq!(ws["Workspace"]["SmtpServer"], json!(addr));

    invite("ada");
    assert_eq!(c.deliver_mail().unwrap(), 1, "the history is not sent");
    assert_eq!(c.deliver_mail().unwrap(), 0, "each message goes once");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: ada@example.com"), "{}", mails[0]);
    assert!(mails[0].contains("From: Acme <no-reply@acme.test>"));
    assert!(mails[0].contains("Temp-Pass1"));

    let listed = ok(
        &c,
        "ListOutboxMessages",
        json!({"UserPoolId": pool, "Limit": 2}),
    );
    assert_eq!(listed["Messages"][0]["Delivery"], "Sent");
    assert!(listed["Messages"][1].get("Delivery").is_none());

    // Saving the server again keeps what is queued.
    invite("cy");
    ok(&c, "UpdateWorkspace", json!({"SmtpServer": addr}));
    assert_eq!(c.deliver_mail().unwrap(), 1);
    // The sender is reported as set, and only when set.
    let ws = ok(&c, "UpdateWorkspace", json!({"SmtpFrom": ""}));
    assert!(ws["Workspace"].get("SmtpFrom").is_none(), "{ws}");

    // A server that is not there: the message is marked failed, with why.
    let closed = testkit::closed_addr().to_string();
    ok(&c, "UpdateWorkspace", json!({"SmtpServer": closed}));
    invite("bea");
    assert_eq!(c.deliver_mail().unwrap(), 0);
    let listed = ok(
        &c,
        "ListOutboxMessages",
        json!({"UserPoolId": pool, "Limit": 1}),
    );
    assert_eq!(listed["Messages"][0]["Delivery"], "Failed");
    assert!(
        listed["Messages"][0]["DeliveryDetail"]
            .as_str()
            .unwrap()
            .contains("SMTP")
    );

    // Turning delivery off.
    let ws = ok(&c, "UpdateWorkspace", json!({"SmtpServer": ""}));
    assert!(ws["Workspace"].get("SmtpServer").is_none());
}

#[test]
fn a_message_claimed_by_a_process_that_died_is_sent_once_its_claim_is_stale() {
    let c = TestConsole::new().acting_as(Actor::cli());
    let pool = create_pool(&c, json!({"PoolName": "mail"}));
    let smtp = SmtpCatcher::start();
    ok(&c, "UpdateWorkspace", json!({"SmtpServer": smtp.addr()}));
    ok(
        &c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "ada", "TemporaryPassword": "Temp-Pass1",
            "UserAttributes": [{"Name": "email", "Value": "ada@example.com"}],
            "DesiredDeliveryMediums": ["EMAIL"]}),
    );
    // Another process claims the message and dies before it sends it.
    let other = storage::Db::open(c.store_path()).unwrap();
    let id = other.read(|r| storage::outbox::last_id(r)).unwrap();
    let now = c.now_ms();
    assert!(
        other
            .write(|tx| storage::outbox::claim(tx, id, now))
            .unwrap()
    );
    drop(other);
    let delivery = |c: &TestConsole| {
        ok(
            c,
            "ListOutboxMessages",
            json!({"UserPoolId": pool, "Limit": 1}),
        )["Messages"][0]["Delivery"]
            .clone()
    };
    assert_eq!(delivery(&c), "Sending");
    // While the claim is fresh the other process may still be sending: it is left alone.
    c.clock().advance(60_000);
    assert_eq!(c.deliver_mail().unwrap(), 0);
    assert!(smtp.messages().is_empty());
    // A claim older than any send could take is taken back and the message sent.
    c.clock().advance(10 * 60_000);
    assert_eq!(c.deliver_mail().unwrap(), 1, "the stale claim is retried");
    assert_eq!(smtp.messages().len(), 1);
    assert!(smtp.messages()[0].contains("To: ada@example.com"));
    assert_eq!(delivery(&c), "Sent");
    assert_eq!(c.deliver_mail().unwrap(), 0, "and sent once");
}

/// Invites `name` with an email, so one message waits in the outbox.
fn invite(c: &TestConsole, pool: &str, name: &str) {
    ok(
        c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": name, "TemporaryPassword": "Temp-Pass1",
            "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")}],
            "DesiredDeliveryMediums": ["EMAIL"]}),
    );
}

/// The newest outbox message's delivery and its detail.
fn last_delivery(c: &TestConsole, pool: &str) -> (String, String) {
    let listed = ok(
        c,
        "ListOutboxMessages",
        json!({"UserPoolId": pool, "Limit": 1}),
    );
    let m = &listed["Messages"][0];
    (
        m["Delivery"].as_str().unwrap_or("").to_string(),
        m["DeliveryDetail"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn delivery_logs_in_with_a_password_that_is_sealed_and_never_shown() {
    let c = TestConsole::new().acting_as(Actor::cli());
    let pool = create_pool(&c, json!({"PoolName": "mail"}));
    let smtp = SmtpCatcher::with_login("ada", "a-password-kept-sealed");
    let ws = ok(
        &c,
        "UpdateWorkspace",
        json!({"SmtpServer": smtp.addr(), "SmtpUsername": "ada",
            "SmtpPassword": "a-password-kept-sealed"}),
    );
    assert_eq!(ws["Workspace"]["SmtpUsername"], "ada");
    assert_eq!(ws["Workspace"]["SmtpSecurity"], "NONE");
    assert!(!ws.to_string().contains("a-password-kept-sealed"), "{ws}");
    let described = ok(&c, "DescribeWorkspace", json!({}));
    assert!(!described.to_string().contains("a-password-kept-sealed"));
    invite(&c, &pool, "ada");
    assert_eq!(c.deliver_mail().unwrap(), 1);
    assert_eq!(smtp.logins(), vec!["ada".to_string()]);
    assert_eq!(smtp.messages().len(), 1);
    for suffix in ["", "-wal"] {
        let mut p = c.store_path().as_os_str().to_owned();
        p.push(suffix);
        let bytes = std::fs::read(std::path::PathBuf::from(p)).unwrap_or_default();
        assert!(
            !bytes
                .windows("a-password-kept-sealed".len())
                .any(|w| w == b"a-password-kept-sealed"),
            "the password is not in the store{suffix} in clear"
        );
    }
    // Another process reads the sealed password and still logs in.
    let other = c.open_again();
    invite(&other, &pool, "bo");
    assert_eq!(other.deliver_mail().unwrap(), 1);
    assert_eq!(smtp.messages().len(), 2);

    // A wrong password: the message fails, and the detail says which settings to check.
    ok(
        &c,
        "UpdateWorkspace",
        json!({"SmtpUsername": "ada", "SmtpPassword": "wrong"}),
    );
    invite(&c, &pool, "cy");
    assert_eq!(c.deliver_mail().unwrap(), 0);
    let (delivery, detail) = last_delivery(&c, &pool);
    assert_eq!(delivery, "Failed");
    assert!(detail.contains("SmtpPassword"), "{detail}");
}

#[test]
fn tls_settings_against_a_plain_server_fail_promptly_and_say_why() {
    let c = TestConsole::new().acting_as(Actor::cli());
    let pool = create_pool(&c, json!({"PoolName": "mail"}));
    let smtp = SmtpCatcher::start();
    for (security, says) in [("TLS", "TLS"), ("STARTTLS", "STARTTLS")] {
        ok(
            &c,
            "UpdateWorkspace",
            json!({"SmtpServer": smtp.addr(), "SmtpSecurity": security}),
        );
        invite(&c, &pool, &format!("u{}", security.to_lowercase()));
        let started = std::time::Instant::now();
        assert_eq!(c.deliver_mail().unwrap(), 0);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{security} against a plain server fails at once, not at a timeout: {:?}",
            started.elapsed()
        );
        let (delivery, detail) = last_delivery(&c, &pool);
        assert_eq!(delivery, "Failed", "{security}");
        assert!(
            detail.contains(&format!("SmtpSecurity is {says}")),
            "{security}: {detail}"
        );
    }
    assert!(smtp.messages().is_empty(), "nothing went out in clear");
}

#[test]
fn bad_smtp_settings_are_refused_by_name() {
    let c = TestConsole::new().acting_as(Actor::cli());
    let field =
        |body: serde_json::Value| err(&c, "UpdateWorkspace", body).field.unwrap_or_default();
    assert_eq!(field(json!({"SmtpSecurity": "SSL"})), "SmtpSecurity");
    assert_eq!(
        field(json!({"SmtpServer": "127.0.0.1:1025", "SmtpUsername": "ada"})),
        "SmtpPassword"
    );
    assert_eq!(
        field(json!({"SmtpServer": "127.0.0.1:1025", "SmtpPassword": "pw"})),
        "SmtpUsername"
    );
    assert_eq!(
        field(json!({"SmtpUsername": "ada\r\nRCPT TO:<x@y>", "SmtpPassword": "pw"})),
        "SmtpUsername"
    );
    assert_eq!(
        field(json!({"SmtpUsername": "ada", "SmtpPassword": "p\u{0}w"})),
        "SmtpPassword"
    );
    assert_eq!(
        field(
            json!({"SmtpServer": "mail.example.com:587", "SmtpUsername": "ada",
            "SmtpPassword": "pw"})
        ),
        "SmtpSecurity",
        "a password is not sent in clear across the network"
    );
    // Nothing of those was kept.
    let ws = ok(&c, "DescribeWorkspace", json!({}));
    assert!(ws["Workspace"].get("SmtpServer").is_none(), "{ws}");
    ok(
        &c,
        "UpdateWorkspace",
        json!({"SmtpServer": "mail.example.com:587", "SmtpSecurity": "STARTTLS",
            "SmtpUsername": "ada", "SmtpPassword": "pw"}),
    );
}
