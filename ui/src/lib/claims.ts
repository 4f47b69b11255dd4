// Claims typed into "Which role, and why?": read as one JSON object, with a message that says
// where the text stops making sense; and the person a set of claims belongs to.

import type { JsonValue } from "../api/types";
import type { PersonFacts } from "./people";

export type ClaimsParse =
  | { ok: true; claims: Record<string, JsonValue> }
  | { ok: false; message: string };

/** Line and column (1-based) of offset `at` in `text`. */
function lineCol(text: string, at: number): string {
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const col = at - before.lastIndexOf("\n");
  return `line ${line}, column ${col}`;
}

/**
 * Parses claims typed as a JSON object (`{"cognito:groups": ["admins"]}`). Anything else — an
 * array, a string, broken JSON, a pasted token — is refused with a message saying so.
 */
export function parseClaims(text: string): ClaimsParse {
  const t = text.trim();
  if (t === "") return { ok: false, message: "Type the claims as a JSON object, e.g. {\"cognito:groups\": [\"admins\"]}." };
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(t)) {
    return { ok: false, message: "This looks like a token: choose “Paste a token” to use it." };
  }
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? ` (at ${lineCol(t, Number(pos[1]))})` : "";
    return { ok: false, message: `Not valid JSON${where}: ${msg.replace(/^JSON\.parse: /, "")}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "The claims must be a JSON object of claim names and values, not " + describe(value) + "." };
  }
  return { ok: true, claims: value as Record<string, JsonValue> };
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return `a ${typeof v}`;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Who a token's claims name, for the people-first label (`lib/people.ts`): undefined when the
 * claims name nobody (no username, email, phone or subject).
 */
export function personOfClaims(claims: Record<string, JsonValue> | undefined): PersonFacts | undefined {
  if (!claims) return undefined;
  const username = str(claims["cognito:username"]) ?? str(claims.username) ?? str(claims.sub);
  if (!username) return undefined;
  return {
    Username: username,
    Email: str(claims.email),
    PhoneNumber: str(claims.phone_number),
    Name: str(claims.name),
    GivenName: str(claims.given_name),
    FamilyName: str(claims.family_name),
  };
}
