//! Reading the compact serialization part by part: the JOSE header, then the payload and the
//! signature of a JWS (or the other four parts of a JWE), each from base64url and, where it
//! must be, from JSON. A problem stops decoding with a [`DecodeError`] naming the part and the
//! place; anything else noticed becomes a [`Finding`].

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{
    DecodeError, Decoded, Finding, MAX_NESTING, Part, Payload, TEST_TOKEN_HEADER, TokenKind,
    decode_at,
};
use crate::b64::LENIENT_URL_SAFE;
use crate::error::echo;
use crate::inspect::claims::json_kind;
use crate::inspect::json::{self, JsonError};

/// Decodes a cleaned token: the part count, then each part in order.
pub(super) fn decode_compact(token: String, now: i64, depth: usize) -> Decoded {
    if token.is_empty() {
        return Decoded::stopped(token, DecodeError::Empty);
    }
    let found = token.bytes().filter(|b| *b == b'.').count() + 1;
    if found != 3 && found != 5 {
        return Decoded::stopped(token, DecodeError::PartCount { found });
    }
    let mut d = Decoded::stopped(token, DecodeError::Empty);
    d.problem = None;
    d.now = now;
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
        .and_then(|bytes| object(bytes, Part::Header, &mut d.findings))
    {
        Ok((map, json)) => {
            d.header_json = Some(json);
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
            } else if let Err(e) = payload(bytes, &mut d) {
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
fn payload(bytes: Vec<u8>, d: &mut Decoded) -> Result<(), DecodeError> {
    let looks_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[');
    match json::parse(&bytes) {
        Ok(parsed) => {
            for path in parsed.duplicates {
                d.findings.push(Finding::DuplicateMember {
                    part: Part::Payload,
                    path,
                });
            }
            match parsed.value {
                Value::Object(claims) => {
                    d.payload = Payload::Claims {
                        claims,
                        json: bytes,
                    };
                }
                other => {
                    d.findings.push(Finding::PayloadNotObject {
                        found: json_kind(&other),
                    });
                    d.payload = Payload::Json {
                        value: other,
                        json: bytes,
                    };
                }
            }
            Ok(())
        }
        Err(e) if looks_like_json => Err(json_error(e, Part::Payload)),
        Err(_) => {
            match String::from_utf8(bytes) {
                Ok(text) => {
                    d.findings.push(Finding::PayloadNotJson { is_text: true });
                    d.payload = Payload::Text(text);
                }
                Err(e) => {
                    d.findings.push(Finding::PayloadNotJson { is_text: false });
                    d.payload = Payload::Binary {
                        len: e.as_bytes().len(),
                    };
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

/// A JSON object, and its bytes; duplicates become findings.
fn object(
    bytes: Vec<u8>,
    part: Part,
    findings: &mut Vec<Finding>,
) -> Result<(Map<String, Value>, Vec<u8>), DecodeError> {
    let parsed = json::parse(&bytes).map_err(|e| json_error(e, part))?;
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
    Ok((map, bytes))
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
                && let Ok(bytes) = LENIENT_URL_SAFE.decode(text)
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
