//! The small servers do what the tests built on them rely on: they answer as scripted, keep what
//! they received, and are gone once dropped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use serde_json::json;
use testkit::http::{self, Response};
use testkit::{HttpServer, Reply, SmtpCatcher};

#[test]
fn the_http_server_answers_as_scripted_and_keeps_each_request() {
    let server = HttpServer::start(|r| match r.path.as_str() {
        "/.well-known/jwks.json" => Reply::json(200, json!({"keys": []})),
        _ => Reply::text(404, "no such document"),
    });
    let jwks = http::send(server.addr(), "GET", "/.well-known/jwks.json", &[], b"");
    assert_eq!(jwks.status, 200);
    assert_eq!(jwks.header("content-type"), Some("application/json"));
    assert_eq!(jwks.json(), json!({"keys": []}));
    let missing = http::send(
        server.addr(),
        "POST",
        "/hook",
        &[("X-Test", "1")],
        br#"{"a":1}"#,
    );
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (404, "no such document")
    );

    let got = server.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].method.as_str(), got[0].path.as_str()),
        ("GET", "/.well-known/jwks.json")
    );
    assert_eq!(
        got[1].header("x-test"),
        Some("1"),
        "header names are kept in lower case"
    );
    assert_eq!(server.json_bodies()[1], json!({"a": 1}));
    assert_eq!(
        server.json_bodies()[0],
        json!(null),
        "an empty body is not JSON"
    );
}

#[test]
fn a_dropped_server_no_longer_listens() {
    let server = HttpServer::json(|event| Reply::json(200, event));
    let addr = server.addr();
    let echoed = http::post_target(addr, "Svc.Op", r#"{"x":true}"#);
    assert_eq!(echoed.json(), json!({"x": true}));
    drop(server);
    assert!(
        TcpStream::connect(addr).is_err(),
        "the port is released when the test drops the server"
    );
}

#[test]
fn the_smtp_catcher_keeps_each_message() {
    let smtp = SmtpCatcher::start();
    let out = TcpStream::connect(smtp.addr()).unwrap();
    let mut input = BufReader::new(out.try_clone().unwrap());
    let mut out = out;
    let mut reply = || {
        let mut line = String::new();
        input.read_line(&mut line).unwrap();
        line
    };
    assert!(reply().starts_with("220"));
    for (say, expect) in [
        ("EHLO test\r\n", "250"),
        ("MAIL FROM:<a@example.com>\r\n", "250"),
        ("RCPT TO:<b@example.com>\r\n", "250"),
        ("DATA\r\n", "354"),
        ("Subject: hi\r\n\r\nbody\r\n.\r\n", "250"),
        ("QUIT\r\n", "221"),
    ] {
        out.write_all(say.as_bytes()).unwrap();
        assert!(reply().starts_with(expect), "after {say:?}");
    }
    assert_eq!(smtp.messages(), ["Subject: hi\r\n\r\nbody\r\n"]);
}

#[test]
fn a_chunked_response_is_read_whole() {
    let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
    let r = Response::parse(raw);
    assert_eq!((r.status, r.body.as_str()), (200, "Wikipedia"));
}
