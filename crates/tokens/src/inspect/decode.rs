//! Decoding anything pasted: cleaning it up, splitting it, and saying what was found and where
//! parsing stopped. Nothing here checks a signature.

use std::fmt;

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

use super::claims::{ClaimRow, claim_rows, json_kind};
use super::json::{self, JsonError};
use crate::error::echo;

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

/// Why the input could not be decoded (fully). Each says where parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Nothing was pasted (or only whitespace, quotes or `Bearer`).
    #[error("the input is empty: paste a token (header.payload.signature)")]
    Empty,
    /// More input than the inspector reads.
    #[error(
        "the input is {len} bytes; the inspector reads at most {max} bytes (a JWT is usually 1–4 KiB)"
    )]
    TooLarge {
        /// The input's length in bytes.
        len: usize,
        /// [`MAX_INPUT_LEN`].
        max: usize,
    },
    /// The input is not UTF-8 text.
    #[error("the input is not text: invalid UTF-8 at byte {offset}")]
    NotUtf8 {
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// The wrong number of dot-separated parts.
    #[error("{}", part_count_message(*found))]
    PartCount {
        /// How many parts there are.
        found: usize,
    },
    /// A part is not base64url.
    #[error("{part} (part {}) is not base64url: {detail} at offset {offset} of the part (character {} of the token)", part.number(), absolute + 1)]
    Base64 {
        /// Which part.
        part: Part,
        /// Offset within the part.
        offset: usize,
        /// Offset within the (cleaned) token.
        absolute: usize,
        /// What is wrong there.
        detail: String,
    },
    /// A part that must be JSON is not.
    #[error("{part} (part {}) is not JSON: {reason}", part.number())]
    Json {
        /// Which part.
        part: Part,
        /// What serde_json said, with line and column in the decoded JSON.
        reason: String,
        /// 1-based line in the decoded JSON.
        line: usize,
        /// 1-based column in the decoded JSON.
        column: usize,
    },
    /// A part's JSON is nested too deeply to read.
    #[error("{part} (part {}) nests arrays or objects more than {max} deep; the inspector stops there", part.number())]
    TooDeep {
        /// Which part.
        part: Part,
        /// [`super::MAX_JSON_DEPTH`].
        max: usize,
    },
    /// The header is JSON but not an object.
    #[error("{part} (part {}) is JSON but {found}, not an object", part.number())]
    NotAnObject {
        /// Which part.
        part: Part,
        /// What it is instead ("an array", "a string", ...).
        found: &'static str,
    },
}

impl DecodeError {
    /// A stable code for programs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Empty => "Empty",
            DecodeError::TooLarge { .. } => "TooLarge",
            DecodeError::NotUtf8 { .. } => "NotUtf8",
            DecodeError::PartCount { .. } => "PartCount",
            DecodeError::Base64 { .. } => "Base64",
            DecodeError::Json { .. } => "Json",
            DecodeError::TooDeep { .. } => "TooDeep",
            DecodeError::NotAnObject { .. } => "NotAnObject",
        }
    }

    /// The part the error is in, when it is in one.
    #[must_use]
    pub fn part(&self) -> Option<Part> {
        match self {
            DecodeError::Base64 { part, .. }
            | DecodeError::Json { part, .. }
            | DecodeError::TooDeep { part, .. }
            | DecodeError::NotAnObject { part, .. } => Some(*part),
            DecodeError::Empty
            | DecodeError::TooLarge { .. }
            | DecodeError::NotUtf8 { .. }
            | DecodeError::PartCount { .. } => None,
        }
    }
}

fn part_count_message(found: usize) -> String {
    match found {
        1 => "the input has no dots, so it is not a compact JWT (header.payload.signature): \
              an opaque token (a refresh token, say) or something else"
            .to_owned(),
        2 => "the input has 2 parts; a JWS has 3 (header.payload.signature): was the signature cut off?"
            .to_owned(),
        4 => "the input has 4 parts; a JWS has 3 and a JWE has 5".to_owned(),
        n => format!("the input has {n} dot-separated parts; a JWS has 3 and a JWE has 5"),
    }
}

