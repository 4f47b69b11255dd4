//! Request bodies in, response bodies out: Cognito's JSON, with errors that name the member at
//! fault.

use crate::{ApiError, ErrorCode};

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
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
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
            // Members of flattened settings lose their path; find the culprit by elimination.
            (".", None) => match culprit::<T>(body) {
                Some(field) => ApiError::invalid(field, msg),
                None => ApiError::new(ErrorCode::SerializationException, msg),
            },
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

/// The top-level member without which `body` parses (or fails only for lacking it).
fn culprit<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<String> {
    let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    map.keys().find_map(|k| {
        let mut without = map.clone();
        without.remove(k);
        match serde_json::from_value::<T>(serde_json::Value::Object(without)) {
            Ok(_) => Some(k.clone()),
            Err(e) if e.to_string().starts_with(&format!("missing field `{k}`")) => Some(k.clone()),
            Err(_) => None,
        }
    })
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
