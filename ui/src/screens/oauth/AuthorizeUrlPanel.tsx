import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { UserPoolClient } from "../../api/types";
import { Button, Check, CopyButton, Field, Section } from "../../components/ui";
import { call, openInBrowser } from "../../platform";
import { authorizeUrl, hostedUiBase, newPkce, randomToken, type Pkce } from "./authorize";
import { NoAddressNote } from "./DomainSection";
import { servingAddressQuery } from "./queries";

type Made = { url: string; pkce: Pkce | undefined; state: string };

/**
 * A ready-made authorization request for the client as saved: pick the redirect URI and the
 * scopes; a fresh PKCE verifier (S256) and `state` are made with Web Crypto, and the URL uses
 * the pool's domain when it has one, else the `/<poolId>` path at the endpoint's address.
 */
export function AuthorizeUrlPanel({ client }: { client: UserPoolClient }) {
  const pool = useQuery({
    queryKey: ["pool", client.UserPoolId],
    queryFn: () => call("DescribeUserPool", { UserPoolId: client.UserPoolId }),
  }).data?.UserPool;
  const address = useQuery(servingAddressQuery);
  const callbacks = client.CallbackURLs ?? [];
  const flows = client.AllowedOAuthFlows ?? [];
  const allowedScopes = client.AllowedOAuthScopes ?? [];
  const responseTypes = [...(flows.includes("code") ? (["code"] as const) : []), ...(flows.includes("implicit") ? (["token"] as const) : [])];
  const [redirect, setRedirect] = useState(client.DefaultRedirectURI ?? callbacks[0] ?? "");
  const [responseType, setResponseType] = useState<"code" | "token">(responseTypes[0] ?? "code");
  const [scopes, setScopes] = useState<string[]>(allowedScopes);
  const providers = client.SupportedIdentityProviders ?? [];
  /** "" lets the page offer every provider; a name sends identity_provider and skips the choice. */
  const [provider, setProvider] = useState("");
  const [round, setRound] = useState(0);
  const [notOpened, setNotOpened] = useState(false);

  const at = address.data ?? undefined;
  const base = pool && at ? hostedUiBase(pool.Id, { prefix: pool.Domain, custom: pool.CustomDomain }, at) : undefined;
  const baseUrl = base?.base;
  const scopeKey = scopes.join(" ");

  // A query rather than an effect: a new verifier and state for each choice (and each "New
  // verifier and state"), never reused across them, and never cached once the panel is gone.
  const made = useQuery({
    queryKey: ["authorize-url", baseUrl, client.ClientId, redirect, responseType, scopeKey, provider, round],
    queryFn: async (): Promise<Made> => {
      const state = randomToken(16);
      const pkce = responseType === "code" ? await newPkce() : undefined;
      const url = authorizeUrl(baseUrl ?? "", {
        clientId: client.ClientId,
        redirectUri: redirect,
        responseType,
        scopes: scopeKey === "" ? [] : scopeKey.split(" "),
        state,
        pkce,
        identityProvider: provider === "" ? undefined : provider,
      });
      return { url, pkce, state };
    },
    enabled: baseUrl !== undefined && redirect !== "",
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  }).data;

  const missing = [
    !client.AllowedOAuthFlowsUserPoolClient && "allow OAuth 2.0 flows",
    responseTypes.length === 0 && "allow the authorization code or implicit flow",
    callbacks.length === 0 && "add a callback URL",
    allowedScopes.length === 0 && "allow at least one scope",
  ].filter((m): m is string => typeof m === "string");

  return (
    <Section title="Try the hosted sign-in" testId="authorize-url">
      {missing.length > 0 ? (
        <p className="muted" data-testid="authorize-missing">
          To sign in through the hosted pages, {missing.join(", ")} above and save.
        </p>
      ) : (
        <>
          {base?.kind === "path" && (
            <p className="notice notice-info" data-testid="no-domain-note">
              <span>
                This pool has no domain yet, so the URL uses the <span className="mono">/{client.UserPoolId}/</span> path at the
                endpoint&apos;s address (which every client can reach). Create a domain in the pool&apos;s Sign-in experience tab (Domain &amp; OAuth)
                to get an address of its own.
              </span>
            </p>
          )}
          {base?.kind === "custom" && (
            <p className="notice notice-info">
              <span>The URL uses the custom domain: its name must point at this computer for a browser to reach it.</span>
            </p>
          )}
          <div className="row">
            <Field label="Redirect URI" name="redirect_uri">
              {(p) => (
                <select {...p} value={redirect} onChange={(e) => setRedirect(e.target.value)} data-testid="authorize-redirect">
                  {callbacks.map((u) => (
                    <option key={u} value={u}>
                      {u}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {providers.length > 1 && (
              <Field label="Identity provider" name="identity_provider">
                {(p) => (
                  <select {...p} value={provider} onChange={(e) => setProvider(e.target.value)} data-testid="authorize-provider">
                    <option value="">Let the page offer them all</option>
                    {providers.map((name) => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            {responseTypes.length > 1 && (
              <Field label="Response type" name="response_type">
                {(p) => (
                  <select {...p} value={responseType} onChange={(e) => setResponseType(e.target.value === "token" ? "token" : "code")}>
                    <option value="code">code (authorization code with PKCE)</option>
                    <option value="token">token (implicit)</option>
                  </select>
                )}
              </Field>
            )}
          </div>
          <div className="checks" role="group" aria-label="Scopes to ask for">
            <span className="inline-label">Scopes:</span>
            {allowedScopes.map((s) => (
              <Check
                key={s}
                label={<span className="mono">{s}</span>}
                checked={scopes.includes(s)}
                onChange={(on) => setScopes(allowedScopes.filter((x) => (x === s ? on : scopes.includes(x))))}
              />
            ))}
          </div>
          {address.isSuccess && !at && <NoAddressNote />}
          {made && (
            <div className="oauth-made" data-testid="authorize-result">
              <div className="oauth-made-label">
                <span className="inline-label">Authorize URL</span>
                <CopyButton text={made.url} label="Copy URL" />
              </div>
              <code className="oauth-url-block" data-testid="authorize-url-text">
                {made.url}
              </code>
              {made.pkce && (
                <div className="oauth-made-label">
                  <span className="inline-label">Code verifier</span>
                  <code className="mono oauth-break" data-testid="authorize-verifier">
                    {made.pkce.verifier}
                  </code>
                  <CopyButton text={made.pkce.verifier} label="Copy verifier" />
                </div>
              )}
              <div className="oauth-made-label">
                <span className="inline-label">State</span>
                <code className="mono oauth-break" data-testid="authorize-state">
                  {made.state}
                </code>
                <CopyButton text={made.state} label="Copy state" />
              </div>
              {made.pkce && base && (
                <p className="hint">
                  The redirect brings <span className="mono">?code=…&amp;state=…</span>; trade the code at{" "}
                  <span className="mono">{base.base}/oauth2/token</span> with <span className="mono">grant_type=authorization_code</span>,
                  the same <span className="mono">redirect_uri</span> and this <span className="mono">code_verifier</span>. Check
                  that <span className="mono">state</span> came back unchanged.
                </p>
              )}
              <div className="form-actions">
                <Button onClick={() => setRound((r) => r + 1)} data-testid="authorize-renew">
                  New verifier and state
                </Button>
                <Button
                  variant="primary"
                  onClick={() => {
                    setNotOpened(false);
                    void openInBrowser(made.url).then((opened) => setNotOpened(!opened));
                  }}
                  data-testid="open-signin"
                >
                  Open the sign-in page
                </Button>
              </div>
              {notOpened && (
                <p className="hint" role="status">
                  The sign-in page could not be opened in your browser: copy the URL and paste it there.
                </p>
              )}
            </div>
          )}
        </>
      )}
    </Section>
  );
}
