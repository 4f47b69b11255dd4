/**
 * How a person is named on screen: by what identifies them to a human — the email or phone
 * number the pool signs in with, then their name — with the username (a UUID in pools that sign
 * in by email or phone) second. Every screen that names a user goes through here.
 */

import type { UserPool } from "../api/types";

/** What is known of a user where they are named (a list row, AdminGetUser, an audit record). */
export type PersonFacts = {
  Username: string;
  Email?: string | undefined;
  PhoneNumber?: string | undefined;
  Name?: string | undefined;
  GivenName?: string | undefined;
  FamilyName?: string | undefined;
};

/** The pool facts that decide which identifier comes first. */
export type NamingPool = Pick<UserPool, "UsernameAttributes"> | undefined;

/** A person's full name from `name`, else given and family name; undefined when none is set. */
export function fullName(p: PersonFacts): string | undefined {
  const name = p.Name?.trim();
  if (name) return name;
  const parts = [p.GivenName?.trim(), p.FamilyName?.trim()].filter((s): s is string => !!s);
  return parts.length > 0 ? parts.join(" ") : undefined;
}

/**
 * The name to show first: for a pool that signs in by phone, the phone number; otherwise the
 * email; then the full name; then the username itself.
 */
export function primaryName(p: PersonFacts, pool?: NamingPool): string {
  const byPhone = pool?.UsernameAttributes?.includes("phone_number") && !pool.UsernameAttributes.includes("email");
  const first = byPhone ? (p.PhoneNumber ?? p.Email) : (p.Email ?? p.PhoneNumber);
  return first ?? fullName(p) ?? p.Username;
}

/**
 * What to show under or beside the primary name: the full name when the primary is an email or
 * phone, and the username whenever it is not already the primary. Empty entries are left out.
 */
export function secondaryNames(p: PersonFacts, pool?: NamingPool): string[] {
  const primary = primaryName(p, pool);
  const out: string[] = [];
  const name = fullName(p);
  if (name && name !== primary) out.push(name);
  if (p.Username !== primary) out.push(p.Username);
  return out;
}

/** One line naming a person for toasts and confirmations: "ada@example.com (Ada Lovelace)". */
export function personLabel(p: PersonFacts, pool?: NamingPool): string {
  const primary = primaryName(p, pool);
  const name = fullName(p);
  return name && name !== primary ? `${primary} (${name})` : primary;
}

/** Facts from Cognito-style attributes (`[{Name, Value}]`), as AdminGetUser returns them. */
export function factsFromAttributes(
  username: string,
  attributes: ReadonlyArray<{ Name: string; Value?: string | undefined }> | undefined,
): PersonFacts {
  const get = (n: string) => attributes?.find((a) => a.Name === n)?.Value || undefined;
  return {
    Username: username,
    Email: get("email"),
    PhoneNumber: get("phone_number"),
    Name: get("name"),
    GivenName: get("given_name"),
    FamilyName: get("family_name"),
  };
}

/**
 * Who a user signs in through: a federated user (`EXTERNAL_PROVIDER`, named
 * `<ProviderName>_<subject>` when the provider first signed them in) through that provider;
 * anyone else with the pool's own sign-in, "Cognito". Provider names hold no `_`.
 */
export function signInProvider(u: { Username: string; UserStatus: string }): { kind: "cognito" } | { kind: "provider"; name: string } {
  if (u.UserStatus !== "EXTERNAL_PROVIDER") return { kind: "cognito" };
  const cut = u.Username.indexOf("_");
  return { kind: "provider", name: cut > 0 ? u.Username.slice(0, cut) : u.Username };
}
