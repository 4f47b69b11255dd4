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

/** What a sign-in step answered, as the panel's next step. */
export type SignInOutcome =
  | { kind: "tokens"; result: AuthenticationResult }
  | { kind: "new-password"; session: string; required: string[] }
  | { kind: "unsupported"; challenge: string };

/**
 * Reads an AuthResponse: tokens, a NEW_PASSWORD_REQUIRED challenge (with its session and the
 * attributes it asks for), or a challenge the panel cannot answer (named, never guessed at).
 */
export function outcomeOf(r: AuthResponse): SignInOutcome {
  if (r.AuthenticationResult) return { kind: "tokens", result: r.AuthenticationResult };
  if (r.ChallengeName === "NEW_PASSWORD_REQUIRED" && r.Session) {
    return { kind: "new-password", session: r.Session, required: requiredAttributes(r.ChallengeParameters) };
  }
  return { kind: "unsupported", challenge: r.ChallengeName ?? "(an answer with neither tokens nor a challenge)" };
}
