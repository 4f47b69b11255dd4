//! Outbox email delivered over real SMTP to a small server in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use console_api::{Actor, ApiError, Console};
use domain::FixedClock;
use serde_json::{Value, json};

/// A minimal SMTP server: accepts every message and keeps its DATA.
fn smtp_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&got);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut out) = stream else { return };
            out.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut input = BufReader::new(out.try_clone().unwrap());
            let _ = write!(out, "220 test ESMTP\r\n");
            let mut data: Option<String> = None;
            loop {
                let mut line = String::new();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(d) = data.as_mut() {
                    if line == ".\r\n" {
                        kept.lock().unwrap().push(data.take().unwrap());
                        let _ = write!(out, "250 queued\r\n");
                    } else {
                        d.push_str(&line);
                    }
                    continue;
                }
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                let reply = match verb.as_str() {
                    "EHLO" | "HELO" => "250 test\r\n",
                    "DATA" => {
                        data = Some(String::new());
                        "354 go on\r\n"
                    }
                    "QUIT" => {
                        let _ = write!(out, "221 bye\r\n");
                        break;
                    }
                    _ => "250 ok\r\n",
                };
                let _ = write!(out, "{reply}");
            }
        }
    });
    (addr, got)
}

fn call(c: &Console, op: &str, body: Value) -> Result<Value, ApiError> {
    let out = c.dispatch_json(&Actor::cli(), op, body.to_string().as_bytes())?;
    Ok(serde_json::from_slice(&out).unwrap())
}

fn ok(c: &Console, op: &str, body: Value) -> Value {
    call(c, op, body).unwrap_or_else(|e| panic!("{op}: {e}"))
}

#[test]
fn outbox_email_goes_out_over_smtp_once_a_server_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let c = Console::open(
        &dir.path().join("t.db"),
        Arc::new(FixedClock::at(1_800_000_000_000)),
    )
    .unwrap();
    let pool = ok(&c, "CreateUserPool", json!({"PoolName": "mail"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
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

    let bad = call(
        &c,
        "UpdateWorkspace",
        json!({"SmtpServer": "smtp://localhost"}),
    )
    .unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("SmtpServer"));
    let bad = call(&c, "UpdateWorkspace", json!({"SmtpFrom": "nobody"})).unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("SmtpFrom"));

    let (addr, got) = smtp_server();
    let ws = ok(
        &c,
        "UpdateWorkspace",
        json!({"SmtpServer": addr, "SmtpFrom": "Acme <no-reply@acme.test>"}),
    );
    assert_eq!(ws["Workspace"]["SmtpServer"], json!(addr));

    invite("ada");
    assert_eq!(c.deliver_mail().unwrap(), 1, "the history is not sent");
    assert_eq!(c.deliver_mail().unwrap(), 0, "each message goes once");
    let mails = got.lock().unwrap().clone();
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
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
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
