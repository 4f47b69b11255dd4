/**
 * The pool's password policy in words, the ways a password falls short of it, and a generated
 * temporary password that meets it. Cognito's symbol set is the one its policy counts.
 */

import type { PasswordPolicy } from "../api/types";

export const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

const DEFAULTS: Required<PasswordPolicy> = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  PasswordHistorySize: 0,
  TemporaryPasswordValidityDays: 7,
};

function full(p: PasswordPolicy | undefined): Required<PasswordPolicy> {
  return { ...DEFAULTS, ...Object.fromEntries(Object.entries(p ?? {}).filter(([, v]) => v !== undefined)) };
}

/** "At least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol." */
export function describePolicy(policy: PasswordPolicy | undefined): string {
  const p = full(policy);
  const needs = [
    p.RequireUppercase && "an uppercase letter",
    p.RequireLowercase && "a lowercase letter",
    p.RequireNumbers && "a number",
    p.RequireSymbols && "a symbol",
  ].filter((s): s is string => typeof s === "string");
  const head = `At least ${p.MinimumLength} characters`;
  if (needs.length === 0) return `${head}.`;
  const list = needs.length === 1 ? needs[0] : `${needs.slice(0, -1).join(", ")} and ${needs[needs.length - 1]}`;
  return `${head}, with ${list}.`;
}

/** What `password` lacks under the policy, each in words; empty when it meets it. */
export function policyProblems(password: string, policy: PasswordPolicy | undefined): string[] {
  const p = full(policy);
  const out: string[] = [];
  const length = [...password].length;
  if (length < p.MinimumLength) out.push(`${length} of at least ${p.MinimumLength} characters`);
  if (p.RequireUppercase && !/[A-Z]/.test(password)) out.push("no uppercase letter");
  if (p.RequireLowercase && !/[a-z]/.test(password)) out.push("no lowercase letter");
  if (p.RequireNumbers && !/[0-9]/.test(password)) out.push("no number");
  if (p.RequireSymbols && ![...password].some((c) => SYMBOLS.includes(c))) out.push("no symbol");
  return out;
}

function randomIndex(n: number): number {
  const buf = new Uint32Array(1);
  // Rejection sampling keeps every index equally likely.
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    crypto.getRandomValues(buf);
    const v = buf[0] ?? 0;
    if (v < limit) return v % n;
  }
}

/**
 * A random password meeting the policy: at least 16 characters (or the policy's minimum, if
 * longer), one of each required class, from a cryptographic source. Symbols are kept to ones
 * that survive copying into a shell or an email without quoting.
 */
export function generatePassword(policy: PasswordPolicy | undefined): string {
  const p = full(policy);
  const upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  const lower = "abcdefghijkmnopqrstuvwxyz";
  const digits = "23456789";
  const symbols = "!#%+-=@_";
  const all = upper + lower + digits + symbols;
  const chars: string[] = [];
  const pick = (set: string) => set[randomIndex(set.length)] ?? "x";
  if (p.RequireUppercase) chars.push(pick(upper));
  if (p.RequireLowercase) chars.push(pick(lower));
  if (p.RequireNumbers) chars.push(pick(digits));
  if (p.RequireSymbols) chars.push(pick(symbols));
  while (chars.length < Math.max(16, p.MinimumLength)) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? "", chars[i] ?? ""];
  }
  return chars.join("");
}
