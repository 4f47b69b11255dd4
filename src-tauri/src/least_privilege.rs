//! The desktop shell's grants, checked against the operation list: the main window may invoke
//! each operation's command and nothing else, under a strict CSP with a frozen prototype, and
//! a bundle is built from a fresh UI.

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