/// Something the inspector noticed, good or bad, that is not a reason to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// Whitespace around the token was removed.
    TrimmedWhitespace,
    /// Whitespace or line breaks inside the token were removed.
    InnerWhitespace {
        /// How many characters.
        count: usize,
    },
    /// The token was wrapped in quotes, which were removed.
    Quoted,
    /// An `Authorization` header's `Bearer ` prefix was removed.
    BearerPrefix,
    /// A part used `=` padding, which JWS does not (strict libraries refuse it).
    Padded {
        /// Which part.
        part: Part,
    },
    /// `alg: none`: the token is unsigned and anyone could have written it.
    Unsigned,
    /// `alg: none` but the signature part is not empty.
    UnsignedWithSignature,
    /// A JWE: encrypted, so its claims cannot be read without the recipient's private key.
    Encrypted {
        /// The key-management `alg`.
        alg: Option<String>,
        /// The content-encryption `enc`.
        enc: Option<String>,
    },
    /// `cty: JWT`: the payload is itself a token, decoded below.
    Nested,
    /// Nested tokens deeper than [`MAX_NESTING`] were not opened.
    NestedTooDeep,
    /// A member appears more than once in an object; the last value is the one shown (and the
    /// one most libraries use, though some use the first: a classic source of confusion).
    DuplicateMember {
        /// Which part.
        part: Part,
        /// Its path (`aud`, `address.street`).
        path: String,
    },
    /// The header names critical extensions (`crit`) that a verifier must understand.
    Critical,
    /// `b64: false` (RFC 7797): the payload is not base64url-encoded; not supported.
    UnencodedPayload,
    /// The payload is JSON but not an object, so this is a JWS but not a JWT.
    PayloadNotObject {
        /// What it is instead.
        found: &'static str,
    },
    /// The payload is not JSON at all: a JWS, but not a JWT.
    PayloadNotJson {
        /// Whether it is UTF-8 text (else binary).
        is_text: bool,
    },
    /// The header has no `alg`.
    MissingAlgorithm,
    /// Made by Poolhouse's test-token encoder (the `poolhouse:test` header member).
    TestToken,
}

