// How the invocation log reads: outcomes as badges, durations, who a call was about, and the
// event and answer bodies made readable.

import type { PersonFacts } from "../../lib/people";

/** What came of a call, as the core records it. */
export type Outcome = "Succeeded" | "Rejected" | "Failed";

export const OUTCOMES: Readonly<Record<Outcome, { tone: "ok" | "warn" | "bad"; hint: string }>> = {
  Succeeded: { tone: "ok", hint: "The hook answered and its answer was used." },
  Rejected: { tone: "warn", hint: "The hook answered with an error: the operation was refused with its message." },
  Failed: {
    tone: "bad",
    hint: "No usable answer (unreachable, too slow, or not the trigger's shape): the operation failed.",
  },
};

/** The badge of an outcome; one the console does not know yet reads as itself, greyed. */
export function outcomeView(outcome: string): { tone: string; hint: string | undefined } {
  const known = (OUTCOMES as Record<string, { tone: string; hint: string } | undefined>)[outcome];
  return known ?? { tone: "off", hint: undefined };
}

/** A call's duration: "0 ms", "830 ms", "1.2 s", "12 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 10 ? `${(Math.floor(s * 10) / 10).toFixed(1)} s` : `${Math.floor(s)} s`;
}

/** A body as shown: JSON indented, anything else exactly as it came. */
export type Body = { text: string; isJson: boolean };

/**
 * Indents a JSON body for reading. Bodies that are not JSON (a hook's plain-text error page, a
 * cut-off answer) are shown as they are rather than hidden, since they explain failures.
 */
export function prettyBody(raw: string | undefined): Body {
  if (raw === undefined || raw.trim() === "") return { text: raw ?? "", isJson: false };
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), isJson: true };
  } catch {
    return { text: raw, isJson: false };
  }
}

/**
 * Who a call was about, as people know them: the email, phone or name in the event's
 * `request.userAttributes` (every user trigger sends them), else the username; undefined for a
 * call about no user.
 */
export function invocationPerson(inv: { Username?: string | undefined; Request: string }): PersonFacts | undefined {
  if (inv.Username === undefined) return undefined;
  let attrs: Record<string, unknown> = {};
  try {
    const event: unknown = JSON.parse(inv.Request);
    const request = (event as { request?: { userAttributes?: unknown } } | null)?.request;
    if (request?.userAttributes && typeof request.userAttributes === "object") {
      attrs = request.userAttributes as Record<string, unknown>;
    }
  } catch {
    // A body that is not JSON names nobody beyond the username.
  }
  const text = (k: string) => (typeof attrs[k] === "string" && attrs[k] !== "" ? (attrs[k] as string) : undefined);
  return {
    Username: inv.Username,
    Email: text("email"),
    PhoneNumber: text("phone_number"),
    Name: text("name"),
    GivenName: text("given_name"),
    FamilyName: text("family_name"),
  };
}
