//! [`CliStore`]: the `poolhouse` binary run on a fresh store.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A fresh store in a temporary directory and the binary to run on it. The binary's path is
/// given by the test (`env!("CARGO_BIN_EXE_poolhouse")`, known only in the cli crate's tests).
pub struct CliStore {
    bin: PathBuf,
    db: PathBuf,
    dir: tempfile::TempDir,
}

impl CliStore {
    pub fn new(bin: impl Into<PathBuf>) -> CliStore {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("poolhouse.db");
        CliStore {
            bin: bin.into(),
            db,
            dir,
        }
    }

    /// The store's file (created by the first command that opens it).
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// A file beside the store in the temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The temporary directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `<bin> --db <store> <args>` with no terminal on standard input and no store or log
    /// setting inherited from the environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("--db")
            .arg(&self.db)
            .args(args)
            .env_remove("POOLHOUSE_DB")
            .env_remove("POOLHOUSE_LOG")
            .stdin(Stdio::null());
        c
    }

    /// Runs a command to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs a command that must succeed, answering its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`poolhouse {}` should succeed; status {:?}, stderr: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must succeed and print JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let stdout = self.ok(args);
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "`poolhouse {}` should print JSON ({e}):\n{stdout}",
                args.join(" ")
            )
        })
    }

    /// `cognito-idp create-user-pool --pool-name <name>`; answers the new pool's id.
    pub fn create_pool(&self, name: &str) -> String {
        let v = self.json(&["cognito-idp", "create-user-pool", "--pool-name", name]);
        v["UserPool"]["Id"].as_str().unwrap().to_string()
    }

    /// `cognito-idp admin-create-user` with an email and no invitation sent; answers its JSON.
    pub fn create_user(&self, pool: &str, username: &str, email: &str) -> Value {
        self.json(&[
            "cognito-idp",
            "admin-create-user",
            "--user-pool-id",
            pool,
            "--username",
            username,
            "--user-attributes",
            &format!("Name=email,Value={email}"),
            "--message-action",
            "SUPPRESS",
        ])
    }
}
