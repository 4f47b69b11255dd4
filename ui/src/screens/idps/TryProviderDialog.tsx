import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { UserPool, UserPoolClient } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { Button, CopyButton, ErrorBanner, Spinner } from "../../components/ui";
import { routeHref } from "../../lib/router";
import { call, openInBrowser } from "../../platform";
import { authorizeUrl, hostedUiBase, newPkce, randomToken } from "../oauth/authorize";
import { NoAddressNote } from "../oauth/DomainSection";
import { servingAddressQuery } from "../oauth/queries";
import { clientsListing, trialOf } from "./tryProvider";
import "../../styles/oauth.css";

/** Every app client of the pool, described (SupportedIdentityProviders is not listed). */
async function describedClients(poolId: string): Promise<UserPoolClient[]> {
  const out: UserPoolClient[] = [];
  let token: string | undefined;
  do {
    const page = await call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
    const described = await Promise.all(
      page.UserPoolClients.map((c) => call("DescribeUserPoolClient", { UserPoolId: poolId, ClientId: c.ClientId })),
    );
    out.push(...described.map((d) => d.UserPoolClient));
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * Starts a sign-in through one provider as an app would: the authorize URL of a chosen app
 * client with `identity_provider=<name>` (PKCE and `state` fresh each time), opened in the
 * browser. Only clients that list the provider can; when none does, it says how to get one.
 */
export function TryProviderDialog({ poolId, provider, onClose }: { poolId: string; provider: string; onClose: () => void }) {
  const clients = useQuery({ queryKey: ["clients-described", poolId], queryFn: () => describedClients(poolId), gcTime: 0 });
  const pool = useQuery({ queryKey: ["pool", poolId], queryFn: () => call("DescribeUserPool", { UserPoolId: poolId }) }).data?.UserPool;
  const listing = clientsListing(clients.data ?? [], provider);
  const [picked, setPicked] = useState<string>();
  const chosen = listing.find((c) => c.ClientId === picked) ?? listing[0];
  const pickId = useId();

  return (
    <Dialog title={`Try sign-in with ${provider}`} onClose={onClose} testId="try-idp-dialog" wide>
      <div className="dialog-body try-idp">
        <p className="hint">
          The hosted sign-in page of an app client that lists <strong>{provider}</strong> sends the browser straight to
          the provider (<span className="mono">identity_provider={provider}</span>); the person who signs in there comes back
          as a user of this pool.
        </p>
        {clients.isPending && <Spinner label="Looking for app clients that list it…" />}
        {clients.error && <ErrorBanner error={clients.error} title="Could not read the app clients." />}
        {clients.isSuccess && listing.length === 0 && (
          <p className="notice notice-info" data-testid="try-idp-none">
            <span>
              No app client lists {provider} among its identity providers, so no sign-in page can send anyone to it. Tick{" "}
              {provider} under Identity providers on an app client&apos;s Hosted UI tab (
              <a href={routeHref({ screen: "pool", poolId, tab: "clients" })}>App clients</a>), then try again.
            </span>
          </p>
        )}
        {listing.length > 1 && (
          <div className="field">
            <label htmlFor={pickId}>App client</label>
            <select id={pickId} value={chosen?.ClientId} onChange={(e) => setPicked(e.target.value)} data-testid="try-idp-client">
              {listing.map((c) => (
                <option key={c.ClientId} value={c.ClientId}>
                  {c.ClientName} ({c.ClientId})
                </option>
              ))}
            </select>
          </div>
        )}
        {chosen && pool && <TrialFor key={chosen.ClientId} pool={pool} client={chosen} provider={provider} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Close</Button>
        </footer>
      </div>
    </Dialog>
  );
}

function TrialFor({ pool, client, provider }: { pool: UserPool; client: UserPoolClient; provider: string }) {
  const address = useQuery(servingAddressQuery);
  const trial = trialOf(client);
  const at = address.data ?? undefined;
  const base = at ? hostedUiBase(pool.Id, { prefix: pool.Domain, custom: pool.CustomDomain }, at) : undefined;
  const [notOpened, setNotOpened] = useState(false);
  const made = useQuery({
    queryKey: ["try-idp-url", base?.base, client.ClientId, provider],
    queryFn: async () => {
      if (!trial.ready || !base) return null;
      const pkce = trial.responseType === "code" ? await newPkce() : undefined;
      const url = authorizeUrl(base.base, {
        clientId: client.ClientId,
        redirectUri: trial.redirectUri,
        responseType: trial.responseType,
        scopes: trial.scopes,
        state: randomToken(16),
        pkce,
        identityProvider: provider,
      });
      return { url, verifier: pkce?.verifier };
    },
    enabled: trial.ready && base !== undefined,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  }).data;

  if (!trial.ready) {
    return (
      <p className="muted" data-testid="try-idp-missing">
        {client.ClientName} lists {provider}, but to sign in through the hosted pages, {trial.missing.join(", ")} on its Hosted UI
        tab and save.
      </p>
    );
  }
  if (address.isSuccess && !at) return <NoAddressNote />;
  if (!made) return <Spinner label="Making the authorize URL…" />;
  return (
    <div className="oauth-made" data-testid="try-idp-result">
      <div className="oauth-made-label">
        <span className="inline-label">Authorize URL</span>
        <CopyButton text={made.url} label="Copy URL" />
      </div>
      <code className="oauth-url-block" data-testid="try-idp-url">
        {made.url}
      </code>
      {made.verifier && (
        <div className="oauth-made-label">
          <span className="inline-label">Code verifier</span>
          <code className="mono oauth-break" data-testid="try-idp-verifier">
            {made.verifier}
          </code>
          <CopyButton text={made.verifier} label="Copy verifier" />
        </div>
      )}
      <p className="hint">
        After the provider, the browser comes back to <span className="mono">{trial.redirectUri}</span> with a{" "}
        {trial.responseType === "code" ? "code to trade with this verifier" : "token"}.
      </p>
      <div className="form-actions">
        <Button
          variant="primary"
          onClick={() => {
            setNotOpened(false);
            void openInBrowser(made.url).then((opened) => setNotOpened(!opened));
          }}
          data-testid="try-idp-open"
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
  );
}
