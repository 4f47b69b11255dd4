//! [`SmtpCatcher`]: a minimal SMTP server that accepts every message and keeps it.

use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

use crate::background::Background;

/// An SMTP server on 127.0.0.1:0 that accepts every message and keeps its DATA (headers and
/// body, as the client sent them, dot-stuffing left as is). Stops when dropped.
pub struct SmtpCatcher {
    messages: Arc<Mutex<Vec<String>>>,
    background: Background,
}

impl SmtpCatcher {
    pub fn start() -> SmtpCatcher {
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&messages);
        let background = Background::start(move |mut out| {
            let Ok(input) = out.try_clone() else { return };
            let mut input = BufReader::new(input);
            let _ = write!(out, "220 test ESMTP\r\n");
            let mut data: Option<String> = None;
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
        });
        SmtpCatcher {
            messages,
            background,
        }
    }

    /// `127.0.0.1:PORT`, as a workspace's `SmtpServer` setting takes it.
    pub fn addr(&self) -> String {
        self.background.addr().to_string()
    }

    /// The messages received so far, oldest first.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}
