import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { UserPoolClient } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog, Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, EmptyState, ErrorBanner, Field, Form, Section, Spinner } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";
import { resourceServersQuery, type ResourceServerScope, type ResourceServerType } from "./queries";

/** Cognito's quota of resource servers per pool. */
const MAX_SERVERS = 25;

/** A pool's resource servers and their custom scopes (`<identifier>/<scope>`). */
export function ResourceServersSection({ poolId }: { poolId: string }) {
  const q = useQuery(resourceServersQuery(poolId));
  const servers = q.data ?? [];
  const [editing, setEditing] = useState<ResourceServerType | "new">();
  const [deleting, setDeleting] = useState<ResourceServerType>();
  const full = servers.length >= MAX_SERVERS;
  const reload = () => void q.refetch();

  return (
    <Section
      title="Resource servers"
      testId="resource-servers"
      actions={
        <Button
          variant="primary"
          onClick={() => setEditing("new")}
          disabled={!q.data || full}
          title={full ? `A pool may have at most ${MAX_SERVERS} resource servers.` : undefined}
          data-testid="create-resource-server"
        >
          Create resource server
        </Button>
      }
    >
      <p className="section-intro muted">
        An API the pool&apos;s tokens are for. Its scopes (<span className="mono">identifier/scope</span>) can be allowed to app
        clients and land in access tokens&apos; <span className="mono">scope</span> claim, as machine-to-machine clients need.
      </p>
      <QueryStatus query={q} errorTitle="Could not list the resource servers." loadingLabel="Loading resource servers…" />
      {q.data && servers.length === 0 && (
        <EmptyState title="No resource servers">Create one to give app clients custom scopes.</EmptyState>
      )}
      {servers.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="resource-servers-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Identifier</th>
                <th>Scopes</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {servers.map((s) => (
                <tr key={s.Identifier}>
                  <td>
                    <button type="button" className="link-btn strong-link" onClick={() => setEditing(s)}>
                      {s.Name}
                    </button>
                  </td>
                  <td className="mono oauth-break">{s.Identifier}</td>
                  <td>
                    {s.Scopes.length === 0 ? (
                      <span className="muted">None</span>
                    ) : (
                      <ul className="oauth-scope-list">
                        {s.Scopes.map((sc) => (
                          <li key={sc.ScopeName} title={sc.ScopeDescription}>
                            <span className="mono">{sc.ScopeName}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="actions">
                    <Button variant="ghost" className="btn-small" onClick={() => setEditing(s)} aria-label={`Edit ${s.Name}`}>
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      className="btn-small danger-text"
                      onClick={() => setDeleting(s)}
                      aria-label={`Delete ${s.Name}`}
                    >
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <ResourceServerDialog
          poolId={poolId}
          server={editing === "new" ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            reload();
          }}
        />
      )}
      {deleting && (
        <DeleteResourceServer
          poolId={poolId}
          server={deleting}
          onClose={() => setDeleting(undefined)}
          onDeleted={reload}
        />
      )}
    </Section>
  );
}

type ScopeRow = { ScopeName: string; ScopeDescription: string };

const SERVER_FIELDS = ["Identifier", "Name", "Scopes"];

/** The request members a scope row's messages come under. */
function scopeFields(rows: readonly ScopeRow[]): string[] {
  return rows.flatMap((_, i) => [`Scopes[${i}].ScopeName`, `Scopes[${i}].ScopeDescription`]);
}

/** What the core would refuse in the scope rows (domain::oauth::validate_scopes), by member. */
export function scopeProblems(rows: readonly ScopeRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  rows.forEach((r, i) => {
    const n = r.ScopeName.trim();
    if (n === "") out[`Scopes[${i}].ScopeName`] = "Enter a scope name, or remove this row.";
    else if (!/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/.test(n)) {
      out[`Scopes[${i}].ScopeName`] = "Printable ASCII without spaces, \", / or \\.";
    } else if (rows.slice(0, i).some((o) => o.ScopeName.trim() === n)) out[`Scopes[${i}].ScopeName`] = "This scope is listed twice.";
    const d = r.ScopeDescription.trim();
    if (d === "" || [...d].length > 256) out[`Scopes[${i}].ScopeDescription`] = "Describe the scope (1–256 characters).";
  });
  return out;
}

function ResourceServerDialog({
  poolId,
  server,
  onClose,
  onSaved,
}: {
  poolId: string;
  server: ResourceServerType | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const toast = useToast();
  const [identifier, setIdentifier] = useState(server?.Identifier ?? "");
  const [name, setName] = useState(server?.Name ?? "");
  const [rows, setRows] = useState<ScopeRow[]>(() =>
    server ? server.Scopes.map((s) => ({ ...s })) : [{ ScopeName: "", ScopeDescription: "" }],
  );
  const save = useFormAction(
    (input: { Identifier: string; Name: string; Scopes: ResourceServerScope[] }) =>
      call(server ? "UpdateResourceServer" : "CreateResourceServer", { UserPoolId: poolId, ...input }),
    {
      fields: [...SERVER_FIELDS, ...scopeFields(rows)],
      onSuccess: (r) => {
        toast(`Resource server ${r.ResourceServer.Name} ${server ? "saved" : "created"}`);
        onSaved();
      },
    },
  );
  const setRow = (i: number, patch: Partial<ScopeRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = () => {
    const problems = scopeProblems(rows);
    if (identifier.trim() === "") problems.Identifier = "Enter an identifier, for example https://api.example.com.";
    if (name.trim() === "") problems.Name = "Enter a name.";
    if (!save.check(problems)) return;
    save.run({
      Identifier: identifier.trim(),
      Name: name.trim(),
      Scopes: rows.map((r) => ({ ScopeName: r.ScopeName.trim(), ScopeDescription: r.ScopeDescription.trim() })),
    });
  };

  return (
    <Dialog title={server ? `Edit ${server.Name}` : "Create resource server"} onClose={onClose} wide testId="resource-server-dialog">
      <Form className="dialog-body" onSubmit={submit}>
        <div className="row">
          <Field
            label="Identifier"
            name="Identifier"
            hint={server ? "Fixed when the server is created." : "Usually the API's URL; scopes are named identifier/scope."}
            error={save.errors.Identifier}
          >
            {(p) => (
              <input
                {...p}
                autoFocus={!server}
                readOnly={server !== undefined}
                className="mono"
                spellCheck={false}
                autoComplete="off"
                placeholder="https://api.example.com"
                value={identifier}
                onChange={(e) => setIdentifier(e.target.value)}
                data-testid="rs-identifier"
              />
            )}
          </Field>
          <Field label="Name" name="Name" error={save.errors.Name}>
            {(p) => <input {...p} autoFocus={server !== undefined} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} data-testid="rs-name" />}
          </Field>
        </div>
        <fieldset className="fieldset">
          <legend>Scopes</legend>
          {rows.length === 0 && <p className="muted">No scopes: app clients can be given none of this server&apos;s.</p>}
          {rows.map((r, i) => (
            <div className="oauth-scope-row" key={i} data-testid="rs-scope-row">
              <Field label={`Scope ${i + 1} name`} name={`Scopes[${i}].ScopeName`} error={save.errors[`Scopes[${i}].ScopeName`]}>
                {(p) => (
                  <input
                    {...p}
                    className="mono"
                    spellCheck={false}
                    autoComplete="off"
                    placeholder="read"
                    value={r.ScopeName}
                    onChange={(e) => setRow(i, { ScopeName: e.target.value })}
                    data-testid="rs-scope-name"
                  />
                )}
              </Field>
              <Field
                label={`Scope ${i + 1} description`}
                name={`Scopes[${i}].ScopeDescription`}
                className="grow"
                error={save.errors[`Scopes[${i}].ScopeDescription`]}
              >
                {(p) => (
                  <input
                    {...p}
                    autoComplete="off"
                    placeholder="Read the orders"
                    value={r.ScopeDescription}
                    onChange={(e) => setRow(i, { ScopeDescription: e.target.value })}
                    data-testid="rs-scope-description"
                  />
                )}
              </Field>
              <Button
                variant="ghost"
                className="btn-small danger-text oauth-row-remove"
                onClick={() => setRows(rows.filter((_, j) => j !== i))}
                aria-label={`Remove scope ${r.ScopeName || i + 1}`}
              >
                Remove
              </Button>
            </div>
          ))}
          {save.errors.Scopes && (
            <div className="field-error" role="alert">
              {save.errors.Scopes}
            </div>
          )}
          <Button
            className="btn-small"
            onClick={() => setRows([...rows, { ScopeName: "", ScopeDescription: "" }])}
            disabled={rows.length >= 100}
            data-testid="rs-add-scope"
          >
            Add scope
          </Button>
        </fieldset>
        {save.general && <ErrorBanner error={save.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.busy} data-testid="rs-save">
            {server ? "Save resource server" : "Create resource server"}
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}

/** The pool's app clients whose AllowedOAuthScopes name one of the server's scopes. */
async function clientsUsing(poolId: string, server: ResourceServerType): Promise<Array<{ client: UserPoolClient; scopes: string[] }>> {
  const prefix = `${server.Identifier}/`;
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await call("ListUserPoolClients", { UserPoolId: poolId, MaxResults: 60, NextToken: token });
    ids.push(...page.UserPoolClients.map((c) => c.ClientId));
    token = page.NextToken;
  } while (token);
  const described = await Promise.all(ids.map((id) => call("DescribeUserPoolClient", { UserPoolId: poolId, ClientId: id })));
  return described
    .map((d) => ({
      client: d.UserPoolClient,
      scopes: (d.UserPoolClient.AllowedOAuthScopes ?? []).filter((s) => s.startsWith(prefix) && !s.slice(prefix.length).includes("/")),
    }))
    .filter((u) => u.scopes.length > 0);
}

function DeleteResourceServer({
  poolId,
  server,
  onClose,
  onDeleted,
}: {
  poolId: string;
  server: ResourceServerType;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const toast = useToast();
  const users = useQuery({
    queryKey: ["resource-server-users", poolId, server.Identifier],
    queryFn: () => clientsUsing(poolId, server),
    gcTime: 0,
  });
  return (
    <ConfirmDialog
      title={`Delete resource server ${server.Name}?`}
      confirmLabel="Delete resource server"
      onClose={onClose}
      onConfirm={async () => {
        await call("DeleteResourceServer", { UserPoolId: poolId, Identifier: server.Identifier });
        toast(`Resource server ${server.Name} deleted`);
        onDeleted();
      }}
    >
      <p>
        Its scopes (<span className="mono">{server.Identifier}/…</span>) will no longer be granted. This can&apos;t be undone.
      </p>
      {users.isPending && <Spinner label="Looking for app clients that use its scopes…" />}
      {users.error && <ErrorBanner error={users.error} title="Could not check which app clients use its scopes." />}
      {users.data && users.data.length === 0 && <p className="muted">No app client is allowed any of its scopes.</p>}
      {users.data && users.data.length > 0 && (
        <div className="warn-text" data-testid="rs-delete-users">
          <p>
            {users.data.length === 1 ? "This app client is" : "These app clients are"} allowed its scopes. They keep naming them, and
            saving them is refused until those scopes are taken out (their Hosted UI tab marks them):
          </p>
          <ul className="confirm-list">
            {users.data.map((u) => (
              <li key={u.client.ClientId}>
                <strong>{u.client.ClientName}</strong>: <span className="mono">{u.scopes.join(", ")}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </ConfirmDialog>
  );
}

