//! Poolhouse's desktop shell: opens the store, puts one `Console` in Tauri's state and serves
//! the UI (`ui/dist`) in one window, with one command per operation ([`commands`]).

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
#[cfg(test)]
mod least_privilege;
mod navigation;
// Its stand-in browser is the `xdg-open` the opener plugin starts on Linux.
#[cfg(test)]
#[cfg(target_os = "linux")]
mod sign_in_pages;
mod store;

use std::process::ExitCode;
use std::sync::Arc;

use console_api::Console;

/// The allocator of `poolhouse serve` (crates/cli), for the endpoint and the console this
/// process runs: per-thread pages for the many small allocations a request makes and frees on
/// other threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    init_tracing();
    let args = match store::Args::parse(std::env::args_os().skip(1)) {
        Ok(store::Parsed::Run(args)) => args,
        Ok(store::Parsed::Help) => {
            println!("{}", store::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(store::Parsed::Version) => {
            println!("poolhouse-desktop {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("poolhouse-desktop: {e}\n\n{}", store::USAGE);
            return ExitCode::from(2);
        }
    };

    let console = match open_console(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("poolhouse-desktop: {message}");
            show_error_dialog(&message);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(store = %console.store_path().display(), "store opened");
    console.start_mail_delivery();

    let result = tauri::Builder::default()
        .plugin(navigation::guard())
        // The hosted sign-in page opens in the system browser; capabilities/sign-in-pages.json
        // lets the window open only http(s) pages on this computer.
        .plugin(tauri_plugin_opener::init())
        .manage(console)
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let message = format!("the window could not be started: {e}");
            eprintln!("poolhouse-desktop: {message}");
            show_error_dialog(&message);
            ExitCode::FAILURE
        }
    }
}

/// Resolves the store's path and opens it, or says why not in one sentence.
fn open_console(args: &store::Args) -> Result<Console, String> {
    let path = store::resolve(
        args.db.clone(),
        std::env::var_os(store::DB_ENV),
        store::default_path,
    )?;
    let console = Console::open(&path, Arc::new(domain::SystemClock)).map_err(|e| {
        let shown = path.display().to_string();
        if e.message.contains(&shown) {
            e.message
        } else {
            format!("cannot open the store at {shown}: {}", e.message)
        }
    })?;
    // The exchange tester reaches the built-in backend over HTTP, like any other: the endpoint
    // starts on 127.0.0.1:0 the first time a run needs it.
    console.set_builtin_launcher(Arc::new(|c: &Console| {
        endpoint::start_in_background(c.clone())
    }));
    Ok(console)
}

/// Logs to stderr; `RUST_LOG` filters (default: warnings).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A second subscriber (there is none) would be the only failure: nothing to do about it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A native error dialog, when there is a display to show it on.
fn show_error_dialog(message: &str) {
    if !has_display() {
        return;
    }
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Poolhouse")
        .set_description(format!("Poolhouse could not start.\n\n{message}"))
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

fn has_display() -> bool {
    if cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd"
    )) {
        ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
    } else {
        true
    }
}
