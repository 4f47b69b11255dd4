import { describe, expect, it } from "vitest";
import { snakeCase } from "./naming";

describe("snakeCase", () => {
  it("turns Cognito operation names into Tauri command names", () => {
    expect(snakeCase("CreateUserPool")).toBe("create_user_pool");
    expect(snakeCase("AdminSetUserPassword")).toBe("admin_set_user_password");
    expect(snakeCase("ListUserPoolClients")).toBe("list_user_pool_clients");
  });
  it("keeps runs of capitals together", () => {
    expect(snakeCase("GetUserPoolMfaConfig")).toBe("get_user_pool_mfa_config");
    expect(snakeCase("SetUICustomization")).toBe("set_ui_customization");
    expect(snakeCase("GetOpenIdTokenForDeveloperIdentity")).toBe("get_open_id_token_for_developer_identity");
  });
});