impl Finding {
    /// A stable code for programs.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Finding::TrimmedWhitespace => "TrimmedWhitespace",
            Finding::InnerWhitespace { .. } => "InnerWhitespace",
            Finding::Quoted => "Quoted",
            Finding::BearerPrefix => "BearerPrefix",
            Finding::Padded { .. } => "Padded",
            Finding::Unsigned => "Unsigned",
            Finding::UnsignedWithSignature => "UnsignedWithSignature",
            Finding::Encrypted { .. } => "Encrypted",
            Finding::Nested => "Nested",
            Finding::NestedTooDeep => "NestedTooDeep",
            Finding::DuplicateMember { .. } => "DuplicateMember",
            Finding::Critical => "Critical",
            Finding::UnencodedPayload => "UnencodedPayload",
            Finding::PayloadNotObject { .. } => "PayloadNotObject",
            Finding::PayloadNotJson { .. } => "PayloadNotJson",
            Finding::MissingAlgorithm => "MissingAlgorithm",
            Finding::TestToken => "TestToken",
        }
    }

    /// Whether this is a warning (something a verifier would refuse or that deserves a look),
    /// rather than a note about how the input was read.
    #[must_use]
    pub fn is_warning(&self) -> bool {
        !matches!(
            self,
            Finding::TrimmedWhitespace
                | Finding::InnerWhitespace { .. }
                | Finding::Quoted
                | Finding::BearerPrefix
                | Finding::Nested
                | Finding::TestToken
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::TrimmedWhitespace => f.write_str("whitespace around the token was ignored"),
            Finding::InnerWhitespace { count } => write!(
                f,
                "{count} whitespace character(s) inside the token (a wrapped line?) were ignored"
            ),
            Finding::Quoted => f.write_str("the quotes around the token were ignored"),
            Finding::BearerPrefix => {
                f.write_str("the `Bearer ` prefix of an Authorization header was ignored")
            }
            Finding::Padded { part } => write!(
                f,
                "the {part} (part {}) uses `=` padding, which JWS does not; strict libraries refuse it",
                part.number()
            ),
            Finding::Unsigned => {
                f.write_str("alg is `none`: the token is unsigned and anyone could have written it")
            }
            Finding::UnsignedWithSignature => {
                f.write_str("alg is `none` yet the signature part is not empty")
            }
            Finding::Encrypted { alg, enc } => write!(
                f,
                "a JWE (5 parts), encrypted with alg {} and enc {}: its claims can only be read \
                 with the recipient's private key, which the inspector does not take",
                alg.as_deref().unwrap_or("(none)"),
                enc.as_deref().unwrap_or("(none)")
            ),
            Finding::Nested => f.write_str(
                "cty is `JWT`: the payload is itself a token (a nested JWT), decoded below",
            ),
            Finding::NestedTooDeep => write!(
                f,
                "tokens nested more than {MAX_NESTING} deep were not opened"
            ),
            Finding::DuplicateMember { part, path } => write!(
                f,
                "`{path}` appears more than once in the {part}; the last value is shown, but \
                 libraries disagree on which one wins"
            ),
            Finding::Critical => f.write_str(
                "the header lists critical extensions (`crit`): a verifier that does not \
                 understand them must refuse the token",
            ),
            Finding::UnencodedPayload => f.write_str(
                "b64 is false (RFC 7797, unencoded payload): not supported by the inspector",
            ),
            Finding::PayloadNotObject { found } => write!(
                f,
                "the payload is JSON but {found}: a JWS, but not a JWT (whose claims are an object)"
            ),
            Finding::PayloadNotJson { is_text: true } => {
                f.write_str("the payload is text, not JSON: a JWS, but not a JWT")
            }
            Finding::PayloadNotJson { is_text: false } => {
                f.write_str("the payload is binary, not JSON: a JWS, but not a JWT")
            }
            Finding::MissingAlgorithm => f.write_str("the header has no string `alg`"),
            Finding::TestToken => {
                f.write_str("a test token made by Poolhouse's encoder (header `poolhouse:test`)")
            }
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
        /// The JSON re-indented, members in the token's order.
        pretty: String,
    },
    /// JSON that is not an object.
    Json {
        /// The value.
        value: Value,
        /// The JSON re-indented.
        pretty: String,
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

/// Everything the inspector found in one input. Never authentic: see [`super::explain`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The token as read: trimmed, without quotes, `Bearer ` or inner whitespace.
    pub token: String,
    /// What the input is.
    pub kind: TokenKind,
    /// The header, when it decoded to a JSON object.
    pub header: Option<Map<String, Value>>,
    /// The header's JSON re-indented, members in the token's order.
    pub header_pretty: Option<String>,
    /// The payload.
    pub payload: Payload,
    /// The claims table (empty unless the payload is a JSON object).
    pub claims: Vec<ClaimRow>,
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
            header_pretty: None,
            payload: Payload::Missing,
            claims: Vec::new(),
            signature_len: None,
            findings: Vec::new(),
            problem: Some(problem),
            nested: None,
            signature: Vec::new(),
        }
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

/// base64url that also reads `=` padding, to decode (and report) padded parts.
const PADDED_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

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
    let mut d = decode_compact(token, now, depth);
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

fn decode_compact(token: String, now: i64, depth: usize) -> Decoded {
    if token.is_empty() {
        return Decoded::stopped(token, DecodeError::Empty);
    }
    let found = token.bytes().filter(|b| *b == b'.').count() + 1;
    if found != 3 && found != 5 {
        return Decoded::stopped(token, DecodeError::PartCount { found });
    }
    let mut d = Decoded::stopped(token, DecodeError::Empty);
    d.problem = None;
    d.kind = if found == 5 {
        TokenKind::Jwe
    } else {
        TokenKind::Jws
    };
    let token = d.token.clone();
    // Each part with its offset in the token, for error positions.
    let mut parts = Vec::with_capacity(found);
    let mut start = 0;
    for p in token.split('.') {
        parts.push((start, p));
        start += p.len() + 1;
    }
    let names: &[Part] = if found == 5 {
        &[
            Part::Header,
            Part::EncryptedKey,
            Part::Iv,
            Part::Ciphertext,
            Part::Tag,
        ]
    } else {
        &[Part::Header, Part::Payload, Part::Signature]
    };
    let segment = |i: usize| parts.get(i).copied().unwrap_or((0, ""));

    // The header.
    let (at, text) = segment(0);
    let header = match decode_b64(text, Part::Header, at, &mut d.findings)
        .and_then(|bytes| object(&bytes, Part::Header, &mut d.findings))
    {
        Ok((map, pretty)) => {
            d.header_pretty = Some(pretty);
            map
        }
        Err(e) => {
            d.kind = TokenKind::NotAToken;
            d.problem = Some(e);
            return d;
        }
    };
    let alg = header.get("alg").and_then(Value::as_str).map(str::to_owned);
    if header.contains_key("crit") {
        d.findings.push(Finding::Critical);
    }
    if header.get(TEST_TOKEN_HEADER).is_some() {
        d.findings.push(Finding::TestToken);
    }
    let nested = header
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
    let unencoded = header.get("b64") == Some(&Value::Bool(false));
    d.header = Some(header);

    if d.kind == TokenKind::Jwe {
        let enc = d.header_str("enc").map(echo);
        d.findings.push(Finding::Encrypted {
            alg: alg.as_deref().map(echo),
            enc,
        });
        for (i, part) in names.iter().enumerate().skip(1) {
            let (at, text) = segment(i);
            match decode_b64(text, *part, at, &mut d.findings) {
                Ok(bytes) if *part == Part::Ciphertext => {
                    d.payload = Payload::Encrypted { len: bytes.len() }
                }
                Ok(_) => {}
                Err(e) => {
                    d.problem = Some(e);
                    return d;
                }
            }
        }
        return d;
    }

    match alg.as_deref() {
        None => d.findings.push(Finding::MissingAlgorithm),
        Some(a) if a.eq_ignore_ascii_case("none") => {
            d.kind = TokenKind::Unsigned;
            d.findings.push(Finding::Unsigned);
        }
        Some(_) => {}
    }
    if unencoded {
        d.findings.push(Finding::UnencodedPayload);
    }

    // The payload.
    let (at, text) = segment(1);
    match decode_b64(text, Part::Payload, at, &mut d.findings) {
        Ok(bytes) => {
            if nested {
                d.findings.push(Finding::Nested);
                d.payload = match String::from_utf8(bytes) {
                    Ok(inner) => {
                        if depth + 1 >= MAX_NESTING {
                            d.findings.push(Finding::NestedTooDeep);
                        } else {
                            d.nested = Some(Box::new(decode_at(inner.as_bytes(), now, depth + 1)));
                        }
                        Payload::Text(inner)
                    }
                    Err(e) => Payload::Binary {
                        len: e.as_bytes().len(),
                    },
                };
            } else if let Err(e) = payload(&bytes, &mut d, now) {
                d.problem = Some(e);
            }
        }
        Err(e) => d.problem = Some(e),
    }

    // The signature: decoded even when the payload did not, so that both problems are shown
    // one at a time in order (the first one stays the problem).
    let (at, text) = segment(2);
    match decode_b64(text, Part::Signature, at, &mut d.findings) {
        Ok(sig) => {
            if d.kind == TokenKind::Unsigned && !sig.is_empty() {
                d.findings.push(Finding::UnsignedWithSignature);
            }
            d.signature_len = Some(sig.len());
            d.signature = sig;
        }
        Err(e) => {
            if d.problem.is_none() {
                d.problem = Some(e);
            }
        }
    }
    d
}

/// Reads the payload of a JWS into `d`.
fn payload(bytes: &[u8], d: &mut Decoded, now: i64) -> Result<(), DecodeError> {
    let looks_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[');
    match json::parse(bytes) {
        Ok(parsed) => {
            for path in parsed.duplicates {
                d.findings.push(Finding::DuplicateMember {
                    part: Part::Payload,
                    path,
                });
            }
            let pretty = json::pretty(&String::from_utf8_lossy(bytes));
            match parsed.value {
                Value::Object(claims) => {
                    d.claims = claim_rows(&claims, now);
                    d.payload = Payload::Claims { claims, pretty };
                }
                other => {
                    d.findings.push(Finding::PayloadNotObject {
                        found: json_kind(&other),
                    });
                    d.payload = Payload::Json {
                        value: other,
                        pretty,
                    };
                }
            }
            Ok(())
        }
        Err(e) if looks_like_json => Err(json_error(e, Part::Payload)),
        Err(_) => {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    d.findings.push(Finding::PayloadNotJson { is_text: true });
                    d.payload = Payload::Text(text.to_owned());
                }
                Err(_) => {
                    d.findings.push(Finding::PayloadNotJson { is_text: false });
                    d.payload = Payload::Binary { len: bytes.len() };
                }
            }
            Ok(())
        }
    }
}

