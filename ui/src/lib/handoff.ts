/**
 * The token in the inspector, kept in this window's memory: what "Inspect" beside a Try
 * sign-in token hands over, and what the inspector shows again when it is opened anew.
 *
 * The token travels in memory, not in the URL: a URL lands in the browser's history, and tokens
 * are secrets. It used to be a one-shot slot that the inspector's first render read and its
 * mount effect emptied; an inspector mounted once more before the person saw it (a remount as
 * the route settles, React's development double mount, a Suspense retry) then found the slot
 * empty and opened blank, and the "verify at once" wish died with the first instance. Now the
 * token is the inspector's own state, kept here: every mount reads the same token and the same
 * wish, until the person changes the text. Kept apart from `inspector.ts` so the
 * screens that link here stay small.
 */

import { navigate } from "./router";

export type InspectorSession = {
  /** The text in the inspector's token box. */
  text: string;
  /**
   * The token to verify as soon as it is shown (it was handed over to be inspected); it stays
   * while that token is in the box, so the inspector opened again verifies it again.
   */
  verifyAtOnce: string | undefined;
};

const EMPTY: InspectorSession = { text: "", verifyAtOnce: undefined };
let session: InspectorSession = EMPTY;

/** Opens the inspector with `token` in it, to be verified at once. */
export function openInInspector(token: string): void {
  session = { text: token, verifyAtOnce: token };
  navigate({ screen: "tokens" });
}

/** What the inspector shows when it mounts. */
export function inspectorSession(): InspectorSession {
  return session;
}

/** The inspector's text changed: remembered for its next mount; a wish for another token lapses. */
export function rememberInspectorText(text: string): void {
  session = { text, verifyAtOnce: session.verifyAtOnce === text ? session.verifyAtOnce : undefined };
}

/** Forgets the inspector's token (cleared by the person). */
export function clearInspectorSession(): void {
  session = EMPTY;
}

/** The token handed to the inspector, while it is still the one in the box. */
export function peekHandedOffToken(): string | undefined {
  return session.verifyAtOnce;
}
