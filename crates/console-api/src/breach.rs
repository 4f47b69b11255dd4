//! The offline breached-password list: a file in Pwned Passwords' SHA-1 format (one
//! `HASH:COUNT` line per password, sorted by hash, as the service's downloads are), searched by
//! bisection so that a multi-gigabyte list costs a few dozen reads per lookup.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::ApiError;

fn io(path: &Path, e: std::io::Error) -> user_pools::Error {
    user_pools::Error::Internal(format!(
        "cannot read the breached-password list {}: {e}",
        path.display()
    ))
}

/// The hash on the first full line at or after `pos` (None past the end).
fn line_at(f: &mut File, pos: u64) -> std::io::Result<Option<(u64, String)>> {
    f.seek(SeekFrom::Start(pos))?;
    let mut r = BufReader::new(f);
    let mut skip = 0;
    if pos > 0 {
        let mut partial = Vec::new();
        skip = r.read_until(b'\n', &mut partial)? as u64;
    }
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let hash = line
        .split(':')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    Ok(Some((pos + skip, hash)))
}

/// Whether `password` is in the list at `path`.
pub fn contains(path: &Path, password: &str) -> user_pools::Result<bool> {
    let want = tokens::pwned_hash(password);
    let mut f = File::open(path).map_err(|e| io(path, e))?;
    let len = f.metadata().map_err(|e| io(path, e))?.len();
    // Invariant: every line starting before `lo` sorts below `want`; every line starting at or
    // after `hi` sorts above it.
    let (mut lo, mut hi) = (0u64, len);
    while hi - lo > 4096 {
        let mid = lo + (hi - lo) / 2;
        match line_at(&mut f, mid).map_err(|e| io(path, e))? {
            Some((start, hash)) if start < hi => match hash.as_str().cmp(want.as_str()) {
                std::cmp::Ordering::Equal => return Ok(true),
                std::cmp::Ordering::Less => lo = start + 1,
                std::cmp::Ordering::Greater => hi = start,
            },
            _ => hi = mid,
        }
    }
    // Scan what is left from the start of the line holding `lo`.
    let from = lo.saturating_sub(256);
    f.seek(SeekFrom::Start(from)).map_err(|e| io(path, e))?;
    let mut buf = Vec::new();
    f.take(hi.saturating_sub(from) + 256)
        .read_to_end(&mut buf)
        .map_err(|e| io(path, e))?;
    Ok(String::from_utf8_lossy(&buf).lines().any(|l| {
        l.split(':')
            .next()
            .is_some_and(|h| h.trim().eq_ignore_ascii_case(&want))
    }))
}

/// Checks that `path` looks like a list: readable, and its first line a 40-digit hex hash.
pub fn validate(path: &Path) -> Result<(), ApiError> {
    let bad = |why: String| ApiError::invalid("BreachedPasswordsFile", why);
    let f = File::open(path).map_err(|e| bad(format!("cannot open {}: {e}", path.display())))?;
    let mut first = String::new();
    BufReader::new(f)
        .read_line(&mut first)
        .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
    let hash = first.split(':').next().unwrap_or("").trim();
    if hash.len() != 40 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(format!(
            "{} is not in Pwned Passwords' SHA-1 format (lines of HASH:COUNT)",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_listed_passwords_in_small_and_large_lists() {
        let dir = tempfile::tempdir().unwrap();
        for n in [3usize, 20_000] {
            let mut hashes: Vec<String> = (0..n)
                .map(|i| tokens::pwned_hash(&format!("pw{i}")))
                .collect();
            hashes.push(tokens::pwned_hash("Passw0rd!"));
            hashes.sort();
            let path = dir.path().join(format!("list-{n}.txt"));
            let body: String = hashes.iter().map(|h| format!("{h}:17\r\n")).collect();
            std::fs::write(&path, body).unwrap();
            validate(&path).unwrap();
            assert!(contains(&path, "Passw0rd!").unwrap(), "n={n}");
            assert!(contains(&path, "pw0").unwrap());
            assert!(contains(&path, &format!("pw{}", n - 1)).unwrap());
            assert!(!contains(&path, "not-in-the-list").unwrap());
            assert!(!contains(&path, "Passw0rd?").unwrap());
        }
        let not = dir.path().join("not.txt");
        std::fs::write(&not, "hello\n").unwrap();
        assert_eq!(
            validate(&not).unwrap_err().field.as_deref(),
            Some("BreachedPasswordsFile")
        );
    }
}
