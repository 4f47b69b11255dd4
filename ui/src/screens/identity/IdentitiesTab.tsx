import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { IdentityPool } from "../../api/types";
import { PagedView, loadedCount } from "../../components/LoadState";
import { ConfirmDialog, Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, Check, EmptyState, ErrorBanner, Field, Form } from "../../components/ui";
import { formatDateTime, plural } from "../../lib/format";
import { providerLabel } from "../../lib/identityProviders";
import { loginNote, uniqueProviders, whoLabel, whoOf } from "../../lib/identityPeople";
import { useAction } from "../../lib/useAction";
import { useDebounced } from "../../lib/useDebounced";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { identityLoginsPage, userPoolsQuery } from "./queries";

const PAGE = 60;

type Unlinking = { identityId: string; provider: string; who: string };

/** The identity pool's identities named by the people they are: delete identities, unlink a login. */
export function IdentitiesTab({ pool }: { pool: IdentityPool }) {
  const toast = useToast();
  const [hideDisabled, setHideDisabled] = useState(false);
  const [query, setQuery] = useState("");
  const search = useDebounced(query.trim(), 250);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [deleting, setDeleting] = useState(false);
  const [unlinking, setUnlinking] = useState<Unlinking | null>(null);
  const list = usePagedList(
    ["identities", pool.IdentityPoolId, hideDisabled, search],
    async (token) => {
      const r = await identityLoginsPage(pool.IdentityPoolId, { hideDisabled, search, pageSize: PAGE }, token);
      return { items: r.Identities, next: r.NextToken };
    },
    { keepPrevious: true },
  );
  const userPools = useQuery(userPoolsQuery);
  const poolNames = useMemo(() => new Map((userPools.data ?? []).map((p) => [p.Id, p.Name])), [userPools.data]);
  const name = (provider: string) =>
    provider === pool.DeveloperProviderName ? `Developer provider ${provider}` : providerLabel(provider, { pools: poolNames });
  const who = new Map(list.items.map((i) => [i.IdentityId, whoOf(i, name)]));
  const labelOf = (id: string) => {
    const w = who.get(id);
    return w ? whoLabel(w) : id;
  };
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
        <input
          type="search"
          className="search idp-identities-search"
          placeholder="Search email, name, subject or id…"
          aria-label="Search identities"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="identity-search"
        />
        <Check label="Hide disabled identities" checked={hideDisabled} onChange={setHideDisabled} />
        <span className="muted" role="status">
          {list.loaded ? loadedCount(list, "identity", "identities") : ""}
        </span>
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
          search !== "" ? (
            <EmptyState title="No identity matches">
              No identity&apos;s person, login subject or id contains “{search}”.
            </EmptyState>
          ) : (
            <EmptyState title="No identities yet">
              An identity is made the first time someone gets an id from this pool (GetId) — run the exchange tester, or sign in from
              an app.
            </EmptyState>
          )
        }
      >
        <div className="table-wrap">
          <table className="table idp-identities" data-testid="identities-table">
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
                <th>Who</th>
                <th>Logins</th>
                <th>Created</th>
                <th>Changed</th>
                <th>Identity id</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((i) => {
                const w = who.get(i.IdentityId) ?? whoOf(i, name);
                return (
                  <tr key={i.IdentityId} data-testid="identity-row" data-identity={i.IdentityId}>
                    <td className="check-col">
                      <input
                        type="checkbox"
                        aria-label={`Select ${i.IdentityId} (${whoLabel(w)})`}
                        checked={selected.has(i.IdentityId)}
                        onChange={(e) => toggle(i.IdentityId, e.target.checked)}
                      />
                    </td>
                    <td data-testid="identity-who" data-kind={w.kind}>
                      {w.kind === "guest" ? (
                        <span className="pill pill-off">Guest</span>
                      ) : (
                        <span className="person">
                          <span className={w.kind === "deleted" ? "muted" : w.kind === "external" ? "mono idp-subject" : undefined}>
                            {w.primary}
                          </span>
                          {w.secondary.length > 0 && <span className="person-secondary">{w.secondary.join(" · ")}</span>}
                        </span>
                      )}
                      {i.Disabled && <span className="pill pill-off idp-disabled">Disabled</span>}
                    </td>
                    <td>
                      {i.Logins.length === 0 ? (
                        <span className="muted">None</span>
                      ) : (
                        <ul className="idp-logins">
                          {uniqueProviders(i.Logins).map((l) => {
                            const note = loginNote(l);
                            return (
                              <li key={l.Provider} data-testid="identity-login" data-provider-type={l.ProviderType}>
                                <span>{name(l.Provider)}</span>
                                {note && <span className="muted"> · {note}</span>}{" "}
                                {l.ProviderType !== "Developer" && (
                                  <Button
                                    variant="ghost"
                                    className="btn-small"
                                    aria-label={`Unlink ${name(l.Provider)} from ${whoLabel(w)}`}
                                    onClick={() => setUnlinking({ identityId: i.IdentityId, provider: l.Provider, who: whoLabel(w) })}
                                  >
                                    Unlink
                                  </Button>
                                )}
                              </li>
                            );
                          })}
                        </ul>
                      )}
                    </td>
                    <td className="idp-date">{formatDateTime(i.CreationDate)}</td>
                    <td className="idp-date">{formatDateTime(i.LastModifiedDate)}</td>
                    <td className="mono idp-key" data-testid="identity-id">
                      {i.IdentityId}
                    </td>
                  </tr>
                );
              })}
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
            const asked = [...selected];
            const r = await call("DeleteIdentities", { IdentityIdsToDelete: asked });
            const failed = r.UnprocessedIdentityIds.map((u) => u.IdentityId).filter((id): id is string => id !== undefined);
            const done = asked.length - failed.length;
            toast(
              failed.length === 0
                ? `${plural(done, "identity", "identities")} deleted`
                : `${plural(done, "identity", "identities")} deleted; ${failed.map(labelOf).join(", ")} could not be (${r.UnprocessedIdentityIds[0]?.ErrorCode ?? "error"})`,
            );
            // What could not be deleted stays selected, to try again.
            setSelected(new Set(failed));
            list.reload();
          }}
        >
          <p>Their logins are forgotten; a later sign-in gets a new identity id.</p>
          <ul className="idp-delete-list">
            {[...selected].map((id) => (
              <li key={id}>
                {labelOf(id)} <span className="mono idp-key muted">{id}</span>
              </li>
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
            toast(`${name(unlinking.provider)} unlinked from ${unlinking.who}`);
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
          The identity of {unlinking.who} (<span className="mono">{unlinking.identityId}</span>) forgets this login. Cognito asks for
          the login&apos;s current token to prove it is the identity&apos;s own.
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
