import { describe, expect, it } from "vitest";
import {
  allowsRefresh,
  mfaCodeResponses,
  mfaEmailProblem,
  newPasswordResponses,
  outcomeOf,
  passwordFlows,
  requiredAttributes,
  totpCodeProblem,
} from "./signIn";

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
  it("turns the MFA code challenges into the code step, with where an emailed code went", () => {
    expect(outcomeOf({ ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "s", ChallengeParameters: { USER_ID_FOR_SRP: "dana" } })).toEqual({
      kind: "mfa-code",
      challenge: "SOFTWARE_TOKEN_MFA",
      session: "s",
      destination: undefined,
    });
    expect(
      outcomeOf({
        ChallengeName: "EMAIL_OTP",
        Session: "s",
        ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL", CODE_DELIVERY_DESTINATION: "d***@e***" },
      }),
    ).toMatchObject({ kind: "mfa-code", challenge: "EMAIL_OTP", destination: "d***@e***" });
    expect(outcomeOf({ ChallengeName: "SMS_MFA", Session: "s" })).toMatchObject({ kind: "mfa-code", challenge: "SMS_MFA" });
  });
  it("offers the factors of SELECT_MFA_TYPE that it can answer", () => {
    expect(
      outcomeOf({ ChallengeName: "SELECT_MFA_TYPE", Session: "s", ChallengeParameters: { MFAS_CAN_CHOOSE: '["SOFTWARE_TOKEN_MFA","EMAIL_OTP","WEB_AUTHN"]' } }),
    ).toEqual({ kind: "mfa-select", session: "s", choices: ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"] });
    expect(outcomeOf({ ChallengeName: "SELECT_MFA_TYPE", Session: "s", ChallengeParameters: { MFAS_CAN_CHOOSE: "oops" } })).toEqual({
      kind: "unsupported",
      challenge: "SELECT_MFA_TYPE",
    });
  });
  it("turns MFA_SETUP into the set-up step with the factors the panel can set up", () => {
    expect(outcomeOf({ ChallengeName: "MFA_SETUP", Session: "s", ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } })).toEqual({
      kind: "mfa-setup",
      session: "s",
      choices: ["SOFTWARE_TOKEN_MFA"],
    });
    expect(
      outcomeOf({ ChallengeName: "MFA_SETUP", Session: "s", ChallengeParameters: { MFAS_CAN_SETUP: '["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]' } }),
    ).toEqual({ kind: "mfa-setup", session: "s", choices: ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"] });
    // Text messages need a phone number the panel does not ask for.
    expect(outcomeOf({ ChallengeName: "MFA_SETUP", Session: "s", ChallengeParameters: { MFAS_CAN_SETUP: '["SMS_MFA"]' } }).kind).toBe("unsupported");
  });
  it("checks the address email codes go to", () => {
    expect(mfaEmailProblem("")).toMatch(/Enter the email/);
    expect(mfaEmailProblem("dana")).toMatch(/not an email address/);
    expect(mfaEmailProblem(" dana@example.com ")).toBeUndefined();
  });
  it("names a challenge it cannot answer, including a known one without a session", () => {
    expect(outcomeOf({ ChallengeName: "CUSTOM_CHALLENGE", Session: "s" })).toEqual({ kind: "unsupported", challenge: "CUSTOM_CHALLENGE" });
    expect(outcomeOf({ ChallengeName: "NEW_PASSWORD_REQUIRED" })).toEqual({
      kind: "unsupported",
      challenge: "NEW_PASSWORD_REQUIRED",
    });
    expect(outcomeOf({ ChallengeName: "SOFTWARE_TOKEN_MFA" }).kind).toBe("unsupported");
    expect(outcomeOf({}).kind).toBe("unsupported");
  });
});

describe("mfaCodeResponses", () => {
  it("puts the code in the member its challenge names, without spaces", () => {
    expect(mfaCodeResponses("SOFTWARE_TOKEN_MFA", "dana", " 123 456 ")).toEqual({ USERNAME: "dana", SOFTWARE_TOKEN_MFA_CODE: "123456" });
    expect(mfaCodeResponses("EMAIL_OTP", "dana", "654321")).toEqual({ USERNAME: "dana", EMAIL_OTP_CODE: "654321" });
    expect(mfaCodeResponses("SMS_MFA", "dana", "1")).toEqual({ USERNAME: "dana", SMS_MFA_CODE: "1" });
  });
});

describe("totpCodeProblem", () => {
  it("accepts six digits, with spaces between groups", () => {
    expect(totpCodeProblem("123456")).toBeUndefined();
    expect(totpCodeProblem("123 456")).toBeUndefined();
  });
  it("says what is wrong with a blank or malformed code", () => {
    expect(totpCodeProblem("  ")).toMatch(/Enter the 6-digit code/);
    expect(totpCodeProblem("12345")).toMatch(/6 digits/);
    expect(totpCodeProblem("12345a")).toMatch(/6 digits/);
  });
});
