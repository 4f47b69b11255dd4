import { describe, expect, it } from "vitest";
import { enabledFactors, groupSecret, mfaEnabledParam, mfaLabel, mfaShortLabel, otpauthUri, resetMfaRequests } from "./mfa";

describe("mfa labels", () => {
  it("names Cognito's factors for people, long and short", () => {
    expect(mfaLabel("SOFTWARE_TOKEN_MFA")).toBe("Authenticator app");
    expect(mfaLabel("EMAIL_OTP")).toBe("Email code");
    expect(mfaLabel("SMS_MFA")).toBe("SMS code");
    expect(mfaShortLabel("SOFTWARE_TOKEN_MFA")).toBe("App");
    expect(mfaShortLabel("EMAIL_OTP")).toBe("Email");
    expect(mfaShortLabel("SMS_MFA")).toBe("SMS");
  });

  it("shows a factor it doesn't know as the core sent it, rather than hiding it", () => {
    expect(mfaLabel("WEB_AUTHN")).toBe("WEB_AUTHN");
    expect(mfaShortLabel("WEB_AUTHN")).toBe("WEB_AUTHN");
    // Not fooled by Object.prototype members.
    expect(mfaLabel("toString")).toBe("toString");
  });
});

describe("enabledFactors", () => {
  it("keeps the core's order and marks only the preferred factor", () => {
    expect(
      enabledFactors({ UserMFASettingList: ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"], PreferredMfaSetting: "EMAIL_OTP" }),
    ).toEqual([
      { name: "SOFTWARE_TOKEN_MFA", label: "Authenticator app", preferred: false },
      { name: "EMAIL_OTP", label: "Email code", preferred: true },
    ]);
  });

  it("is empty for a user without factors", () => {
    expect(enabledFactors({ UserMFASettingList: [] })).toEqual([]);
  });
});

describe("mfaEnabledParam", () => {
  it("maps the filter onto SearchUsers.MfaEnabled, leaving it out for any", () => {
    expect(mfaEnabledParam("any")).toBeUndefined();
    expect(mfaEnabledParam("with")).toBe(true);
    expect(mfaEnabledParam("without")).toBe(false);
  });
});

describe("resetMfaRequests", () => {
  it("removes the authenticator and needs no preference call for an app-only user", () => {
    expect(resetMfaRequests("p1", "dana", ["SOFTWARE_TOKEN_MFA"])).toEqual({
      deleteSoftwareToken: { UserPoolId: "p1", Username: "dana" },
      preference: undefined,
    });
  });

  it("turns off exactly the email and SMS factors the user has", () => {
    const off = { Enabled: false, PreferredMfa: false };
    expect(resetMfaRequests("p1", "dana", ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]).preference).toEqual({
      UserPoolId: "p1",
      Username: "dana",
      EmailMfaSettings: off,
    });
    expect(resetMfaRequests("p1", "dana", ["EMAIL_OTP", "SMS_MFA"]).preference).toEqual({
      UserPoolId: "p1",
      Username: "dana",
      EmailMfaSettings: off,
      SMSMfaSettings: off,
    });
    expect(resetMfaRequests("p1", "dana", ["SMS_MFA"]).preference).not.toHaveProperty("EmailMfaSettings");
  });
});

describe("otpauthUri", () => {
  it("uses the core's link when it sends one", () => {
    const uri = "otpauth://totp/Poolhouse%20prod:dana?secret=ABCD&issuer=Poolhouse%20prod";
    expect(otpauthUri({ SecretCode: "ABCD", OtpauthUri: uri }, { issuer: "x", account: "y" })).toBe(uri);
  });

  it("builds the key URI from the secret otherwise, escaping the label and issuer", () => {
    expect(otpauthUri({ SecretCode: "JBSW Y3DP EHPK 3PXP" }, { issuer: "us-east-1_Pool", account: "dana@example.com" })).toBe(
      "otpauth://totp/us-east-1_Pool:dana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=us-east-1_Pool&algorithm=SHA1&digits=6&period=30",
    );
    expect(otpauthUri({ SecretCode: "AB", OtpauthUri: "" }, { issuer: "my pool:1", account: "a b" })).toBe(
      "otpauth://totp/my%20pool%3A1:a%20b?secret=AB&issuer=my%20pool%3A1&algorithm=SHA1&digits=6&period=30",
    );
  });

  it("does not pass on a link that is not otpauth://", () => {
    expect(otpauthUri({ SecretCode: "AB", OtpauthUri: "https://example.com" }, { issuer: "p", account: "a" })).toMatch(
      /^otpauth:\/\/totp\/p:a\?secret=AB&/,
    );
  });
});

describe("groupSecret", () => {
  it("splits a base32 secret into groups of four", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPAB")).toBe("JBSW Y3DP EHPK 3PXP AB");
    expect(groupSecret("JBSW")).toBe("JBSW");
    expect(groupSecret("")).toBe("");
  });
});
