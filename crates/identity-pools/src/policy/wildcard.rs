//! `*` and `?` wildcards: compiled patterns and the matcher IAM uses for actions, resources,
//! `StringLike` and `ArnLike`.

use std::sync::OnceLock;

/// One piece of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// Literal text (possibly containing `*` or `?` that came from `${*}`/`${?}` or a
    /// substituted value: those match only themselves).
    Lit(String),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pattern {
    toks: Vec<Tok>,
    /// The six ARN parts, split on first use (patterns are matched many times).
    arn: OnceLock<Vec<Pattern>>,
}

impl Pattern {
    /// Compiles text in which every `*` and `?` is a wildcard.
    pub fn wild(text: &str) -> Pattern {
        let mut pattern = Pattern::default();
        pattern.push_wild(text);
        pattern
    }

    /// Appends text in which `*` and `?` are wildcards.
    pub fn push_wild(&mut self, text: &str) {
        self.arn = OnceLock::new();
        let mut lit = String::new();
        for c in text.chars() {
            match c {
                '*' | '?' => {
                    if !lit.is_empty() {
                        self.push_lit(&std::mem::take(&mut lit));
                    }
                    let tok = if c == '*' { Tok::Star } else { Tok::One };
                    // Consecutive stars match what one star matches.
                    if !(tok == Tok::Star && self.toks.last() == Some(&Tok::Star)) {
                        self.toks.push(tok);
                    }
                }
                _ => lit.push(c),
            }
        }
        if !lit.is_empty() {
            self.push_lit(&lit);
        }
    }

    /// Appends literal text (no wildcards).
    pub fn push_lit(&mut self, text: &str) {
        self.arn = OnceLock::new();
        if text.is_empty() {
            return;
        }
        if let Some(Tok::Lit(last)) = self.toks.last_mut() {
            last.push_str(text);
        } else {
            self.toks.push(Tok::Lit(text.to_string()));
        }
    }

    /// The pattern lower-cased (for case-insensitive matching against a lower-cased value).
    pub fn to_lowercase(&self) -> Pattern {
        Pattern {
            toks: self
                .toks
                .iter()
                .map(|t| match t {
                    Tok::Lit(s) => Tok::Lit(s.to_lowercase()),
                    other => other.clone(),
                })
                .collect(),
            arn: OnceLock::new(),
        }
    }

    /// True when the pattern is a lone `*` (matches everything).
    pub fn is_match_all(&self) -> bool {
        self.toks == [Tok::Star]
    }

