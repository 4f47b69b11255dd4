//! What the federation tests share: `serve` with a console of the test's clock, the Cognito
//! calls they make, a cookie-keeping browser, and the readers of redirects, pages and tokens.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

// Every federation test reads redirects and tokens: they come with `federation::*`.
#[allow(unused_imports)]
pub use super::{claims, param};
use serde_json::{Value, json};
use testkit::TestConsole;
use testkit::http::{self, Response};

pub const IDP: &str = "AWSCognitoIdentityProviderService";
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";
pub const CALLBACK: &str = "https://app.test/callback";
pub const PASSWORD: &str = "Correct-Horse-1";
pub const STATE: &str = "app state & more/é";
pub const SECRET: &str = "federation-test-console-secret-0123456789";

pub struct Server {
    pub addr: SocketAddr,
    pub console: TestConsole,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

impl Server {
    pub fn start() -> Server {
        let console = TestConsole::at(now_ms());
        let served = console.console().clone();
        let options = endpoint::Options {
            console_secret: Some(SECRET.parse().unwrap()),
            ..endpoint::Options::default()
        };
        let addr = super::serve(served, options);
        let s = Server { addr, console };
        let r = http::send(
            s.addr,
            "POST",
            "/",
            &[
                ("Content-Type", AMZ_JSON),
                ("X-Amz-Target", "Poolhouse.UpdateWorkspace"),
                ("X-Poolhouse-Console", SECRET),
            ],
            json!({"IssuerBaseUrl": format!("http://127.0.0.1:{}", s.addr.port())})
                .to_string()
                .as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        s
    }

    pub fn call(&self, op: &str, body: Value) -> Response {
        super::call(self.addr, op, &body)
    }

    pub fn idp(&self, op: &str, body: Value) -> Value {
        super::idp(self.addr, op, &body)
    }

    /// A user of `pool`, or None when there is none by that name.
    pub fn user(&self, pool: &str, username: &str) -> Option<Value> {
        let r = self.call(
            "AdminGetUser",
            json!({"UserPoolId": pool, "Username": username}),
        );
        match r.status {
            200 => Some(serde_json::from_str(&r.body).unwrap()),
            _ => {
                assert!(r.body.contains("UserNotFoundException"), "{}", r.body);
                None
            }
        }
    }

    pub fn user_count(&self, pool: &str) -> usize {
        self.idp("ListUsers", json!({"UserPoolId": pool}))["Users"]
            .as_array()
            .unwrap()
            .len()
    }

    /// Advances the server's clock.
    pub fn advance(&self, ms: i64) {
        self.console.clock().advance(ms);
    }
}

/// A browser: follows nothing by itself, keeps cookies by host and path as a browser does.
pub struct Browser<'a> {
    pub server: &'a Server,
    pub jar: Vec<(String, String, String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a Server) -> Browser<'a> {
        Browser {
            server,
            jar: Vec::new(),
        }
    }

    pub fn split(url: &str) -> (String, String) {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        (host.to_string(), path.to_string())
    }

    pub fn send(&mut self, method: &str, url: &str, body: Option<&[(&str, &str)]>) -> Response {
        let (host, target) = Browser::split(url);
        let path = target.split('?').next().unwrap().to_string();
        let cookie: Vec<String> = self
            .jar
            .iter()
            .filter(|(h, p, _, _)| *h == host && path.starts_with(p.as_str()))
            .map(|(_, _, n, v)| format!("{n}={v}"))
            .collect();
        let cookie = cookie.join("; ");
        let mut headers = vec![("Host", host.as_str())];
        if !cookie.is_empty() {
            headers.push(("Cookie", cookie.as_str()));
        }
        let encoded;
        let r = match body {
            Some(pairs) => {
                encoded = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish();
                headers.push(("Content-Type", "application/x-www-form-urlencoded"));
                http::send(
                    self.server.addr,
                    method,
                    &target,
                    &headers,
                    encoded.as_bytes(),
                )
            }
            None => http::send(self.server.addr, method, &target, &headers, b""),
        };
        for (k, v) in &r.headers {
            if k != "set-cookie" {
                continue;
            }
            let mut parts = v.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let mut cpath = "/".to_string();
            let mut gone = false;
            for a in parts {
                if let Some(p) = a.strip_prefix("Path=") {
                    cpath = p.to_string();
                }
                if a == "Max-Age=0" {
                    gone = true;
                }
            }
            self.jar
                .retain(|(h, p, n, _)| !(*h == host && *p == cpath && n == name));
            if !gone {
                self.jar
                    .push((host.clone(), cpath, name.to_string(), value.to_string()));
            }
        }
        r
    }

    pub fn get(&mut self, url: &str) -> Response {
        self.send("GET", url, None)
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.jar.iter().any(|(_, _, n, _)| n == name)
    }
}

pub fn location(r: &Response) -> String {
    assert!(
        r.status == 302 || r.status == 303,
        "{}: {}",
        r.status,
        r.body
    );
    r.header("location").unwrap().to_string()
}
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let (base, q) = url.split_once('?').unwrap();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .map(|(k, v)| {
            if k == name {
                (k, value.to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{base}?{q}")
}
pub fn attribute(user: &Value, name: &str) -> Option<String> {
    user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .map(|a| a["Value"].as_str().unwrap().to_string())
}
