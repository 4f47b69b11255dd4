import { describe, expect, it } from "vitest";
import { scopeProblems } from "./ResourceServersSection";
import { customScopes } from "./queries";

describe("scopeProblems (as domain::oauth::validate_scopes)", () => {
  const row = (ScopeName: string, ScopeDescription = "Something") => ({ ScopeName, ScopeDescription });

  it("accepts names of printable ASCII without spaces, quotes, slashes or backslashes", () => {
    expect(scopeProblems([row("read"), row("orders.write"), row("a:b-c_d~")])).toEqual({});
  });

  it("names the row and member at fault, as the core's Scopes[i].ScopeName does", () => {
    expect(Object.keys(scopeProblems([row("read"), row("a/b"), row("with space"), row('q"t'), row("read")]))).toEqual([
      "Scopes[1].ScopeName",
      "Scopes[2].ScopeName",
      "Scopes[3].ScopeName",
      "Scopes[4].ScopeName",
    ]);
    expect(scopeProblems([row("read", "  ")])).toHaveProperty(["Scopes[0].ScopeDescription"]);
    expect(scopeProblems([row("")])).toHaveProperty(["Scopes[0].ScopeName"]);
  });
});

describe("customScopes", () => {
  it("names each scope identifier/scope", () => {
    const server = { UserPoolId: "p", Identifier: "https://api.example.com", Name: "API", Scopes: [row2("read"), row2("write")] };
    expect(customScopes([server]).map((c) => c.scope)).toEqual(["https://api.example.com/read", "https://api.example.com/write"]);
  });
});

function row2(ScopeName: string) {
  return { ScopeName, ScopeDescription: `${ScopeName} things` };
}
