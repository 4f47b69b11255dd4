import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { clientQuery } from "../../api/queries";
import type { Operations, UserPoolClient, UserPoolClientDescription } from "../../api/types";
import { ListToolbar, PagedView, QueryStatus } from "../../components/LoadState";
import { useToast } from "../../components/toast";
import { ConfirmDialog, Dialog, Drawer } from "../../components/overlays";
import {
  Button,
  Check,
  CopyButton,
  EmptyState,
  ErrorBanner,
  Facts,
  Form,
  SaveActions,
  Section,
  Spinner,
} from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { clientSettingsOf } from "../../lib/poolSettings";
import { useFormAction } from "../../lib/useAction";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import {
  CLIENT_FIELDS,
  ClientFormFields,
  DEFAULT_CLIENT,
  clientDraftErrors,
  draftOfClient,
  settingsFromDraft,
} from "./ClientForm";
import { forgetTrySignIn, openTrySignIn, rememberOpenTrySignIn } from "./trySignIn/session";
import { TrySignInDrawer } from "./trySignIn/TrySignInDrawer";

// The OAuth tabs load when first opened.
const HostedUiTab = lazy(() => import("../oauth/HostedUiTab").then((m) => ({ default: m.HostedUiTab })));
const ClientSecretsSection = lazy(() =>
  import("../oauth/ClientSecretsSection").then((m) => ({ default: m.ClientSecretsSection })),
);


export function ClientsTab({ poolId }: { poolId: string }) {
  const toast = useToast();
  const list = usePagedList(["clients", poolId], async (token) => {
    const r = await call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
    return { items: r.UserPoolClients, next: r.NextToken };
  });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const [deleting, setDeleting] = useState<UserPoolClientDescription>();
  // Kept in memory while the person is elsewhere (the inspector, with Inspect), so that coming
  // back finds Try sign-in open where it was; closing it forgets it.
  const [trying, setTryingState] = useState<string | undefined>(() => openTrySignIn(poolId));
  const setTrying = (id: string | undefined) => {
    if (id === undefined) forgetTrySignIn(poolId);
    else rememberOpenTrySignIn(poolId, id);
    setTryingState(id);
  };
  const openClient = (id: string) => {
    setTrying(undefined);
    setOpen(id);
  };
  const trySignIn = (id: string) => {
    setOpen(undefined);
    setTrying(id);
  };

  const clients = list.items;
  const reload = list.reload;

  return (
    <div className="clients-tab" data-testid="clients-tab">
      <ListToolbar list={list} one="app client">
        <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-client">
          Create app client
        </Button>
      </ListToolbar>
      <PagedView
        list={list}
        errorTitle="Could not list app clients."
        loadingLabel="Loading app clients…"
        moreLabel="Load more app clients"
        empty={
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
        }
      >
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
      </PagedView>

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
  const queries = useQueryClient();
  const query = clientQuery(poolId, clientId);
  const q = useQuery(query);
  const client = q.data?.UserPoolClient;
  const [tab, setTab] = useState<ClientDrawerTab>("settings");
  const saved = (fresh: UserPoolClient) => {
    queries.setQueryData(query.queryKey, { UserPoolClient: fresh });
    onSaved();
  };
  return (
    <Drawer title={client?.ClientName ?? "App client"} onClose={onClose} testId="client-drawer" wide={tab === "hosted-ui"}>
      <QueryStatus query={q} errorTitle="Could not load the app client." loadingLabel="Loading app client…" />
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
          <ClientDrawerTabs tab={tab} onTab={setTab} />
          {tab === "settings" && (
            <div role="tabpanel" id="client-panel-settings" aria-labelledby="client-tab-settings">
              <EditClientForm key={client.LastModifiedDate} client={client} onSaved={saved} />
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
            </div>
          )}
          {tab === "hosted-ui" && (
            <div role="tabpanel" id="client-panel-hosted-ui" aria-labelledby="client-tab-hosted-ui">
              <Suspense fallback={<Spinner label="Loading the hosted UI settings…" />}>
                <HostedUiTab client={client} onSaved={saved} />
              </Suspense>
            </div>
          )}
          {tab === "secrets" && (
            <div role="tabpanel" id="client-panel-secrets" aria-labelledby="client-tab-secrets">
              <Suspense fallback={<Spinner label="Loading the secrets…" />}>
                <ClientSecretsSection client={client} onChanged={() => void q.refetch()} />
              </Suspense>
            </div>
          )}
        </>
      )}
    </Drawer>
  );
}

