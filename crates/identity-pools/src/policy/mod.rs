//! IAM-style policies for the roles identity pools hand out: parsing with located errors,
//! evaluation of permission policies (with the guest scope-down), trust-policy evaluation for
//! `sts:AssumeRoleWithWebIdentity`, and an explanation of every decision. Pure: no I/O.
//!
//! ```text
//! document.rs    the parsed types
//! parse.rs       parsing and validation (MalformedPolicyDocument, with path and line)
//! conditions.rs  condition operators, IfExists, ForAnyValue/ForAllValues
//! variables.rs   ${...} policy variables and the ${*} ${?} ${$} escapes
//! wildcard.rs    * and ? patterns, ARN matching part by part
//! context.rs     the request context: condition keys and their values
//! eval.rs        the request, Deny-beats-Allow
//! explain.rs     the decision and its reasons
//! trust.rs       Cognito's AssumeRoleWithWebIdentity
//! ```

mod conditions;
mod context;
mod document;
mod error;
mod eval;
mod explain;
mod locate;
mod parse;
mod trust;
mod variables;
mod wildcard;

pub use conditions::{ConditionFailure, SetQualifier};
pub use context::Context;
pub use document::{
    Actions, Effect, PolicyDocument, PolicyKind, PrincipalType, Principals, Resources, Statement,
    Version,
};
pub use error::{Hint, Location, PolicyError};
pub use eval::{
    NamedPolicy, Principal, Request, decide_only, evaluate, evaluate_session, evaluate_trust,
};
pub use explain::{
    Decision, Evaluation, ImplicitReason, NoMatch, Outcome, PolicyRole, StatementOutcome,
    StatementRef,
};
pub use trust::{
    ASSUME_ACTION, COGNITO_IDENTITY, KEY_AMR, KEY_AUD, KEY_SUB, StsError, TAG_SESSION_ACTION,
    TrustEvaluation, WebIdentity, evaluate_web_identity,
};
pub use wildcard::Pattern;
