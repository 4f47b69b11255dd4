import { describe, expect, it } from "vitest";
import { allowsRefresh, newPasswordResponses, outcomeOf, passwordFlows, requiredAttributes } from "./signIn";

describe("passwordFlows", () => {
  it("offers the password flows the client allows, current or legacy names", () => {
    expect(passwordFlows(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])).toEqual(["USER_PASSWORD_AUTH"]);
    expect(passwordFlows(["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"])).toEqual([
      "USER_PASSWORD_AUTH",
      "ADMIN_USER_PASSWORD_AUTH",
    ]);
    expect(passwordFlows(["ADMIN_NO_SRP_AUTH"])).toEqual(["ADMIN_USER_PASSWORD_AUTH"]);
    expect(passwordFlows(["USER_PASSWORD_AUTH"])).toEqual(["USER_PASSWORD_AUTH"]);
  });
  it("offers nothing to an SRP-only client or one without flows", () => {
    expect(passwordFlows(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])).toEqual([]);
    expect(passwordFlows([])).toEqual([]);
    expect(passwordFlows(undefined)).toEqual([]);
  });
});

describe("allowsRefresh", () => {
  it("follows ALLOW_REFRESH_TOKEN_AUTH", () => {
    expect(allowsRefresh(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])).toBe(true);
    expect(allowsRefresh(["ALLOW_USER_PASSWORD_AUTH"])).toBe(false);
  });
  it("always allows refresh when the flows are empty or all legacy names", () => {
    expect(allowsRefresh([])).toBe(true);
    expect(allowsRefresh(["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"])).toBe(true);
    expect(allowsRefresh(["ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH"])).toBe(false);
  });
});

describe("requiredAttributes", () => {
  it("reads the JSON list and drops the userAttributes. prefix", () => {
    expect(requiredAttributes({ requiredAttributes: '["userAttributes.name","userAttributes.custom:team"]' })).toEqual([
      "name",
      "custom:team",
    ]);
    expect(requiredAttributes({ requiredAttributes: '["given_name"]' })).toEqual(["given_name"]);
  });
  it("treats a missing, empty or malformed list as none", () => {
    expect(requiredAttributes(undefined)).toEqual([]);
    expect(requiredAttributes({ requiredAttributes: "[]" })).toEqual([]);
    expect(requiredAttributes({ requiredAttributes: "not json" })).toEqual([]);
    expect(requiredAttributes({ requiredAttributes: '{"a":1}' })).toEqual([]);
    expect(requiredAttributes({ requiredAttributes: '[1, "", "userAttributes.email"]' })).toEqual(["email"]);
  });
});

describe("newPasswordResponses", () => {
  it("answers with the username, the new password and the filled-in attributes", () => {
    expect(newPasswordResponses("alice", "N3w-Passw0rd!", { name: "Alice", "custom:team": "  " })).toEqual({
      USERNAME: "alice",
      NEW_PASSWORD: "N3w-Passw0rd!",
      "userAttributes.name": "Alice",
    });
  });
});

describe("outcomeOf", () => {
  const result = { AccessToken: "a", IdToken: "i", RefreshToken: "r", ExpiresIn: 3600, TokenType: "Bearer" };
  it("takes tokens over anything else", () => {
    expect(outcomeOf({ AuthenticationResult: result })).toEqual({ kind: "tokens", result });
  });
  it("turns NEW_PASSWORD_REQUIRED into the new-password step with its session and attributes", () => {
    expect(
      outcomeOf({
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: "s1",
        ChallengeParameters: { USER_ID_FOR_SRP: "alice", requiredAttributes: '["userAttributes.name"]' },
      }),
    ).toEqual({ kind: "new-password", session: "s1", required: ["name"] });
  });
  it("names a challenge it cannot answer, including NEW_PASSWORD_REQUIRED without a session", () => {
    expect(outcomeOf({ ChallengeName: "SMS_MFA", Session: "s" })).toEqual({ kind: "unsupported", challenge: "SMS_MFA" });
    expect(outcomeOf({ ChallengeName: "NEW_PASSWORD_REQUIRED" })).toEqual({
      kind: "unsupported",
      challenge: "NEW_PASSWORD_REQUIRED",
    });
    expect(outcomeOf({}).kind).toBe("unsupported");
  });
});
