//! The attribute schema of a user pool: standard attributes, `custom:` attributes, and the
//! validation of attribute values against them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// Most custom attributes a pool may have.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;
/// Longest custom attribute name, without the `custom:` prefix.
pub const MAX_CUSTOM_NAME_LEN: usize = 20;
/// Longest attribute value Cognito stores.
pub const MAX_VALUE_LEN: usize = 2048;

/// `AttributeDataType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[ts(export)]
pub enum AttributeDataType {
    #[default]
    String,
    Number,
    DateTime,
    Boolean,
}

/// `StringAttributeConstraintsType` (Cognito sends the numbers as strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct StringAttributeConstraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<String>,
}

/// `NumberAttributeConstraintsType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct NumberAttributeConstraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
}

/// `SchemaAttributeType`: one attribute of the pool's schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct SchemaAttribute {
    /// `email`, or for custom attributes the name with or without `custom:`.
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_data_type: Option<AttributeDataType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_only_attribute: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_attribute_constraints: Option<StringAttributeConstraints>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_attribute_constraints: Option<NumberAttributeConstraints>,
}

impl SchemaAttribute {
    fn data_type(&self) -> AttributeDataType {
        self.attribute_data_type.unwrap_or_default()
    }

    /// Whether the attribute is a `custom:` one.
    pub fn is_custom(&self) -> bool {
        self.name.starts_with("custom:")
    }

    /// Whether the attribute may change after the user is created (default: yes).
    pub fn is_mutable(&self) -> bool {
        self.mutable.unwrap_or(true)
    }

    /// Whether every user must have it (default: no).
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(false)
    }
}

/// Standard (OpenID Connect) attributes every pool has: (name, type, mutable).
const STANDARD: &[(&str, AttributeDataType, bool)] = &[
    ("sub", AttributeDataType::String, false),
    ("name", AttributeDataType::String, true),
    ("given_name", AttributeDataType::String, true),
    ("family_name", AttributeDataType::String, true),
    ("middle_name", AttributeDataType::String, true),
    ("nickname", AttributeDataType::String, true),
    ("preferred_username", AttributeDataType::String, true),
    ("profile", AttributeDataType::String, true),
    ("picture", AttributeDataType::String, true),
    ("website", AttributeDataType::String, true),
    ("email", AttributeDataType::String, true),
    ("email_verified", AttributeDataType::Boolean, true),
    ("gender", AttributeDataType::String, true),
    ("birthdate", AttributeDataType::String, true),
    ("zoneinfo", AttributeDataType::String, true),
    ("locale", AttributeDataType::String, true),
    ("phone_number", AttributeDataType::String, true),
    ("phone_number_verified", AttributeDataType::Boolean, true),
    ("address", AttributeDataType::String, true),
    ("updated_at", AttributeDataType::Number, true),
];

/// Whether `name` is a standard attribute.
pub fn is_standard(name: &str) -> bool {
    STANDARD.iter().any(|(n, _, _)| *n == name)
}

/// The schema every new pool starts with, before the request's `Schema` is merged in.
pub fn standard_schema() -> Vec<SchemaAttribute> {
    STANDARD
        .iter()
        .map(|(name, ty, mutable)| SchemaAttribute {
            name: (*name).to_string(),
            attribute_data_type: Some(*ty),
            developer_only_attribute: Some(false),
            mutable: Some(*mutable),
            required: Some(*name == "sub"),
            string_attribute_constraints: match ty {
                AttributeDataType::String => Some(StringAttributeConstraints {
                    min_length: Some(if *name == "sub" { "1" } else { "0" }.into()),
                    max_length: Some("2048".into()),
                }),
                _ => None,
            },
            number_attribute_constraints: match ty {
                AttributeDataType::Number => Some(NumberAttributeConstraints {
                    min_value: Some("0".into()),
                    max_value: None,
                }),
                _ => None,
            },
        })
        .collect()
}

