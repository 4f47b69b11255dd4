//! Where decoding stopped: [`DecodeError`], each variant naming the part and the place.

use super::Part;

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
        /// [`super::MAX_INPUT_LEN`].
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
        /// [`crate::inspect::MAX_JSON_DEPTH`].
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
