//! A user pool's identity providers as Cognito checks them: the provider types, names,
//! `ProviderDetails` per type (required keys, the keys Cognito fills itself, the values each
//! key takes), `AttributeMapping` and `IdpIdentifiers`. Pure: discovery and metadata fetching
//! are the `federation` crate's, sealing the engine's.

use std::collections::BTreeMap;

use crate::FieldError;
use crate::schema::{self, SchemaAttribute};

/// How many identity providers a user pool may have (Cognito's quota).
pub const MAX_IDPS_PER_POOL: usize = 300;
/// How many identifiers a provider may have.
pub const MAX_IDP_IDENTIFIERS: usize = 50;
/// The provider name that means the pool's own users (app clients, AdminLinkProviderForUser).
pub const COGNITO: &str = "COGNITO";
/// `ProviderAttributeName` of a social or OIDC provider's subject in the link operations.
pub const COGNITO_SUBJECT: &str = "Cognito_Subject";

/// The keys of `ProviderDetails` kept sealed at rest.
pub const SECRET_KEYS: [&str; 2] = ["client_secret", "private_key"];
/// The secret keys Cognito never answers back (`client_secret` it does).
pub const HIDDEN_KEYS: [&str; 1] = ["private_key"];

/// `IdentityProviderTypeType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderType {
    Google,
    Facebook,
    LoginWithAmazon,
    SignInWithApple,
    Oidc,
    Saml,
}

impl ProviderType {
    /// Every type, in the console's order.
    pub const ALL: [ProviderType; 6] = [
        ProviderType::Google,
        ProviderType::Facebook,
        ProviderType::LoginWithAmazon,
        ProviderType::SignInWithApple,
        ProviderType::Oidc,
        ProviderType::Saml,
    ];

