//! The request context: the condition keys a request carries, with their values.

use std::collections::HashMap;

/// The request context: condition keys (matched case-insensitively), each with one or more
/// values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: HashMap<String, Vec<String>>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Adds (or replaces) a single-valued key.
    pub fn with(mut self, key: &str, value: &str) -> Context {
        self.insert(key, vec![value.to_string()]);
        self
    }

    /// Adds (or replaces) a multi-valued key.
    pub fn with_values<I, S>(mut self, key: &str, values: I) -> Context
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.insert(key, values.into_iter().map(Into::into).collect());
        self
    }

    pub fn insert(&mut self, key: &str, values: Vec<String>) {
        self.entries.insert(key.to_lowercase(), values);
    }

    /// The values of `key`, if the request has it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        if let Some(v) = self.entries.get(key) {
            return Some(v);
        }
        self.entries.get(&key.to_lowercase()).map(Vec::as_slice)
    }
}
