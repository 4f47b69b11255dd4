//! What the inspector noticed on the way that is not a reason to stop: [`Finding`], with a
//! stable code for programs and its words for people.

use std::fmt;

use super::{MAX_NESTING, Part};

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
