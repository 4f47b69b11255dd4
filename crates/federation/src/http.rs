//! The one HTTP GET trust needs (discovery documents, JWKS, Facebook's Graph API), behind a
//! trait so that verification can be tested without a network and the console can choose the
//! client. [`HttpFetch`] is the real one: reqwest's blocking client over rustls, with bounded
//! timeouts, a bounded body and at most three redirects, never from https down to http.

use std::io::Read as _;
use std::time::Duration;

/// What a GET answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub status: u16,
    /// `Content-Type`, lower-cased, without parameters.
    pub content_type: String,
    /// `Cache-Control`, as sent.
    pub cache_control: Option<String>,
    pub body: Vec<u8>,
}

/// Why a GET got no answer: the URL and what happened, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url} could not be reached: {reason}")]
pub struct Unreachable {
    pub url: String,
    pub reason: String,
}

/// An HTTP request trust needs: a GET (documents, keys), and for a sign-in through a
/// provider, a form POST (the token endpoint) and a request carrying a bearer token (the
/// provider's userInfo).
pub trait Fetch: Send + Sync {
    fn get(&self, url: &str) -> Result<Fetched, Unreachable>;

    /// POSTs `form` (`application/x-www-form-urlencoded`), with `bearer` as
    /// `Authorization: Bearer …` when given. A client that only reads documents need not
    /// implement it.
    fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<Fetched, Unreachable> {
        let _ = (form, bearer);
        Err(Unreachable {
            url: shown(url),
            reason: "this client only reads documents".to_owned(),
        })
    }

    /// GETs `url` with `Authorization: Bearer <bearer>`.
    fn get_bearer(&self, url: &str, bearer: &str) -> Result<Fetched, Unreachable> {
        let _ = bearer;
        Err(Unreachable {
            url: shown(url),
            reason: "this client only reads documents".to_owned(),
        })
    }
}

/// The largest body read (a discovery document or a JWKS is a few kilobytes).
pub const MAX_BODY: u64 = 1024 * 1024;

/// reqwest's blocking client: connect within 3 s, the whole exchange within 5 s.
pub struct HttpFetch {
    client: reqwest::blocking::Client,
}

impl HttpFetch {
    pub fn new() -> Result<Self, Unreachable> {
        Self::with_timeouts(Duration::from_secs(3), Duration::from_secs(5))
    }

    pub fn with_timeouts(connect: Duration, total: Duration) -> Result<Self, Unreachable> {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            let downgrade = attempt.previous().last().map(|u| u.scheme()) == Some("https")
                && attempt.url().scheme() != "https";
            if attempt.previous().len() >= 3 || downgrade {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(connect)
            .timeout(total)
            .redirect(policy)
            .user_agent(concat!("poolhouse/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Unreachable {
                url: String::new(),
                reason: format!("the HTTP client could not start: {e}"),
            })?;
        Ok(Self { client })
    }
}

/// The URL as errors show it: without its query, which may carry a token.
pub fn shown(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

fn reason(e: reqwest::Error) -> String {
    // reqwest's messages name the URL, query and all; ours names it once, without the query.
    let e = e.without_url();
    if e.is_timeout() {
        "no answer in time".to_owned()
    } else if e.is_connect() {
        "the connection was refused or failed".to_owned()
    } else if e.is_redirect() {
        "too many redirects, or a redirect from https to http".to_owned()
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }
}

impl HttpFetch {
    fn answer(
        &self,
        url: &str,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<Fetched, Unreachable> {
        let unreachable = |reason: String| Unreachable {
            url: shown(url),
            reason,
        };
        let resp = request
            .header("Accept", "application/json")
            .send()
            .map_err(|e| unreachable(reason(e)))?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let cache_control = header("cache-control");
        let mut body = Vec::new();
        resp.take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_err(|e| unreachable(format!("the answer could not be read: {e}")))?;
        if body.len() as u64 > MAX_BODY {
            return Err(unreachable(format!(
                "the answer is larger than {MAX_BODY} bytes"
            )));
        }
        Ok(Fetched {
            status,
            content_type,
            cache_control,
            body,
        })
    }
}

impl Fetch for HttpFetch {
    fn get(&self, url: &str) -> Result<Fetched, Unreachable> {
        self.answer(url, self.client.get(url))
    }

    fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<Fetched, Unreachable> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = self
            .client
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(b) = bearer {
            request = request.bearer_auth(b);
        }
        self.answer(url, request)
    }

    fn get_bearer(&self, url: &str, bearer: &str) -> Result<Fetched, Unreachable> {
        self.answer(url, self.client.get(url).bearer_auth(bearer))
    }
}
