//! Identity-pool backends and the credential exchange.
//!
//! A backend is an AWS-compatible endpoint (or Poolhouse's own, reached over HTTP like any
//! other): [`config`] checks what names one, [`client`] speaks to it — Cognito's JSON 1.1
//! protocol (`cognito-identity`, `cognito-idp`) and STS's query protocol with XML answers —
//! signing with the AWS SDK's SigV4 signer, within bounded timeouts, and names what went wrong
//! ([`CallError`]). [`exchange`] runs a whole credential exchange step by step, and [`mask`]
//! hides what no record may keep (secrets) and sets aside the tokens the inspector may open.
//!
//! No storage and no console here: the console stores runs and backends, this crate talks.

pub mod client;
pub mod config;
pub mod exchange;
pub mod mask;
mod xml;

pub use client::{CallError, Client, Credentials, Endpoint, Timeouts, Trace};
pub use config::{BUILT_IN, BackendError};