fn json_error(e: JsonError, part: Part) -> DecodeError {
    match e {
        JsonError::TooDeep { .. } => DecodeError::TooDeep {
            part,
            max: json::MAX_JSON_DEPTH,
        },
        JsonError::Syntax {
            message,
            line,
            column,
        } => DecodeError::Json {
            reason: format!("{message} at line {line}, column {column}"),
            part,
            line,
            column,
        },
    }
}

/// A JSON object, pretty-printed; duplicates become findings.
fn object(
    bytes: &[u8],
    part: Part,
    findings: &mut Vec<Finding>,
) -> Result<(Map<String, Value>, String), DecodeError> {
    let parsed = json::parse(bytes).map_err(|e| json_error(e, part))?;
    let map = match parsed.value {
        Value::Object(map) => map,
        other => {
            return Err(DecodeError::NotAnObject {
                part,
                found: json_kind(&other),
            });
        }
    };
    for path in parsed.duplicates {
        findings.push(Finding::DuplicateMember { part, path });
    }
    Ok((map, json::pretty(&String::from_utf8_lossy(bytes))))
}

/// Decodes one part from base64url, reading (and reporting) `=` padding.
fn decode_b64(
    text: &str,
    part: Part,
    at: usize,
    findings: &mut Vec<Finding>,
) -> Result<Vec<u8>, DecodeError> {
    match URL_SAFE_NO_PAD.decode(text) {
        Ok(bytes) => Ok(bytes),
        Err(strict) => {
            if text.ends_with('=')
                && let Ok(bytes) = PADDED_URL_SAFE.decode(text)
            {
                findings.push(Finding::Padded { part });
                return Ok(bytes);
            }
            let (offset, detail) = base64_detail(&strict, text);
            Err(DecodeError::Base64 {
                part,
                offset,
                absolute: at + offset,
                detail,
            })
        }
    }
}

