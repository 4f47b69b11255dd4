//! One Tauri command per operation of console-api's list, generated from that list.
//!
//! The UI calls `invoke("<method>", { input })`, e.g. `invoke("create_user_pool", { input:
//! { PoolName: "staff" } })`, and gets the operation's response or an [`ApiError`] (`{ code,
//! message, field? }`). Each command runs the core's synchronous call on Tauri's blocking pool,
//! as the desktop's actor (`console` in the audit log).

use console_api::{ApiError, Console, ErrorCode};

/// Runs `f` on the blocking pool with a clone of the console.
async fn blocking<T, F>(console: &Console, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Console) -> Result<T, ApiError> + Send + 'static,
{
    let console = console.clone();
    tauri::async_runtime::spawn_blocking(move || f(&console))
        .await
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InternalErrorException,
                format!("the operation did not finish: {e}"),
            )
        })?
}

macro_rules! desktop_commands {
    ($($svc:ident $area:ident $name:ident $method:ident $req:ident $resp:ident $access:ident;)*) => {
        /// The commands, one per operation, named as the `Console` methods.
        pub mod ops {
            use console_api::{dto, Actor, ApiError, Console};

            $(
                #[doc = concat!("`", stringify!($name), "`: `Console::", stringify!($method), "`.")]
                #[tauri::command(rename_all = "camelCase")]
                pub async fn $method(
                    state: tauri::State<'_, Console>,
                    input: dto::$req,
                ) -> Result<dto::$resp, ApiError> {
                    super::blocking(state.inner(), move |c| c.$method(&Actor::console(), input)).await
                }
            )*
        }

        /// The invoke handler that routes every command.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(ops::$method),*]
        }
    };
}

console_api::for_each_operation!(desktop_commands);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use console_api::Console;
    use serde_json::{Value, json};
    use tauri::test::{
        INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
    };
    use tauri::webview::InvokeRequest;

    struct App {
        _dir: tempfile::TempDir,
        _app: tauri::App<MockRuntime>,
        webview: tauri::WebviewWindow<MockRuntime>,
    }

    fn app() -> App {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(domain::FixedClock::at(1_767_225_600_000));
        let console = Console::open(&dir.path().join("poolhouse.db"), clock).unwrap();
        let app = mock_builder()
            .manage(console)
            .invoke_handler(super::handler())
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        App {
            _dir: dir,
            _app: app,
            webview,
        }
    }

    /// What `invoke(cmd, args)` in the UI resolves (`Ok`) or rejects (`Err`) with.
    fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&app.webview, request).map(|b| b.deserialize::<Value>().unwrap())
    }

    #[test]
    fn every_operation_is_a_registered_command() {
        // Through the real invoke handler: a name it does not route is refused before any
        // operation runs, so an empty input must fail as a bad request, never as a missing
        // command.
        let app = app();
        for op in console_api::ops::OPERATIONS {
            if let Err(e) = invoke(&app, op.command, json!({ "input": {} })) {
                let text = e.to_string();
                assert!(
                    !text.contains("not found"),
                    "{} is not routed by the desktop handler: {text}",
                    op.command
                );
            }
        }
        let unknown = invoke(&app, "no_such_operation", json!({ "input": {} })).unwrap_err();
        assert!(
            unknown.to_string().contains("not found"),
            "an unrouted command must be refused as not found: {unknown}"
        );
    }

    #[test]
    fn a_command_runs_its_operation_as_the_console() {
        let app = app();
        let created = invoke(
            &app,
            "create_user_pool",
            json!({ "input": { "PoolName": "staff" } }),
        )
        .unwrap();
        let id = created["UserPool"]["Id"].as_str().unwrap().to_string();
        assert!(id.starts_with("us-east-1_"), "{id}");

        let listed = invoke(
            &app,
            "list_user_pools",
            json!({ "input": { "MaxResults": 10 } }),
        )
        .unwrap();
        assert_eq!(listed["UserPools"][0]["Id"], json!(id));

        let audit = invoke(&app, "list_audit_events", json!({ "input": {} })).unwrap();
        let actors: Vec<&Value> = audit["Events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["Actor"])
            .collect();
        assert_eq!(actors, [&json!("console")]);
    }

    #[test]
    fn a_refused_operation_rejects_with_its_api_error() {
        let app = app();
        let err = invoke(
            &app,
            "describe_user_pool",
            json!({ "input": { "UserPoolId": "us-east-1_000000000" } }),
        )
        .unwrap_err();
        assert_eq!(err["code"], json!("ResourceNotFoundException"), "{err}");
        assert!(err["message"].is_string(), "{err}");

        let err = invoke(
            &app,
            "create_user_pool",
            json!({ "input": { "PoolName": "" } }),
        )
        .unwrap_err();
        assert_eq!(err["code"], json!("InvalidParameterException"), "{err}");
    }

    #[test]
    fn a_request_of_the_wrong_shape_is_refused_before_the_core() {
        let app = app();
        // Tauri deserializes `input`; its message names the command and the argument.
        let err = invoke(
            &app,
            "create_user_pool",
            json!({ "input": { "PoolName": 7 } }),
        )
        .unwrap_err();
        assert!(
            err.as_str().is_some_and(|m| m.contains("create_user_pool")),
            "{err}"
        );
        let err = invoke(&app, "list_user_pools", json!({})).unwrap_err();
        assert!(err.as_str().is_some_and(|m| m.contains("input")), "{err}");
    }
}