    /// Cognito's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Google => "Google",
            Self::Facebook => "Facebook",
            Self::LoginWithAmazon => "LoginWithAmazon",
            Self::SignInWithApple => "SignInWithApple",
            Self::Oidc => "OIDC",
            Self::Saml => "SAML",
        }
    }

    /// Reads Cognito's spelling; `field` names the member for the error.
    pub fn parse(s: &str, field: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    format!(
                        "'{s}' is not a provider type; one of {}",
                        Self::ALL.map(Self::as_str).join(", ")
                    ),
                )
            })
    }

    /// The social providers, whose one provider per pool is named as its type.
    pub fn is_social(self) -> bool {
        !matches!(self, Self::Oidc | Self::Saml)
    }

    /// The attribute of the provider's answer that is its user's id (what `username` maps
    /// from unless the request says otherwise). SAML has none: the subject is the NameID.
    pub fn subject_attribute(self) -> Option<&'static str> {
        match self {
            Self::Google | Self::SignInWithApple | Self::Oidc => Some("sub"),
            Self::Facebook => Some("id"),
            Self::LoginWithAmazon => Some("user_id"),
            Self::Saml => None,
        }
    }

    /// `providerType` in the `identities` attribute: Cognito's type name.
    pub fn identities_type(self) -> &'static str {
        self.as_str()
    }

    /// The keys the request may give, the required ones first.
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Self::Google | Self::LoginWithAmazon => {
                (&["client_id", "client_secret", "authorize_scopes"], &[])
            }
            Self::Facebook => (
                &["client_id", "client_secret", "authorize_scopes"],
                &["api_version"],
            ),
            Self::SignInWithApple => (
                &[
                    "client_id",
                    "team_id",
                    "key_id",
                    "private_key",
                    "authorize_scopes",
                ],
                &[],
            ),
            Self::Oidc => (
                &[
                    "client_id",
                    "attributes_request_method",
                    "oidc_issuer",
                    "authorize_scopes",
                ],
                &[
                    "client_secret",
                    "authorize_url",
                    "token_url",
                    "attributes_url",
                    "jwks_uri",
                ],
            ),
            Self::Saml => (
                &[],
                &[
                    "MetadataFile",
                    "MetadataURL",
                    "IDPSignout",
                    "IDPInit",
                    "EncryptedResponses",
                    "RequestSigningAlgorithm",
                ],
            ),
        }
    }

    /// The keys Cognito sets itself (read-only: a request's values are replaced).
    fn automatic(self, details: &BTreeMap<String, String>) -> Vec<(&'static str, String)> {
        let fb = details
            .get("api_version")
            .cloned()
            .unwrap_or_else(|| "v17.0".into());
        match self {
            Self::Google => vec![
                (
                    "authorize_url",
                    "https://accounts.google.com/o/oauth2/v2/auth".into(),
                ),
                (
                    "token_url",
                    "https://www.googleapis.com/oauth2/v4/token".into(),
                ),
                (
                    "attributes_url",
                    "https://people.googleapis.com/v1/people/me?personFields=".into(),
                ),
                ("attributes_url_add_attributes", "true".into()),
                ("oidc_issuer", "https://accounts.google.com".into()),
                ("token_request_method", "POST".into()),
            ],
            Self::Facebook => vec![
                (
                    "authorize_url",
                    format!("https://www.facebook.com/{fb}/dialog/oauth"),
                ),
                (
                    "token_url",
                    format!("https://graph.facebook.com/{fb}/oauth/access_token"),
                ),
                (
                    "attributes_url",
                    format!("https://graph.facebook.com/{fb}/me?fields="),
                ),
                ("attributes_url_add_attributes", "true".into()),
                // Graph API takes the code exchange as a GET.
                ("token_request_method", "GET".into()),
            ],
            Self::LoginWithAmazon => vec![
                ("authorize_url", "https://www.amazon.com/ap/oa".into()),
                ("token_url", "https://api.amazon.com/auth/o2/token".into()),
                (
                    "attributes_url",
                    "https://api.amazon.com/user/profile".into(),
                ),
                ("attributes_url_add_attributes", "false".into()),
                ("token_request_method", "POST".into()),
            ],
            Self::SignInWithApple => vec![
                (
                    "authorize_url",
                    "https://appleid.apple.com/auth/authorize".into(),
                ),
                ("token_url", "https://appleid.apple.com/auth/token".into()),
                ("attributes_url_add_attributes", "false".into()),
                ("oidc_issuer", "https://appleid.apple.com".into()),
                ("token_request_method", "POST".into()),
            ],
            Self::Oidc => vec![("attributes_url_add_attributes", "false".into())],
            Self::Saml => Vec::new(),
        }
    }
}

/// The details Cognito reads from a SAML provider's metadata (read-only: a request's values
/// are ignored).
pub const SAML_METADATA_KEYS: [&str; 2] = ["SSORedirectBindingURI", "SLORedirectBindingURI"];

/// The detail that shows a SAML provider's encryption certificate. Read-only, and unlike the
/// metadata's keys refused in a request, as Cognito refuses it ("not a valid key for SAML
/// identity provider details").
pub const ACTIVE_ENCRYPTION_CERTIFICATE: &str = "ActiveEncryptionCertificate";

/// The OIDC endpoints a provider needs; when the request leaves any out, they are read from
/// the issuer's discovery document.
pub const OIDC_ENDPOINTS: [&str; 4] = ["authorize_url", "token_url", "attributes_url", "jwks_uri"];

