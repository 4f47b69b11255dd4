import { describe, expect, it } from "vitest";
import { parseClaims, personOfClaims } from "./claims";

describe("parseClaims", () => {
  it("reads a JSON object of claims", () => {
    expect(parseClaims(' {"cognito:groups": ["admins"], "email_verified": true} ')).toEqual({
      ok: true,
      claims: { "cognito:groups": ["admins"], email_verified: true },
    });
  });

  it("refuses what is not an object, saying what it is", () => {
    const arr = parseClaims('["admins"]');
    expect(arr.ok).toBe(false);
    expect(!arr.ok && arr.message).toMatch(/not an array/);
    expect(!parseClaims("null").ok && (parseClaims("null") as { message: string }).message).toMatch(/not null/);
    expect(!parseClaims('"x"').ok).toBe(true);
  });

  it("says where broken JSON stops making sense", () => {
    const r = parseClaims('{\n  "a": 1,\n  "b": }');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^Not valid JSON/);
  });

  it("points a pasted token to the token input, and asks for something when empty", () => {
    const t = parseClaims("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln");
    expect(!t.ok && t.message).toMatch(/looks like a token/);
    expect(!parseClaims("  ").ok).toBe(true);
  });
});

describe("personOfClaims", () => {
  it("names the person by their email first, the username second", () => {
    expect(personOfClaims({ "cognito:username": "u-1", email: "ada@example.com", name: "Ada" })).toEqual({
      Username: "u-1",
      Email: "ada@example.com",
      PhoneNumber: undefined,
      Name: "Ada",
      GivenName: undefined,
      FamilyName: undefined,
    });
    expect(personOfClaims({ sub: "s-1" })?.Username).toBe("s-1");
    expect(personOfClaims({ aud: "c" })).toBeUndefined();
    expect(personOfClaims(undefined)).toBeUndefined();
  });
});
