//! IAM role ARNs: the only kind of ARN a role mapping names.
//!
//! `arn:<partition>:iam::<12-digit account>:role/<path/><name>`, as IAM writes them: the path is
//! `/` or `/segments/` (printable ASCII, at most 512 characters), the name 1–64 characters of
//! letters, digits and `+=,.@_-`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The partitions IAM role ARNs are written in.
const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];
const MAX_PATH: usize = 512;
const MAX_NAME: usize = 64;

/// A well-formed IAM role ARN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleArn {
    arn: String,
    /// Byte offset of the role name (after the last `/`).
    name_at: usize,
}

impl RoleArn {
    /// Reads an IAM role ARN, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, ArnProblem> {
        let mut parts = text.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err(ArnProblem::NotAnArn);
        };
        if !PARTITIONS.contains(&partition) {
            return Err(ArnProblem::Partition(partition.to_owned()));
        }
        if service != "iam" {
            return Err(ArnProblem::Service(service.to_owned()));
        }
        if !region.is_empty() {
            return Err(ArnProblem::Region(region.to_owned()));
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ArnProblem::Account(account.to_owned()));
        }
        let Some(path_and_name) = resource.strip_prefix("role/") else {
            return Err(ArnProblem::NotARole(resource.to_owned()));
        };
        let (path, name) = match path_and_name.rfind('/') {
            Some(at) => (&path_and_name[..=at], &path_and_name[at + 1..]),
            None => ("", path_and_name),
        };
        // The path as IAM stores it starts with `/`; the ARN drops the first one.
        if path.len() + 1 > MAX_PATH
            || path.starts_with('/')
            || path.contains("//")
            || !path.bytes().all(|b| (0x21..=0x7e).contains(&b))
        {
            return Err(ArnProblem::Path(format!("/{path}")));
        }
        if name.is_empty()
            || name.chars().count() > MAX_NAME
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        {
            return Err(ArnProblem::Name(name.to_owned()));
        }
        Ok(RoleArn {
            arn: text.to_owned(),
            name_at: text.len() - name.len(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The role's name, without its path.
    pub fn name(&self) -> &str {
        &self.arn[self.name_at..]
    }

    /// The 12-digit account the role belongs to.
    pub fn account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or_default()
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

impl TryFrom<String> for RoleArn {
    type Error = ArnProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RoleArn::parse(&value)
    }
}

impl From<RoleArn> for String {
    fn from(value: RoleArn) -> Self {
        value.arn
    }
}

/// What is wrong with a text that should be an IAM role ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnProblem {
    #[error("is not an ARN (arn:aws:iam::<12-digit account>:role/<name>)")]
    NotAnArn,
    #[error("has partition '{0}' (aws, aws-cn or aws-us-gov)")]
    Partition(String),
    #[error("names service '{0}', not iam")]
    Service(String),
    #[error("has region '{0}'; IAM ARNs have none")]
    Region(String),
    #[error("has account '{0}', not 12 digits")]
    Account(String),
    #[error("names '{0}', not a role (role/<name>)")]
    NotARole(String),
    #[error("has path '{0}': a path is / or /segments/ of printable characters, at most 512")]
    Path(String),
    #[error("has role name '{0}': 1-64 letters, digits and +=,.@_-")]
    Name(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_role_arns_with_and_without_paths() {
        let plain = RoleArn::parse("arn:aws:iam::123456789012:role/Admins").unwrap();
        assert_eq!(plain.name(), "Admins");
        assert_eq!(plain.account(), "123456789012");
        let pathed = RoleArn::parse("arn:aws:iam::123456789012:role/team/a/Readers").unwrap();
        assert_eq!(pathed.name(), "Readers");
        assert!(RoleArn::parse("arn:aws-cn:iam::123456789012:role/x").is_ok());
    }

    #[test]
    fn says_what_is_wrong() {
        let cases = [
            ("Admins", ArnProblem::NotAnArn),
            ("arn:aws:iam::123456789012", ArnProblem::NotAnArn),
            (
                "arn:azure:iam::123456789012:role/x",
                ArnProblem::Partition("azure".into()),
            ),
            (
                "arn:aws:s3::123456789012:role/x",
                ArnProblem::Service("s3".into()),
            ),
            (
                "arn:aws:iam:us-east-1:123456789012:role/x",
                ArnProblem::Region("us-east-1".into()),
            ),
            (
                "arn:aws:iam::12345:role/x",
                ArnProblem::Account("12345".into()),
            ),
            (
                "arn:aws:iam::123456789012:user/x",
                ArnProblem::NotARole("user/x".into()),
            ),
            (
                "arn:aws:iam::123456789012:role/",
                ArnProblem::Name(String::new()),
            ),
            (
                "arn:aws:iam::123456789012:role/a b",
                ArnProblem::Name("a b".into()),
            ),
            (
                "arn:aws:iam::123456789012:role/a//b",
                ArnProblem::Path("/a//".into()),
            ),
        ];
        for (text, problem) in cases {
            assert_eq!(RoleArn::parse(text), Err(problem), "{text}");
        }
        let long = format!("arn:aws:iam::123456789012:role/{}", "n".repeat(65));
        assert!(matches!(RoleArn::parse(&long), Err(ArnProblem::Name(_))));
    }

    #[test]
    fn round_trips_through_json_as_a_string() {
        let arn = RoleArn::parse("arn:aws:iam::123456789012:role/p/Admins").unwrap();
        let json = serde_json::to_string(&arn).unwrap();
        assert_eq!(json, "\"arn:aws:iam::123456789012:role/p/Admins\"");
        assert_eq!(serde_json::from_str::<RoleArn>(&json).unwrap(), arn);
        assert!(serde_json::from_str::<RoleArn>("\"nope\"").is_err());
    }
}
