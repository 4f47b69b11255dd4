import { describe, expect, it } from "vitest";

import { factsFromAttributes, fullName, personLabel, primaryName, secondaryNames, signInProvider } from "./people";

const uuid = "b2953453-8f3e-4c54-9d7a-0a1b2c3d4e5f";

describe("people", () => {
  it("names an email pool's user by email, then name, with the UUID last", () => {
    const p = { Username: uuid, Email: "ada@example.com", Name: "Ada Lovelace" };
    expect(primaryName(p, { UsernameAttributes: ["email"] })).toBe("ada@example.com");
    expect(secondaryNames(p, { UsernameAttributes: ["email"] })).toEqual(["Ada Lovelace", uuid]);
    expect(personLabel(p)).toBe("ada@example.com (Ada Lovelace)");
  });

  it("puts the phone first in a pool that signs in by phone", () => {
    const p = { Username: uuid, Email: "ada@example.com", PhoneNumber: "+15550100" };
    expect(primaryName(p, { UsernameAttributes: ["phone_number"] })).toBe("+15550100");
    expect(primaryName(p, { UsernameAttributes: ["email", "phone_number"] })).toBe("ada@example.com");
  });

  it("falls back to the full name, then the username", () => {
    expect(primaryName({ Username: uuid, GivenName: "Grace", FamilyName: "Hopper" })).toBe("Grace Hopper");
    expect(primaryName({ Username: "grace" })).toBe("grace");
    expect(secondaryNames({ Username: "grace" })).toEqual([]);
    expect(fullName({ Username: "x", Name: "  " })).toBeUndefined();
  });

  it("reads AdminGetUser's attributes", () => {
    const f = factsFromAttributes(uuid, [
      { Name: "email", Value: "g@x.io" },
      { Name: "given_name", Value: "Grace" },
    ]);
    expect(f).toMatchObject({ Username: uuid, Email: "g@x.io", GivenName: "Grace" });
    expect(personLabel(f)).toBe("g@x.io (Grace)");
  });
});

describe("who a user signs in through", () => {
  it("is the provider that named a federated user", () => {
    expect(signInProvider({ Username: "Corp_0b7e4c1f", UserStatus: "EXTERNAL_PROVIDER" })).toEqual({ kind: "provider", name: "Corp" });
    // The subject may hold underscores; the provider's name does not.
    expect(signInProvider({ Username: "Google_1_2", UserStatus: "EXTERNAL_PROVIDER" })).toEqual({ kind: "provider", name: "Google" });
  });

  it("is Cognito for everyone else, whatever their username", () => {
    expect(signInProvider({ Username: "Corp_lookalike", UserStatus: "CONFIRMED" })).toEqual({ kind: "cognito" });
  });
});
