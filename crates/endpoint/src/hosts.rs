//! Which `Host` names the endpoint answers: loopback names and the address it listens on,
//! the names the operator allows (`--allow-host`), and the user pools' domains
//! (`<prefix>.auth.localhost` on the serving port, registered custom domains). Anything else
//! is a DNS-rebinding page or a misdirected request, and gets 421. A request that reaches a
//! pool's domain carries its [`DomainHost`] as an extension, for the pool's hosted pages.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use console_api::Console;
pub use console_api::dto::DomainHost;

/// A `Host` the operator allows besides the loopback names: a name, or a name and a port
/// (`poolhouse.test`, `devbox:9229`, `[fd00::1]:9229`). Without a port, any port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    name: String,
    port: Option<u16>,
}

impl FromStr for AllowedHost {
    type Err = String;

    fn from_str(s: &str) -> Result<AllowedHost, String> {
        let (name, port) = split_host(s).ok_or_else(|| {
            format!(
                "allow-host {s:?} is not a host name: give a name or an address, with an \
                 optional :port (e.g. devbox.local or devbox.local:9229), without a scheme or path"
            )
        })?;
        Ok(AllowedHost { name, port })
    }
}

/// A `Host` value as (lower-case name, port): `name`, `name:port`, `[v6]` or `[v6]:port`.
/// None for anything else (a scheme, a path, spaces, an empty name).
pub(crate) fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || ".:".contains(c))
        {
            return None;
        }
        (format!("[{inside}]"), after)
    } else {
        let (name, after) = match host.find(':') {
            Some(i) => host.split_at(i),
            None => (host, ""),
        };
        let valid = |c: char| c.is_ascii_alphanumeric() || ".-_".contains(c);
        if name.is_empty() || !name.chars().all(valid) {
            return None;
        }
        (name.to_string(), after)
    };
    let port = match port {
        "" => None,
        p => Some(p.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    Some((name.to_ascii_lowercase(), port))
}

/// Which `Host` values are served. Without a required signature any caller that reaches the
/// port may administer the store, so a web page whose name was rebound to 127.0.0.1 must not
/// reach it: only loopback names on the serving port, the address listened on, and the names
/// the operator allowed are.
#[derive(Debug, Clone)]
pub(crate) struct HostRules {
    port: u16,
    /// The address listened on, when it is one address (not 0.0.0.0 or ::).
    bound: Option<String>,
    allowed: Vec<AllowedHost>,
}

impl HostRules {
    pub(crate) fn new(local: SocketAddr, allowed: Vec<AllowedHost>) -> HostRules {
        let ip = local.ip();
        let bound = (!ip.is_unspecified()).then(|| match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        });
        HostRules {
            port: local.port(),
            bound,
            allowed,
        }
    }

    pub(crate) fn allows(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        let port_or_80 = port.unwrap_or(80);
        let loopback = name == "localhost"
            || name.ends_with(".localhost")
            || name == "127.0.0.1"
            || name == "[::1]"
            || self.bound.as_deref() == Some(name.as_str());
        (loopback && port_or_80 == self.port)
            || self
                .allowed
                .iter()
                .any(|a| a.name == name && a.port.is_none_or(|p| p == port_or_80))
    }
}

/// The user pool a `Host` value reaches through one of its domains:
/// `<prefix>.auth.localhost` on the serving port for a registered prefix domain, or a
/// registered custom domain on any port (the operator pointed that name here, as with
/// `--allow-host NAME`). None for any other host, or when the store cannot be read.
pub fn resolve_domain(port: u16, console: &Console, host: &str) -> Option<DomainHost> {
    let (name, given) = split_host(host)?;
    let under_localhost = name.ends_with(".localhost");
    if under_localhost && given.unwrap_or(80) != port {
        return None;
    }
    match console.domain_for_host(&name) {
        Ok(found) => found.filter(|d| d.custom != under_localhost),
        Err(e) => {
            tracing::warn!(error = %e.message, "cannot read the user pools' domains");
            None
        }
    }
}

/// What [`check_host`] needs: the fixed rules, and the console whose pools' domains are
/// served.
#[derive(Clone)]
pub(crate) struct HostCheck {
    pub(crate) rules: Arc<HostRules>,
    pub(crate) console: Console,
}

/// Refuses a request whose `Host` is not served (421 Misdirected Request), naming it; a
/// request to a pool's domain carries the [`DomainHost`] it reached.
pub(crate) async fn check_host(
    State(check): State<HostCheck>,
    mut request: Request,
    next: Next,
) -> Response {
    let rules = &check.rules;
    // A request without Host (HTTP/1.0) does not come from a browser; it passes.
    let Some(host) = request.headers().get(header::HOST) else {
        return next.run(request).await;
    };
    let text = String::from_utf8_lossy(host.as_bytes()).into_owned();
    // The store is asked only for names the fixed rules refuse (a custom domain) and for
    // prefix domains, so the API's own calls to 127.0.0.1 or localhost cost no read.
    let fixed = rules.allows(&text);
    let domain = (!fixed || text.to_ascii_lowercase().contains(".auth.localhost"))
        .then(|| resolve_domain(rules.port, &check.console, &text))
        .flatten();
    let allowed = fixed || domain.is_some();
    if let Some(d) = domain {
        request.extensions_mut().insert(d);
    }
    if allowed {
        return next.run(request).await;
    }
    let message = format!(
        "Host {text:?} is not served here. Poolhouse answers localhost, *.localhost, 127.0.0.1 \
         and [::1] on port {port}, the user pools' custom domains, and the names given with \
         `poolhouse serve --allow-host NAME`.",
        port = rules.port
    );
    let body = serde_json::json!({"__type": "MisdirectedRequest", "message": message});
    let mut resp = (StatusCode::MISDIRECTED_REQUEST, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::AMZ_JSON),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(allowed: &[&str]) -> HostRules {
        let allowed = allowed.iter().map(|a| a.parse().unwrap()).collect();
        HostRules::new("127.0.0.1:9229".parse().unwrap(), allowed)
    }

    #[test]
    fn loopback_names_on_the_serving_port_and_allowed_names_are_served() {
        let r = rules(&["devbox.local", "ci:8080", "[fd00::1]"]);
        for ok in [
            "localhost:9229",
            "LocalHost:9229",
            "app.localhost:9229",
            "127.0.0.1:9229",
            "[::1]:9229",
            "devbox.local",
            "devbox.local:1234",
            "ci:8080",
            "[fd00::1]:9229",
        ] {
            assert!(r.allows(ok), "{ok} is served");
        }
        for refused in [
            "attacker.example",
            "attacker.example:9229",
            "localhost",
            "localhost:80",
            "127.0.0.1:9230",
            "localhost.attacker.example:9229",
            "127.0.0.1.nip.io:9229",
            "ci",
            "ci:9229",
            "",
            "localhost:9229/x",
            "localhost:x",
            "[::1",
            "user@localhost:9229",
        ] {
            assert!(!r.allows(refused), "{refused:?} is refused");
        }
    }

    #[test]
    fn an_allowed_host_that_is_not_a_name_is_refused_naming_it() {
        for bad in [
            "",
            "http://devbox",
            "devbox/x",
            "devbox:99999",
            "a b",
            "[zz]",
        ] {
            let e = bad.parse::<AllowedHost>().unwrap_err();
            assert!(
                e.contains("allow-host") && e.contains(&format!("{bad:?}")),
                "{e}"
            );
        }
    }
}
