import type { AuthenticationResult, AuthResponse, UserPoolClient } from "../../../api/types";
import { outcomeOf, type MfaCodeChallenge, type MfaSetupChoice, type PasswordFlow } from "../../../lib/signIn";

/** What every challenge step knows: how the sign-in started, who signs in, its session. */
export type Challenge = { flow: PasswordFlow; username: string; session: string; step: number };

export type Stage =
  | { kind: "credentials" }
  | ({ kind: "new-password"; required: string[] } & Challenge)
  | ({ kind: "mfa-code"; challenge: MfaCodeChallenge; destination: string | undefined } & Challenge)
  | ({ kind: "mfa-select"; choices: MfaCodeChallenge[] } & Challenge)
  | ({ kind: "mfa-setup"; choices: MfaSetupChoice[] } & Challenge)
  | { kind: "unsupported"; challenge: string }
  | {
      kind: "tokens";
      flow: PasswordFlow;
      result: AuthenticationResult;
      /** The refresh token of the sign-in; a refresh answers without one and keeps it. */
      refreshToken: string | undefined;
      /** Epoch seconds the tokens arrived. */
      receivedAt: number;
      refreshed: boolean;
    };

/** The props of a challenge step. */
export type StepProps<K extends Stage["kind"]> = {
  client: UserPoolClient;
  stage: Extract<Stage, { kind: K }>;
  onBack: () => void;
  onAnswer: (r: AuthResponse) => void;
};

/**
 * The stage after an answer of the core to step number `from.step`: the tokens, a challenge
 * to answer as step `from.step + 1`, or a challenge the panel cannot answer. `now` is in
 * epoch seconds.
 */
export function nextStage(from: { flow: PasswordFlow; username: string; step: number }, r: AuthResponse, now: number): Stage {
  const o = outcomeOf(r);
  switch (o.kind) {
    case "tokens":
      return { kind: "tokens", flow: from.flow, result: o.result, refreshToken: o.result.RefreshToken, receivedAt: now, refreshed: false };
    case "unsupported":
      return o;
    default:
      return { ...o, flow: from.flow, username: from.username, step: from.step + 1 };
  }
}
