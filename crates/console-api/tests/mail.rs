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
