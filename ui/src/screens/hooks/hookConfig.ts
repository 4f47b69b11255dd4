// The Hooks form's rules: a pool's LambdaConfig as the rows of the form, the rows back as the
// LambdaConfig of an UpdateUserPool request (which must resend every other setting), and the
// core's `LambdaConfig.*` field errors placed on the row they are about.

import type { LambdaConfig, Operations, UserPool } from "../../api/types";
import { optionalText, placeError } from "../../lib/forms";
import { settingsOf } from "../../lib/poolSettings";
import type { ApiError } from "../../platform";

/** The LambdaConfig members the form has a row for, in the order the core lists triggers. */
export const TRIGGER_NAMES = [
  "PreSignUp",
  "PostConfirmation",
  "PreAuthentication",
  "PostAuthentication",
  "PreTokenGeneration",
  "CustomMessage",
  "UserMigration",
  "DefineAuthChallenge",
  "CreateAuthChallenge",
  "VerifyAuthChallengeResponse",
] as const;

export type TriggerName = (typeof TRIGGER_NAMES)[number];

/**
 * The pre token generation event versions: V1_0 lets the hook change the ID token only, V2_0
 * the ID and the access token.
 */
export type TokenVersion = "V1_0" | "V2_0";

export const TOKEN_VERSIONS: ReadonlyArray<{ value: TokenVersion; label: string }> = [
  { value: "V1_0", label: "ID token only" },
  { value: "V2_0", label: "ID and access tokens" },
];

export type HookTrigger = {
  name: TriggerName;
  label: string;
  /** When the hook is called, and what its answer can do. One line. */
  description: string;
  placeholder: string;
};

export type TriggerGroup = { title: string; triggers: readonly HookTrigger[] };

function trigger(name: TriggerName, label: string, path: string, description: string): HookTrigger {
  return { name, label, description, placeholder: `http://127.0.0.1:8080/${path}` };
}

/** Every trigger, grouped as the form shows them (the order of TRIGGER_NAMES). */
export const TRIGGER_GROUPS: readonly TriggerGroup[] = [
  {
    title: "Sign-up and confirmation",
    triggers: [
      trigger(
        "PreSignUp",
        "Pre sign-up",
        "pre-sign-up",
        "Before a user is created (sign-up or administrator); can refuse the sign-up, or confirm the user and verify their email or phone.",
      ),
      trigger(
        "PostConfirmation",
        "Post confirmation",
        "post-confirmation",
        "After a sign-up or a password reset is confirmed; for follow-up work. The confirmation stands, but an error answer reaches the caller.",
      ),
    ],
  },
  {
    title: "Sign-in and tokens",
    triggers: [
      trigger(
        "PreAuthentication",
        "Pre authentication",
        "pre-authentication",
        "When a known user signs in, before the password is checked; can refuse the sign-in.",
      ),
      trigger(
        "PostAuthentication",
        "Post authentication",
        "post-authentication",
        "After a successful sign-in, before tokens are issued (not on refresh); can refuse the sign-in.",
      ),
      trigger(
        "PreTokenGeneration",
        "Pre token generation",
        "pre-token-generation",
        "Before tokens are issued, at sign-in and on refresh; can add, change or remove claims and groups.",
      ),
    ],
  },
  {
    title: "Messages and migration",
    triggers: [
      trigger(
        "CustomMessage",
        "Custom message",
        "custom-message",
        "Before a verification code, invitation or password reset code is sent; can rewrite its subject and text.",
      ),
      trigger(
        "UserMigration",
        "User migration",
        "user-migration",
        "When signing in or resetting a password names a user the pool does not have; can bring the user in from another directory.",
      ),
    ],
  },
  {
    title: "Custom authentication challenges",
    triggers: [
      trigger(
        "DefineAuthChallenge",
        "Define auth challenge",
        "define-auth-challenge",
        "At each step of a CUSTOM_AUTH sign-in; decides the next challenge, or to issue tokens, or to fail.",
      ),
      trigger(
        "CreateAuthChallenge",
        "Create auth challenge",
        "create-auth-challenge",
        "When a custom challenge is next; creates the question shown to the user and the answer expected.",
      ),
      trigger(
        "VerifyAuthChallengeResponse",
        "Verify auth challenge response",
        "verify-auth-challenge-response",
        "When the user answers a custom challenge; says whether the answer is right.",
      ),
    ],
  },
];

/** Every trigger, flat, in form order. */
export const HOOK_TRIGGERS: readonly HookTrigger[] = TRIGGER_GROUPS.flatMap((g) => g.triggers);

/** The form's state: one URL per trigger, as typed, and the pre token event version. */
export type HooksDraft = {
  urls: Record<TriggerName, string>;
  tokenVersion: TokenVersion;
};

