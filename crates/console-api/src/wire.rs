//! Request bodies in, response bodies out: Cognito's JSON, with errors that name the member at
//! fault.

use std::cell::RefCell;

use crate::{ApiError, ErrorCode};

thread_local! {
    /// Where inside flattened settings the parse under way failed. Serde buffers the members of
    /// a `#[serde(flatten)]` field and deserialises them after the object, out of reach of the
    /// outer path tracking, so [`flattened`] tracks them itself and leaves the path here.
    static FLATTENED_PATH: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// `#[serde(flatten, deserialize_with = "crate::wire::flattened")]`: deserialises flattened
/// settings with their own path tracking, so an error among them names its member from the one
/// parse (rather than by re-reading the body once per member).
pub(crate) fn flattened<'de, D, S>(d: D) -> Result<S, D::Error>
where
    D: serde::Deserializer<'de>,
    S: serde::Deserialize<'de>,
{
    serde_path_to_error::deserialize(d).map_err(|e| {
        let path = e.path().to_string();
        if path != "." {
            FLATTENED_PATH.with(|p| p.replace(Some(path)));
        }
        e.into_inner()
    })
}

/// Parses a request body, naming the member at fault.
pub fn parse_request<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Cognito's requests are JSON objects; serde would also read an array by position.
    if body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b != b'{')
    {
        return Err(ApiError::new(
            ErrorCode::SerializationException,
            "The request body must be a JSON object.",
        ));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    FLATTENED_PATH.with(|p| p.replace(None));
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = match (e.path().to_string(), FLATTENED_PATH.with(|p| p.take())) {
            // The error came from inside flattened settings: their own path names the member.
            (outer, Some(inner)) if outer == "." => inner,
            (outer, _) => outer,
        };
        let inner = e.into_inner();
        let msg = strip_position(&inner.to_string());
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::new(ErrorCode::SerializationException, msg);
        }
        let missing = msg
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string);
        match (path.as_str(), missing) {
            (".", Some(name)) => ApiError::invalid(name, "is required"),
            (".", None) => ApiError::new(ErrorCode::SerializationException, msg),
            (p, Some(name)) => ApiError::invalid(format!("{p}.{name}"), "is required"),
            (p, None) => ApiError::invalid(p, msg),
        }
    })?;
    // Nothing may follow the object.
    de.end().map_err(|e| {
        ApiError::new(
            ErrorCode::SerializationException,
            strip_position(&e.to_string()),
        )
    })?;
    Ok(value)
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Encodes a response body.
pub fn encode_response<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v)
        .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde::Deserialize;

    use super::parse_request;

    /// How many times the flattened settings below were deserialised.
    static SETTINGS_PARSES: AtomicUsize = AtomicUsize::new(0);

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(default)]
        flag: Option<bool>,
        #[serde(default)]
        limit: Option<u32>,
    }

    /// Settings that count their own deserialisations.
    struct Counted;

    impl<'de> Deserialize<'de> for Counted {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            SETTINGS_PARSES.fetch_add(1, Ordering::SeqCst);
            Inner::deserialize(d).map(|_| Counted)
        }
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Request {
        name: String,
        #[serde(flatten, deserialize_with = "crate::wire::flattened")]
        settings: Counted,
    }

    #[test]
    fn a_wrong_member_among_thousands_is_named_in_one_parse() {
        let mut body = serde_json::Map::new();
        body.insert("name".into(), "x".into());
        for i in 0..5_000 {
            body.insert(format!("Unknown{i}"), i.into());
        }
        body.insert("limit".into(), "ten".into());
        let body = serde_json::to_vec(&body).unwrap();
        SETTINGS_PARSES.store(0, Ordering::SeqCst);
        let err = parse_request::<Request>(&body).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("limit"), "{err:?}");
        assert_eq!(
            SETTINGS_PARSES.load(Ordering::SeqCst),
            1,
            "the body is read once, not once per member"
        );
    }
}
