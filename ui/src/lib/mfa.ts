// MFA factors as the console names them, the requests of support's "Reset MFA", and the
// otpauth:// link an authenticator app scans.

import type { Operations } from "../api/types";

/** The factors Cognito names in `UserMFASettingList`, `PreferredMfaSetting` and `UserSummary.MFA`. */
export type MfaFactor = "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "SMS_MFA";

const FACTORS: Record<MfaFactor, { label: string; short: string }> = {
  SOFTWARE_TOKEN_MFA: { label: "Authenticator app", short: "App" },
  EMAIL_OTP: { label: "Email code", short: "Email" },
  SMS_MFA: { label: "SMS code", short: "SMS" },
};

export function isMfaFactor(name: string): name is MfaFactor {
  return Object.prototype.hasOwnProperty.call(FACTORS, name);
}

/** "Authenticator app", "Email code", "SMS code"; a name the console doesn't know is shown as sent. */
export function mfaLabel(name: string): string {
  return isMfaFactor(name) ? FACTORS[name].label : name;
}

/** The compact form for table cells: "App", "Email", "SMS". */
export function mfaShortLabel(name: string): string {
  return isMfaFactor(name) ? FACTORS[name].short : name;
}

export type FactorView = { name: string; label: string; preferred: boolean };

/**
 * A user's enabled factors, in the order the core lists them (authenticator first), each marked
 * preferred when it is `PreferredMfaSetting`.
 */
export function enabledFactors(user: { UserMFASettingList: readonly string[]; PreferredMfaSetting?: string }): FactorView[] {
  return user.UserMFASettingList.map((name) => ({
    name,
    label: mfaLabel(name),
    preferred: user.PreferredMfaSetting === name,
  }));
}

/** The users table's MFA filter. */
export type MfaFilter = "any" | "with" | "without";

/** `SearchUsers.MfaEnabled` for a filter: absent for any. */
export function mfaEnabledParam(filter: MfaFilter): boolean | undefined {
  return filter === "any" ? undefined : filter === "with";
}

export type ResetMfaRequests = {
  deleteSoftwareToken: Operations["AdminDeleteSoftwareToken"]["input"];
  /** Present when the user has email or SMS codes turned on: turns those off. */
  preference: Operations["AdminSetUserMFAPreference"]["input"] | undefined;
};

/**
 * What "Reset MFA" sends: `AdminDeleteSoftwareToken` always (it also drops an authenticator
 * being set up, which `UserMFASettingList` doesn't show), then `AdminSetUserMFAPreference` with
 * the user's email and SMS factors disabled. Factors the user doesn't have are left out (an
 * absent setting leaves its factor as it is), so a user with only an app needs one call.
 */
export function resetMfaRequests(poolId: string, username: string, enabled: readonly string[]): ResetMfaRequests {
  const off = { Enabled: false, PreferredMfa: false };
  const user = { UserPoolId: poolId, Username: username };
  const email = enabled.includes("EMAIL_OTP");
  const sms = enabled.includes("SMS_MFA");
  return {
    deleteSoftwareToken: user,
    preference:
      email || sms
        ? { ...user, ...(email ? { EmailMfaSettings: off } : {}), ...(sms ? { SMSMfaSettings: off } : {}) }
        : undefined,
  };
}

/**
 * The link an authenticator app scans (Google's key URI format): the core's `OtpauthUri` when it
 * sends one, else `otpauth://totp/<issuer>:<account>?secret=…&issuer=…` built from the secret,
 * with the parameters the core's codes use (SHA-1, 6 digits, 30 s).
 */
export function otpauthUri(
  associated: { SecretCode: string; OtpauthUri?: string | undefined },
  names: { issuer: string; account: string },
): string {
  if (associated.OtpauthUri && associated.OtpauthUri.startsWith("otpauth://")) return associated.OtpauthUri;
  const issuer = encodeURIComponent(names.issuer);
  const account = encodeURIComponent(names.account);
  const secret = encodeURIComponent(associated.SecretCode.replace(/\s+/g, ""));
  return `otpauth://totp/${issuer}:${account}?secret=${secret}&issuer=${issuer}&algorithm=SHA1&digits=6&period=30`;
}

/** A base32 secret in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
