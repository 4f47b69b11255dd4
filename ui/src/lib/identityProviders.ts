// The providers an identity pool trusts, as its forms edit them (a user pool with its app
// clients, social providers by app id, a developer provider name, OIDC and SAML provider ARNs)
// and the names other parts of the pool use for them: RoleMappings keys and Logins keys.

import type { CognitoIdentityProvider, IdentityPool } from "../api/types";
import { lines } from "./forms";

export const SOCIAL = [
  { key: "accounts.google.com", label: "Google", hint: "OAuth client ID" },
  { key: "graph.facebook.com", label: "Facebook", hint: "App ID" },
  { key: "www.amazon.com", label: "Login with Amazon", hint: "App ID" },
  { key: "appleid.apple.com", label: "Sign in with Apple", hint: "Services ID" },
  { key: "api.twitter.com", label: "Twitter", hint: "consumer key;consumer secret" },
] as const;

export type UserPoolTrust = {
  /** A stable key for React. */
  id: number;
  userPoolId: string;
  clientIds: string[];
  serverSideTokenCheck: boolean;
};

export type ProvidersDraft = {
  userPools: UserPoolTrust[];
  /** Logins key → app id; blank: not trusted. */
  social: Record<string, string>;
  developer: string;
  oidc: string;
  saml: string;
};

let nextId = 1;

export function newUserPoolTrust(userPoolId = ""): UserPoolTrust {
  return { id: nextId++, userPoolId, clientIds: [], serverSideTokenCheck: false };
}

/** `cognito-idp.<region>.amazonaws.com/<pool id>`: the Logins key of a user pool's tokens. */
export function userPoolProviderName(userPoolId: string): string {
  const region = userPoolId.split("_")[0] ?? "";
  return `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** The user pool id a provider name holds, or undefined when it names no user pool. */
export function userPoolIdOf(providerName: string): string | undefined {
  const m = /^cognito-idp\.[^/]+\.amazonaws\.com\/(.+)$/.exec(providerName);
  return m?.[1];
}

export function emptyProviders(): ProvidersDraft {
  return { userPools: [], social: {}, developer: "", oidc: "", saml: "" };
}

/** The draft of a pool's providers: its user pool entries grouped by user pool. */
export function providersOf(pool: IdentityPool): ProvidersDraft {
  const byPool = new Map<string, UserPoolTrust>();
  for (const p of pool.CognitoIdentityProviders ?? []) {
    const id = userPoolIdOf(p.ProviderName ?? "") ?? p.ProviderName ?? "";
    let t = byPool.get(id);
    if (!t) {
      t = newUserPoolTrust(id);
      byPool.set(id, t);
    }
    if (p.ClientId) t.clientIds.push(p.ClientId);
    if (p.ServerSideTokenCheck) t.serverSideTokenCheck = true;
  }
  return {
    userPools: [...byPool.values()],
    social: { ...(pool.SupportedLoginProviders ?? {}) },
    developer: pool.DeveloperProviderName ?? "",
    oidc: (pool.OpenIdConnectProviderARNs ?? []).join("\n"),
    saml: (pool.SamlProviderARNs ?? []).join("\n"),
  };
}

/** The members of CreateIdentityPool / UpdateIdentityPool the draft fills. */
export function providerMembers(d: ProvidersDraft): Pick<
  IdentityPool,
  "CognitoIdentityProviders" | "SupportedLoginProviders" | "DeveloperProviderName" | "OpenIdConnectProviderARNs" | "SamlProviderARNs"
> {
  const cognito: CognitoIdentityProvider[] = [];
  for (const t of d.userPools) {
    if (t.userPoolId === "") continue;
    const ProviderName = userPoolProviderName(t.userPoolId);
    for (const ClientId of t.clientIds) cognito.push({ ProviderName, ClientId, ServerSideTokenCheck: t.serverSideTokenCheck });
  }
  const social: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.social)) if (v.trim() !== "") social[k] = v.trim();
  const developer = d.developer.trim();
  return {
    CognitoIdentityProviders: cognito,
    SupportedLoginProviders: social,
    DeveloperProviderName: developer === "" ? undefined : developer,
    OpenIdConnectProviderARNs: lines(d.oidc),
    SamlProviderARNs: lines(d.saml),
  };
}

/** How many providers a pool trusts (each user pool app client, social, developer, OIDC, SAML). */
export function providerCount(pool: IdentityPool): number {
  return (
    (pool.CognitoIdentityProviders?.length ?? 0) +
    Object.keys(pool.SupportedLoginProviders ?? {}).length +
    (pool.DeveloperProviderName ? 1 : 0) +
    (pool.OpenIdConnectProviderARNs?.length ?? 0) +
    (pool.SamlProviderARNs?.length ?? 0)
  );
}

/** An OIDC provider ARN's host, the name its logins and mappings use. */
function oidcHost(arn: string): string {
  const i = arn.indexOf("oidc-provider/");
  return i >= 0 ? arn.slice(i + "oidc-provider/".length) : arn;
}

/**
 * The keys a role mapping may have, one per way in, as Cognito's console offers them: each
 * user pool app client (`<provider>:<client id>`), each social provider, each OIDC provider's
 * host and each SAML provider's ARN.
 */
export function mappingKeys(pool: IdentityPool): string[] {
  const keys: string[] = [];
  for (const p of pool.CognitoIdentityProviders ?? []) {
    if (p.ProviderName && p.ClientId) keys.push(`${p.ProviderName}:${p.ClientId}`);
  }
  keys.push(...Object.keys(pool.SupportedLoginProviders ?? {}));
  keys.push(...(pool.OpenIdConnectProviderARNs ?? []).map(oidcHost));
  keys.push(...(pool.SamlProviderARNs ?? []));
  return [...new Set(keys)];
}

/** The Logins keys a login to this pool may use (the provider of "Which role, and why?"). */
export function loginKeys(pool: IdentityPool): string[] {
  const keys: string[] = [];
  for (const p of pool.CognitoIdentityProviders ?? []) if (p.ProviderName) keys.push(p.ProviderName);
  keys.push(...Object.keys(pool.SupportedLoginProviders ?? {}));
  keys.push(...(pool.OpenIdConnectProviderARNs ?? []).map(oidcHost));
  keys.push(...(pool.SamlProviderARNs ?? []));
  if (pool.DeveloperProviderName) keys.push(pool.DeveloperProviderName);
  return [...new Set(keys)];
}

/** The principal-tag provider names: user pools by provider name (no client), the others as logins. */
export function tagProviders(pool: IdentityPool): string[] {
  return loginKeys(pool).filter((k) => k !== pool.DeveloperProviderName);
}

/** A RoleMappings or Logins key in words: "shop (user pool) · app client web". */
export function providerLabel(
  key: string,
  names: { pools?: ReadonlyMap<string, string>; clients?: ReadonlyMap<string, string> } = {},
): string {
  const social = SOCIAL.find((s) => s.key === key);
  if (social) return social.label;
  const m = /^(cognito-idp\.[^/]+\.amazonaws\.com\/([^:]+))(?::(.+))?$/.exec(key);
  if (m) {
    const poolId = m[2] ?? "";
    const pool = names.pools?.get(poolId);
    const client = m[3];
    const clientName = client ? (names.clients?.get(client) ?? client) : undefined;
    const who = pool ? `User pool ${pool}` : `User pool ${poolId}`;
    return clientName ? `${who} · app client ${clientName}` : who;
  }
  return key;
}
