//! The answer that explains itself: the decision, the statements that decided it, and why each
//! other statement did not apply — what the console shows under "what may it do?".

use std::fmt;

use serde::Serialize;

use super::conditions::ConditionFailure;
use super::document::Effect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

/// Why nothing allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImplicitReason {
    /// No statement of the role's policies allows the request.
    NoStatementAllows,
    /// The role allows it but the guest scope-down policy does not.
    ScopeDownDoesNotAllow,
    /// The role allows it but none of the session policies passed to STS does.
    SessionPolicyDoesNotAllow,
}

/// Which kind of policy a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyRole {
    Permission,
    ScopeDown,
    /// A session policy passed to STS (`Policy`, `PolicyArns`).
    Session,
    Trust,
}

/// A statement, named for people: its policy, its position and its Sid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy: String,
    pub role: PolicyRole,
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Statement[{}]", self.policy, self.index)?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid})")?;
        }
        Ok(())
    }
}

/// Why a statement does not apply to the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NoMatch {
    Principal {
        principal: Option<String>,
        listed: Vec<String>,
        negated: bool,
    },
    Action {
        action: String,
        listed: Vec<String>,
        negated: bool,
    },
    Resource {
        resource: Option<String>,
        listed: Vec<String>,
        negated: bool,
        missing_variable: Option<String>,
    },
    Conditions(Vec<ConditionFailure>),
}

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let element = |negated: bool, plain: &'static str, not: &'static str| {
            if negated { not } else { plain }
        };
        match self {
            NoMatch::Principal {
                principal,
                listed,
                negated,
            } => {
                let who = principal.as_deref().unwrap_or("no principal");
                if *negated {
                    write!(f, "principal {who} is excluded by NotPrincipal {listed:?}")
                } else {
                    write!(f, "principal {who} is not in Principal {listed:?}")
                }
            }
            NoMatch::Action {
                action,
                listed,
                negated,
            } => {
                if *negated {
                    write!(f, "action {action} is excluded by NotAction {listed:?}")
                } else {
                    write!(f, "action {action} is not in Action {listed:?}")
                }
            }
            NoMatch::Resource {
                resource,
                listed,
                negated,
                missing_variable,
            } => {
                let what = resource.as_deref().unwrap_or("(no resource)");
                if let Some(var) = missing_variable
                    && (*negated || !listed.is_empty())
                {
                    write!(
                        f,
                        "resource {what} not matched: the request has no value for ${{{var}}}; "
                    )?;
                }
                let name = element(*negated, "Resource", "NotResource");
                if *negated {
                    write!(f, "resource {what} is excluded by {name} {listed:?}")
                } else {
                    write!(f, "resource {what} is not in {name} {listed:?}")
                }
            }
            NoMatch::Conditions(failures) => {
                for (i, c) in failures.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{c}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for ConditionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "condition {} on key {} failed: ",
            self.operator, self.key
        )?;
        if let Some(var) = &self.missing_variable {
            return write!(
                f,
                "the request has no value for the policy variable ${{{var}}}"
            );
        }
        if self.operator == "Null" {
            return match &self.got {
                Some(got) => write!(f, "the key is present (got {got:?}), wanted it absent"),
                None => f.write_str("the key is absent, wanted it present"),
            };
        }
        match &self.got {
            Some(got) => write!(f, "got {got:?}, wanted {:?}", self.wanted),
            None => write!(f, "the request has no such key, wanted {:?}", self.wanted),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Applies,
    DoesNotApply(NoMatch),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementOutcome {
    pub statement: StatementRef,
    pub outcome: Outcome,
}

/// The decision with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub action: String,
    pub resource: Option<String>,
    pub decision: Decision,
    /// Set for [`Decision::ImplicitDeny`].
    pub implicit_reason: Option<ImplicitReason>,
    /// The statements that decided: the Deny statements that apply for an explicit deny, the
    /// Allow statements that apply when allowed; empty for an implicit deny.
    pub deciding: Vec<StatementRef>,
    /// Every statement evaluated, in order, with whether it applied and why not.
    pub statements: Vec<StatementOutcome>,
}

impl Evaluation {
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }

    /// The statements that did not apply, each with its reason.
    pub fn not_applying(&self) -> impl Iterator<Item = (&StatementRef, &NoMatch)> {
        self.statements.iter().filter_map(|s| match &s.outcome {
            Outcome::DoesNotApply(why) => Some((&s.statement, why)),
            Outcome::Applies => None,
        })
    }

    /// The condition failures of the statements that would have allowed but for their
    /// conditions (action, resource and principal matched).
    pub fn failed_conditions(&self) -> Vec<(&StatementRef, &ConditionFailure)> {
        let mut out = Vec::new();
        for (st, why) in self.not_applying() {
            if let (Effect::Allow, NoMatch::Conditions(failures)) = (st.effect, why) {
                out.extend(failures.iter().map(|c| (st, c)));
            }
        }
        out
    }

    /// One line: the decision and what decided it.
    pub fn summary(&self) -> String {
        let target = match &self.resource {
            Some(r) => format!("{} on {r}", self.action),
            None => self.action.clone(),
        };
        let list = |refs: &[StatementRef]| {
            refs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (self.decision, self.implicit_reason) {
            (Decision::Allowed, _) => format!("{target}: allowed by {}", list(&self.deciding)),
            (Decision::ExplicitDeny, _) => {
                format!("{target}: explicitly denied by {}", list(&self.deciding))
            }
            (Decision::ImplicitDeny, Some(ImplicitReason::ScopeDownDoesNotAllow)) => format!(
                "{target}: denied: the role allows it but the guest scope-down policy does not"
            ),
            (Decision::ImplicitDeny, Some(ImplicitReason::SessionPolicyDoesNotAllow)) => {
                let mut names: Vec<&str> = Vec::new();
                for s in &self.statements {
                    if s.statement.role == PolicyRole::Session
                        && !names.contains(&s.statement.policy.as_str())
                    {
                        names.push(&s.statement.policy);
                    }
                }
                format!(
                    "{target}: denied: the role allows it but the session policy does not ({})",
                    names.join(", ")
                )
            }
            (Decision::ImplicitDeny, _) => {
                format!("{target}: denied: no statement allows it")
            }
        }
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary())?;
        for s in &self.statements {
            match &s.outcome {
                Outcome::Applies => {
                    writeln!(f, "  {:?} {}: applies", s.statement.effect, s.statement)?
                }
                Outcome::DoesNotApply(why) => writeln!(
                    f,
                    "  {:?} {}: does not apply: {why}",
                    s.statement.effect, s.statement
                )?,
            }
        }
        Ok(())
    }
}
