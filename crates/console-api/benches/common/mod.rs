//! Shared by the console-api benches.

pub mod data;
pub mod harness;
