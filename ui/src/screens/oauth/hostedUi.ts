// The hosted UI settings of an app client as the Hosted UI tab edits them, and the checks the
// core makes on them (domain::client::check_url and ClientSettings::validate), written again
// here only so that a mistake shows while typing; the core's answer is the one that counts.

import type { ClientSettings, OAuthFlow, UserPoolClient } from "../../api/types";

export const STANDARD_SCOPES = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"] as const;

/** What each standard scope lets a token do, for the checkboxes' hints. */
export const STANDARD_SCOPE_HINTS: Record<(typeof STANDARD_SCOPES)[number], string> = {
  openid: "an ID token",
  email: "email and email_verified claims",
  phone: "phone_number claims",
  profile: "the other standard attributes",
  "aws.cognito.signin.user.admin": "the user's own API calls (GetUser, …)",
};

/** The provider of the pool's own users, always offered. */
export const COGNITO_PROVIDER = "COGNITO";

export const MAX_URLS = 100;

/**
 * Why a callback or logout URL would be refused, as the core says it, or undefined: an
 * absolute URI without a fragment, at most 1024 characters; https, or http only for
 * localhost; an app's own scheme (`myapp://callback`) is allowed.
 */
export function urlProblem(url: string): string | undefined {
  if (url.length === 0 || url.length > 1024) return "Must be 1–1024 characters.";
  if (url.includes("#")) return "Must not contain a fragment (#).";
  if (/[\s\p{Cc}]/u.test(url)) return "Must not contain spaces or control characters.";
  const sep = url.indexOf("://");
  if (sep < 0) return "Not an absolute URI (scheme://…).";
  const scheme = url.slice(0, sep);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) return "Not an absolute URI (scheme://…).";
  const rest = url.slice(sep + 3);
  const authority = rest.split(/[/?]/)[0] ?? "";
  const at = authority.lastIndexOf("@");
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const host = hostPort.startsWith("[") ? (hostPort.slice(1).split("]")[0] ?? "") : (hostPort.split(":")[0] ?? "");
  switch (scheme.toLowerCase()) {
    case "https":
      return host === "" ? "Has no host." : undefined;
    case "http":
      return host.toLowerCase() === "localhost" ? undefined : "Must use https (http is allowed only for http://localhost).";
    default:
      return undefined;
  }
}

/** The Hosted UI tab's form. URL lists are rows so each can carry its own message. */
export type HostedUiDraft = {
  AllowedOAuthFlowsUserPoolClient: boolean;
  CallbackURLs: string[];
  LogoutURLs: string[];
  /** "" for none. */
  DefaultRedirectURI: string;
  AllowedOAuthFlows: OAuthFlow[];
  AllowedOAuthScopes: string[];
  SupportedIdentityProviders: string[];
};

export function draftOf(client: UserPoolClient): HostedUiDraft {
  return {
    AllowedOAuthFlowsUserPoolClient: client.AllowedOAuthFlowsUserPoolClient ?? false,
    CallbackURLs: [...(client.CallbackURLs ?? [])],
    LogoutURLs: [...(client.LogoutURLs ?? [])],
    DefaultRedirectURI: client.DefaultRedirectURI ?? "",
    AllowedOAuthFlows: [...(client.AllowedOAuthFlows ?? [])],
    AllowedOAuthScopes: [...(client.AllowedOAuthScopes ?? [])],
    SupportedIdentityProviders: [...(client.SupportedIdentityProviders ?? [])],
  };
}

/** The draft's members as UpdateUserPoolClient takes them (blank rows are problems, never sent). */
export function settingsOf(d: HostedUiDraft): Pick<
  ClientSettings,
  | "AllowedOAuthFlowsUserPoolClient"
  | "CallbackURLs"
  | "LogoutURLs"
  | "DefaultRedirectURI"
  | "AllowedOAuthFlows"
  | "AllowedOAuthScopes"
  | "SupportedIdentityProviders"
