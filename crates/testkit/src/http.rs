//! HTTP/1.1 as a peer speaks it, both ways: [`HttpServer`], a small server that answers what the
//! test scripts and keeps every request (a hook, a JWKS or discovery document), [`Routes`], one
//! that answers by path from a table the test changes while it runs, and [`send`], a client
//! that writes one request on a fresh connection and reads the raw answer.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::background::Background;

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path and query.
    pub path: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as JSON, or `Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    /// `status` with `body` sent as `application/json`, whatever the body is (a test may want a
    /// peer that says JSON and sends something else).
    pub fn json(status: u16, body: impl ToString) -> Reply {
        Reply {
            status,
            content_type: "application/json".to_string(),
            body: body.to_string(),
        }
    }

    /// `status` with a `text/plain` body.
    pub fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "text/plain".to_string(),
            body: body.into(),
        }
    }
}

/// A reply and the headers sent besides `Content-Type`, `Content-Length` and `Connection`.
type Answer = (Reply, Vec<(String, String)>);
type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

/// A small HTTP server on 127.0.0.1:0 that answers each request with what the test's handler
/// says and keeps every request it read. Each connection carries one request (`Connection:
/// close`). Stops when dropped.
pub struct HttpServer {
    requests: Arc<Mutex<Vec<Request>>>,
    background: Background,
}

impl HttpServer {
    /// Starts a server answering each request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> HttpServer {
        HttpServer::start_with_headers(move |request| (handler(request), Vec::new()))
    }

    /// Starts a server answering each request with `handler`'s reply and the headers it adds
    /// (a `Location`, say).
    pub fn start_with_headers(
        handler: impl Fn(&Request) -> (Reply, Vec<(String, String)>) + Send + Sync + 'static,
    ) -> HttpServer {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&requests);
        let handler: Arc<Handler> = Arc::new(handler);
        let background = Background::start(move |mut stream| {
            let Some(request) = read_request(&stream) else {
                return;
            };
            kept.lock().unwrap().push(request.clone());
            let (reply, headers) = handler(&request);
            let mut head = format!(
                "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                reply.status,
                reply.content_type,
                reply.body.len(),
            );
            for (k, v) in headers {
                head += &format!("{k}: {v}\r\n");
            }
            let _ = write!(stream, "{head}\r\n{}", reply.body);
        });
        HttpServer {
            requests,
            background,
        }
    }

    /// Starts a server for JSON posts, such as hook events: `handler` sees each request's body
    /// as JSON (`Null` when it is not).
    pub fn json(handler: impl Fn(&Value) -> Reply + Send + Sync + 'static) -> HttpServer {
        HttpServer::start(move |request| handler(&request.json()))
    }

    pub fn addr(&self) -> SocketAddr {
        self.background.addr()
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr())
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The bodies received so far as JSON (`Null` for one that is not), oldest first.
    pub fn json_bodies(&self) -> Vec<Value> {
        self.requests().iter().map(Request::json).collect()
    }

    /// How many requests asked for `path` (the query not counted).
    pub fn hits(&self, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| split_target(&r.path).0 == path)
            .count()
    }

    /// The query strings of the requests so far, oldest first (empty for none).
    pub fn queries(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| split_target(&r.path).1.to_string())
            .collect()
    }
}

fn split_target(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

/// A server on 127.0.0.1:0 that answers by path (the query is ignored) from a table the test
/// sets and changes while it runs; 404 for a path it has no answer for. Stops when dropped.
pub struct Routes {
    server: HttpServer,
    table: Arc<Mutex<HashMap<String, Answer>>>,
}

impl Routes {
    pub fn start() -> Routes {
        let table: Arc<Mutex<HashMap<String, Answer>>> = Arc::default();
        let read = Arc::clone(&table);
        let server = HttpServer::start_with_headers(move |request| {
            let path = split_target(&request.path).0;
            read.lock()
                .unwrap()
                .get(path)
                .cloned()
                .unwrap_or_else(|| (Reply::text(404, "not found"), Vec::new()))
        });
        Routes { server, table }
    }

    /// Answers `path` with `reply` from now on.
    pub fn answer(&self, path: &str, reply: Reply) {
        self.answer_with_headers(path, reply, &[]);
    }

    /// Answers `path` with `reply` and these headers (a `Cache-Control`, say) from now on.
    pub fn answer_with_headers(&self, path: &str, reply: Reply, headers: &[(&str, &str)]) {
        let headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        self.table
            .lock()
            .unwrap()
            .insert(path.to_string(), (reply, headers));
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base(&self) -> String {
        self.server.url("")
    }

    /// The server, for what it received.
    pub fn server(&self) -> &HttpServer {
        &self.server
    }

    /// How many requests asked for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.server.hits(path)
    }

    /// The query strings received so far, oldest first.
    pub fn queries(&self) -> Vec<String> {
        self.server.queries()
    }
}

/// Reads one request: the request line, headers, and a body of `Content-Length` bytes. `None`
/// when the connection ends or stalls before the request is whole.
fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let path = words.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = match header(&headers, "content-length") {
        Some(v) => v.parse().ok()?,
        None => 0,
    };
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// An HTTP response as read off the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked when it was sent chunked.
    pub body: String,
}

/// Sends one request to `addr` on a fresh connection with exactly these headers, plus `Host`
/// (unless given), `Content-Length` and `Connection: close`, and reads the whole answer. Reads
/// and writes time out after 10 s.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head += &format!("Host: {addr}\r\n");
    }
    for (k, v) in headers {
        head += &format!("{k}: {v}\r\n");
    }
    head += &format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading a large body; a reset then is fine.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    Response::parse(&raw)
}

/// POSTs `body` to `/` with `X-Amz-Target: target`, as an AWS SDK calls a JSON 1.1 service
/// (unsigned).
pub fn post_target(addr: SocketAddr, target: &str, body: &str) -> Response {
    send(
        addr,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", target),
        ],
        body.as_bytes(),
    )
}

impl Response {
    /// Parses a whole HTTP/1.1 response; panics, saying what it got, on anything else.
    pub fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("an HTTP response, got {text:?}"));
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line, got {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_string()
        };
        Response {
            status,
            headers,
            body,
        }
    }

    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as JSON; panics, showing the body, when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("a JSON body ({e}), got {:?}", self.body))
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}
