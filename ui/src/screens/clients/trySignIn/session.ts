/**
 * Try sign-in's state, kept in this window's memory while the person looks elsewhere: which
 * app client's Try sign-in is open in a pool, and where its sign-in stands (the step, the
 * tokens), so that going to the token inspector with "Inspect" and coming back finds the
 * tokens still there. Never in the URL or the browser's storage: the tokens are secrets. The
 * drawer's Close forgets it, and Start over forgets the tokens.
 */

import type { PasswordFlow } from "../../../lib/signIn";
import type { Stage } from "./stages";

export type KeptSignIn = {
  stage: Stage;
  /** The username typed (kept so that Start over keeps it). */
  username: string;
  flow: PasswordFlow | undefined;
};

const signIns = new Map<string, KeptSignIn>();
const openIn = new Map<string, string>();

const keyOf = (poolId: string, clientId: string) => JSON.stringify([poolId, clientId]);

/** The sign-in kept for one app client of one pool. */
export function keptSignIn(poolId: string, clientId: string): KeptSignIn | undefined {
  return signIns.get(keyOf(poolId, clientId));
}

export function keepSignIn(poolId: string, clientId: string, kept: KeptSignIn): void {
  signIns.set(keyOf(poolId, clientId), kept);
}

/** Forgets the sign-in kept for one app client (its drawer was closed). */
export function forgetSignIn(poolId: string, clientId: string): void {
  signIns.delete(keyOf(poolId, clientId));
}

/** The app client whose Try sign-in is open in the pool, if one is. */
export function openTrySignIn(poolId: string): string | undefined {
  return openIn.get(poolId);
}

/** Try sign-in opened for `clientId` in the pool; any other one of the pool is closed and forgotten. */
export function rememberOpenTrySignIn(poolId: string, clientId: string): void {
  const before = openIn.get(poolId);
  if (before !== undefined && before !== clientId) signIns.delete(keyOf(poolId, before));
  openIn.set(poolId, clientId);
}

/** Try sign-in of the pool closed: which client it was for and its sign-in are forgotten. */
export function forgetTrySignIn(poolId: string): void {
  const before = openIn.get(poolId);
  if (before !== undefined) signIns.delete(keyOf(poolId, before));
  openIn.delete(poolId);
}

/** Forgets everything kept (for tests). */
export function forgetAllTrySignIns(): void {
  signIns.clear();
  openIn.clear();
}
