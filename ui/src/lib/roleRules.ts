// The identity pool's roles and role mappings as the Roles & mapping tab edits them: a draft
// per trusted provider, the rule list's edits (add, remove, move, at most 25 rules), the
// request SetIdentityPoolRoles and ExplainRole take, and where the core's problems belong.

import type { Operations } from "../api/types";

export type MatchType = "Equals" | "Contains" | "StartsWith" | "NotEqual";
export type Ambiguous = "AuthenticatedRole" | "Deny";
/** `None`: the provider has no role mapping (its logins get the authenticated role). */
export type MappingKind = "None" | "Token" | "Rules";

/** Cognito's quota of rules per provider. */
export const MAX_RULES = 25;

export const MATCH_TYPES: ReadonlyArray<{ value: MatchType; label: string }> = [
  { value: "Equals", label: "Equals" },
  { value: "Contains", label: "Contains" },
  { value: "StartsWith", label: "Starts with" },
  { value: "NotEqual", label: "Not equal" },
];

export type RuleDraft = {
  /** A stable key for React while rules move. */
  id: number;
  Claim: string;
  MatchType: MatchType;
  Value: string;
  RoleARN: string;
};

export type MappingDraft = {
  /** The RoleMappings key: a provider name, or `<user pool provider>:<client id>`. */
  provider: string;
  kind: MappingKind;
  ambiguous: Ambiguous;
  rules: RuleDraft[];
};

export type RolesDraft = {
  authenticated: string;
  unauthenticated: string;
  mappings: MappingDraft[];
};

type SavedRoles = Operations["GetIdentityPoolRoles"]["output"];
export type RolesRequest = Pick<Operations["SetIdentityPoolRoles"]["input"], "Roles" | "RoleMappings">;

let nextId = 1;
function newId(): number {
  return nextId++;
}

export function emptyRule(): RuleDraft {
  return { id: newId(), Claim: "", MatchType: "Equals", Value: "", RoleARN: "" };
}

/**
 * The draft of what is saved, with one mapping per provider the pool trusts (`keys`, in that
 * order) and any saved mapping keyed otherwise after them.
 */
export function draftFromSaved(saved: SavedRoles | undefined, keys: readonly string[]): RolesDraft {
  const mappings = saved?.RoleMappings ?? {};
  const all = [...keys, ...Object.keys(mappings).filter((k) => !keys.includes(k))];
  return {
    authenticated: saved?.Roles.authenticated ?? "",
    unauthenticated: saved?.Roles.unauthenticated ?? "",
    mappings: all.map((provider) => {
      const m = mappings[provider];
      if (!m) return { provider, kind: "None", ambiguous: "AuthenticatedRole", rules: [] };
      return {
        provider,
        kind: m.Type,
        ambiguous: m.AmbiguousRoleResolution ?? "Deny",
        rules: (m.RulesConfiguration?.Rules ?? []).map((r) => ({
          id: newId(),
          Claim: r.Claim,
          MatchType: r.MatchType,
          Value: r.Value,
          RoleARN: r.RoleARN,
        })),
      };
    }),
  };
}

/** The draft as SetIdentityPoolRoles takes it: blank roles and `None` mappings left out. */
export function toRequest(d: RolesDraft): RolesRequest {
  const Roles: Record<string, string> = {};
  if (d.authenticated.trim() !== "") Roles.authenticated = d.authenticated.trim();
  if (d.unauthenticated.trim() !== "") Roles.unauthenticated = d.unauthenticated.trim();
  const RoleMappings: NonNullable<RolesRequest["RoleMappings"]> = {};
  for (const m of d.mappings) {
    if (m.kind === "None") continue;
    RoleMappings[m.provider] =
      m.kind === "Token"
        ? { Type: "Token", AmbiguousRoleResolution: m.ambiguous }
        : {
            Type: "Rules",
            AmbiguousRoleResolution: m.ambiguous,
            RulesConfiguration: {
              Rules: m.rules.map((r) => ({ Claim: r.Claim.trim(), MatchType: r.MatchType, Value: r.Value, RoleARN: r.RoleARN.trim() })),
            },
          };
  }
  return { Roles, RoleMappings };
}

/** The draft without the rules' React keys, to compare with what is saved. */
export function comparable(d: RolesDraft): string {
  return JSON.stringify(toRequest(d));
}

