//! What the endpoint's HTTP tests share: `serve` on 127.0.0.1:0 for a console, on its own
//! runtime thread, answering the address it listens on; a [`Server`] with its console and the
//! requests a test sends it (Cognito JSON calls, GETs, forms); the hidden fields of a page.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod federation;

use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use testkit::TestConsole;
use testkit::http::{self, Response};

/// An endpoint serving a test console (kept alive with it, and reachable for the console
/// calls a test makes besides HTTP).
pub struct Server {
    pub addr: SocketAddr,
    pub console: TestConsole,
}

impl Server {
    /// A console on the system clock (the pages' cookies and codes expire in real time),
    /// served with the default options.
    pub fn start() -> Server {
        Server::serving(TestConsole::with_system_clock())
    }

    /// `console`, served with the default options.
    pub fn serving(console: TestConsole) -> Server {
        let addr = serve(console.console().clone(), endpoint::Options::default());
        Server { addr, console }
    }

    /// [`call`] on this server.
    pub fn call(&self, op: &str, body: Value) -> Response {
        call(self.addr, op, &body)
    }

    /// [`idp`] on this server.
    pub fn idp(&self, op: &str, body: Value) -> Value {
        idp(self.addr, op, &body)
    }

    /// A GET with these headers.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        http::send(self.addr, "GET", path, headers, b"")
    }

    /// A form posted as a browser posts it, with these headers besides its content type.
    pub fn post_form(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        pairs: &[(&str, &str)],
    ) -> Response {
        let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
        h.extend_from_slice(headers);
        http::send(self.addr, "POST", path, &h, encode(pairs).as_bytes())
    }
}

/// Form-encoded pairs (`application/x-www-form-urlencoded`).
pub fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Serves `console` with `options` on a free loopback port and answers its address once it
/// listens (within 10 s).
pub fn serve(console: console_api::Console, options: endpoint::Options) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let result = rt.block_on(endpoint::serve_with(console, addr, options, move |bound| {
            let _ = tx.send(bound);
        }));
        if let Err(e) = result {
            eprintln!("endpoint stopped: {e}");
        }
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the endpoint is listening within 10 s")
}

/// A user pools operation (`AWSCognitoIdentityProviderService.<op>`) posted to the endpoint.
pub fn call(addr: SocketAddr, op: &str, body: &Value) -> Response {
    http::send(
        addr,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            (
                "X-Amz-Target",
                &format!("AWSCognitoIdentityProviderService.{op}"),
            ),
        ],
        body.to_string().as_bytes(),
    )
}

/// [`call`], which must succeed: its JSON answer.
pub fn idp(addr: SocketAddr, op: &str, body: &Value) -> Value {
    let r = call(addr, op, body);
    assert_eq!(r.status, 200, "{op}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// The hidden fields of a page, as the browser would send them back.
pub fn hidden_fields(body: &str) -> Vec<(String, String)> {
    body.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|h| {
            let name = h.split("name=\"").nth(1)?.split('"').next()?;
            let value = h.split("value=\"").nth(1)?.split('"').next()?;
            Some((name.to_string(), unescape(value)))
        })
        .collect()
}

/// Text as a page escapes it, back as it was.
pub fn unescape(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The parameter `name` of a URL's query (or fragment).
pub fn param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once(['?', '#']).map_or("", |(_, q)| q);
    form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The value of the cookie `name` that a response sets.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .find_map(|(_, v)| {
            let first = v.split(';').next()?;
            let (k, val) = first.split_once('=')?;
            (k == name).then(|| val.to_string())
        })
}

/// A JWT's claims, unverified.
pub fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}
