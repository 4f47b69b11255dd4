//! What a kept exchange may show: secrets (passwords, secret keys, session tokens, refresh
//! tokens, signatures) are replaced by their length; tokens the inspector can open (ID and
//! access tokens, OpenID tokens, pasted logins) are shortened and numbered, and their clear
//! values set aside in [`Masker::tokens`] for the caller to keep sealed or in memory.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Trace;

/// JSON members and form fields whose values are secrets: never kept, not even in part.
const SECRETS: &[&str] = &[
    "Password",
    "PASSWORD",
    "NEW_PASSWORD",
    "SECRET_HASH",
    "SecretKey",
    "SecretAccessKey",
    "SessionToken",
    "RefreshToken",
    "REFRESH_TOKEN",
    "ClientSecret",
];

/// JSON members and form fields whose values are tokens the inspector may open.
const TOKENS: &[&str] = &[
    "IdToken",
    "AccessToken",
    "Token",
    "WebIdentityToken",
    "SAMLAssertion",
];

/// A token seen during a run, in clear: which step it came from and under what name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptToken {
    /// 1-based, as the masked text numbers it (`token #1`).
    pub number: usize,
    /// The step (0-based) where it first appeared.
    pub step: usize,
    /// The member that carried it (`IdToken`, `Token`, a Logins key).
    pub name: String,
    pub value: String,
}

/// A [`Trace`] fit to keep: secrets hidden, tokens shortened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskedTrace {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
}

/// Masks the traces of one run, numbering its tokens and remembering its secrets so that a
/// secret seen in one place is hidden wherever else it shows up.
#[derive(Debug, Default)]
pub struct Masker {
    tokens: Vec<KeptToken>,
    secrets: Vec<String>,
}

fn hidden(value: &str) -> String {
    format!("(hidden: {} characters)", value.chars().count())
}

impl Masker {
    pub fn new() -> Masker {
        Masker::default()
    }

