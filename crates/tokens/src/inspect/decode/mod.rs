//! Decoding anything pasted: cleaning it up, splitting it, and saying what was found and where
//! parsing stopped. Nothing here checks a signature.
//!
//! This module holds what a decode answers ([`Decoded`], [`Payload`], [`TokenKind`], [`Part`])
//! and the clean-up of pasted text; `jose` reads the parts themselves, `finding` and `error`
//! are the notes and the stops it reports.

mod error;
mod finding;
mod jose;

use std::fmt;

use serde_json::{Map, Value};

pub use error::DecodeError;
pub use finding::Finding;

use super::claims::{ClaimRow, claim_rows};
use super::json;

/// The most input the inspector reads (256 KiB). Cognito's tokens are 1–4 KiB; anything this
/// large is refused with a message rather than decoded.
pub const MAX_INPUT_LEN: usize = 256 * 1024;

/// How many tokens deep a nested JWT (`cty: JWT`) is opened.
pub const MAX_NESTING: usize = 3;

/// The header member that marks a token made by Poolhouse's test-token encoder.
pub const TEST_TOKEN_HEADER: &str = "poolhouse:test";

/// A segment of a compact JWS or JWE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The protected header (part 1).
    Header,
    /// The JWS payload: the claims of a JWT (part 2).
    Payload,
    /// The JWS signature (part 3).
    Signature,
    /// A JWE's encrypted key (part 2 of 5).
    EncryptedKey,
    /// A JWE's initialization vector (part 3 of 5).
    Iv,
    /// A JWE's ciphertext (part 4 of 5).
    Ciphertext,
    /// A JWE's authentication tag (part 5 of 5).
    Tag,
}

impl Part {
    /// Its 1-based position in the compact form.
    #[must_use]
    pub fn number(self) -> usize {
        match self {
            Part::Header => 1,
            Part::Payload | Part::EncryptedKey => 2,
            Part::Signature | Part::Iv => 3,
            Part::Ciphertext => 4,
            Part::Tag => 5,
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
            Part::EncryptedKey => "encrypted key",
            Part::Iv => "initialization vector",
            Part::Ciphertext => "ciphertext",
            Part::Tag => "authentication tag",
        })
    }
}

/// What the input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A signed compact JWS (a JWT when its payload is a JSON object).
    Jws,
    /// A JWS with `alg: none`: anyone could have written it.
    Unsigned,
    /// A compact JWE (five parts): encrypted, so its claims cannot be read without the key.
    Jwe,
    /// Not a compact JWS or JWE.
    NotAToken,
}

impl TokenKind {
    /// A stable code for programs (`Jws`, `Unsigned`, `Jwe`, `NotAToken`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            TokenKind::Jws => "Jws",
            TokenKind::Unsigned => "Unsigned",
            TokenKind::Jwe => "Jwe",
            TokenKind::NotAToken => "NotAToken",
        }
    }
}

/// The payload as found.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Not reached (decoding stopped before it) or not readable.
    Missing,
    /// A JSON object: the claims of a JWT.
    Claims {
        /// The claims (the last of any duplicate members).
        claims: Map<String, Value>,
        /// The JSON as decoded ([`Payload::pretty`] re-indents it).
        json: Vec<u8>,
    },
    /// JSON that is not an object.
    Json {
        /// The value.
        value: Value,
        /// The JSON as decoded ([`Payload::pretty`] re-indents it).
        json: Vec<u8>,
    },
    /// UTF-8 text that is not JSON (or, for a nested JWT, the inner token).
    Text(String),
    /// Bytes that are not text.
    Binary {
        /// How many.
        len: usize,
    },
    /// A JWE's ciphertext.
    Encrypted {
        /// Its length in bytes.
        len: usize,
    },
}

impl Payload {
    /// The JSON payload re-indented, members in the token's order (made when asked for: a
    /// verification that shows only its checks never pays for it).
    #[must_use]
    pub fn pretty(&self) -> Option<String> {
        match self {
            Payload::Claims { json, .. } | Payload::Json { json, .. } => {
                Some(json::pretty(&String::from_utf8_lossy(json)))
            }
            Payload::Missing
            | Payload::Text(_)
            | Payload::Binary { .. }
            | Payload::Encrypted { .. } => None,
        }
    }
}