fn parse_bound(field: &str, value: &Option<String>) -> Result<Option<i64>, FieldError> {
    value
        .as_deref()
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| FieldError::new(field, format!("'{v}' is not a whole number")))
        })
        .transpose()
}

/// Checks one schema entry from a request and returns it normalised: custom names gain the
/// `custom:` prefix, standard attributes keep their fixed type.
pub fn normalise_schema_entry(
    index: usize,
    entry: &SchemaAttribute,
    field: &str,
) -> Result<SchemaAttribute, FieldError> {
    let at = |member: &str| format!("{field}[{index}].{member}");
    let mut out = entry.clone();
    let bare = entry.name.strip_prefix("custom:").unwrap_or(&entry.name);
    if bare.is_empty() {
        return Err(FieldError::new(at("Name"), "must not be empty"));
    }
    let standard = STANDARD.iter().find(|(n, _, _)| *n == entry.name);
    match standard {
        Some((name, ty, _)) => {
            if entry.attribute_data_type.is_some_and(|t| t != *ty) {
                return Err(FieldError::new(
                    at("AttributeDataType"),
                    format!("the standard attribute {name} is of type {ty:?}"),
                ));
            }
            if *name == "sub" {
                return Err(FieldError::new(
                    at("Name"),
                    "sub is managed by the user pool",
                ));
            }
            out.attribute_data_type = Some(*ty);
        }
        None => {
            if bare.chars().count() > MAX_CUSTOM_NAME_LEN {
                return Err(FieldError::new(
                    at("Name"),
                    format!("custom attribute names are at most {MAX_CUSTOM_NAME_LEN} characters"),
                ));
            }
            if !bare
                .chars()
                .all(|c| c.is_alphanumeric() || "_-.".contains(c))
            {
                return Err(FieldError::new(
                    at("Name"),
                    format!("'{bare}' may only hold letters, digits, '_', '-' and '.'"),
                ));
            }
            if entry.is_required() {
                return Err(FieldError::new(
                    at("Required"),
                    "required custom attributes are not supported",
                ));
            }
            out.name = format!("custom:{bare}");
            out.attribute_data_type = Some(entry.data_type());
        }
    }
    let (lo, hi) = match &entry.string_attribute_constraints {
        Some(c) => (
            parse_bound(&at("StringAttributeConstraints.MinLength"), &c.min_length)?,
            parse_bound(&at("StringAttributeConstraints.MaxLength"), &c.max_length)?,
        ),
        None => (None, None),
    };
    if lo.is_some_and(|l| l < 0) || hi.is_some_and(|h| !(0..=MAX_VALUE_LEN as i64).contains(&h)) {
        return Err(FieldError::new(
            at("StringAttributeConstraints"),
            format!("lengths must be between 0 and {MAX_VALUE_LEN}"),
        ));
    }
    if let (Some(l), Some(h)) = (lo, hi)
        && l > h
    {
        return Err(FieldError::new(
            at("StringAttributeConstraints"),
            "MinLength must not exceed MaxLength",
        ));
    }
    if let Some(c) = &entry.number_attribute_constraints {
        let lo = parse_bound(&at("NumberAttributeConstraints.MinValue"), &c.min_value)?;
        let hi = parse_bound(&at("NumberAttributeConstraints.MaxValue"), &c.max_value)?;
        if let (Some(l), Some(h)) = (lo, hi)
            && l > h
        {
            return Err(FieldError::new(
                at("NumberAttributeConstraints"),
                "MinValue must not exceed MaxValue",
            ));
        }
    }
    Ok(out)
}