    /// A secret that must not appear in any kept text (a password typed in, an admin secret).
    pub fn secret(&mut self, value: &str) {
        if value.len() >= 4 && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_string());
        }
    }

    /// The tokens seen so far, in clear.
    pub fn tokens(&self) -> &[KeptToken] {
        &self.tokens
    }

    /// Takes the tokens seen.
    pub fn into_tokens(self) -> Vec<KeptToken> {
        self.tokens
    }

    fn token(&mut self, step: usize, name: &str, value: &str) -> String {
        let number = match self.tokens.iter().find(|t| t.value == value) {
            Some(t) => t.number,
            None => {
                let number = self.tokens.len() + 1;
                self.tokens.push(KeptToken {
                    number,
                    step,
                    name: name.to_string(),
                    value: value.to_string(),
                });
                number
            }
        };
        let head: String = value.chars().take(12).collect();
        format!(
            "{head}… ({} characters, token #{number})",
            value.chars().count()
        )
    }

    fn json(&mut self, step: usize, key: Option<&str>, in_logins: bool, v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    self.json(step, Some(k), key == Some("Logins"), child);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.json(step, key, false, item);
                }
            }
            Value::String(s) => {
                let Some(k) = key else { return };
                if SECRETS.contains(&k) {
                    self.secret(&s.clone());
                    *s = hidden(s);
                } else if in_logins || TOKENS.contains(&k) {
                    *s = self.token(step, k, &s.clone());
                }
            }
            _ => {}
        }
    }

    fn json_text(&mut self, step: usize, text: &str) -> Option<String> {
        let mut v: Value = serde_json::from_str(text).ok()?;
        self.json(step, None, false, &mut v);
        Some(v.to_string())
    }

    fn form(&mut self, step: usize, text: &str) -> String {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            let shown = if SECRETS.contains(&k.as_str()) {
                self.secret(&v);
                hidden(&v)
            } else if TOKENS.contains(&k.as_str()) {
                self.token(step, &k, &v)
            } else {
                v
            };
            out.append_pair(&k, &shown);
        }
        out.finish()
    }

    /// An XML answer: the text of secret elements hidden (they are remembered as secrets and
    /// scrubbed), token elements shortened.
    fn xml(&mut self, step: usize, text: &str) -> String {
        let Ok(leaves) = crate::xml::leaves(text.as_bytes()) else {
            return text.to_string();
        };
        let mut out = text.to_string();
        for (name, value) in leaves {
            if value.is_empty() {
                continue;
            }
            let shown = if SECRETS.contains(&name.as_str()) {
                self.secret(&value);
                hidden(&value)
            } else if TOKENS.contains(&name.as_str()) {
                self.token(step, &name, &value)
            } else {
                continue;
            };
            let escaped = quick_xml::escape::escape(value.as_str()).into_owned();
            out = out.replace(&escaped, &shown).replace(&value, &shown);
        }
        out
    }

    fn header(&mut self, name: &str, value: &str) -> String {
        match name {
            "authorization" => match value.split_once("Signature=") {
                Some((before, sig)) => format!("{before}Signature={}", hidden(sig)),
                None => value.to_string(),
            },
            "x-amz-security-token" => {
                self.secret(value);
                hidden(value)
            }
            _ => value.to_string(),
        }
    }

    /// Hides every remembered secret wherever it appears in `text`.
    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), &hidden(s));
            }
        }
        out
    }

    /// The trace of step `step` (0-based), fit to keep.
    pub fn trace(&mut self, step: usize, t: &Trace) -> MaskedTrace {
        let form = t.request_headers.iter().any(|(n, v)| {
            n == "content-type" && v.starts_with("application/x-www-form-urlencoded")
        });
        let request_body = if form {
            self.form(step, &t.request_body)
        } else {
            self.json_text(step, &t.request_body)
                .unwrap_or_else(|| t.request_body.clone())
        };
        let response_body = if form {
            self.xml(step, &t.response_body)
        } else {
            self.json_text(step, &t.response_body)
                .unwrap_or_else(|| t.response_body.clone())
        };
        let request_headers: Vec<(String, String)> = t
            .request_headers
            .iter()
            .map(|(n, v)| (n.clone(), self.header(n, v)))
            .collect();
        MaskedTrace {
            method: t.method.clone(),
            url: t.url.clone(),
            request_headers: request_headers
                .into_iter()
                .map(|(n, v)| (n, self.scrub(&v)))
                .collect(),
            request_body: self.scrub(&request_body),
            status: t.status,
            response_headers: t
                .response_headers
                .iter()
                .map(|(n, v)| (n.clone(), self.scrub(v)))
                .collect(),
            response_body: self.scrub(&response_body),
        }
    }

    /// Any other text fit to keep (an error message that quotes a body).
    pub fn text(&self, text: &str) -> String {
        self.scrub(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_secrets_hidden_and_tokens_numbered() {
        let mut m = Masker::new();
        let t = Trace {
            method: "POST".into(),
            url: "http://x/".into(),
            request_headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
            request_body: r#"{"AuthParameters":{"USERNAME":"alice","PASSWORD":"Passw0rd!"},"Logins":{"cognito-idp.us-east-1.amazonaws.com/p":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}}"#.into(),
            status: Some(200),
            response_headers: vec![],
            response_body: r#"{"Credentials":{"AccessKeyId":"ASIA1","SecretKey":"abcdSECRET","SessionToken":"tok/en+","Expiration":1.5},"Echo":"Passw0rd!"}"#.into(),
            elapsed: std::time::Duration::ZERO,
        };
        let out = m.trace(0, &t);
        assert!(!out.request_body.contains("Passw0rd!"));
        assert!(out.request_body.contains("(hidden: 9 characters)"));
        assert!(
            out.request_body.contains("token #1"),
            "{}",
            out.request_body
        );
        assert!(!out.response_body.contains("abcdSECRET"));
        assert!(!out.response_body.contains("tok/en+"));
        assert!(
            !out.response_body.contains("Passw0rd!"),
            "a secret seen once is scrubbed everywhere"
        );
        assert!(out.response_body.contains("ASIA1"));
        assert_eq!(m.tokens().len(), 1);
        assert_eq!(m.tokens()[0].name, "cognito-idp.us-east-1.amazonaws.com/p");
    }

    #[test]
    fn form_and_xml() {
        let mut m = Masker::new();
        let t = Trace {
            method: "POST".into(),
            url: "http://x/".into(),
            request_headers: vec![
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                ),
                ("x-amz-security-token".into(), "SESSIONTOKEN1".into()),
                (
                    "authorization".into(),
                    "AWS4-HMAC-SHA256 Credential=A/1/us-east-1/sts/aws4_request, Signature=abc123".into(),
                ),
            ],
            request_body: "Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJ0b2tlbiJ9.x.y&RoleArn=arn%3Aaws".into(),
            status: Some(200),
            response_headers: vec![],
            response_body: "<R><Credentials><AccessKeyId>ASIA2</AccessKeyId><SecretAccessKey>s3cr+t/x</SecretAccessKey><SessionToken>SESSIONTOKEN2</SessionToken></Credentials></R>".into(),
            elapsed: std::time::Duration::ZERO,
        };
        let out = m.trace(3, &t);
        assert!(
            out.request_body.contains("token+%231"),
            "{}",
            out.request_body
        );
        assert!(out.request_body.contains("RoleArn=arn%3Aaws"));
        assert!(
            !out.response_body.contains("s3cr+t/x"),
            "{}",
            out.response_body
        );
        assert!(!out.response_body.contains("SESSIONTOKEN2"));
        assert!(out.response_body.contains("ASIA2"));
        let headers = format!("{:?}", out.request_headers);
        assert!(!headers.contains("SESSIONTOKEN1"));
        assert!(!headers.contains("abc123"));
        assert_eq!(m.tokens()[0].step, 3);
    }
}
