/**
 * Who an identity of an identity pool is, as people know them: the user behind a user pool
 * login (through lib/people: the email, else the name, else the username), else an external
 * login's subject with its provider, else a deleted user's subject. The id comes last, apart.
 */

import type { Operations } from "../api/types";
import { primaryName, secondaryNames, type PersonFacts } from "./people";

export type IdentityRow = Operations["ListIdentityLogins"]["output"]["Identities"][number];
export type IdentityLogin = IdentityRow["Logins"][number];

export type Who = {
  primary: string;
  secondary: string[];
  kind: "person" | "external" | "deleted" | "guest";
};

/** The person behind an identity; `name` names a provider key. */
export function whoOf(i: Pick<IdentityRow, "Logins">, name: (provider: string) => string): Who {
  const person = i.Logins.find((l) => l.User?.State === "Present");
  if (person?.User) {
    const u = person.User;
    const facts: PersonFacts = {
      Username: u.Username ?? person.Subject,
      Email: u.Email,
      PhoneNumber: u.PhoneNumber,
      Name: u.Name,
      GivenName: u.GivenName,
      FamilyName: u.FamilyName,
    };
    return { primary: primaryName(facts), secondary: secondaryNames(facts), kind: "person" };
  }
  const external = i.Logins.find((l) => l.User === undefined);
  if (external) return { primary: external.Subject, secondary: [name(external.Provider)], kind: "external" };
  const gone = i.Logins[0];
  if (gone) {
    const what = gone.User?.State === "UserPoolDeleted" ? "User of a deleted user pool" : "Deleted user";
    return { primary: what, secondary: [`sub ${gone.Subject}`, name(gone.Provider)], kind: "deleted" };
  }
  return { primary: "Guest", secondary: [], kind: "guest" };
}

/** One line: "ada@example.com (Ada Lovelace)", "dev-42 (Developer provider login.app)". */
export function whoLabel(w: Who): string {
  if (w.kind === "guest") return "a guest";
  const [first] = w.secondary;
  return first ? `${w.primary} (${first})` : w.primary;
}

/** What a login's user state adds beside its provider, if anything. */
export function loginNote(l: IdentityLogin): string | undefined {
  if (l.User?.State === "Deleted") return "user deleted";
  if (l.User?.State === "UserPoolDeleted") return "user pool deleted";
  if (l.User?.Enabled === false) return "user disabled";
  return undefined;
}

/** One entry per provider (UnlinkIdentity removes a provider's logins together). */
export function uniqueProviders(logins: readonly IdentityLogin[]): IdentityLogin[] {
  const seen = new Set<string>();
  return logins.filter((l) => (seen.has(l.Provider) ? false : (seen.add(l.Provider), true)));
}
