import type { AuthenticationResult, AuthResponse, ExplicitAuthFlow } from "../api/types";

/** The password flows the Try sign-in panel can run (SRP needs an SDK's big-number maths). */
export type PasswordFlow = "USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH";

/**
 * The password flows an app client allows, in the order the panel offers them. Each has a
 * current name and a legacy one (`USER_PASSWORD_AUTH`, `ADMIN_NO_SRP_AUTH`); a client with no
 * flows at all allows only SRP, custom auth and refresh, as in Cognito.
 */
export function passwordFlows(flows: readonly ExplicitAuthFlow[] | undefined): PasswordFlow[] {
  const has = (f: ExplicitAuthFlow) => (flows ?? []).includes(f);
  const out: PasswordFlow[] = [];
  if (has("ALLOW_USER_PASSWORD_AUTH") || has("USER_PASSWORD_AUTH")) out.push("USER_PASSWORD_AUTH");
  if (has("ALLOW_ADMIN_USER_PASSWORD_AUTH") || has("ADMIN_NO_SRP_AUTH")) out.push("ADMIN_USER_PASSWORD_AUTH");
  return out;
}

const LEGACY_FLOWS: ReadonlyArray<ExplicitAuthFlow> = ["ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"];

/**
 * Whether the client allows REFRESH_TOKEN_AUTH: with `ALLOW_REFRESH_TOKEN_AUTH`, or always when
 * its flows are empty or all legacy names (Cognito's rule, which the core applies too).
 */
export function allowsRefresh(flows: readonly ExplicitAuthFlow[] | undefined): boolean {
  const list = flows ?? [];
  return list.includes("ALLOW_REFRESH_TOKEN_AUTH") || list.every((f) => LEGACY_FLOWS.includes(f));
}

const ATTRIBUTE_PREFIX = "userAttributes.";

/**
 * The attributes a NEW_PASSWORD_REQUIRED challenge asks for, from its `requiredAttributes`
 * parameter (a JSON array of `userAttributes.<name>`), as bare names. Anything unreadable
 * counts as none: the core then names what is missing when the answer is sent.
 */
export function requiredAttributes(parameters: Readonly<Record<string, string>> | undefined): string[] {
  const raw = parameters?.requiredAttributes;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((v): v is string => typeof v === "string" && v !== "")
    .map((v) => (v.startsWith(ATTRIBUTE_PREFIX) ? v.slice(ATTRIBUTE_PREFIX.length) : v));
}

/** The request member a required attribute is answered in. */
export function attributeMember(name: string): string {
  return `${ATTRIBUTE_PREFIX}${name}`;
}

/** `ChallengeResponses` for NEW_PASSWORD_REQUIRED; blank attributes are left out. */
export function newPasswordResponses(
  username: string,
  newPassword: string,
  attributes: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { USERNAME: username, NEW_PASSWORD: newPassword };
  for (const [name, value] of Object.entries(attributes)) {
    if (value.trim() !== "") out[attributeMember(name)] = value;
  }
  return out;
}

/** The MFA challenges that ask for a code, and the `ChallengeResponses` member each code goes in. */
export const MFA_CODE_MEMBER = {
  SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
  EMAIL_OTP: "EMAIL_OTP_CODE",
  SMS_MFA: "SMS_MFA_CODE",
} as const;
export type MfaCodeChallenge = keyof typeof MFA_CODE_MEMBER;

function isMfaCodeChallenge(name: string): name is MfaCodeChallenge {
  return Object.prototype.hasOwnProperty.call(MFA_CODE_MEMBER, name);
}

/** What a sign-in step answered, as the panel's next step. */
export type SignInOutcome =
  | { kind: "tokens"; result: AuthenticationResult }
  | { kind: "new-password"; session: string; required: string[] }
  | {
      kind: "mfa-code";
      challenge: MfaCodeChallenge;
      session: string;
      /** Where an emailed or texted code went, masked by the core (`d***@e***`). */
      destination: string | undefined;
    }
  | { kind: "mfa-select"; session: string; choices: MfaCodeChallenge[] }
  | { kind: "mfa-setup"; session: string; choices: MfaSetupChoice[] }
  | { kind: "unsupported"; challenge: string };

/** The factors MFA_SETUP can set up in the panel: an authenticator app, or email codes. */
export type MfaSetupChoice = "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP";

function isMfaSetupChoice(name: string): name is MfaSetupChoice {
  return name === "SOFTWARE_TOKEN_MFA" || name === "EMAIL_OTP";
}

/** A JSON list of strings in a challenge parameter (`MFAS_CAN_CHOOSE`); unreadable is empty. */
function stringList(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Reads an AuthResponse: tokens, or the challenge the panel answers next — a new password, an
 * MFA code (authenticator, email or SMS), a choice between factors, or setting up a factor
 * (MFA_SETUP: an authenticator app or email codes) — with its session. A challenge it cannot answer, or one without a
 * session, is named, never guessed at.
 */
export function outcomeOf(r: AuthResponse): SignInOutcome {
  if (r.AuthenticationResult) return { kind: "tokens", result: r.AuthenticationResult };
  const name = r.ChallengeName;
  const session = r.Session;
  const params = r.ChallengeParameters;
  if (name && session) {
    if (name === "NEW_PASSWORD_REQUIRED") {
      return { kind: "new-password", session, required: requiredAttributes(params) };
    }
    if (isMfaCodeChallenge(name)) {
      return { kind: "mfa-code", challenge: name, session, destination: params?.CODE_DELIVERY_DESTINATION };
    }
    if (name === "SELECT_MFA_TYPE") {
      const choices = stringList(params?.MFAS_CAN_CHOOSE).filter(isMfaCodeChallenge);
      if (choices.length > 0) return { kind: "mfa-select", session, choices };
    }
    if (name === "MFA_SETUP") {
      const choices = stringList(params?.MFAS_CAN_SETUP).filter(isMfaSetupChoice);
      if (choices.length > 0) return { kind: "mfa-setup", session, choices };
    }
  }
  return { kind: "unsupported", challenge: name ?? "(an answer with neither tokens nor a challenge)" };
}

/**
 * Why `address` cannot be the email that MFA codes go to (MFA_SETUP answered with `EMAIL`), or
 * undefined when it can.
 */
export function mfaEmailProblem(address: string): string | undefined {
  const a = address.trim();
  if (a === "") return "Enter the email address the codes should go to.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) return "This is not an email address (name@example.com).";
  return undefined;
}

/** `ChallengeResponses` for an MFA code: the username and the code, without the spaces people type. */
export function mfaCodeResponses(challenge: MfaCodeChallenge, username: string, code: string): Record<string, string> {
  return { USERNAME: username, [MFA_CODE_MEMBER[challenge]]: code.replace(/\s+/g, "") };
}

/**
 * A local check of an authenticator code before it is sent: codes are 6 digits (RFC 6238 as
 * the core runs it). Spaces people type between groups are ignored. Returns the message to show
 * next to the field, or undefined when the code looks right.
 */
export function totpCodeProblem(code: string): string | undefined {
  const c = code.replace(/\s+/g, "");
  if (c === "") return "Enter the 6-digit code the authenticator app shows.";
  if (!/^\d{6}$/.test(c)) return "The code is 6 digits, as the authenticator app shows it.";
  return undefined;
}
