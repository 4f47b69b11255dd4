/**
 * The Tauri command name of an operation: Cognito's PascalCase name in snake_case
 * (`CreateUserPool` -> `create_user_pool`, `ListUsersInGroup` -> `list_users_in_group`).
 * Runs of capitals stay one word (`GetUserPoolMfaConfig` -> `get_user_pool_mfa_config`,
 * `SetUICustomization` -> `set_ui_customization`).
 */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}