/// Merges a request's schema entries into the standard schema (replacing standard entries of
/// the same name, appending custom ones), refusing duplicates and too many custom attributes.
pub fn merge_schema(
    base: &[SchemaAttribute],
    entries: &[SchemaAttribute],
    field: &str,
) -> Result<Vec<SchemaAttribute>, FieldError> {
    let mut out = base.to_vec();
    let mut seen = std::collections::BTreeSet::new();
    for (i, entry) in entries.iter().enumerate() {
        let normal = normalise_schema_entry(i, entry, field)?;
        if !seen.insert(normal.name.clone()) {
            return Err(FieldError::new(
                format!("{field}[{i}].Name"),
                format!("{} appears more than once", normal.name),
            ));
        }
        match out.iter_mut().find(|a| a.name == normal.name) {
            Some(existing) if normal.is_custom() => {
                let _ = existing;
                return Err(FieldError::new(
                    format!("{field}[{i}].Name"),
                    format!("{} already exists in the schema", normal.name),
                ));
            }
            Some(existing) => {
                existing.required = normal.required.or(existing.required);
                existing.mutable = normal.mutable.or(existing.mutable);
                if normal.string_attribute_constraints.is_some() {
                    existing.string_attribute_constraints = normal.string_attribute_constraints;
                }
            }
            None => out.push(normal),
        }
    }
    let custom = out.iter().filter(|a| a.is_custom()).count();
    if custom > MAX_CUSTOM_ATTRIBUTES {
        return Err(FieldError::new(
            field,
            format!("a pool may have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes"),
        ));
    }
    Ok(out)
}

/// Why an attribute value was refused.
fn value_error(field: &str, name: &str, reason: impl std::fmt::Display) -> FieldError {
    FieldError::new(field, format!("{name}: {reason}"))
}

/// Checks a single attribute value against its schema entry.
pub fn check_value(attr: &SchemaAttribute, value: &str, field: &str) -> Result<(), FieldError> {
    let name = &attr.name;
    if value.len() > MAX_VALUE_LEN {
        return Err(value_error(
            field,
            name,
            format!("values are at most {MAX_VALUE_LEN} bytes"),
        ));
    }
    // Control characters (NUL, escapes, DEL, C1) have no place in an attribute value: they cut
    // strings short, forge log lines and terminal output. Text may keep its line breaks and tabs
    // (an `address`), but not where they could not belong.
    let single_line = matches!(
        name.as_str(),
        "email" | "phone_number" | "preferred_username"
    );
    if value
        .chars()
        .any(|c| c.is_control() && (single_line || !matches!(c, '\t' | '\n' | '\r')))
    {
        return Err(value_error(
            field,
            name,
            "must not contain control characters",
        ));
    }
    match attr.data_type() {
        AttributeDataType::String => {
            let len = value.chars().count() as i64;
            if let Some(c) = &attr.string_attribute_constraints {
                let lo = c.min_length.as_deref().and_then(|v| v.parse::<i64>().ok());
                let hi = c.max_length.as_deref().and_then(|v| v.parse::<i64>().ok());
                if lo.is_some_and(|l| len < l) || hi.is_some_and(|h| len > h) {
                    return Err(value_error(
                        field,
                        name,
                        format!(
                            "length {len} is outside {}..{}",
                            lo.unwrap_or(0),
                            hi.unwrap_or(MAX_VALUE_LEN as i64)
                        ),
                    ));
                }
            }
            match name.as_str() {
                "email" if !is_email(value) => {
                    Err(value_error(field, name, "Invalid email address format."))
                }
                "phone_number" if !is_e164(value) => Err(value_error(
                    field,
                    name,
                    "Invalid phone number format; use E.164 like +12065551212.",
                )),
                _ => Ok(()),
            }
        }
        AttributeDataType::Number => {
            let n: i64 = value
                .trim()
                .parse()
                .map_err(|_| value_error(field, name, format!("'{value}' is not a number")))?;
            if let Some(c) = &attr.number_attribute_constraints {
                let lo = c.min_value.as_deref().and_then(|v| v.parse::<i64>().ok());
                let hi = c.max_value.as_deref().and_then(|v| v.parse::<i64>().ok());
                if lo.is_some_and(|l| n < l) || hi.is_some_and(|h| n > h) {
                    return Err(value_error(field, name, format!("{n} is out of range")));
                }
            }
            Ok(())
        }
        AttributeDataType::Boolean => match value {
            "true" | "false" => Ok(()),
            _ => Err(value_error(
                field,
                name,
                format!("'{value}' is not true or false"),
            )),
        },
        AttributeDataType::DateTime => {
            if value.is_empty() || value.len() > 64 {
                Err(value_error(field, name, "is not a date-time"))
            } else {
                Ok(())
            }
        }
    }
}

