//! The line of a member in the policy text, so that a semantic error can point at it.
//!
//! serde_json's `Value` forgets positions; this small scanner walks the (already valid) text
//! once and answers the line where the value at a JSON path starts.

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// The 1-based line where the value (or, for a member, its key) at `path` starts, if present.
pub(crate) fn line_of(text: &str, path: &[Seg]) -> Option<usize> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut stack = Vec::new();
    scanner.value(&mut stack, path)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn bump(&mut self) {
        if self.peek() == Some(b'\n') {
            self.line += 1;
        }
        self.pos += 1;
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    /// Scans one value; returns the line as soon as the target path is reached.
    fn value(&mut self, stack: &mut Vec<Seg>, target: &[Seg]) -> Option<usize> {
        self.skip_ws();
        if stack.as_slice() == target {
            return Some(self.line);
        }
        match self.peek()? {
            b'{' => {
                self.bump();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b'}' => {
                            self.bump();
                            return None;
                        }
                        b',' => self.bump(),
                        b'"' => {
                            let key_line = self.line;
                            let key = self.string()?;
                            stack.push(Seg::Key(key));
                            if stack.as_slice() == target {
                                return Some(key_line);
                            }
                            self.skip_ws();
                            if self.peek() == Some(b':') {
                                self.bump();
                            }
                            let found = self.value(stack, target);
                            stack.pop();
                            if found.is_some() {
                                return found;
                            }
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.bump();
                let mut index = 0;
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b']' => {
                            self.bump();
                            return None;
                        }
                        b',' => {
                            self.bump();
                            index += 1;
                        }
                        _ => {
                            stack.push(Seg::Index(index));
                            let found = self.value(stack, target);
                            stack.pop();
                            if found.is_some() {
                                return found;
                            }
                        }
                    }
                }
            }
            b'"' => {
                self.string()?;
                None
            }
            _ => {
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                {
                    self.bump();
                }
                None
            }
        }
    }

    /// Scans a string literal and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.bump();
        loop {
            match self.peek()? {
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                b'"' => {
                    self.bump();
                    break;
                }
                _ => self.bump(),
            }
        }
        let raw = std::str::from_utf8(self.bytes.get(start..self.pos)?).ok()?;
        serde_json::from_str(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_members_and_array_elements() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n    {\n      \"Effect\": \"Permit\"\n    }\n  ]\n}";
        let path = |segs: &[Seg]| line_of(text, segs);
        assert_eq!(path(&[Seg::Key("Version".into())]), Some(2));
        assert_eq!(
            path(&[Seg::Key("Statement".into()), Seg::Index(0)]),
            Some(4)
        );
        assert_eq!(
            path(&[
                Seg::Key("Statement".into()),
                Seg::Index(1),
                Seg::Key("Effect".into())
            ]),
            Some(6)
        );
        assert_eq!(path(&[Seg::Key("Nope".into())]), None);
    }
}
