//! Delivering the outbox's email over SMTP, when the workspace names a server.
//!
//! Messages are always written to the outbox first (inside the operation's transaction); a
//! delivery pass then claims each undelivered email (so two processes never send one twice),
//! sends it with no transaction open, and records `Sent` or `Failed` with the reason. A claim
//! carries its time; one older than [`CLAIM_LEASE_MS`] was left by a process that died, and the
//! next pass takes it back and sends the message. The
//! endpoint and the desktop app run a pass every two seconds; the CLI runs one after each
//! command. SMS stays in the outbox.

use std::time::Duration;

use domain::workspace::{Hidden, Smtp, SmtpSecurity};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use storage::outbox::{self, Message};

use crate::{ApiError, Console};

/// The sender when the workspace names none.
pub const DEFAULT_FROM: &str = "Poolhouse <no-reply@poolhouse.localhost>";
/// How long one message may take to hand over.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages one pass sends at most.
const BATCH: u32 = 50;
/// How old a claim must be before another pass takes it back: far longer than one message
/// can take to hand over, so a claim this old belongs to a process that died or hung. The
/// message may then go twice (if the process died after the server took it), never not at all.
const CLAIM_LEASE_MS: i64 = 5 * 60 * 1000;

fn split_server(server: &str) -> Option<(&str, u16)> {
    let (host, port) = server.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port.parse::<u16>().ok().filter(|p| *p != 0)?;
    (!host.is_empty() && !host.contains(['/', ' ', '@'])).then_some((host, port))
}

/// Checks `SmtpServer`: `host:port`.
pub(crate) fn validate_server(server: &str) -> Result<(), ApiError> {
    if server.len() > 255 || split_server(server).is_none() {
        return Err(ApiError::invalid(
            "SmtpServer",
            format!("'{server}' is not host:port (for example 127.0.0.1:1025)"),
        ));
    }
    Ok(())
}

/// Checks `SmtpUsername` or `SmtpPassword` (`field`): at most 255 characters and no control
/// characters, which would break the SMTP command that carries them. The empty string removes
/// the login.
pub(crate) fn validate_login(field: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() > 255 {
        return Err(ApiError::invalid(field, "is longer than 255 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            field,
            "contains a control character (a line break, a tab, NUL)",
        ));
    }
    Ok(())
}

/// The transport to the workspace's server: plain, STARTTLS or TLS, logging in when a login
/// is set. Every step is bounded by [`SEND_TIMEOUT`].
fn transport(smtp: &Smtp, host: &str, port: u16) -> Result<SmtpTransport, String> {
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(port)
        .timeout(Some(SEND_TIMEOUT));
    if smtp.security != SmtpSecurity::None {
        let params = TlsParameters::new(host.to_string())
            .map_err(|e| format!("TLS to {host} could not be set up: {e}"))?;
        builder = builder.tls(match smtp.security {
            SmtpSecurity::StartTls => Tls::Required(params),
            _ => Tls::Wrapper(params),
        });
    }
    if let Some((user, Hidden(password))) = &smtp.login {
        builder = builder
            .credentials(Credentials::new(user.clone(), password.clone()))
            .authentication(vec![Mechanism::Plain, Mechanism::Login]);
    }
    Ok(builder.build())
}

/// Why sending failed, in words that point at the setting to check.
fn send_failure(smtp: &Smtp, e: &lettre::transport::smtp::Error) -> String {
    // Anything but the server's own answer, with TLS asked for: most often TLS spoken to a
    // plain port (or the other way round).
    let answered = e.is_permanent() || e.is_transient();
    let hint = if !answered {
        match smtp.security {
            SmtpSecurity::Tls => {
                " (SmtpSecurity is TLS: does the server speak TLS from the first byte on this \
                 port, usually 465? STARTTLS servers, usually on 587, need STARTTLS)"
            }
            SmtpSecurity::StartTls => {
                " (SmtpSecurity is STARTTLS: the server must offer STARTTLS and present a \
                 certificate for its name)"
            }
            SmtpSecurity::None => "",
        }
    } else if e.is_permanent() && smtp.login.is_some() && e.to_string().contains("535") {
        " (the server refused SmtpUsername and SmtpPassword)"
    } else {
        ""
    };
    format!("the SMTP server refused or could not be reached: {e}{hint}")
}

