// The hosted sign-in's addresses and a ready-made authorization request (RFC 6749 §4.1 with
// RFC 7636's PKCE): what an app developer would otherwise assemble by hand to try their client.
// Pure functions over Web Crypto, so the desktop webview, browsers and tests agree.

/** The suffix prefix domains are served under (`<prefix>.auth.localhost`). */
export const PREFIX_DOMAIN_SUFFIX = ".auth.localhost";

/** base64url without padding (RFC 4648 §5), as PKCE and `state` use it. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `n` bytes from the platform's cryptographic generator, base64url-encoded. */
export function randomToken(n: number): string {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return base64Url(bytes);
}

/** The S256 challenge of a verifier: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export type Pkce = { verifier: string; challenge: string; method: "S256" };

/**
 * A fresh PKCE pair: the verifier is 32 random bytes base64url-encoded (43 characters, RFC 7636
 * §4.1's recommendation), the challenge its S256 hash.
 */
export async function newPkce(): Promise<Pkce> {
  const verifier = randomToken(32);
  return { verifier, challenge: await s256Challenge(verifier), method: "S256" };
}

/** Where the endpoint that serves the hosted pages listens. */
export type ServingAddress = { host: string; port: string };

/** `127.0.0.1:9229` or `http://127.0.0.1:9229/` as a host and a port (http's 80 when none). */
export function servingAddress(hostOrUrl: string): ServingAddress | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl) ? hostOrUrl : `http://${hostOrUrl}`);
    return { host: url.hostname, port: url.port || "80" };
  } catch {
    return undefined;
  }
}

/** How the hosted pages of a pool are reached, and why that way. */
export type HostedUiBase = {
  /** The base the paths (`/oauth2/authorize`, `/login`) are appended to, without a trailing slash. */
  base: string;
  kind: "prefix" | "custom" | "path";
};

function hostPort(host: string, port: string): string {
  return port === "80" ? host : `${host}:${port}`;
}

/**
 * The base of a pool's hosted pages: its prefix domain (`http://<prefix>.auth.localhost:<port>`,
 * which browsers resolve to this computer), else its custom domain (routed by Host, so its name
 * must point at this computer), else the `/<poolId>` path at the endpoint's own address.
 */
export function hostedUiBase(
  poolId: string,
  domains: { prefix?: string | undefined; custom?: string | undefined },
  at: ServingAddress,
): HostedUiBase {
  if (domains.prefix) return { base: `http://${hostPort(`${domains.prefix}${PREFIX_DOMAIN_SUFFIX}`, at.port)}`, kind: "prefix" };
  if (domains.custom) return { base: `http://${hostPort(domains.custom, at.port)}`, kind: "custom" };
  return { base: `http://${hostPort(at.host, at.port)}/${encodeURIComponent(poolId)}`, kind: "path" };
}

export type AuthorizeRequest = {
  clientId: string;
  redirectUri: string;
  /** `code` (with PKCE) or `token` (implicit). */
  responseType: "code" | "token";
  scopes: readonly string[];
  state: string;
  /** Sent with `code` only. */
  pkce?: Pkce | undefined;
  /** `identity_provider`: skips the choice of provider; absent lets the page offer them all. */
  identityProvider?: string | undefined;
};

/**
 * The `/oauth2/authorize` URL of a request, parameters in the order Cognito's documentation
 * writes them; scopes are space-separated (form-encoded as `+`).
 */
export function authorizeUrl(base: string, r: AuthorizeRequest): string {
  const q = new URLSearchParams();
  q.set("response_type", r.responseType);
  q.set("client_id", r.clientId);
  q.set("redirect_uri", r.redirectUri);
  if (r.scopes.length > 0) q.set("scope", r.scopes.join(" "));
  q.set("state", r.state);
  if (r.identityProvider) q.set("identity_provider", r.identityProvider);
  if (r.responseType === "code" && r.pkce) {
    q.set("code_challenge", r.pkce.challenge);
    q.set("code_challenge_method", r.pkce.method);
  }
  return `${base}/oauth2/authorize?${q.toString()}`;
}

/** The `/login` page of a client (the hosted UI's sign-in form with the same parameters). */
export function loginUrl(base: string, clientId: string, redirectUri: string, responseType: "code" | "token"): string {
  const q = new URLSearchParams({ client_id: clientId, response_type: responseType, redirect_uri: redirectUri });
  return `${base}/login?${q.toString()}`;
}
