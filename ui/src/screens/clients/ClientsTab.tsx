import { useState } from "react";
import type { UserPoolClient, UserPoolClientDescription } from "../../api/types";
import { useToast } from "../../components/toast";
import {
  Button,
  Check,
  ConfirmDialog,
  CopyButton,
  Dialog,
  Drawer,
  EmptyState,
  ErrorBanner,
  Facts,
  Section,
  Spinner,
} from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { placeError } from "../../lib/forms";
import { clientSettingsOf } from "../../lib/poolSettings";
import { useQuery } from "../../lib/useQuery";
import { call, toApiError, type ApiError } from "../../platform";
import {
  CLIENT_FIELDS,
  ClientFormFields,
  DEFAULT_CLIENT,
  clientDraftErrors,
  draftOfClient,
  settingsFromDraft,
} from "./ClientForm";
import { TrySignInDrawer } from "./TrySignIn";

export function ClientsTab({ poolId }: { poolId: string }) {
  const toast = useToast();
  const [extra, setExtra] = useState<{
    clients: UserPoolClientDescription[];
    next: string | undefined;
    loading: boolean;
    error?: ApiError;
  }>();
  const first = useQuery(`clients:${poolId}`, () => call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60 }));
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const [deleting, setDeleting] = useState<UserPoolClientDescription>();
  const [trying, setTrying] = useState<string>();
  const openClient = (id: string) => {
    setTrying(undefined);
    setOpen(id);
  };
  const trySignIn = (id: string) => {
    setOpen(undefined);
    setTrying(id);
  };

  const clients = [...(first.data?.UserPoolClients ?? []), ...(extra?.clients ?? [])];
  const next = extra ? extra.next : first.data?.NextToken;
  const reload = () => {
    setExtra(undefined);
    first.reload();
  };
  const loadMore = () => {
    if (!next) return;
    const prev = extra ?? { clients: [], next };
    setExtra({ ...prev, loading: true });
    call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60, NextToken: next }).then(
      (r) => setExtra({ clients: [...prev.clients, ...r.UserPoolClients], next: r.NextToken, loading: false }),
      (e: unknown) => setExtra({ ...prev, loading: false, error: toApiError(e) }),
    );
  };

  return (
    <div className="clients-tab" data-testid="clients-tab">
      <div className="toolbar">
        <span className="result-count">
          {first.data ? `${clients.length} app ${clients.length === 1 ? "client" : "clients"}${next ? " loaded" : ""}` : ""}
        </span>
        <div className="toolbar-spacer" />
        <Button variant="ghost" onClick={reload}>
          Refresh
        </Button>
        <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-client">
          Create app client
        </Button>
      </div>
      {first.error && <ErrorBanner error={first.error} onRetry={reload} title="Could not list app clients." />}
      {first.loading && !first.data && <Spinner label="Loading app clients…" />}
      {first.data && clients.length === 0 && (
        <EmptyState
          title="No app clients"
          action={
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create app client
            </Button>
          }
        >
          An app client is how an application signs users in to this pool: it sets the allowed sign-in flows, token
          lifetimes and OAuth redirect URLs.
        </EmptyState>
      )}
      {clients.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="clients-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Client ID</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <tr
                  key={c.ClientId}
                  className={`clickable${c.ClientId === open || c.ClientId === trying ? " selected" : ""}`}
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest("button")) return;
                    openClient(c.ClientId);
                  }}
                >
                  <td>
                    <button type="button" className="link-btn strong-link" onClick={() => openClient(c.ClientId)}>
                      {c.ClientName}
                    </button>
                  </td>
                  <td className="mono">{c.ClientId}</td>
                  <td className="actions">
                    <Button
                      variant="ghost"
                      className="btn-small"
                      onClick={() => trySignIn(c.ClientId)}
                      aria-label={`Try sign-in with ${c.ClientName}`}
                      data-testid="try-signin-button"
                    >
                      Try sign-in
                    </Button>
                    <CopyButton text={c.ClientId} label="Copy ID" />
                    <Button variant="ghost" className="btn-small danger-text" onClick={() => setDeleting(c)}>
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {extra?.error && <ErrorBanner error={extra.error} onRetry={loadMore} />}
      {next && (
        <div className="load-more">
          <Button onClick={loadMore} busy={extra?.loading}>
            Load more app clients
          </Button>
        </div>
      )}

      {open && (
        <ClientDrawer
          key={open}
          poolId={poolId}
          clientId={open}
          onClose={() => setOpen(undefined)}
          onSaved={reload}
          onDelete={(c) => setDeleting(c)}
          onTrySignIn={() => trySignIn(open)}
        />
      )}
      {trying && (
        <TrySignInDrawer
          key={trying}
          poolId={poolId}
          clientId={trying}
          onClose={() => setTrying(undefined)}
          onEditClient={() => openClient(trying)}
        />
      )}
      {creating && (
        <CreateClientDialog
          poolId={poolId}
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            reload();
            setOpen(c.ClientId);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete app client ${deleting.ClientName}?`}
          confirmLabel="Delete app client"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await call("DeleteUserPoolClient", { UserPoolId: poolId, ClientId: deleting.ClientId });
            toast(`App client ${deleting.ClientName} deleted`);
            if (open === deleting.ClientId) setOpen(undefined);
            if (trying === deleting.ClientId) setTrying(undefined);
            reload();
          }}
        >
          <p>
            Applications using <strong>{deleting.ClientName}</strong> (<span className="mono">{deleting.ClientId}</span>)
            will no longer be able to sign users in. This can't be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function SecretView({ secret }: { secret: string }) {
  const [shown, setShown] = useState(false);
  return (
    <span className="secret" data-testid="client-secret">
      <span className="mono">{shown ? secret : "•".repeat(24)}</span>
      <Button variant="ghost" className="btn-small" onClick={() => setShown((s) => !s)}>
        {shown ? "Hide" : "Show"}
      </Button>
      <CopyButton text={secret} />
    </span>
  );
}

function ClientDrawer({
  poolId,
  clientId,
  onClose,
  onSaved,
  onDelete,
  onTrySignIn,
}: {
  poolId: string;
  clientId: string;
  onClose: () => void;
  onSaved: () => void;
  onDelete: (c: UserPoolClientDescription) => void;
  onTrySignIn: () => void;
}) {
  const q = useQuery(`client:${poolId}:${clientId}`, () =>
    call("DescribeUserPoolClient", { UserPoolId: poolId, ClientId: clientId }),
  );
  const client = q.data?.UserPoolClient;
  return (
    <Drawer title={client?.ClientName ?? "App client"} onClose={onClose} testId="client-drawer">
      {q.error && <ErrorBanner error={q.error} onRetry={q.reload} title="Could not load the app client." />}
      {!client && q.loading && <Spinner label="Loading app client…" />}
      {client && (
        <>
          <div className="drawer-actions">
            <Button onClick={onTrySignIn} data-testid="client-try-signin">
              Try sign-in
            </Button>
          </div>
          <Facts
            items={[
              [
                "Client ID",
                <span className="secret">
                  <span className="mono">{client.ClientId}</span> <CopyButton text={client.ClientId} />
                </span>,
                "wide",
              ],
              [
                "Client secret",
                client.ClientSecret ? <SecretView secret={client.ClientSecret} /> : <span className="muted">None (public client)</span>,
                "wide",
              ],
              ["Created", formatDateTime(client.CreationDate)],
              ["Last modified", formatDateTime(client.LastModifiedDate)],
            ]}
          />
          <EditClientForm
            key={client.LastModifiedDate}
            client={client}
            onSaved={(fresh) => {
              q.set({ UserPoolClient: fresh });
              onSaved();
            }}
          />
          <Section title="Delete app client">
            <div className="danger-row">
              <p>Applications using this client can no longer sign users in.</p>
              <Button
                variant="danger"
                onClick={() => onDelete({ ClientId: client.ClientId, ClientName: client.ClientName, UserPoolId: poolId })}
              >
                Delete app client…
              </Button>
            </div>
          </Section>
        </>
      )}
    </Drawer>
  );
}

function EditClientForm({ client, onSaved }: { client: UserPoolClient; onSaved: (fresh: UserPoolClient) => void }) {
  const toast = useToast();
  const [initial] = useState(() => draftOfClient(client.ClientName, clientSettingsOf(client)));
  const [d, setD] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const placed = placeError(error, CLIENT_FIELDS);
  const errors = { ...placed.fields, ...local };
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);

  const save = () => {
    const localErrors = clientDraftErrors(d);
    setLocal(localErrors);
    setError(undefined);
    if (Object.keys(localErrors).length > 0) return;
    setBusy(true);
    call("UpdateUserPoolClient", {
      ...clientSettingsOf(client),
      ...settingsFromDraft(d),
      UserPoolId: client.UserPoolId,
      ClientId: client.ClientId,
    }).then(
      (r) => {
        toast("App client saved");
        onSaved(r.UserPoolClient);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Section title="Settings">
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <ClientFormFields value={d} onChange={setD} errors={errors} />
        {placed.general && <ErrorBanner error={placed.general} />}
        <div className="form-actions">
          <Button
            disabled={!dirty || busy}
            onClick={() => {
              setD(initial);
              setError(undefined);
              setLocal({});
            }}
          >
            Discard changes
          </Button>
          <Button type="submit" variant="primary" disabled={!dirty} busy={busy} data-testid="save-client">
            Save app client
          </Button>
        </div>
      </form>
    </Section>
  );
}

function CreateClientDialog({
  poolId,
  onClose,
  onCreated,
}: {
  poolId: string;
  onClose: () => void;
  onCreated: (c: UserPoolClient) => void;
}) {
  const toast = useToast();
  const [d, setD] = useState(DEFAULT_CLIENT);
  const [secret, setSecret] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const placed = placeError(error, CLIENT_FIELDS);
  const errors = { ...placed.fields, ...local };

  const submit = () => {
    const localErrors = clientDraftErrors(d);
    setLocal(localErrors);
    setError(undefined);
    if (Object.keys(localErrors).length > 0) return;
    setBusy(true);
    call("CreateUserPoolClient", { UserPoolId: poolId, GenerateSecret: secret, ...settingsFromDraft(d) }).then(
      (r) => {
        toast(`App client ${r.UserPoolClient.ClientName} created`);
        onCreated(r.UserPoolClient);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Dialog title="Create app client" onClose={onClose} wide testId="create-client-dialog">
      <form
        className="dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <ClientFormFields value={d} onChange={setD} errors={errors} autoFocusName />
        <Check
          label="Generate a client secret"
          hint="(for server-side apps that can keep a secret; can't be added later)"
          checked={secret}
          onChange={setSecret}
        />
        {errors.GenerateSecret && (
          <div className="field-error" role="alert">
            {errors.GenerateSecret}
          </div>
        )}
        {placed.general && <ErrorBanner error={placed.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="create-client-submit">
            Create app client
          </Button>
        </footer>
      </form>
    </Dialog>
  );
}
