/**
 * Opening a token in the inspector from another screen ("Inspect" beside a Try sign-in token).
 * The token travels in memory, not in the URL: a URL lands in the browser's history, and tokens
 * are secrets. Kept apart from `inspector.ts` so the screens that link here stay small.
 */

import { navigate } from "./router";

let handedOff: string | undefined;

/** Opens the inspector with `token` in it. */
export function openInInspector(token: string): void {
  handedOff = token;
  navigate({ screen: "tokens" });
}

/** The token handed to the inspector, if one is waiting (left in place until cleared). */
export function peekHandedOffToken(): string | undefined {
  return handedOff;
}

export function clearHandedOffToken(): void {
  handedOff = undefined;
}
