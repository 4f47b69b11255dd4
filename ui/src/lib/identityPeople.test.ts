import { describe, expect, it } from "vitest";
import { type IdentityLogin, loginNote, uniqueProviders, whoLabel, whoOf } from "./identityPeople";

const UP = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc";
const name = (p: string) => (p === UP ? "User pool shop" : p === "login.app" ? "Developer provider login.app" : p);

function login(l: Partial<IdentityLogin>): IdentityLogin {
  return { Provider: UP, ProviderType: "UserPool", Subject: "sub-1", LinkedDate: 1, ...l };
}

describe("who an identity is", () => {
  it("names a user pool login's user by email, then name and username", () => {
    const w = whoOf(
      { Logins: [login({ User: { UserPoolId: "us-east-1_Abc", State: "Present", Username: "ada", Email: "ada@example.com", Name: "Ada Lovelace" } })] },
      name,
    );
    expect(w).toEqual({ primary: "ada@example.com", secondary: ["Ada Lovelace", "ada"], kind: "person" });
    expect(whoLabel(w)).toBe("ada@example.com (Ada Lovelace)");
  });

  it("falls back to the username when the user has no email or name", () => {
    const w = whoOf({ Logins: [login({ User: { UserPoolId: "us-east-1_Abc", State: "Present", Username: "bob" } })] }, name);
    expect(w.primary).toBe("bob");
    expect(w.secondary).toEqual([]);
  });

  it("prefers a person over an external login, and an external subject over a deleted user", () => {
    const google = login({ Provider: "accounts.google.com", ProviderType: "Google", Subject: "g-7" });
    const deleted = login({ User: { UserPoolId: "us-east-1_Abc", State: "Deleted" } });
    const present = login({ Provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_Zed", User: { UserPoolId: "us-east-1_Zed", State: "Present", Username: "cy", Email: "cy@example.com" } });
    expect(whoOf({ Logins: [google, present] }, name).primary).toBe("cy@example.com");
    expect(whoOf({ Logins: [deleted, google] }, name)).toEqual({ primary: "g-7", secondary: ["accounts.google.com"], kind: "external" });
  });

  it("says a user is deleted, with its sub and provider", () => {
    const w = whoOf({ Logins: [login({ Subject: "0f-aa", User: { UserPoolId: "us-east-1_Abc", State: "Deleted" } })] }, name);
    expect(w).toEqual({ primary: "Deleted user", secondary: ["sub 0f-aa", "User pool shop"], kind: "deleted" });
    const pool = whoOf({ Logins: [login({ User: { UserPoolId: "us-east-1_Abc", State: "UserPoolDeleted" } })] }, name);
    expect(pool.primary).toBe("User of a deleted user pool");
  });

  it("names a developer user by its identifier and provider, and a guest as such", () => {
    const dev = whoOf({ Logins: [login({ Provider: "login.app", ProviderType: "Developer", Subject: "dev-42" })] }, name);
    expect(whoLabel(dev)).toBe("dev-42 (Developer provider login.app)");
    expect(whoOf({ Logins: [] }, name).kind).toBe("guest");
  });

  it("notes a login's user state and lists each provider once", () => {
    expect(loginNote(login({ User: { UserPoolId: "x", State: "Deleted" } }))).toBe("user deleted");
    expect(loginNote(login({ User: { UserPoolId: "x", State: "Present", Username: "a", Enabled: false } }))).toBe("user disabled");
    expect(loginNote(login({}))).toBeUndefined();
    const two = [login({ Subject: "a" }), login({ Subject: "b" }), login({ Provider: "login.app", Subject: "c" })];
    expect(uniqueProviders(two).map((l) => l.Subject)).toEqual(["a", "c"]);
  });
});