const CLIENT_DRAWER_TABS = [
  { id: "settings", label: "Settings" },
  { id: "hosted-ui", label: "Hosted UI" },
  { id: "secrets", label: "Secrets" },
] as const;
type ClientDrawerTab = (typeof CLIENT_DRAWER_TABS)[number]["id"];

/** The client drawer's sections as tabs (arrow keys move between them). */
function ClientDrawerTabs({ tab, onTab }: { tab: ClientDrawerTab; onTab: (t: ClientDrawerTab) => void }) {
  return (
    <div
      role="tablist"
      aria-label="App client sections"
      className="tabs drawer-tabs"
      onKeyDown={(e) => {
        const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (step === 0) return;
        e.preventDefault();
        const i = CLIENT_DRAWER_TABS.findIndex((t) => t.id === tab);
        const next = CLIENT_DRAWER_TABS[(i + step + CLIENT_DRAWER_TABS.length) % CLIENT_DRAWER_TABS.length]?.id ?? tab;
        onTab(next);
        requestAnimationFrame(() => document.getElementById(`client-tab-${next}`)?.focus());
      }}
    >
      {CLIENT_DRAWER_TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`client-tab-${t.id}`}
          aria-selected={t.id === tab}
          aria-controls={`client-panel-${t.id}`}
          tabIndex={t.id === tab ? 0 : -1}
          className={`tab${t.id === tab ? " active" : ""}`}
          onClick={() => onTab(t.id)}
          data-testid={`client-tab-${t.id}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

function EditClientForm({ client, onSaved }: { client: UserPoolClient; onSaved: (fresh: UserPoolClient) => void }) {
  const toast = useToast();
  const [initial] = useState(() => draftOfClient(client.ClientName, clientSettingsOf(client)));
  const [d, setD] = useState(initial);
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);
  const save = useFormAction((input: Operations["UpdateUserPoolClient"]["input"]) => call("UpdateUserPoolClient", input), {
    fields: CLIENT_FIELDS,
    onSuccess: (r) => {
      toast("App client saved");
      onSaved(r.UserPoolClient);
    },
  });

  const submit = () => {
    if (!save.check(clientDraftErrors(d))) return;
    save.run({
      ...clientSettingsOf(client),
      ...settingsFromDraft(d),
      UserPoolId: client.UserPoolId,
      ClientId: client.ClientId,
    });
  };

  return (
    <Section title="Settings">
      <Form
        className="settings-form"
        onSubmit={submit}
      >
        <ClientFormFields value={d} onChange={setD} errors={save.errors} />
        <SaveActions dirty={dirty} action={save} onDiscard={() => setD(initial)} saveLabel="Save app client" testId="save-client" />
      </Form>
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
  const create = useFormAction((input: Operations["CreateUserPoolClient"]["input"]) => call("CreateUserPoolClient", input), {
    fields: CLIENT_FIELDS,
    onSuccess: (r) => {
      toast(`App client ${r.UserPoolClient.ClientName} created`);
      onCreated(r.UserPoolClient);
    },
  });
  const errors = create.errors;

  const submit = () => {
    if (create.check(clientDraftErrors(d))) create.run({ UserPoolId: poolId, GenerateSecret: secret, ...settingsFromDraft(d) });
  };

  return (
    <Dialog title="Create app client" onClose={onClose} wide testId="create-client-dialog">
      <Form
        className="dialog-body"
        onSubmit={submit}
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
        {create.general && <ErrorBanner error={create.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.busy} data-testid="create-client-submit">
            Create app client
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
