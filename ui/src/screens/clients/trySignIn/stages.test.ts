import { describe, expect, it } from "vitest";
import { nextStage } from "./stages";

const FROM = { flow: "USER_PASSWORD_AUTH" as const, username: "dana", step: 1 };

describe("nextStage", () => {
  it("numbers a challenge as the step after the one that was answered, keeping the flow and the user", () => {
    expect(nextStage(FROM, { ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "s1", ChallengeParameters: {} }, 0)).toEqual({
      kind: "mfa-code",
      challenge: "SOFTWARE_TOKEN_MFA",
      session: "s1",
      destination: undefined,
      flow: "USER_PASSWORD_AUTH",
      username: "dana",
      step: 2,
    });
  });

  it("ends with the tokens, their refresh token and when they came", () => {
    const result = { IdToken: "i", AccessToken: "a", RefreshToken: "r", ExpiresIn: 3600, TokenType: "Bearer" };
    expect(nextStage(FROM, { AuthenticationResult: result }, 1_700_000_000)).toEqual({
      kind: "tokens",
      flow: "USER_PASSWORD_AUTH",
      result,
      refreshToken: "r",
      receivedAt: 1_700_000_000,
      refreshed: false,
    });
  });

  it("stops at a challenge the panel does not answer", () => {
    expect(nextStage(FROM, { ChallengeName: "CUSTOM_CHALLENGE", Session: "s" }, 0)).toEqual({ kind: "unsupported", challenge: "CUSTOM_CHALLENGE" });
  });
});
