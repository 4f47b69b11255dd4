import { describe, expect, it } from "vitest";
import {
  MAX_RULES,
  addRule,
  comparable,
  draftFromSaved,
  emptyRule,
  filedProblems,
  moveRule,
  placeKey,
  placeOf,
  removeRule,
  toRequest,
  updateRule,
  type RuleDraft,
} from "./roleRules";

const ADMIN = "arn:aws:iam::123456789012:role/Admins";
const AUTH = "arn:aws:iam::123456789012:role/Auth";
const UP = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc:client1";

function rules(...claims: string[]): RuleDraft[] {
  return claims.map((c) => ({ ...emptyRule(), Claim: c }));
}

describe("rule list edits", () => {
  it("adds at the end, never past the quota", () => {
    let list: RuleDraft[] = [];
    for (let i = 0; i < MAX_RULES + 3; i++) list = addRule(list);
    expect(list).toHaveLength(MAX_RULES);
    expect(new Set(list.map((r) => r.id)).size).toBe(MAX_RULES);
  });

  it("moves a rule up and down, and leaves the list alone at its ends", () => {
    const list = rules("a", "b", "c");
    expect(moveRule(list, 2, -1).map((r) => r.Claim)).toEqual(["a", "c", "b"]);
    expect(moveRule(list, 0, 1).map((r) => r.Claim)).toEqual(["b", "a", "c"]);
    expect(moveRule(list, 0, -1).map((r) => r.Claim)).toEqual(["a", "b", "c"]);
    expect(moveRule(list, 2, 1).map((r) => r.Claim)).toEqual(["a", "b", "c"]);
    expect(list.map((r) => r.Claim)).toEqual(["a", "b", "c"]);
  });

  it("removes and updates one rule by position, keeping the others' keys", () => {
    const list = rules("a", "b", "c");
    const removed = removeRule(list, 1);
    expect(removed.map((r) => r.Claim)).toEqual(["a", "c"]);
    expect(removed[1]?.id).toBe(list[2]?.id);
    const updated = updateRule(list, 0, { MatchType: "Contains", Value: "admins" });
    expect(updated[0]).toMatchObject({ Claim: "a", MatchType: "Contains", Value: "admins", id: list[0]?.id });
    expect(updated[1]).toBe(list[1]);
  });
});

describe("draft and request", () => {
  it("gives every trusted provider a mapping and keeps saved ones keyed otherwise", () => {
    const d = draftFromSaved(
      {
        IdentityPoolId: "us-east-1:x",
        Roles: { authenticated: AUTH },
        RoleMappings: {
          [UP]: {
            Type: "Rules",
            AmbiguousRoleResolution: "Deny",
            RulesConfiguration: { Rules: [{ Claim: "cognito:groups", MatchType: "Contains", Value: "admins", RoleARN: ADMIN }] },
          },
          "legacy.example.com": { Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole" },
        },
      },
      [UP, "accounts.google.com"],
    );
    expect(d.mappings.map((m) => [m.provider, m.kind])).toEqual([
      [UP, "Rules"],
      ["accounts.google.com", "None"],
      ["legacy.example.com", "Token"],
    ]);
    expect(d.authenticated).toBe(AUTH);
    expect(d.unauthenticated).toBe("");
  });

  it("sends trimmed rules, leaves out blank roles and providers without a mapping", () => {
    const d = draftFromSaved(undefined, [UP, "accounts.google.com"]);
    d.authenticated = ` ${AUTH} `;
    d.mappings[0] = {
      ...d.mappings[0]!,
      kind: "Rules",
      ambiguous: "Deny",
      rules: [{ ...emptyRule(), Claim: " cognito:groups ", MatchType: "Contains", Value: "admins", RoleARN: ADMIN }],
    };
    expect(toRequest(d)).toEqual({
      Roles: { authenticated: AUTH },
      RoleMappings: {
        [UP]: {
          Type: "Rules",
          AmbiguousRoleResolution: "Deny",
          RulesConfiguration: { Rules: [{ Claim: "cognito:groups", MatchType: "Contains", Value: "admins", RoleARN: ADMIN }] },
        },
      },
    });
  });

  it("compares drafts by what would be sent, not by the rules' keys", () => {
    const a = draftFromSaved(undefined, [UP]);
    const b = draftFromSaved(undefined, [UP]);
    a.mappings[0] = { ...a.mappings[0]!, kind: "Rules", rules: rules("x") };
    b.mappings[0] = { ...b.mappings[0]!, kind: "Rules", rules: rules("x") };
    expect(comparable(a)).toBe(comparable(b));
  });
});

describe("where the core's problems go", () => {
  it("reads the engine's spelling of a rule's member, the provider a JSON string", () => {
    expect(placeOf(`RoleMappings["${UP}"].RulesConfiguration.Rules[2].Claim`)).toEqual({ kind: "rule", provider: UP, index: 1, part: "Claim" });
    expect(placeOf(`RoleMappings["${UP}"].RulesConfiguration.Rules[1].RoleARN`)).toEqual({ kind: "rule", provider: UP, index: 0, part: "RoleARN" });
    expect(placeOf(String.raw`RoleMappings["a\"]b"].AmbiguousRoleResolution`)).toEqual({ kind: "mapping", provider: 'a"]b', part: "AmbiguousRoleResolution" });
  });

  it("leaves any other spelling general", () => {
    expect(placeOf(`RoleMappings.${UP}.RulesConfiguration.Rules[1].RoleARN`)).toEqual({ kind: "general" });
  });

  it("places mapping-level and role problems, and leaves the rest general", () => {
    expect(placeOf(`RoleMappings["${UP}"].AmbiguousRoleResolution`)).toEqual({ kind: "mapping", provider: UP, part: "AmbiguousRoleResolution" });
    expect(placeOf(`RoleMappings["${UP}"].RulesConfiguration.Rules`)).toEqual({ kind: "mapping", provider: UP, part: "Rules" });
    expect(placeOf(`RoleMappings["accounts.google.com"]`)).toEqual({ kind: "mapping", provider: "accounts.google.com", part: "provider" });
    expect(placeOf("Roles.authenticated")).toEqual({ kind: "role", which: "authenticated" });
    expect(placeOf("RoleMappings")).toEqual({ kind: "general" });
    expect(placeOf(undefined)).toEqual({ kind: "general" });
  });

  it("files the first message per place, capitalised, and lists general ones", () => {
    const filed = filedProblems([
      { Member: `RoleMappings["${UP}"].RulesConfiguration.Rules[2].Claim`, Message: "must be 1-64 characters long (is 0)" },
      { Member: `RoleMappings["${UP}"].RulesConfiguration.Rules[2].Claim`, Message: "second" },
      { Member: "RoleMappings", Message: "at most 10 providers" },
    ]);
    expect(filed.byPlace[placeKey({ kind: "rule", provider: UP, index: 1, part: "Claim" })]).toBe("Must be 1-64 characters long (is 0)");
    expect(filed.general).toEqual(["RoleMappings: at most 10 providers"]);
  });
});
