//! Requests and responses in Cognito's shapes (botocore's `cognito-idp` service model), plus
//! Poolhouse's own operations beside them. Members are PascalCase as on the wire; timestamps
//! are epoch seconds.
//!
//! Each type lives beside its handler in `ops/<area>.rs`; this module gathers them under one
//! path for the fronts (the desktop shell, the CLI, the tests).

pub use crate::ops::access::*;
pub use crate::ops::audit::*;
pub use crate::ops::backends::*;
pub use crate::ops::branding::*;
pub use crate::ops::clients::*;
pub use crate::ops::exchange::*;
pub use crate::ops::explain::*;
pub use crate::ops::federation::*;
pub use crate::ops::groups::*;
pub use crate::ops::hooks::*;
pub use crate::ops::identities::*;
pub use crate::ops::identity_logins::*;
pub use crate::ops::identity_pools::*;
pub use crate::ops::idps::*;
pub use crate::ops::inspect::*;
pub use crate::ops::keys::*;
pub use crate::ops::mfa::*;
pub use crate::ops::oauth_config::*;
pub use crate::ops::outbox::*;
pub use crate::ops::pools::*;
pub use crate::ops::recovery::*;
pub use crate::ops::risk::*;
pub use crate::ops::roles::*;
pub use crate::ops::selfservice::*;
pub use crate::ops::shared::*;
pub use crate::ops::signin::*;
pub use crate::ops::sts::*;
pub use crate::ops::users::*;
pub use crate::ops::vending::*;
pub use crate::ops::workspace::*;
