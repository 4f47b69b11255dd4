//! The `ListUsers` filter language: `Attribute Op "Value"`, one attribute per query, with
//! `=` (exact) and `^=` (prefix). Filters are parsed into [`UserFilter`], an enum, never passed
//! on as strings.

use crate::FieldError;

/// Longest filter Cognito accepts.
pub const MAX_FILTER_LEN: usize = 256;

/// The attributes `ListUsers` can search on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterAttribute {
    Username,
    Email,
    PhoneNumber,
    Name,
    GivenName,
    FamilyName,
    PreferredUsername,
    /// `cognito:user_status` (the console's "Status"), case-insensitive.
    UserStatus,
    /// `status` (the console's "Enabled"): `Enabled` or `Disabled`.
    Enabled,
    Sub,
}

impl FilterAttribute {
    /// Every searchable attribute.
    pub const ALL: [FilterAttribute; 10] = [
        Self::Username,
        Self::Email,
        Self::PhoneNumber,
        Self::Name,
        Self::GivenName,
        Self::FamilyName,
        Self::PreferredUsername,
        Self::UserStatus,
        Self::Enabled,
        Self::Sub,
    ];

    /// The name as written in a filter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
            Self::Name => "name",
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::PreferredUsername => "preferred_username",
            Self::UserStatus => "cognito:user_status",
            Self::Enabled => "status",
            Self::Sub => "sub",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How the value is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchType {
    /// `=`
    Exact,
    /// `^=`
    Prefix,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserFilter {
    pub attribute: FilterAttribute,
    pub match_type: MatchType,
    pub value: String,
}

fn err(reason: impl Into<String>) -> FieldError {
    FieldError::new("Filter", reason)
}

/// Parses a filter; an empty or all-blank filter is `None` (every user).
pub fn parse_filter(input: &str) -> Result<Option<UserFilter>, FieldError> {
    if input.len() > MAX_FILTER_LEN {
        return Err(err(format!("must be at most {MAX_FILTER_LEN} characters")));
    }
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let name_end = s
        .find(|c: char| c.is_whitespace() || c == '=' || c == '^')
        .ok_or_else(|| err("expected: attribute = \"value\" or attribute ^= \"value\""))?;
    let name = &s[..name_end];
    let attribute = FilterAttribute::parse(name).ok_or_else(|| {
        err(format!(
            "'{name}' cannot be searched; use one of {}",
            FilterAttribute::ALL.map(FilterAttribute::as_str).join(", ")
        ))
    })?;
    let rest = s[name_end..].trim_start();
    let (match_type, rest) = if let Some(r) = rest.strip_prefix("^=") {
        (MatchType::Prefix, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchType::Exact, r)
    } else {
        return Err(err("expected = or ^= after the attribute name"));
    };
    let rest = rest.trim_start();
    let body = rest
        .strip_prefix('"')
        .ok_or_else(|| err("the value must be in double quotes"))?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    let mut closed_at = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) => value.push(e),
                None => return Err(err("the value ends in a lone backslash")),
            },
            '"' => {
                closed_at = Some(i);
                break;
            }
            c => value.push(c),
        }
    }
    let closed_at = closed_at.ok_or_else(|| err("the value's closing quote is missing"))?;
    if !body[closed_at + 1..].trim().is_empty() {
        return Err(err("only one attribute can be searched per filter"));
    }
    Ok(Some(UserFilter {
        attribute,
        match_type,
        value,
    }))
}

/// Writes a filter back in the syntax [`parse_filter`] reads.
pub fn format_filter(f: &UserFilter) -> String {
    let op = match f.match_type {
        MatchType::Exact => "=",
        MatchType::Prefix => "^=",
    };
    let escaped = f.value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{} {op} \"{escaped}\"", f.attribute.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_cognitos_examples() {
        let f = parse_filter("email ^= \"a\"").unwrap().unwrap();
        assert_eq!(f.attribute, FilterAttribute::Email);
        assert_eq!(f.match_type, MatchType::Prefix);
        assert_eq!(f.value, "a");
        let f = parse_filter("cognito:user_status = \"UNCONFIRMED\"")
            .unwrap()
            .unwrap();
        assert_eq!(f.attribute, FilterAttribute::UserStatus);
        let f = parse_filter("status=\"Disabled\"").unwrap().unwrap();
        assert_eq!(
            (f.attribute, f.value.as_str()),
            (FilterAttribute::Enabled, "Disabled")
        );
        assert_eq!(parse_filter("   ").unwrap(), None);
    }

    #[test]
    fn refuses_what_cognito_refuses() {
        for bad in [
            "custom:tier = \"gold\"",
            "email ~= \"a\"",
            "email = a",
            "email = \"a",
            "email = \"a\" and name = \"b\"",
            "email",
        ] {
            let e = parse_filter(bad).unwrap_err();
            assert_eq!(e.field, "Filter", "{bad}");
        }
        assert!(parse_filter(&format!("email = \"{}\"", "a".repeat(300))).is_err());
    }

    fn attribute() -> impl Strategy<Value = FilterAttribute> {
        proptest::sample::select(FilterAttribute::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(
            attribute in attribute(),
            prefix in any::<bool>(),
            value in "[ -~]{0,60}",
        ) {
            let f = UserFilter {
                attribute,
                match_type: if prefix { MatchType::Prefix } else { MatchType::Exact },
                value,
            };
            prop_assert_eq!(parse_filter(&format_filter(&f)).unwrap(), Some(f));
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in "\\PC{0,300}") {
            let _ = parse_filter(&s);
        }
    }
}