/// A loose email check: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn is_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// E.164: `+` then 2–15 digits... Cognito accepts up to 17 characters overall.
pub fn is_e164(v: &str) -> bool {
    let digits = v.strip_prefix('+').unwrap_or("");
    (2..=16).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

/// Looks up `name` in the schema.
pub fn find<'a>(schema: &'a [SchemaAttribute], name: &str) -> Option<&'a SchemaAttribute> {
    schema.iter().find(|a| a.name == name)
}

/// What a set of attribute writes is for: creating a user, or changing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeWrite {
    Create,
    Update,
}

/// Checks a batch of `(name, value)` writes against the schema. `field` is the request member
/// (`UserAttributes`).
pub fn check_attributes(
    schema: &[SchemaAttribute],
    attrs: &BTreeMap<String, String>,
    write: AttributeWrite,
    field: &str,
) -> Result<(), FieldError> {
    for (name, value) in attrs {
        let attr = find(schema, name).ok_or_else(|| {
            FieldError::new(
                field,
                format!("{name}: Attribute does not exist in the schema."),
            )
        })?;
        if name == "sub" {
            return Err(FieldError::new(
                field,
                "sub: Cannot modify the sub attribute.",
            ));
        }
        if write == AttributeWrite::Update && !attr.is_mutable() {
            return Err(FieldError::new(
                field,
                format!("{name}: Attribute cannot be updated. (changing an immutable attribute)"),
            ));
        }
        check_value(attr, value, field)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str) -> SchemaAttribute {
        SchemaAttribute {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn custom_attributes_gain_their_prefix_once() {
        let merged = merge_schema(
            &standard_schema(),
            &[custom("tier"), custom("custom:plan")],
            "Schema",
        )
        .unwrap();
        assert!(find(&merged, "custom:tier").is_some());
        assert!(find(&merged, "custom:plan").is_some());
        assert!(find(&merged, "custom:custom:plan").is_none());
    }

    #[test]
    fn duplicates_and_required_customs_are_refused() {
        let err = merge_schema(
            &standard_schema(),
            &[custom("a"), custom("custom:a")],
            "Schema",
        )
        .unwrap_err();
        assert_eq!(err.field, "Schema[1].Name");
        let req = SchemaAttribute {
            required: Some(true),
            ..custom("a")
        };
        assert_eq!(
            merge_schema(&standard_schema(), &[req], "Schema")
                .unwrap_err()
                .field,
            "Schema[0].Required"
        );
    }

    #[test]
    fn values_are_checked_by_type() {
        let schema = standard_schema();
        let email = find(&schema, "email").unwrap();
        assert!(check_value(email, "a@example.com", "UserAttributes").is_ok());
        assert!(check_value(email, "not-an-email", "UserAttributes").is_err());
        let phone = find(&schema, "phone_number").unwrap();
        assert!(check_value(phone, "+12065551212", "UserAttributes").is_ok());
        assert!(check_value(phone, "2065551212", "UserAttributes").is_err());
        for bad in [
            "a\u{0}@example.com",
            "a@exa\u{7f}mple.com",
            "a@example.com\n",
        ] {
            let err = check_value(email, bad, "UserAttributes").unwrap_err();
            assert!(
                err.to_string()
                    .contains("email: must not contain control characters"),
                "{err}"
            );
        }
        let address = find(&schema, "address").unwrap();
        assert!(check_value(address, "1 Main St\nSpringfield", "UserAttributes").is_ok());
        assert!(check_value(address, "1 Main St\u{0}", "UserAttributes").is_err());
        let verified = find(&schema, "email_verified").unwrap();
        assert!(check_value(verified, "yes", "UserAttributes").is_err());
    }
}