/// Checks a provider name (`ProviderNameTypeV2`: 3–32 characters, no white space, no `_`
/// but in the second place) and its fit with the type: a social provider is named as its
/// type, and no other provider may take a social type's name or `COGNITO`.
pub fn check_name(name: &str, ty: ProviderType) -> Result<(), FieldError> {
    let field = "ProviderName";
    let chars: Vec<char> = name.chars().collect();
    if !(3..=32).contains(&chars.len()) {
        return Err(FieldError::new(field, "must be 3–32 characters"));
    }
    if let Some(c) = chars.iter().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new(
            field,
            format!("must not contain white space or control characters ({c:?})"),
        ));
    }
    if chars.iter().enumerate().any(|(i, c)| *c == '_' && i != 1) {
        return Err(FieldError::new(
            field,
            "must not contain '_' (a federated user's name is <ProviderName>_<subject>)",
        ));
    }
    if name.eq_ignore_ascii_case(COGNITO) {
        return Err(FieldError::new(
            field,
            "COGNITO is the pool's own directory, not a provider name",
        ));
    }
    let social = ProviderType::ALL
        .into_iter()
        .find(|t| t.is_social() && t.as_str() == name);
    match social {
        Some(t) if t != ty => Err(FieldError::new(
            field,
            format!("Provider {name} cannot be of type {}.", ty.as_str()),
        )),
        None if ty.is_social() => Err(FieldError::new(
            field,
            format!(
                "Provider {name} cannot be of type {}: a {} provider is named {}.",
                ty.as_str(),
                ty.as_str(),
                ty.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

fn is_url(v: &str) -> bool {
    let loopback = ["http://localhost", "http://127.0.0.1", "http://[::1]"];
    let rest = if let Some(r) = v.strip_prefix("https://") {
        r
    } else if loopback.iter().any(|p| {
        v.strip_prefix(p)
            .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
    }) {
        v.trim_start_matches("http://")
    } else {
        return false;
    };
    !rest.is_empty() && !rest.starts_with('/') && !v.chars().any(char::is_whitespace)
}

fn boolean(v: &str) -> bool {
    v == "true" || v == "false"
}

/// Checks `ProviderDetails` for `ty` and answers them as stored and shown: unknown keys are
/// refused, required ones must be present and non-empty, each value must have its form, and
/// the keys Cognito sets itself are set. OIDC endpoints the request left out are not filled
/// here (see [`missing_oidc_endpoints`]); SAML's metadata is checked by the caller.
pub fn normalise_details(
    ty: ProviderType,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, FieldError> {
    let (required, optional) = ty.keys();
    let automatic = ty.automatic(given);
    let mut out = BTreeMap::new();
    for (k, v) in given {
        let field = format!("ProviderDetails.{k}");
        if automatic.iter().any(|(a, _)| a == k)
            || (ty == ProviderType::Saml && SAML_METADATA_KEYS.contains(&k.as_str()))
        {
            continue;
        }
        if ty == ProviderType::Saml && k == ACTIVE_ENCRYPTION_CERTIFICATE {
            return Err(FieldError::new(
                field,
                "is not a valid key for SAML identity provider details: it is read-only (the \
                 pool makes the provider's encryption certificate and shows it here)",
            ));
        }
        if !required.contains(&k.as_str()) && !optional.contains(&k.as_str()) {
            let mut known: Vec<&str> = required.iter().chain(optional.iter()).copied().collect();
            known.sort_unstable();
            return Err(FieldError::new(
                field,
                format!(
                    "is not a detail of a {} provider (its details: {})",
                    ty.as_str(),
                    known.join(", ")
                ),
            ));
        }
        if v.trim().is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if v.chars().count() > 131_072 {
            return Err(FieldError::new(field, "is longer than 131072 characters"));
        }
        check_value(ty, k, v, &field)?;
        out.insert(k.clone(), v.clone());
    }
    for k in required {
        if !out.contains_key(*k) {
            return Err(FieldError::new(
                format!("ProviderDetails.{k}"),
                format!("is required for a {} provider", ty.as_str()),
            ));
        }
    }
    if ty == ProviderType::Saml {
        match (
            out.contains_key("MetadataFile"),
            out.contains_key("MetadataURL"),
        ) {
            (true, true) => {
                return Err(FieldError::new(
                    "ProviderDetails.MetadataURL",
                    "give MetadataFile or MetadataURL, not both",
                ));
            }
            (false, false) => {
                return Err(FieldError::new(
                    "ProviderDetails.MetadataFile",
                    "a SAML provider needs MetadataFile or MetadataURL",
                ));
            }
            _ => {}
        }
    }
    for (k, v) in automatic {
        out.insert(k.to_string(), v);
    }
    Ok(out)
}

fn check_value(ty: ProviderType, key: &str, v: &str, field: &str) -> Result<(), FieldError> {
    let bad = |reason: &str| Err(FieldError::new(field, reason));
    match key {
        "attributes_request_method" if v != "GET" && v != "POST" => bad("must be GET or POST"),
        "oidc_issuer" | "authorize_url" | "token_url" | "attributes_url" | "jwks_uri"
        | "MetadataURL"
            if !is_url(v) =>
        {
            bad("must be an https URL (http only on the loopback)")
        }
        "IDPSignout" | "IDPInit" | "EncryptedResponses" if !boolean(v) => {
            bad("must be true or false")
        }
        "RequestSigningAlgorithm" if v != "rsa-sha256" => bad("only rsa-sha256 is accepted"),
        "api_version"
            if !v.strip_prefix('v').is_some_and(|r| {
                r.split('.').count() == 2
                    && r.split('.')
                        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            }) =>
        {
            bad("must be a Graph API version such as v17.0")
        }
        "private_key" if !v.contains("-----BEGIN PRIVATE KEY-----") => {
            bad("must be the PEM of the key Apple issued (-----BEGIN PRIVATE KEY-----)")
        }
        "authorize_scopes" => check_scopes(ty, v, field),
        _ => Ok(()),
    }
}

fn check_scopes(ty: ProviderType, v: &str, field: &str) -> Result<(), FieldError> {
    let scopes: Vec<&str> = v
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .collect();
    if scopes.is_empty() {
        return Err(FieldError::new(field, "must name at least one scope"));
    }
    match ty {
        ProviderType::Oidc if !scopes.contains(&"openid") => Err(FieldError::new(
            field,
            "an OIDC provider's scopes must include openid",
        )),
        ProviderType::SignInWithApple => {
            match scopes
                .iter()
                .find(|s| !["email", "name", "openid"].contains(*s))
            {
                Some(s) => Err(FieldError::new(
                    field,
                    format!("'{s}' is not a Sign in with Apple scope (email, name)"),
                )),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// The OIDC endpoints `details` lacks (to be read from discovery).
pub fn missing_oidc_endpoints(details: &BTreeMap<String, String>) -> Vec<&'static str> {
    OIDC_ENDPOINTS
        .into_iter()
        .filter(|k| !details.contains_key(*k))
        .collect()
}

/// Checks `AttributeMapping` against the pool's schema and answers it as stored: every key a
/// pool attribute (standard, or `custom:` of the schema; `username` besides), every value
/// 1–131 characters; `username` maps from the provider's subject unless the request says
/// otherwise (not for SAML, whose subject is the NameID).
pub fn normalise_mapping(
    ty: ProviderType,
    given: &BTreeMap<String, String>,
    pool_schema: &[SchemaAttribute],
) -> Result<BTreeMap<String, String>, FieldError> {
    for (k, v) in given {
        let field = format!("AttributeMapping.{k}");
        if k.is_empty() || k.chars().count() > 32 {
            return Err(FieldError::new(field, "a key is 1–32 characters"));
        }
        if v.is_empty() || v.chars().count() > 131 {
            return Err(FieldError::new(field, "a value is 1–131 characters"));
        }
        if k == "sub" {
            return Err(FieldError::new(
                field,
                "sub is the pool's own id of the user and cannot be mapped",
            ));
        }
        if k != "username" && schema::find(pool_schema, k).is_none() {
            return Err(FieldError::new(
                field,
                format!("{k} is not an attribute of the user pool's schema"),
            ));
        }
    }
    let mut out = given.clone();
    if let Some(sub) = ty.subject_attribute() {
        out.entry("username".into()).or_insert_with(|| sub.into());
    }
    Ok(out)
}

/// Checks `AcrMapping`: at most four entries, keys `Level1`–`Level4`, values 1–64 printable
/// ASCII characters without space, `"` or `\`.
pub fn check_acr_mapping(m: &BTreeMap<String, String>) -> Result<(), FieldError> {
    for (k, v) in m {
        let field = format!("AcrMapping.{k}");
        if !matches!(k.as_str(), "Level1" | "Level2" | "Level3" | "Level4") {
            return Err(FieldError::new(
                field,
                "a key is Level1, Level2, Level3 or Level4",
            ));
        }
        let n = v.chars().count();
        if !(1..=64).contains(&n)
            || v.chars()
                .any(|c| !c.is_ascii_graphic() || c == '"' || c == '\\')
        {
            return Err(FieldError::new(
                field,
                "a value is 1–64 printable ASCII characters without space, \" or \\",
            ));
        }
    }
    Ok(())
}

/// Checks `IdpIdentifiers`: at most 50, each 1–40 of `[\w\s+=.@-]`, no repeats.
pub fn check_identifiers(ids: &[String]) -> Result<(), FieldError> {
    if ids.len() > MAX_IDP_IDENTIFIERS {
        return Err(FieldError::new(
            "IdpIdentifiers",
            format!("at most {MAX_IDP_IDENTIFIERS} identifiers"),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let field = format!("IdpIdentifiers[{i}]");
        let n = id.chars().count();
        if !(1..=40).contains(&n) {
            return Err(FieldError::new(field, "must be 1–40 characters"));
        }
        if let Some(c) = id
            .chars()
            .find(|c| !(c.is_alphanumeric() || c.is_whitespace() || "_+=.@-".contains(*c)))
        {
            return Err(FieldError::new(
                field,
                format!("'{c}' is not allowed (letters, digits, white space and _+=.@-)"),
            ));
        }
        if ids[..i].contains(id) {
            return Err(FieldError::new(field, format!("'{id}' is given twice")));
        }
    }
    Ok(())
}

/// The username of a federated user: `<ProviderName>_<subject>`.
pub fn federated_username(provider_name: &str, subject: &str) -> String {
    format!("{provider_name}_{subject}")
}

/// The name of the group Cognito puts a provider's users in: `<poolId>_<ProviderName>`.
pub fn provider_group_name(pool_id: &str, provider_name: &str) -> String {
    format!("{pool_id}_{provider_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn names_fit_their_types() {
        assert!(check_name("Google", ProviderType::Google).is_ok());
        assert!(check_name("MyIdP", ProviderType::Oidc).is_ok());
        let e = check_name("NameOfGP", ProviderType::Google).unwrap_err();
        assert_eq!(e.field, "ProviderName");
        let e = check_name("Google", ProviderType::Oidc).unwrap_err();
        assert!(e.reason.contains("cannot be of type OIDC"), "{e:?}");
        assert!(check_name("My_IdP", ProviderType::Saml).is_err());
        assert!(check_name("ab", ProviderType::Saml).is_err());
        assert!(check_name("a b c", ProviderType::Saml).is_err());
        assert!(check_name("cognito", ProviderType::Saml).is_err());
        assert!(check_name(&"x".repeat(33), ProviderType::Saml).is_err());
    }

    #[test]
    fn details_need_their_keys_and_get_the_automatic_ones() {
        let ok = normalise_details(
            ProviderType::Google,
            &map(&[
                ("client_id", "id"),
                ("client_secret", "s"),
                ("authorize_scopes", "profile email openid"),
                ("authorize_url", "https://evil.example/"),
            ]),
        )
        .unwrap();
        assert_eq!(ok["oidc_issuer"], "https://accounts.google.com");
        assert_eq!(
            ok["authorize_url"],
            "https://accounts.google.com/o/oauth2/v2/auth"
        );
        assert_eq!(ok["token_request_method"], "POST");
        // Facebook's code exchange is a GET, whatever a request says (as Cognito describes it).
        let fb = normalise_details(
            ProviderType::Facebook,
            &map(&[
                ("client_id", "id"),
                ("client_secret", "s"),
                ("authorize_scopes", "public_profile, email"),
                ("token_request_method", "POST"),
            ]),
        )
        .unwrap();
        assert_eq!(fb["token_request_method"], "GET");
        assert_eq!(
            fb["token_url"],
            "https://graph.facebook.com/v17.0/oauth/access_token"
        );
        let e = normalise_details(
            ProviderType::SignInWithApple,
            &map(&[("client_id", "id"), ("authorize_scopes", "email")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "ProviderDetails.team_id");
        let e = normalise_details(
            ProviderType::Oidc,
            &map(&[
                ("client_id", "id"),
                ("attributes_request_method", "PUT"),
                ("oidc_issuer", "https://idp.example"),
                ("authorize_scopes", "openid"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.field, "ProviderDetails.attributes_request_method");
        let e = normalise_details(
            ProviderType::Oidc,
            &map(&[
                ("client_id", "id"),
                ("attributes_request_method", "GET"),
                ("oidc_issuer", "http://idp.example"),
                ("authorize_scopes", "openid"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.field, "ProviderDetails.oidc_issuer");
        let e = normalise_details(ProviderType::Saml, &map(&[("IDPSignout", "true")])).unwrap_err();
        assert_eq!(e.field, "ProviderDetails.MetadataFile");
        let e = normalise_details(
            ProviderType::Saml,
            &map(&[("MetadataFile", "<x/>"), ("client_id", "x")]),
        )
        .unwrap_err();
        assert_eq!(e.field, "ProviderDetails.client_id");
        // The metadata's keys are read-only and ignored; the encryption certificate is refused.
        let d = normalise_details(
            ProviderType::Saml,
            &map(&[
                ("MetadataFile", "<x/>"),
                ("SSORedirectBindingURI", "https://x"),
            ]),
        )
        .unwrap();
        assert!(!d.contains_key("SSORedirectBindingURI"));
        let e = normalise_details(
            ProviderType::Saml,
            &map(&[
                ("MetadataFile", "<x/>"),
                (ACTIVE_ENCRYPTION_CERTIFICATE, "MIIB"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.field, "ProviderDetails.ActiveEncryptionCertificate");
        assert!(e.reason.contains("not a valid key"), "{}", e.reason);
        let d = normalise_details(
            ProviderType::Oidc,
            &map(&[
                ("client_id", "id"),
                ("attributes_request_method", "GET"),
                ("oidc_issuer", "http://127.0.0.1:9000/x"),
                ("authorize_scopes", "openid email"),
                ("token_url", "http://127.0.0.1:9000/token"),
            ]),
        )
        .unwrap();
        assert_eq!(
            missing_oidc_endpoints(&d),
            ["authorize_url", "attributes_url", "jwks_uri"]
        );
    }

    #[test]
    fn mappings_name_pool_attributes_and_username_defaults_to_the_subject() {
        let schema = schema::standard_schema();
        let m = normalise_mapping(ProviderType::Facebook, &map(&[("email", "email")]), &schema)
            .unwrap();
        assert_eq!(m["username"], "id");
        let m = normalise_mapping(ProviderType::Saml, &BTreeMap::new(), &schema).unwrap();
        assert!(m.is_empty());
        let e = normalise_mapping(
            ProviderType::Oidc,
            &map(&[("custom:dept", "dept")]),
            &schema,
        )
        .unwrap_err();
        assert_eq!(e.field, "AttributeMapping.custom:dept");
    }

    #[test]
    fn identifiers_are_short_plain_and_distinct() {
        assert!(check_identifiers(&["example.com".into(), "corp".into()]).is_ok());
        let e = check_identifiers(&["a".into(), "a".into()]).unwrap_err();
        assert_eq!(e.field, "IdpIdentifiers[1]");
        assert!(check_identifiers(&["a/b".into()]).is_err());
        assert!(check_identifiers(&["x".repeat(41)]).is_err());
    }
}
