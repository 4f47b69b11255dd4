import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { IdentityPool } from "../../api/types";
import { PagedView, loadedCount } from "../../components/LoadState";
import { ConfirmDialog, Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, Check, EmptyState, ErrorBanner, Field, Form } from "../../components/ui";
import { formatDateTime, plural } from "../../lib/format";
import { providerLabel } from "../../lib/identityProviders";
import { useAction } from "../../lib/useAction";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { userPoolsQuery } from "./queries";

const PAGE = 60;

type Unlinking = { identityId: string; provider: string };

/** The identity pool's identities with their logins: delete identities, unlink a login. */
export function IdentitiesTab({ pool }: { pool: IdentityPool }) {
  const toast = useToast();
  const [hideDisabled, setHideDisabled] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [deleting, setDeleting] = useState(false);
  const [unlinking, setUnlinking] = useState<Unlinking | null>(null);
  const list = usePagedList(["identities", pool.IdentityPoolId, hideDisabled], async (token) => {
    const r = await call("ListIdentities", {
      IdentityPoolId: pool.IdentityPoolId,
      MaxResults: PAGE,
      HideDisabled: hideDisabled,
      ...(token !== undefined ? { NextToken: token } : {}),
    });
    return { items: r.Identities, next: r.NextToken };
  });
  const userPools = useQuery(userPoolsQuery);
  const poolNames = useMemo(() => new Map((userPools.data ?? []).map((p) => [p.Id, p.Name])), [userPools.data]);
  const name = (provider: string) =>
    provider === pool.DeveloperProviderName ? `Developer provider ${provider}` : providerLabel(provider, { pools: poolNames });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const ids = list.items.map((i) => i.IdentityId);

  return (
    <div data-testid="identity-pool-identities">
      <div className="idp-identities-bar">
        <Check label="Hide disabled identities" checked={hideDisabled} onChange={setHideDisabled} />
        <span className="muted">{list.loaded ? loadedCount(list, "identity", "identities") : ""}</span>
        <div className="screen-actions">
          <Button variant="ghost" onClick={list.reload} disabled={list.loading}>
            Refresh
          </Button>
          <Button variant="danger" disabled={selected.size === 0} onClick={() => setDeleting(true)} data-testid="delete-identities">
            Delete {selected.size > 0 ? plural(selected.size, "identity", "identities") : "identities"}
          </Button>
        </div>
      </div>
      <PagedView
        list={list}
        errorTitle="Could not list the identities."
        loadingLabel="Loading identities…"
        moreLabel="Load more identities"
        empty={
          <EmptyState title="No identities yet">
            An identity is made the first time someone gets an id from this pool (GetId) — run the exchange tester, or sign in from
            an app.
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="table" data-testid="identities-table">
            <thead>
              <tr>
                <th className="check-col">
                  <input
                    type="checkbox"
                    aria-label="Select every identity shown"
                    checked={ids.length > 0 && ids.every((i) => selected.has(i))}
                    onChange={(e) => setSelected(e.target.checked ? new Set(ids) : new Set())}
                  />
                </th>
                <th>Identity</th>
                <th>Logins</th>
                <th>Created</th>
                <th>Changed</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((i) => (
                <tr key={i.IdentityId} data-testid="identity-row" data-identity={i.IdentityId}>
                  <td className="check-col">
                    <input
                      type="checkbox"
                      aria-label={`Select ${i.IdentityId}`}
                      checked={selected.has(i.IdentityId)}
                      onChange={(e) => toggle(i.IdentityId, e.target.checked)}
                    />
                  </td>
                  <td className="mono idp-key">{i.IdentityId}</td>
                  <td>
                    {i.Logins.length === 0 ? (
                      <span className="pill pill-off">Guest</span>
                    ) : (
                      <ul className="idp-logins">
                        {i.Logins.map((l) => (
                          <li key={l} data-testid="identity-login">
                            <span title={l}>{name(l)}</span>{" "}
                            <Button variant="ghost" className="btn-small" onClick={() => setUnlinking({ identityId: i.IdentityId, provider: l })}>
                              Unlink
                            </Button>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{formatDateTime(i.CreationDate)}</td>
                  <td>{formatDateTime(i.LastModifiedDate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${plural(selected.size, "identity", "identities")}?`}
          confirmLabel={`Delete ${plural(selected.size, "identity", "identities")}`}
          tone="danger"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            const r = await call("DeleteIdentities", { IdentityIdsToDelete: [...selected] });
            const failed = r.UnprocessedIdentityIds.length;
            toast(failed === 0 ? `${plural(selected.size, "identity", "identities")} deleted` : `${failed} could not be deleted`);
            setSelected(new Set());
            list.reload();
          }}
        >
          <p>Their logins are forgotten; a later sign-in gets a new identity id.</p>
          <ul className="mono idp-key">
            {[...selected].map((id) => (
              <li key={id}>{id}</li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
      {unlinking && (
        <UnlinkDialog
          unlinking={unlinking}
          label={name(unlinking.provider)}
          onClose={() => setUnlinking(null)}
          onDone={() => {
            setUnlinking(null);
            toast(`${name(unlinking.provider)} unlinked`);
            list.reload();
          }}
        />
      )}
    </div>
  );
}

/** UnlinkIdentity needs the login's current token, as on Cognito: asked here, never kept. */
function UnlinkDialog({ unlinking, label, onClose, onDone }: { unlinking: Unlinking; label: string; onClose: () => void; onDone: () => void }) {
  const [token, setToken] = useState("");
  const unlink = useAction(() =>
    call("UnlinkIdentity", {
      IdentityId: unlinking.identityId,
      Logins: { [unlinking.provider]: token.trim() },
      LoginsToRemove: [unlinking.provider],
    }),
  );
  return (
    <Dialog title={`Unlink ${label}?`} onClose={onClose} testId="unlink-dialog">
      <Form className="dialog-body" onSubmit={() => unlink.run(undefined, { onSuccess: onDone })}>
        <p>
          The identity <span className="mono">{unlinking.identityId}</span> forgets this login. Cognito asks for the login&apos;s current token
          to prove it is the identity&apos;s own.
        </p>
        <Field label={`${label}: current token`} hint="Used for this request only.">
          {(p) => <textarea {...p} className="mono" rows={3} value={token} onChange={(e) => setToken(e.target.value)} spellCheck={false} autoComplete="off" />}
        </Field>
        {unlink.error && <ErrorBanner error={unlink.error} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" busy={unlink.busy} disabled={token.trim() === ""}>
            Unlink
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