/// Checks `SmtpFrom`: an address, or `Name <address>`.
pub(crate) fn validate_from(from: &str) -> Result<(), ApiError> {
    from.parse::<Mailbox>()
        .map(|_| ())
        .map_err(|e| ApiError::invalid("SmtpFrom", format!("'{from}' is not an address: {e}")))
}

/// Sends one message; the reason when it could not be.
fn send(smtp: &Smtp, transport: &SmtpTransport, from: &Mailbox, m: &Message) -> Result<(), String> {
    let to: Mailbox = m
        .destination
        .parse()
        .map_err(|e| format!("'{}' is not an address: {e}", m.destination))?;
    // Custom messages are often HTML, as Cognito sends them.
    let html = m.body.contains("</") || m.body.contains("<br");
    let email = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone().unwrap_or_default())
        .header(if html {
            ContentType::TEXT_HTML
        } else {
            ContentType::TEXT_PLAIN
        })
        .body(m.body.clone())
        .map_err(|e| format!("the message could not be built: {e}"))?;
    transport
        .send(&email)
        .map(|_| ())
        .map_err(|e| send_failure(smtp, &e))
}

impl Console {
    /// Runs a delivery pass every two seconds on a thread of its own, for as long as the
    /// process lives (the endpoint and the desktop app start it).
    pub fn start_mail_delivery(&self) {
        let console = self.clone();
        let spawned = std::thread::Builder::new()
            .name("mail-delivery".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_secs(2));
                    if let Err(e) = console.deliver_mail() {
                        tracing::warn!(error = %e, "mail delivery pass failed");
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "mail delivery could not start");
        }
    }

    /// One delivery pass: sends the outbox's undelivered email through the workspace's SMTP
    /// server, if it has one, and answers how many were sent.
    pub fn deliver_mail(&self) -> Result<usize, ApiError> {
        let ws = self.workspace()?;
        let Some(smtp) = ws.smtp() else {
            return Ok(0);
        };
        let stale_before = self.now() - CLAIM_LEASE_MS;
        let stale = self.read(|r| Ok(outbox::stale_claims(r, stale_before)?))?;
        if !stale.is_empty() {
            let n = self
                .inner
                .db
                .write(|tx| outbox::release(tx, &stale, stale_before))?;
            tracing::warn!(
                messages = n,
                "claimed by a process that stopped before sending them; sending them again"
            );
        }
        let pending = self.read(|r| Ok(outbox::undelivered_email(r, smtp.after, BATCH)?))?;
        if pending.is_empty() {
            return Ok(0);
        }
        let Some((host, port)) = split_server(&smtp.server) else {
            return Ok(0);
        };
        let from: Mailbox = smtp
            .from
            .as_deref()
            .unwrap_or(DEFAULT_FROM)
            .parse()
            .or_else(|_| DEFAULT_FROM.parse())
            .map_err(|e| {
                ApiError::new(
                    crate::ErrorCode::InternalErrorException,
                    format!("sender address: {e}"),
                )
            })?;
        let transport = transport(&smtp, host, port);
        let mut sent = 0;
        for m in pending {
            let now = self.now();
            if !self.inner.db.write(|tx| outbox::claim(tx, m.id, now))? {
                continue;
            }
            let result = transport
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|t| send(&smtp, t, &from, &m));
            let now = self.now();
            let (outcome, detail) = match &result {
                Ok(()) => ("Sent", None),
                Err(why) => ("Failed", Some(why.as_str())),
            };
            self.inner
                .db
                .write(|tx| outbox::delivered(tx, m.id, outcome, detail, now))?;
            if result.is_ok() {
                sent += 1;
            } else {
                tracing::warn!(
                    message = m.id,
                    error = detail.unwrap_or(""),
                    "mail not delivered"
                );
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_host_and_port() {
        assert_eq!(split_server("127.0.0.1:1025"), Some(("127.0.0.1", 1025)));
        assert_eq!(split_server("mail.local:25"), Some(("mail.local", 25)));
        assert_eq!(split_server("[::1]:2525"), Some(("::1", 2525)));
        for bad in [
            "",
            "host",
            "host:0",
            "host:x",
            ":25",
            "a b:25",
            "smtp://h:25",
        ] {
            assert!(validate_server(bad).is_err(), "{bad}");
        }
        assert!(validate_from("Acme <no-reply@acme.test>").is_ok());
        assert_eq!(
            validate_from("not an address")
                .unwrap_err()
                .field
                .as_deref(),
            Some("SmtpFrom")
        );
    }
}
