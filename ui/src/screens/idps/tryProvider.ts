// "Try sign-in with this provider": which app clients can send a person to a provider through
// the hosted pages (`identity_provider=<name>` on /oauth2/authorize), and what the others lack.

import type { UserPoolClient } from "../../api/types";

export type Trial =
  | { ready: true; responseType: "code" | "token"; redirectUri: string; scopes: string[] }
  | { ready: false; missing: string[] };

/** The clients that list the provider among their SupportedIdentityProviders. */
export function clientsListing(clients: readonly UserPoolClient[], provider: string): UserPoolClient[] {
  return clients.filter((c) => (c.SupportedIdentityProviders ?? []).includes(provider));
}

/**
 * Whether a client that lists the provider can start its sign-in: OAuth flows allowed, the code
 * (preferred, with PKCE) or implicit flow, a callback URL (its default first) and a scope.
 */
export function trialOf(client: UserPoolClient): Trial {
  const flows = client.AllowedOAuthFlows ?? [];
  const callbacks = client.CallbackURLs ?? [];
  const scopes = client.AllowedOAuthScopes ?? [];
  const missing = [
    !client.AllowedOAuthFlowsUserPoolClient && "allow OAuth 2.0 flows",
    !flows.includes("code") && !flows.includes("implicit") && "allow the authorization code or implicit flow",
    callbacks.length === 0 && "add a callback URL",
    scopes.length === 0 && "allow at least one scope",
  ].filter((m): m is string => typeof m === "string");
  if (missing.length > 0) return { ready: false, missing };
  const redirectUri = client.DefaultRedirectURI && callbacks.includes(client.DefaultRedirectURI) ? client.DefaultRedirectURI : (callbacks[0] ?? "");
  return { ready: true, responseType: flows.includes("code") ? "code" : "token", redirectUri, scopes };
}