> {
  const oauth = d.AllowedOAuthFlowsUserPoolClient;
  return {
    AllowedOAuthFlowsUserPoolClient: oauth,
    CallbackURLs: d.CallbackURLs.map((u) => u.trim()),
    LogoutURLs: d.LogoutURLs.map((u) => u.trim()),
    DefaultRedirectURI: d.DefaultRedirectURI === "" ? undefined : d.DefaultRedirectURI,
    // Flows without the switch are refused by the core; turning OAuth off clears them.
    AllowedOAuthFlows: oauth ? d.AllowedOAuthFlows : [],
    AllowedOAuthScopes: oauth ? d.AllowedOAuthScopes : [],
    SupportedIdentityProviders: d.SupportedIdentityProviders,
  };
}

/** The request members the tab shows messages for, the core's `field` placed by the longest match. */
export function hostedUiFields(d: HostedUiDraft): string[] {
  return [
    "AllowedOAuthFlowsUserPoolClient",
    "CallbackURLs",
    ...d.CallbackURLs.map((_, i) => `CallbackURLs[${i}]`),
    "LogoutURLs",
    ...d.LogoutURLs.map((_, i) => `LogoutURLs[${i}]`),
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "SupportedIdentityProviders",
  ];
}

/**
 * What the core would refuse in the draft, by request member (`CallbackURLs[2]`), in the
 * core's words; `hasSecret` says whether the client has a secret (client_credentials needs one).
 */
export function hostedUiProblems(d: HostedUiDraft, hasSecret: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of ["CallbackURLs", "LogoutURLs"] as const) {
    if (d[field].length > MAX_URLS) out[field] = `At most ${MAX_URLS} URLs.`;
    d[field].forEach((u, i) => {
      const t = u.trim();
      const problem = t === "" ? "Enter a URL, or remove this row." : urlProblem(t);
      if (problem) out[`${field}[${i}]`] = problem;
    });
  }
  const callbacks = d.CallbackURLs.map((u) => u.trim());
  if (d.DefaultRedirectURI !== "" && !callbacks.includes(d.DefaultRedirectURI)) {
    out.DefaultRedirectURI = "Must be one of the callback URLs.";
  }
  if (!d.AllowedOAuthFlowsUserPoolClient) return out;
  const flows = d.AllowedOAuthFlows;
  const browser = flows.includes("code") || flows.includes("implicit");
  if (flows.length === 0) out.AllowedOAuthFlows = "Choose at least one OAuth flow.";
  else if (flows.includes("client_credentials") && !hasSecret) {
    out.AllowedOAuthFlows = "Client credentials needs a client with a secret; this one has none.";
  } else if (flows.includes("client_credentials") && browser) {
    out.AllowedOAuthFlows = "Client credentials cannot be combined with the authorization code or implicit flow.";
  }
  if (d.AllowedOAuthScopes.length === 0) out.AllowedOAuthScopes = "Choose at least one scope.";
  else if (d.AllowedOAuthScopes.length > 50) out.AllowedOAuthScopes = "At most 50 scopes.";
  if (browser && callbacks.length === 0 && out.CallbackURLs === undefined) {
    out.CallbackURLs = "The authorization code and implicit flows need at least one callback URL.";
  }
  return out;
}

/** The flows a person may tick next to the ones ticked: client_credentials stands alone. */
export function flowBlocked(flow: OAuthFlow, chosen: readonly OAuthFlow[], hasSecret: boolean): string | undefined {
  if (flow === "client_credentials") {
    if (!hasSecret) return "needs a client secret: create the app client with one";
    if (chosen.includes("code") || chosen.includes("implicit")) return "stands alone: untick the browser flows first";
    return undefined;
  }
  if (chosen.includes("client_credentials")) return "not with client credentials";
  return undefined;
}

/** A list with `v` in or out, keeping the others' order. */
export function toggled<T>(list: readonly T[], v: T, on: boolean): T[] {
  const without = list.filter((x) => x !== v);
  return on ? [...without, v] : without;
}
