//! The window's one way out to the system browser (`capabilities/sign-in-pages.json`), checked
//! through the real opener plugin and the app's generated ACL: the window may open http(s)
//! pages on this computer (the hosted sign-in) and nothing else — no file, no other scheme, no
//! other host, no chosen program, no path.
//!
//! Nothing here starts a browser: the test runs its checks in a child process of itself whose
//! `PATH` holds only a stand-in `xdg-open` (the first launcher the plugin tries) that records
//! the address it was given; the parent then reads what was recorded.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

/// Set in the child: the file the stand-in `xdg-open` appends each address to.
const RECORD: &str = "POOLHOUSE_TEST_OPENED_RECORD";

/// Sign-in pages the window may open: what the Hosted UI tab builds (a prefix domain, the
/// `/<poolId>` path at the endpoint's address) and an https page on the default port.
const ALLOWED: [&str; 3] = [
    "http://shop.auth.localhost:9229/oauth2/authorize?response_type=code&client_id=7a1b&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=s1&code_challenge=c1&code_challenge_method=S256",
    "http://127.0.0.1:9229/us-east-1_AbC123/oauth2/authorize?response_type=token&client_id=7a1b",
    "https://localhost/oauth2/authorize?client_id=7a1b",
];

/// Addresses the window may not open, each with what it tries.
const REFUSED: [(&str, &str); 14] = [
    ("file:///etc/passwd", "a file"),
    ("https://example.com/oauth2/authorize", "another host"),
    (
        "http://127.0.0.1.example.com:9229/",
        "a host that starts like the loopback one",
    ),
    (
        "http://localhost.example.com/",
        "a host that starts like localhost",
    ),
    (
        "http://127.0.0.1:9229@example.com/",
        "a loopback address as user info",
    ),
    (
        "http://shop.auth.localhost:9229@example.com/",
        "a prefix domain as user info",
    ),
    (
        "http://example.com/x.auth.localhost:9229/",
        "'/' hiding a host before .auth.localhost",
    ),
    (
        "http://example.com?.auth.localhost/",
        "'?' hiding a host before .auth.localhost",
    ),
    (
        "http://example.com#.auth.localhost/",
        "'#' hiding a host before .auth.localhost",
    ),
    (
        "http://example.com\\.auth.localhost/",
        "'\\' hiding a host before .auth.localhost",
    ),
    ("http://127.0.0.1:92x9/", "a port that is not a number"),
    ("javascript:alert(1)", "script"),
    ("tauri://localhost/index.html", "the app's own scheme"),
    ("myapp://callback?code=1", "an app's custom scheme"),
];

/// The child's app: the opener plugin, with the ACL and capabilities generated from this
/// crate (tauri.conf.json, capabilities/), and its main window.
fn app() -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    let app = mock_builder()
        .plugin(tauri_plugin_opener::init())
        .build(tauri::generate_context!())
        .unwrap();
    let window = match tauri::Manager::get_webview_window(&app, "main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };
    (app, window)
}

/// What `invoke(cmd, args)` from the console's own page resolves (`Ok`) or rejects with.
fn invoke(
    window: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|b| b.deserialize::<Value>().unwrap())
}

/// The child's part: every refusal is refused, every sign-in page is handed to the launcher.
fn ask_the_plugin() {
    let (_app, window) = app();
    for (url, what) in REFUSED {
        let Err(err) = invoke(&window, "plugin:opener|open_url", json!({ "url": url })) else {
            panic!("{what} ({url}) was opened");
        };
        assert!(
            err.to_string().contains("Not allowed to open url"),
            "{what} ({url}) was refused for another reason: {err}"
        );
    }
    // An allowed page, but with a program of the caller's choice.
    let err = invoke(
        &window,
        "plugin:opener|open_url",
        json!({ "url": ALLOWED[0], "with": "sh" }),
    )
    .expect_err("a sign-in page was opened with a chosen program");
    assert!(err.to_string().contains("Not allowed"), "{err}");
    // The plugin's other commands are not granted at all.
    for (cmd, args) in [
        ("plugin:opener|open_path", json!({ "path": "/etc/passwd" })),
        (
            "plugin:opener|reveal_item_in_dir",
            json!({ "paths": ["/etc/passwd"] }),
        ),
    ] {
        let Err(err) = invoke(&window, cmd, args) else {
            panic!("{cmd} was run");
        };
        assert!(
            err.to_string().contains("not allowed"),
            "{cmd} was refused for another reason: {err}"
        );
    }
    for url in ALLOWED {
        invoke(&window, "plugin:opener|open_url", json!({ "url": url }))
            .unwrap_or_else(|e| panic!("{url} was not opened: {e}"));
    }
}

/// What the stand-in recorded, once it has recorded `count` addresses (or after 20 s).
fn recorded(record: &Path, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lines: Vec<String> = std::fs::read_to_string(record)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_window_opens_only_sign_in_pages_on_this_computer() {
    if std::env::var_os(RECORD).is_some() {
        ask_the_plugin();
        return;
    }
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let stand_in = bin.join("xdg-open");
    std::fs::write(
        &stand_in,
        format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"${RECORD}\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755)).unwrap();
    let record = dir.path().join("opened.txt");

    // This test again, in a child whose only launcher is the stand-in.
    let name = concat!(
        module_path!(),
        "::the_window_opens_only_sign_in_pages_on_this_computer"
    );
    let name = name.split_once("::").map_or(name, |(_, rest)| rest);
    let child = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("PATH", &bin)
        .env(RECORD, &record)
        .env_remove("BROWSER")
        .output()
        .unwrap();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    assert!(child.status.success(), "the child failed:\n{output}");
    assert!(
        output.contains("1 passed"),
        "the child did not run the test:\n{output}"
    );

    // Exactly the sign-in pages reached the launcher, unchanged, in order: nothing refused did.
    assert_eq!(recorded(&record, ALLOWED.len()), ALLOWED);
}
