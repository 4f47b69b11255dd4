//! Which store the window opens: `--db PATH`, else `POOLHOUSE_DB`, else `poolhouse.db` in the
//! platform's data directory.

use std::ffi::OsString;
use std::path::PathBuf;

/// The environment variable naming the store.
pub const DB_ENV: &str = "POOLHOUSE_DB";

pub const USAGE: &str = "\
Usage: poolhouse-desktop [--db PATH]

Options:
  --db PATH      the store to open (default: $POOLHOUSE_DB, else poolhouse.db in the
                 platform's data directory); created when missing
  -h, --help     print this help
  -V, --version  print the version";

/// The command line, as far as the shell reads it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub db: Option<PathBuf>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Args),
    Help,
    Version,
}

impl Args {
    /// Reads `--db PATH`, `--db=PATH`, `--help` and `--version`. Other arguments are left to
    /// the platform (WebKitWebDriver launches the app with `--automation`, for one) and ignored.
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, String> {
        let mut out = Args::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let text = arg.to_string_lossy();
            match text.as_ref() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "-V" | "--version" => return Ok(Parsed::Version),
                "--db" => match args.next() {
                    Some(p) if !p.is_empty() => out.db = Some(PathBuf::from(p)),
                    _ => return Err("--db needs a path".into()),
                },
                t if t.starts_with("--db=") => {
                    let p = &t["--db=".len()..];
                    if p.is_empty() {
                        return Err("--db needs a path".into());
                    }
                    out.db = Some(PathBuf::from(p));
                }
                other => tracing::debug!(arg = other, "ignoring an argument"),
            }
        }
        Ok(Parsed::Run(out))
    }
}

/// `poolhouse.db` in the platform's data directory (`~/.local/share/poolhouse/` on Linux).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "Poolhouse", "Poolhouse")
        .map(|d| d.data_dir().join("poolhouse.db"))
}

/// The store's path: the flag, else the environment, else the default.
pub fn resolve(
    flag: Option<PathBuf>,
    env: Option<OsString>,
    default: impl FnOnce() -> Option<PathBuf>,
) -> Result<PathBuf, String> {
    if let Some(p) = flag {
        return Ok(p);
    }
    if let Some(p) = env.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    default().ok_or_else(|| {
        format!("no home directory to keep the store in: pass --db PATH or set {DB_ENV}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        Args::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn reads_the_db_flag_in_both_spellings() {
        let want = Parsed::Run(Args {
            db: Some("/tmp/a.db".into()),
        });
        assert_eq!(parse(&["--db", "/tmp/a.db"]), Ok(want));
        let want = Parsed::Run(Args {
            db: Some("/tmp/b.db".into()),
        });
        assert_eq!(parse(&["--db=/tmp/b.db"]), Ok(want));
        assert_eq!(parse(&[]), Ok(Parsed::Run(Args::default())));
    }

    #[test]
    fn a_db_flag_without_a_path_is_refused() {
        assert!(parse(&["--db"]).is_err());
        assert!(parse(&["--db="]).is_err());
        assert!(parse(&["--db", ""]).is_err());
    }

    #[test]
    fn ignores_the_platforms_arguments() {
        assert_eq!(parse(&["--automation"]), Ok(Parsed::Run(Args::default())));
        assert_eq!(parse(&["--help", "--db"]), Ok(Parsed::Help));
        assert_eq!(parse(&["-V"]), Ok(Parsed::Version));
    }

    #[test]
    fn flag_beats_environment_beats_default() {
        let def = || Some(PathBuf::from("/data/poolhouse.db"));
        let env = Some(OsString::from("/env.db"));
        assert_eq!(
            resolve(Some("/flag.db".into()), env.clone(), def),
            Ok("/flag.db".into())
        );
        assert_eq!(resolve(None, env, def), Ok("/env.db".into()));
        assert_eq!(
            resolve(None, Some(OsString::new()), def),
            Ok("/data/poolhouse.db".into())
        );
        assert!(resolve(None, None, || None).is_err());
    }

    #[test]
    fn the_default_is_poolhouse_db_in_the_data_dir() {
        if let Some(p) = default_path() {
            assert!(p.ends_with("poolhouse.db"), "{}", p.display());
        }
    }
}
