//! What Poolhouse's tests start from, written once: a fresh store in a temporary directory
//! ([`TestDb`], and with the `console` feature `TestConsole`), a clock that moves only when told
//! ([`T0`], `domain::FixedClock`), the dispatch helpers (`call`, `ok`, `err`, `create_pool`,
//! `create_client`, `create_identity_pool`, `audited`), small servers on 127.0.0.1:0 that a test starts and that stop when
//! dropped ([`HttpServer`] for hooks, JWKS and discovery documents, [`SmtpCatcher`] for mail), a
//! raw HTTP/1.1 client ([`http::send`]) that shows exactly what a peer sees on the wire, the
//! `poolhouse` binary on a fresh store ([`CliStore`]), PEM key files ([`pem`],
//! [`rsa_pem_pair`]), and with the `idp` feature fake identity providers: an OIDC issuer with
//! discovery and a JWKS on 127.0.0.1:0 ([`OidcIssuer`]) and a SAML IdP that signs assertions
//! with a test key ([`SamlIdp`]).
//!
//! Used only as a dev-dependency, never published.
//!
//! # Dependencies
//!
//! Of Poolhouse's crates, the core depends on `domain` and `storage` only, so the tests of every
//! crate can use it.
//! The console helpers sit behind the `console` feature, which adds `console-api`; the fake
//! IdPs behind `idp`, which adds `federation` (whose c14n signs the fake assertions). A crate
//! below console-api (storage, tokens, user-pools) takes testkit without that feature: its tests
//! then build no console-api at all. In a whole-workspace build Cargo unifies the features, and
//! the graph has a cycle through dev-dependencies (user-pools' tests → testkit → console-api →
//! user-pools); Cargo allows that, and integration tests link the one build of each library, so
//! the types agree. What must not happen is a crate's *unit* tests (`#[cfg(test)]` inside its
//! `src/`) taking types from testkit: there the crate under test is a second copy of itself.
//! The alternative, two crates (a store kit and a console kit), would split one small toolbox
//! for no gain in what each test may reach.

// Test support: a helper that cannot start its server or open its store has nothing better to
// do than fail the test, so unwrap, expect and panic (with a message saying what went wrong)
// are its way of reporting, as they are in the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod background;
mod cli;
#[cfg(feature = "console")]
mod console;
pub mod http;
mod keys;
#[cfg(feature = "idp")]
pub mod oidc_idp;
#[cfg(feature = "idp")]
pub mod saml_idp;
mod smtp;
#[cfg(feature = "idp")]
pub mod social_idp;
mod store;

pub use cli::CliStore;
#[cfg(feature = "console")]
pub use console::{
    TestConsole, audited, call, create_client, create_identity_pool, create_pool, err, ok,
};
pub use http::{HttpServer, Reply, Request, Routes};
pub use keys::{pem, rsa_pem_pair};
#[cfg(feature = "idp")]
pub use oidc_idp::{OidcIssuer, SigningKey};
#[cfg(feature = "idp")]
pub use saml_idp::{Assertion, SamlIdp};
pub use smtp::SmtpCatcher;
#[cfg(feature = "idp")]
pub use social_idp::{Consent, Social, SocialIdp};
pub use store::TestDb;

/// Where a test's clock stands when it starts (ms since the epoch: 2027-01-15).
pub const T0: i64 = 1_800_000_000_000;

/// An address on 127.0.0.1 where nothing listens: a port just bound and released. Connecting
/// to it is refused at once (short of another process taking the port in between).
pub fn closed_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
