//! The desktop shell's grants, checked against the operation list: the main window may invoke
//! each operation's command and open http(s) pages on this computer (the hosted sign-in, see
//! `sign_in_pages`), and nothing else, under a strict CSP with a frozen prototype, and a bundle
//! is built from a fresh UI.

use serde_json::Value;

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn json(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

#[test]
fn the_generated_permission_set_grants_exactly_the_operations_commands() {
    // Written by build.rs, which ran before this test was compiled.
    let set = read("permissions/operations.toml");
    let granted: Vec<&str> = set
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"allow-"))
        .filter_map(|l| l.strip_suffix("\","))
        .collect();
    let commands: Vec<String> = console_api::ops::OPERATIONS
        .iter()
        .map(|o| o.command.replace('_', "-"))
        .collect();
    assert_eq!(granted, commands);
    assert!(set.contains("identifier = \"operations\""), "{set}");
}

#[test]
fn the_main_window_gets_the_operations_and_no_core_permission() {
    let capability = json("capabilities/default.json");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert_eq!(capability["permissions"], serde_json::json!(["operations"]));
}

#[test]
fn the_webview_runs_under_a_strict_csp_with_a_frozen_prototype() {
    let conf = json("tauri.conf.json");
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"].as_str().unwrap();
    for directive in [
        "default-src 'self'",
        "style-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    // A bundle is built from the UI as it is now, never a stale ui/dist.
    assert_eq!(conf["build"]["beforeBuildCommand"], "npm run build");
}

#[test]
fn the_window_holds_two_capabilities_and_the_second_only_opens_loopback_pages() {
    let dir = format!("{}/capabilities", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["default.json", "sign-in-pages.json"]);

    let capability = json("capabilities/sign-in-pages.json");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(capability.get("remote").is_none(), "{capability}");
    let permissions = capability["permissions"].as_array().unwrap();
    assert_eq!(permissions.len(), 1, "{capability}");
    let grant = &permissions[0];
    assert_eq!(grant["identifier"], "opener:allow-open-url");
    // Every allowed URL is literal up to the '/' that ends its host and port (but for the
    // domain prefix, which the deny entries guard), opens with the default program, and is
    // http(s) on a loopback name.
    let ports: Vec<String> = (0..=5)
        .map(|n| match n {
            0 => String::new(),
            n => format!(":{}", "[0-9]".repeat(n)),
        })
        .collect();
    let allow = grant["allow"].as_array().unwrap();
    assert_eq!(allow.len(), 2 * 3 * ports.len());
    for entry in allow {
        assert_eq!(
            entry.as_object().unwrap().len(),
            1,
            "{entry}: a chosen program"
        );
        let url = entry["url"].as_str().unwrap();
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or_else(|| panic!("{url} is not http(s)"));
        let (authority, path) = rest.split_once('/').unwrap();
        assert_eq!(path, "*", "{url}");
        let fits = ["127.0.0.1", "localhost", "*.auth.localhost"]
            .iter()
            .any(|host| {
                ports
                    .iter()
                    .any(|port| authority == format!("{host}{port}"))
            });
        assert!(fits, "{url} admits a host that is not loopback");
    }
    assert_eq!(
        grant["deny"],
        serde_json::json!([
            { "url": "http://*[/?#@\\\\]*.auth.localhost[:/]*" },
            { "url": "https://*[/?#@\\\\]*.auth.localhost[:/]*" },
        ])
    );
}
