//! [`SmtpCatcher`]: a minimal SMTP server that accepts every message and keeps it.

use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

use crate::background::Background;

/// An SMTP server on 127.0.0.1:0 that accepts every message and keeps its DATA (headers and
/// body, as the client sent them, dot-stuffing left as is). Stops when dropped.
pub struct SmtpCatcher {
    messages: Arc<Mutex<Vec<String>>>,
    logins: Arc<Mutex<Vec<String>>>,
    background: Background,
}

/// The user name and password in an `AUTH PLAIN` initial response (`\0user\0password`).
fn plain_login(line: &str) -> Option<(String, String)> {
    use base64::Engine;
    let b64 = line.trim_end().split(' ').nth(2)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split('\0').skip(1);
    Some((parts.next()?.to_string(), parts.next()?.to_string()))
}

impl SmtpCatcher {
    /// A server that asks for no login.
    pub fn start() -> SmtpCatcher {
        SmtpCatcher::serve(None)
    }

    /// A server that offers `AUTH PLAIN` and takes mail only after a login as `user` with
    /// `password` (a wrong one gets 535).
    pub fn with_login(user: &str, password: &str) -> SmtpCatcher {
        SmtpCatcher::serve(Some((user.to_string(), password.to_string())))
    }

    fn serve(login: Option<(String, String)>) -> SmtpCatcher {
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&messages);
        let logins = Arc::new(Mutex::new(Vec::new()));
        let logged = Arc::clone(&logins);
        let background = Background::start(move |mut out| {
            let Ok(input) = out.try_clone() else { return };
            let mut input = BufReader::new(input);
            let _ = write!(out, "220 test ESMTP\r\n");
            let mut data: Option<String> = None;
            let mut authenticated = login.is_none();
            loop {
                let mut line = String::new();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(d) = data.as_mut() {
                    if line == ".\r\n" {
                        kept.lock().unwrap().extend(data.take());
                        let _ = write!(out, "250 queued\r\n");
                    } else {
                        d.push_str(&line);
                    }
                    continue;
                }
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                let reply = match verb.as_str() {
                    "EHLO" | "HELO" if login.is_some() => "250-test\r\n250 AUTH PLAIN\r\n",
                    "EHLO" | "HELO" => "250 test\r\n",
                    "AUTH" => {
                        let given = plain_login(&line);
                        if let Some((user, _)) = &given {
                            logged.lock().unwrap().push(user.clone());
                        }
                        authenticated = given.is_some() && given == login;
                        if authenticated {
                            "235 2.7.0 authenticated\r\n"
                        } else {
                            "535 5.7.8 bad credentials\r\n"
                        }
                    }
                    "MAIL" if !authenticated => "530 5.7.0 authentication required\r\n",
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
        });
        SmtpCatcher {
            messages,
            logins,
            background,
        }
    }

    /// `127.0.0.1:PORT`, as a workspace's `SmtpServer` setting takes it.
    pub fn addr(&self) -> String {
        self.background.addr().to_string()
    }

    /// The user names logins were tried with so far, oldest first.
    pub fn logins(&self) -> Vec<String> {
        self.logins.lock().unwrap().clone()
    }

    /// The messages received so far, oldest first.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}