/// Everything the inspector found in one input. Never authentic: see [`super::explain`].
///
/// What is only for people to read — the re-indented JSON and the claims table with its
/// wording of times — is made when asked for ([`Decoded::header_pretty`],
/// [`Payload::pretty`], [`Decoded::claims`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The token as read: trimmed, without quotes, `Bearer ` or inner whitespace.
    pub token: String,
    /// What the input is.
    pub kind: TokenKind,
    /// The header, when it decoded to a JSON object.
    pub header: Option<Map<String, Value>>,
    /// The header's JSON as decoded, when it is an object.
    pub(crate) header_json: Option<Vec<u8>>,
    /// The payload.
    pub payload: Payload,
    /// The time the claims table words its times from (seconds since the epoch).
    pub(crate) now: i64,
    /// The decoded signature's length in bytes, when it decoded.
    pub signature_len: Option<usize>,
    /// What was noticed on the way.
    pub findings: Vec<Finding>,
    /// Where decoding stopped, if it did.
    pub problem: Option<DecodeError>,
    /// The inner token of a nested JWT (`cty: JWT`).
    pub nested: Option<Box<Decoded>>,
    /// The decoded signature (empty when it did not decode).
    pub(crate) signature: Vec<u8>,
}

impl Decoded {
    fn stopped(token: String, problem: DecodeError) -> Decoded {
        Decoded {
            token,
            kind: TokenKind::NotAToken,
            header: None,
            header_json: None,
            payload: Payload::Missing,
            now: 0,
            signature_len: None,
            findings: Vec::new(),
            problem: Some(problem),
            nested: None,
            signature: Vec::new(),
        }
    }

    /// The header's JSON re-indented, members in the token's order.
    #[must_use]
    pub fn header_pretty(&self) -> Option<String> {
        self.header_json
            .as_deref()
            .map(|j| json::pretty(&String::from_utf8_lossy(j)))
    }

    /// The claims table: each claim with its meaning and, for times, their wording relative
    /// to the decode's `now` (empty unless the payload is a JSON object).
    #[must_use]
    pub fn claims(&self) -> Vec<ClaimRow> {
        self.claims_map()
            .map(|c| claim_rows(c, self.now))
            .unwrap_or_default()
    }

    /// The header's `alg`, when it is a string.
    #[must_use]
    pub fn alg(&self) -> Option<&str> {
        self.header_str("alg")
    }

    /// The header's `kid`, when it is a string.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.header_str("kid")
    }

    /// A header member, when it is a string.
    #[must_use]
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.as_ref()?.get(name)?.as_str()
    }

    /// The claims, when the payload is a JSON object.
    #[must_use]
    pub fn claims_map(&self) -> Option<&Map<String, Value>> {
        match &self.payload {
            Payload::Claims { claims, .. } => Some(claims),
            Payload::Missing
            | Payload::Json { .. }
            | Payload::Text(_)
            | Payload::Binary { .. }
            | Payload::Encrypted { .. } => None,
        }
    }

    /// A claim, when it is a string.
    #[must_use]
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims_map()?.get(name)?.as_str()
    }

    /// Whether the whole input decoded.
    #[must_use]
    pub fn is_decoded(&self) -> bool {
        self.problem.is_none()
    }

    /// `header.payload`: what the signature covers (`None` unless a 3-part JWS).
    pub(crate) fn signing_input(&self) -> Option<&str> {
        if !matches!(self.kind, TokenKind::Jws | TokenKind::Unsigned) {
            return None;
        }
        self.token.rsplit_once('.').map(|(input, _)| input)
    }
}

/// Decodes anything: a token, a token with `Bearer `, whitespace or quotes around it, or
/// something that is not a token at all. Never panics; linear in the input, which is bounded
/// by [`MAX_INPUT_LEN`]. `now` (seconds since the epoch) words the times in the claims table.
#[must_use]
pub fn decode(input: &[u8], now: i64) -> Decoded {
    decode_at(input, now, 0)
}

fn decode_at(input: &[u8], now: i64, depth: usize) -> Decoded {
    if input.len() > MAX_INPUT_LEN {
        return Decoded::stopped(
            String::new(),
            DecodeError::TooLarge {
                len: input.len(),
                max: MAX_INPUT_LEN,
            },
        );
    }
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            return Decoded::stopped(
                String::new(),
                DecodeError::NotUtf8 {
                    offset: e.valid_up_to(),
                },
            );
        }
    };
    let mut findings = Vec::new();
    let token = clean(text, &mut findings);
    let mut d = jose::decode_compact(token, now, depth);
    findings.append(&mut d.findings);
    d.findings = findings;
    d
}