/** The form's rows for a pool's hooks (blank where a trigger has none). */
export function draftOf(config: LambdaConfig | undefined): HooksDraft {
  const c = config ?? ({} as Partial<LambdaConfig>);
  const urls = {} as Record<TriggerName, string>;
  for (const name of TRIGGER_NAMES) {
    urls[name] = name === "PreTokenGeneration" ? "" : (c[name] ?? "");
  }
  // PreTokenGenerationConfig is the newer member and wins when both are set, as in the core.
  urls.PreTokenGeneration = c.PreTokenGenerationConfig?.LambdaArn ?? c.PreTokenGeneration ?? "";
  const tokenVersion: TokenVersion = c.PreTokenGenerationConfig?.LambdaVersion === "V2_0" ? "V2_0" : "V1_0";
  return { urls, tokenVersion };
}

/**
 * The LambdaConfig the form describes. A blank row clears its hook. The pre token hook goes in
 * both PreTokenGeneration and PreTokenGenerationConfig (as Cognito's console writes it), so
 * tools that know only the older member still see it. Members the form has no row for
 * (the custom senders, which the core refuses anyway) are carried over from `previous`.
 */
export function lambdaConfigOf(draft: HooksDraft, previous?: LambdaConfig): LambdaConfig {
  const token = optionalText(draft.urls.PreTokenGeneration);
  return {
    PreSignUp: optionalText(draft.urls.PreSignUp),
    PostConfirmation: optionalText(draft.urls.PostConfirmation),
    PreAuthentication: optionalText(draft.urls.PreAuthentication),
    PostAuthentication: optionalText(draft.urls.PostAuthentication),
    PreTokenGeneration: token,
    PreTokenGenerationConfig: token === undefined ? undefined : { LambdaVersion: draft.tokenVersion, LambdaArn: token },
    CustomMessage: optionalText(draft.urls.CustomMessage),
    UserMigration: optionalText(draft.urls.UserMigration),
    DefineAuthChallenge: optionalText(draft.urls.DefineAuthChallenge),
    CreateAuthChallenge: optionalText(draft.urls.CreateAuthChallenge),
    VerifyAuthChallengeResponse: optionalText(draft.urls.VerifyAuthChallengeResponse),
    CustomSMSSender: previous?.CustomSMSSender,
    CustomEmailSender: previous?.CustomEmailSender,
    KMSKeyID: previous?.KMSKeyID,
  };
}

/** Whether two drafts would save the same hooks (surrounding blanks do not count). */
export function sameHooks(a: HooksDraft, b: HooksDraft): boolean {
  return JSON.stringify(lambdaConfigOf(a)) === JSON.stringify(lambdaConfigOf(b));
}

/**
 * The UpdateUserPool request that sets `lambdaConfig` and keeps everything else of `pool`:
 * UpdateUserPool returns every member it is not given to its default, so all of the pool's
 * settings are resent as described.
 */
export function updateRequest(pool: UserPool, lambdaConfig: LambdaConfig): Operations["UpdateUserPool"]["input"] {
  return { ...settingsOf(pool), UserPoolId: pool.Id, LambdaConfig: lambdaConfig };
}

/**
 * The local check before saving: a hook URL must start with http:// or https:// (the core checks
 * the rest). The likely mistake, a Lambda ARN, gets the core's own explanation.
 */
export function localErrors(draft: HooksDraft): Partial<Record<TriggerName, string>> {
  const out: Partial<Record<TriggerName, string>> = {};
  for (const name of TRIGGER_NAMES) {
    const url = optionalText(draft.urls[name]);
    if (url === undefined || url.startsWith("http://") || url.startsWith("https://")) continue;
    if (url.startsWith("arn:")) {
      out[name] =
        "Poolhouse calls hooks over HTTP: give the URL of the hook (http://host:port/path or https://…), not a Lambda ARN";
    } else {
      out[name] = "Must be an http:// or https:// URL";
    }
  }
  return out;
}

const FORM_FIELDS = [
  ...TRIGGER_NAMES.map((n) => `LambdaConfig.${n}`),
  "LambdaConfig.PreTokenGenerationConfig",
] as const;

export type HookErrorView = {
  /** Messages by the row they belong to. */
  rows: Partial<Record<TriggerName, string>>;
  /** An error about no row (another setting, the pool, the network): shown above the buttons. */
  general: ApiError | undefined;
};

/**
 * Places the core's error on its row: `LambdaConfig.PreSignUp` on Pre sign-up, and both
 * `LambdaConfig.PreTokenGeneration` and `LambdaConfig.PreTokenGenerationConfig.*` on Pre token
 * generation (one row edits both members).
 */
export function hookErrors(error: ApiError | undefined): HookErrorView {
  const placed = placeError(error, FORM_FIELDS);
  const rows: Partial<Record<TriggerName, string>> = {};
  for (const [field, message] of Object.entries(placed.fields)) {
    const member = field.slice("LambdaConfig.".length);
    const name = member === "PreTokenGenerationConfig" ? "PreTokenGeneration" : member;
    if ((TRIGGER_NAMES as readonly string[]).includes(name)) rows[name as TriggerName] = message;
  }
  return { rows, general: placed.general };
}
