import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { UserPoolClient } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, CopyButton, ErrorBanner, Field, Form, Section } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";
import "../../styles/oauth.css";
import type { ClientSecretDescriptorType } from "./queries";

/** Cognito's limit: a client holds at most two secrets, so one can be rotated without downtime. */
export const MAX_SECRETS = 2;

/**
 * An app client's secrets (AddUserPoolClientSecret, ListUserPoolClientSecrets,
 * DeleteUserPoolClientSecret): the list with ids and dates; a new secret's value is shown once,
 * right after it is made, since the core never sends it again.
 */
export function ClientSecretsSection({ client, onChanged }: { client: UserPoolClient; onChanged: () => void }) {
  const toast = useToast();
  const key = ["client-secrets", client.UserPoolId, client.ClientId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => call("ListUserPoolClientSecrets", { UserPoolId: client.UserPoolId, ClientId: client.ClientId }),
    enabled: client.ClientSecret !== undefined,
  });
  const [fresh, setFresh] = useState<ClientSecretDescriptorType>();
  const [deleting, setDeleting] = useState<ClientSecretDescriptorType>();
  const [own, setOwn] = useState("");
  const add = useFormAction(
    (chosen: string | undefined) =>
      call("AddUserPoolClientSecret", { UserPoolId: client.UserPoolId, ClientId: client.ClientId, ClientSecret: chosen }),
    {
      fields: ["ClientSecret"],
      onSuccess: (r, chosen) => {
        // A value the person typed is not sent back: only a generated one is shown.
        setFresh(chosen === undefined ? r.ClientSecretDescriptor : undefined);
        setOwn("");
        toast(chosen === undefined ? "Client secret added" : "Your client secret was added");
        void q.refetch();
        onChanged();
      },
    },
  );

  if (client.ClientSecret === undefined) {
    return (
      <Section title="Client secrets" testId="client-secrets">
        <p className="muted" data-testid="no-secrets">
          This is a public client: it has no secret, and secrets can only be given to a client when it is created (Generate a
          client secret). Apps that cannot keep a secret — in a browser or on a phone — use the authorization code flow with
          PKCE instead.
        </p>
      </Section>
    );
  }

  const secrets = q.data?.ClientSecrets ?? [];
  const full = secrets.length >= MAX_SECRETS;
  return (
    <Section
      title="Client secrets"
      testId="client-secrets"
      actions={
        <Button onClick={() => add.run(undefined)} busy={add.busy && add.input === undefined} disabled={!q.data || full || add.busy} data-testid="add-secret">
          Generate a secret
        </Button>
      }
    >
      <p className="section-intro muted">
        A client holds at most {MAX_SECRETS} secrets, so that a new one can be rolled out to the apps before the old one is
        deleted; either is accepted meanwhile. {full && <strong>Delete one to add another.</strong>}
      </p>
      {add.general && <ErrorBanner error={add.general} title="Could not add a secret." />}
      {fresh?.ClientSecretValue && (
        <div className="notice notice-warn oauth-fresh-secret" role="status" data-testid="fresh-secret">
          <div>
            <strong>Copy the new secret now: it is shown only this once.</strong>
            <div className="secret">
              <code className="mono oauth-break" data-testid="fresh-secret-value">
                {fresh.ClientSecretValue}
              </code>
              <CopyButton text={fresh.ClientSecretValue} label="Copy secret" />
            </div>
          </div>
          <Button variant="ghost" className="btn-small" onClick={() => setFresh(undefined)}>
            I have copied it
          </Button>
        </div>
      )}
      <QueryStatus query={q} errorTitle="Could not list the secrets." loadingLabel="Loading secrets…" />
      {q.data && (
        <div className="table-wrap">
          <table className="table" data-testid="secrets-table">
            <thead>
              <tr>
                <th>Secret ID</th>
                <th>Created</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((s) => (
                <tr key={s.ClientSecretId}>
                  <td className="mono oauth-break">{s.ClientSecretId}</td>
                  <td>{formatDateTime(s.ClientSecretCreateDate)}</td>
                  <td className="actions">
                    <Button
                      variant="ghost"
                      className="btn-small danger-text"
                      onClick={() => setDeleting(s)}
                      disabled={secrets.length <= 1}
                      title={secrets.length <= 1 ? "The last secret of a client cannot be deleted." : undefined}
                      aria-label={`Delete secret ${s.ClientSecretId}`}
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
      {q.data && !full && (
        <Form
          className="inline-form oauth-own-secret"
          onSubmit={() => {
            if (add.check(own.trim() === "" ? { ClientSecret: "Type the secret to add, or generate one." } : {})) add.run(own.trim());
          }}
        >
          <Field
            label="Or add a secret of your own"
            name="ClientSecret"
            className="grow"
            hint="24–64 letters, digits, _ or +; for moving an app whose secret is already set elsewhere."
            error={add.errors.ClientSecret}
          >
            {(p) => (
              <input
                {...p}
                type="password"
                className="mono"
                autoComplete="off"
                spellCheck={false}
                value={own}
                onChange={(e) => setOwn(e.target.value)}
                data-testid="own-secret"
              />
            )}
          </Field>
          <Button type="submit" busy={add.busy && add.input !== undefined} disabled={add.busy} data-testid="add-own-secret">
            Add this secret
          </Button>
        </Form>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this client secret?"
          confirmLabel="Delete secret"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await call("DeleteUserPoolClientSecret", {
              UserPoolId: client.UserPoolId,
              ClientId: client.ClientId,
              ClientSecretId: deleting.ClientSecretId,
            });
            toast("Client secret deleted");
            if (fresh?.ClientSecretId === deleting.ClientSecretId) setFresh(undefined);
            void q.refetch();
            onChanged();
          }}
        >
          <p>
            Apps still using the secret <span className="mono">{deleting.ClientSecretId}</span> (created{" "}
            {formatDateTime(deleting.ClientSecretCreateDate)}) can no longer sign in or get tokens. This can&apos;t be undone.
          </p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