/// Removes what people paste around a token, noting each thing removed.
fn clean(text: &str, findings: &mut Vec<Finding>) -> String {
    let mut t = text.trim();
    if t.len() != text.len() {
        findings.push(Finding::TrimmedWhitespace);
    }
    if t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')))
    {
        t = t.get(1..t.len() - 1).unwrap_or(t).trim();
        findings.push(Finding::Quoted);
    }
    if let Some(prefix) = t.get(..6)
        && prefix.eq_ignore_ascii_case("bearer")
        && t.get(6..)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    {
        t = t.get(6..).unwrap_or("").trim();
        findings.push(Finding::BearerPrefix);
    }
    let inner = t.chars().filter(|c| c.is_whitespace()).count();
    if inner > 0 {
        findings.push(Finding::InnerWhitespace { count: inner });
        t.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        t.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token(header: &str, payload: &str, sig: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            b64(header),
            b64(payload),
            URL_SAFE_NO_PAD.encode(sig)
        )
    }

    #[test]
    fn a_plain_token_decodes_with_its_claims_table() {
        let t = token(
            r#"{"kid":"k","alg":"RS256"}"#,
            r#"{"sub":"u","exp":1700003300}"#,
            b"sig",
        );
        let d = decode(t.as_bytes(), NOW);
        assert!(d.is_decoded(), "{:?}", d.problem);
        assert_eq!(d.kind, TokenKind::Jws);
        assert_eq!(d.alg(), Some("RS256"));
        assert_eq!(d.kid(), Some("k"));
        assert_eq!(d.signature_len, Some(3));
        assert_eq!(
            d.header_pretty().as_deref(),
            Some("{\n  \"kid\": \"k\",\n  \"alg\": \"RS256\"\n}")
        );
        let rows = d.claims();
        let exp = rows.iter().find(|r| r.name == "exp").unwrap();
        assert_eq!(exp.time.as_ref().unwrap().relative, "expires in 55 min");
        assert!(d.findings.is_empty(), "{:?}", d.findings);
    }

    #[test]
    fn bearer_quotes_and_whitespace_are_tolerated_and_reported() {
        let t = token(r#"{"alg":"HS256"}"#, r#"{"a":1}"#, b"s");
        let (a, b) = t.split_at(10);
        let pasted = format!("  \"Bearer {a}\n  {b}\"\n");
        let d = decode(pasted.as_bytes(), NOW);
        assert!(d.is_decoded(), "{:?}", d.problem);
        assert_eq!(d.token, t);
        let codes: Vec<&str> = d.findings.iter().map(Finding::code).collect();
        assert_eq!(
            codes,
            [
                "TrimmedWhitespace",
                "Quoted",
                "BearerPrefix",
                "InnerWhitespace"
            ]
        );
    }

    #[test]
    fn part_counts_are_explained() {
        for (input, found) in [("abc", 1), ("a.b", 2), ("a.b.c.d", 4), ("a.b.c.d.e.f", 6)] {
            let d = decode(input.as_bytes(), NOW);
            assert_eq!(d.problem, Some(DecodeError::PartCount { found }), "{input}");
            assert_eq!(d.kind, TokenKind::NotAToken);
        }
        assert!(
            decode(b"a.b", NOW)
                .problem
                .unwrap()
                .to_string()
                .contains("cut off")
        );
        assert_eq!(decode(b"  ", NOW).problem, Some(DecodeError::Empty));
        assert_eq!(decode(b"Bearer ", NOW).problem, Some(DecodeError::Empty));
    }

    #[test]
    fn bad_base64_says_which_part_and_where() {
        let t = format!("{}.{}+x.sig", b64(r#"{"alg":"RS256"}"#), b64(r#"{"a":1}"#));
        let d = decode(t.as_bytes(), NOW);
        let Some(DecodeError::Base64 {
            part,
            offset,
            absolute,
            detail,
        }) = d.problem.clone()
        else {
            panic!("{:?}", d.problem)
        };
        assert_eq!(part, Part::Payload);
        let payload_len = b64(r#"{"a":1}"#).len();
        assert_eq!(offset, payload_len, "the '+' right after the valid payload");
        assert_eq!(absolute, b64(r#"{"alg":"RS256"}"#).len() + 1 + payload_len);
        assert!(detail.contains("standard base64"), "{detail}");
        assert!(
            d.header.is_some(),
            "the header decoded before parsing stopped"
        );
    }

    #[test]
    fn bad_json_says_where() {
        let t = token(r#"{"alg":"RS256","#, r#"{}"#, b"");
        let d = decode(t.as_bytes(), NOW);
        match d.problem {
            Some(DecodeError::Json {
                part: Part::Header,
                line: 1,
                column,
                ..
            }) => {
                assert_eq!(column, 15)
            }
            other => panic!("{other:?}"),
        }
        let t = token(r#"["alg"]"#, r#"{}"#, b"");
        assert_eq!(
            decode(t.as_bytes(), NOW).problem,
            Some(DecodeError::NotAnObject {
                part: Part::Header,
                found: "an array"
            })
        );
    }

    #[test]
    fn jwe_nested_and_unsigned_are_recognised() {
        let jwe = format!(
            "{}.{}.{}.{}.{}",
            b64(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
            b64("k"),
            b64("iv"),
            b64("ciphertext"),
            b64("tag")
        );
        let d = decode(jwe.as_bytes(), NOW);
        assert_eq!(d.kind, TokenKind::Jwe);
        assert!(d.is_decoded());
        assert_eq!(d.payload, Payload::Encrypted { len: 10 });
        assert!(d.findings[0].to_string().contains("RSA-OAEP"));

        let inner = token(r#"{"alg":"RS256"}"#, r#"{"sub":"inner"}"#, b"s");
        let outer = token(r#"{"alg":"HS256","cty":"JWT"}"#, &inner, b"s");
        let d = decode(outer.as_bytes(), NOW);
        assert!(d.findings.contains(&Finding::Nested));
        assert_eq!(d.nested.as_ref().unwrap().claim_str("sub"), Some("inner"));

        let none = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(r#"{"sub":"x"}"#));
        let d = decode(none.as_bytes(), NOW);
        assert_eq!(d.kind, TokenKind::Unsigned);
        assert!(d.is_decoded());
        assert!(d.findings.contains(&Finding::Unsigned));
    }

    #[test]
    fn nesting_is_bounded() {
        let mut t = token(r#"{"alg":"RS256"}"#, r#"{"sub":"x"}"#, b"s");
        for _ in 0..6 {
            t = token(r#"{"alg":"HS256","cty":"JWT"}"#, &t, b"s");
        }
        let d = decode(t.as_bytes(), NOW);
        let mut depth = 0;
        let mut at = &d;
        while let Some(n) = at.nested.as_deref() {
            depth += 1;
            at = n;
        }
        assert_eq!(depth, MAX_NESTING - 1);
        assert!(at.findings.contains(&Finding::NestedTooDeep));
    }

    #[test]
    fn duplicates_padding_and_limits_are_reported() {
        let t = token(
            r#"{"alg":"RS256","alg":"none"}"#,
            r#"{"aud":"a","aud":"b"}"#,
            b"s",
        );
        let d = decode(t.as_bytes(), NOW);
        assert!(d.findings.iter().any(
            |f| matches!(f, Finding::DuplicateMember { part: Part::Header, path } if path == "alg")
        ));
        assert!(d.findings.iter().any(
            |f| matches!(f, Finding::DuplicateMember { part: Part::Payload, path } if path == "aud")
        ));
        assert_eq!(d.kind, TokenKind::Unsigned, "the last alg is the one read");

        let padded = format!("{}.{}=.", b64(r#"{"alg":"RS256"}"#), b64(r#"{"a":1}"#));
        let d = decode(padded.as_bytes(), NOW);
        assert!(d.is_decoded(), "{:?}", d.problem);
        assert!(d.findings.contains(&Finding::Padded {
            part: Part::Payload
        }));

        let big = vec![b'a'; MAX_INPUT_LEN + 1];
        assert!(matches!(
            decode(&big, NOW).problem,
            Some(DecodeError::TooLarge { .. })
        ));
        assert_eq!(
            decode(b"ab\xffcd", NOW).problem,
            Some(DecodeError::NotUtf8 { offset: 2 })
        );
    }

    #[test]
    fn payloads_that_are_not_claims_are_described() {
        let d = decode(token(r#"{"alg":"RS256"}"#, "[1,2]", b"s").as_bytes(), NOW);
        assert!(
            d.findings
                .contains(&Finding::PayloadNotObject { found: "an array" })
        );
        let d = decode(token(r#"{"alg":"RS256"}"#, "hello", b"s").as_bytes(), NOW);
        assert_eq!(d.payload, Payload::Text("hello".into()));
        let d = decode(token(r#"{"alg":"RS256"}"#, "{\"a\":", b"s").as_bytes(), NOW);
        assert!(matches!(
            d.problem,
            Some(DecodeError::Json {
                part: Part::Payload,
                ..
            })
        ));
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let d = decode(token(r#"{"alg":"RS256"}"#, &deep, b"s").as_bytes(), NOW);
        assert!(matches!(
            d.problem,
            Some(DecodeError::TooDeep {
                part: Part::Payload,
                ..
            })
        ));
    }
}
