//! The window shows the console and nothing else: a navigation to any other origin (a link in
//! a pasted value, a redirect) is refused, so no page from elsewhere ever runs with the
//! console's commands.

use tauri::plugin::TauriPlugin;
use tauri::{Manager, Runtime, Url};

/// The plugin that refuses navigations away from the app's own origin.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            // `tauri dev` serves the UI from devUrl; a bundle never does.
            let config = webview.config();
            let dev = if tauri::is_dev() {
                config.build.dev_url.clone()
            } else {
                None
            };
            let allowed = is_app_url(url, dev.as_ref());
            if !allowed {
                tracing::warn!(%url, "navigation away from the console refused");
            }
            allowed
        })
        .build()
}

/// Whether `url` is the app's own: `tauri://localhost` (Linux, macOS),
/// `http(s)://tauri.localhost` (Windows), or the dev server's origin under `tauri dev`.
pub fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    let own = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    };
    own || dev_url.is_some_and(|dev| dev.origin() == url.origin())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    #[test]
    fn only_the_apps_own_origin_is_navigable() {
        for ok in [
            "tauri://localhost/",
            "tauri://localhost/index.html#/pools",
            "http://tauri.localhost/",
            "https://tauri.localhost/index.html",
        ] {
            assert!(is_app_url(&url(ok), None), "{ok}");
        }
        for refused in [
            "https://attacker.example/",
            "http://localhost:5173/",
            "http://tauri.localhost:8080/",
            "http://tauri.localhost.attacker.example/",
            "tauri://attacker.example/",
            "file:///etc/passwd",
            "about:blank",
            "data:text/html,<script>1</script>",
            "javascript:alert(1)",
        ] {
            assert!(!is_app_url(&url(refused), None), "{refused}");
        }
    }

    #[test]
    fn under_tauri_dev_the_dev_server_is_the_apps_origin_too() {
        let dev = url("http://localhost:5173");
        assert!(is_app_url(
            &url("http://localhost:5173/#/pools"),
            Some(&dev)
        ));
        assert!(!is_app_url(&url("http://localhost:5174/"), Some(&dev)));
        assert!(!is_app_url(&url("https://localhost:5173/"), Some(&dev)));
    }
}