// The rule list's edits. Each answers a new list; the input is left alone.

/** Adds an empty rule at the end (none past MAX_RULES). */
export function addRule(rules: readonly RuleDraft[]): RuleDraft[] {
  return rules.length >= MAX_RULES ? [...rules] : [...rules, emptyRule()];
}

export function removeRule(rules: readonly RuleDraft[], index: number): RuleDraft[] {
  return rules.filter((_, i) => i !== index);
}

/** Moves rule `index` by `delta` places (first match wins, so order matters); out of range: no change. */
export function moveRule(rules: readonly RuleDraft[], index: number, delta: number): RuleDraft[] {
  const to = index + delta;
  if (index < 0 || index >= rules.length || to < 0 || to >= rules.length) return [...rules];
  const out = [...rules];
  const [moved] = out.splice(index, 1);
  if (moved) out.splice(to, 0, moved);
  return out;
}

export function updateRule(rules: readonly RuleDraft[], index: number, patch: Partial<Omit<RuleDraft, "id">>): RuleDraft[] {
  return rules.map((r, i) => (i === index ? { ...r, ...patch } : r));
}

/** Where a problem belongs in the editor. */
export type ProblemPlace =
  | { kind: "role"; which: "authenticated" | "unauthenticated" }
  | { kind: "mapping"; provider: string; part: "provider" | "AmbiguousRoleResolution" | "Rules" }
  | { kind: "rule"; provider: string; index: number; part: "Claim" | "Value" | "RoleARN" | "MatchType" }
  | { kind: "general" };

/** `RoleMappings["<provider>"]<rest>`: the provider as a JSON string, as the engine spells it. */
const MAPPING_MEMBER = /^RoleMappings\[("(?:[^"\\]|\\.)*")\](.*)$/;

/**
 * Reads a member the core names — `Roles.authenticated` or
 * `RoleMappings["p"].RulesConfiguration.Rules[2].Claim` (the provider a JSON string in brackets,
 * rules counted from 1) — as a place in the editor; `index` counts from 0. Anything else is
 * general.
 */
export function placeOf(member: string | undefined): ProblemPlace {
  if (!member) return { kind: "general" };
  const role = /^Roles\.(authenticated|unauthenticated)\b/.exec(member);
  if (role) return { kind: "role", which: role[1] as "authenticated" | "unauthenticated" };
  const quoted = MAPPING_MEMBER.exec(member);
  let provider: string | undefined;
  try {
    provider = quoted ? (JSON.parse(quoted[1]!) as string) : undefined;
  } catch {
    provider = undefined;
  }
  const rest = quoted?.[2] ?? "";
  if (provider === undefined || provider === "") return { kind: "general" };
  const rule = /^\.RulesConfiguration\.Rules\[(\d+)\]\.(Claim|Value|RoleARN|MatchType)/.exec(rest);
  if (rule) return { kind: "rule", provider, index: Number(rule[1]) - 1, part: rule[2] as "Claim" | "Value" | "RoleARN" | "MatchType" };
  if (rest.startsWith(".RulesConfiguration")) return { kind: "mapping", provider, part: "Rules" };
  if (rest.startsWith(".AmbiguousRoleResolution")) return { kind: "mapping", provider, part: "AmbiguousRoleResolution" };
  return { kind: "mapping", provider, part: "provider" };
}

/** The key the editor files a message under for a place (see `placeOf`). */
export function placeKey(p: ProblemPlace): string {
  switch (p.kind) {
    case "role":
      return `Roles.${p.which}`;
    case "mapping":
      return `${p.provider}|${p.part}`;
    case "rule":
      return `${p.provider}|${p.index}|${p.part}`;
    case "general":
      return "general";
  }
}

/** Messages by editor place; the first message for a place wins. General ones are listed. */
export function filedProblems(problems: ReadonlyArray<{ Member: string; Message: string }>): {
  byPlace: Record<string, string>;
  general: string[];
} {
  const byPlace: Record<string, string> = {};
  const general: string[] = [];
  for (const p of problems) {
    const place = placeOf(p.Member);
    const message = p.Message.charAt(0).toUpperCase() + p.Message.slice(1);
    if (place.kind === "general") general.push(`${p.Member}: ${p.Message}`);
    else byPlace[placeKey(place)] ??= message;
  }
  return { byPlace, general };
}