    /// The text the pattern was written as, wildcards shown as `*` and `?`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for t in &self.toks {
            match t {
                Tok::Lit(s) => out.push_str(s),
                Tok::Star => out.push('*'),
                Tok::One => out.push('?'),
            }
        }
        out
    }

    /// Whether the pattern, read as plain text (wildcards as the characters `*` and `?`), is
    /// exactly `value` — the comparison of `StringEquals`, without building the text.
    pub fn text_eq(&self, value: &str) -> bool {
        let mut rest = value;
        for t in &self.toks {
            let piece = match t {
                Tok::Lit(s) => s.as_str(),
                Tok::Star => "*",
                Tok::One => "?",
            };
            match rest.strip_prefix(piece) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// Whether `value` matches (case-sensitively; lower-case both sides for the other kind).
    pub fn matches(&self, value: &str) -> bool {
        glob(&self.toks, value)
    }

    /// ARN matching: each of the first five colon-separated parts is matched separately (a `*`
    /// does not run across a colon there), the sixth (the resource) as a whole. A pattern or
    /// value that is not six parts long is matched as plain text (so `*` matches everything).
    pub fn matches_arn(&self, value: &str) -> bool {
        if self.is_match_all() {
            return true;
        }
        let parts = self.arn.get_or_init(|| self.split_arn());
        if parts.len() == 6 && value.splitn(6, ':').count() == 6 {
            parts
                .iter()
                .zip(value.splitn(6, ':'))
                .all(|(pattern, v)| glob(&pattern.toks, v))
        } else {
            self.matches(value)
        }
    }

    /// Splits at the first five literal colons.
    fn split_arn(&self) -> Vec<Pattern> {
        let mut parts = vec![Pattern::default()];
        for t in &self.toks {
            match t {
                Tok::Lit(s) => {
                    let mut rest = s.as_str();
                    while parts.len() < 6 {
                        let Some(i) = rest.find(':') else { break };
                        if let Some(last) = parts.last_mut() {
                            last.push_lit(&rest[..i]);
                        }
                        parts.push(Pattern::default());
                        rest = &rest[i + 1..];
                    }
                    if let Some(last) = parts.last_mut() {
                        last.push_lit(rest);
                    }
                }
                other => {
                    if let Some(last) = parts.last_mut() {
                        last.toks.push(other.clone());
                    }
                }
            }
        }
        parts
    }
}

/// The classic linear wildcard match with backtracking to the last `*`.
fn glob(toks: &[Tok], s: &str) -> bool {
    let (mut ti, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if let Some(tok) = toks.get(ti) {
            let rest = &s[si..];
            match tok {
                Tok::Star => {
                    star = Some((ti + 1, si));
                    ti += 1;
                    continue;
                }
                Tok::One => {
                    if let Some(c) = rest.chars().next() {
                        si += c.len_utf8();
                        ti += 1;
                        continue;
                    }
                }
                Tok::Lit(lit) => {
                    if rest.starts_with(lit.as_str()) {
                        si += lit.len();
                        ti += 1;
                        continue;
                    }
                }
            }
        } else if si == s.len() {
            return true;
        }
        // Mismatch: let the last star swallow one more character, or fail.
        let Some((after_star, from)) = star else {
            return false;
        };
        let Some(c) = s[from..].chars().next() else {
            return false;
        };
        let next = from + c.len_utf8();
        star = Some((after_star, next));
        ti = after_star;
        si = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question_mark() {
        let p = Pattern::wild("s3:Get*");
        assert!(p.matches("s3:GetObject"));
        assert!(p.matches("s3:Get"));
        assert!(!p.matches("s3:PutObject"));
        let q = Pattern::wild("a?c");
        assert!(q.matches("abc"));
        assert!(q.matches("aéc"));
        assert!(!q.matches("ac"));
        assert!(!q.matches("abbc"));
        assert!(Pattern::wild("*").matches(""));
        assert!(Pattern::wild("*a*b*").matches("xxaxxbxx"));
        assert!(!Pattern::wild("*a*b").matches("xxaxxbxxc"));
        assert!(Pattern::wild("**").is_match_all());
    }

    #[test]
    fn literal_stars_match_only_themselves() {
        let mut p = Pattern::wild("key-");
        p.push_lit("*");
        assert!(p.matches("key-*"));
        assert!(!p.matches("key-anything"));
    }

    #[test]
    fn arn_parts_do_not_let_a_star_cross_a_colon() {
        let p = Pattern::wild("arn:aws:s3:::bucket/*");
        assert!(p.matches_arn("arn:aws:s3:::bucket/a/b:c"));
        assert!(!p.matches_arn("arn:aws:s3:::other/a"));
        let region = Pattern::wild("arn:aws:dynamodb:us-*:123456789012:table/T");
        assert!(region.matches_arn("arn:aws:dynamodb:us-east-1:123456789012:table/T"));
        // In plain text the star could swallow "east-1:x"; per part it cannot.
        let odd = "arn:aws:dynamodb:us-east-1:x:123456789012:table/T";
        assert!(region.matches(odd));
        assert!(!region.matches_arn(odd));
        assert!(Pattern::wild("*").matches_arn("arn:aws:iam::1:role/x"));
        assert!(Pattern::wild("arn:aws:*").matches_arn("arn:aws:iam::1:role/x"));
    }
}