fn base64_detail(e: &base64::DecodeError, text: &str) -> (usize, String) {
    use base64::DecodeError as E;
    let shown = |byte: u8| -> String {
        if byte.is_ascii_graphic() {
            format!("'{}'", char::from(byte))
        } else {
            format!("byte 0x{byte:02x}")
        }
    };
    match e {
        E::InvalidByte(offset, byte) => {
            let hint = match byte {
                b'+' | b'/' => " (standard base64; JWTs use base64url, with '-' and '_')",
                b'=' => " (padding in the middle of the part)",
                _ => "",
            };
            (
                *offset,
                format!("{} is not a base64url character{hint}", shown(*byte)),
            )
        }
        E::InvalidLength(len) => (
            *len,
            format!("{len} characters cannot be base64 (one too many, or the part was cut off)"),
        ),
        E::InvalidLastSymbol(offset, byte) => (
            *offset,
            format!(
                "the last character {} has bits set that base64url leaves zero (not a canonical encoding)",
                shown(*byte)
            ),
        ),
        E::InvalidPadding => (text.len(), "invalid padding".to_owned()),
    }
}

#[cfg(test)]
mod tests {
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
            d.header_pretty.as_deref(),
            Some("{\n  \"kid\": \"k\",\n  \"alg\": \"RS256\"\n}")
        );
        let exp = d.claims.iter().find(|r| r.name == "exp").unwrap();
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
