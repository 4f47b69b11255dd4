import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { ConfirmDialog, Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Field, Form } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";

type Backend = Operations["ListBackends"]["output"]["Backends"][number];

export const backendsQuery = { queryKey: ["backends"], queryFn: () => call("ListBackends", {}) } as const;

/** The workspace's backends: the built-in one and AWS-compatible endpoints. */
export function BackendsSection() {
  const q = useQuery(backendsQuery);
  const queries = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Backend | "new" | null>(null);
  const [deleting, setDeleting] = useState<Backend | null>(null);
  const backends = q.data?.Backends ?? [];
  return (
    <details className="exchange-backends" data-testid="backends-section">
      <summary>Backends ({backends.length})</summary>
      {q.error && <ErrorBanner error={q.error} />}
      <div className="table-wrap">
        <table className="table table-compact" data-testid="backends-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Region</th>
              <th>URL</th>
              <th>Signs admin calls with</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {backends.map((b) => (
              <tr key={b.Name} data-testid="backend-row">
                <td>
                  {b.Name} {b.BuiltIn && <span className="pill pill-info">built-in</span>}
                </td>
                <td>{b.Region}</td>
                <td className="mono exchange-url">{b.Url ?? <span className="muted">started when needed</span>}</td>
                <td className="mono">{b.AccessKeyId ?? <span className="muted">unsigned</span>}</td>
                <td className="exchange-row-actions">
                  {!b.BuiltIn && (
                    <>
                      <Button variant="ghost" className="btn-small" onClick={() => setEditing(b)}>
                        Edit
                      </Button>
                      <Button variant="ghost" className="btn-small" onClick={() => setDeleting(b)}>
                        Delete
                      </Button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Button onClick={() => setEditing("new")} data-testid="add-backend">
        Add backend
      </Button>
      {editing && <BackendDialog backend={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete backend ${deleting.Name}?`}
          confirmLabel={`Delete ${deleting.Name}`}
          tone="danger"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await call("DeleteBackend", { Name: deleting.Name });
            await queries.invalidateQueries({ queryKey: ["backends"] });
            toast(`Backend ${deleting.Name} deleted`);
          }}
        >
          <p>Its sealed access key is forgotten. Runs made against it stay in the history.</p>
        </ConfirmDialog>
      )}
    </details>
  );
}

const FIELDS = ["Name", "Region", "Url", "AccessKeyId", "SecretAccessKey"] as const;

function BackendDialog({ backend, onClose }: { backend: Backend | undefined; onClose: () => void }) {
  const queries = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(backend?.Name ?? "");
  const [region, setRegion] = useState(backend?.Region ?? "us-east-1");
  const [url, setUrl] = useState(backend?.Url ?? "");
  const [keyId, setKeyId] = useState("");
  const [secret, setSecret] = useState("");
  const save = useFormAction(
    (input: Operations["CreateBackend"]["input"]) =>
      backend ? call("UpdateBackend", input).then(() => undefined) : call("CreateBackend", input).then(() => undefined),
    {
      fields: FIELDS,
      onSuccess: () => {
        void queries.invalidateQueries({ queryKey: ["backends"] });
        toast(backend ? `Backend ${name} saved` : `Backend ${name} added`);
        onClose();
      },
    },
  );
  const submit = () => {
    const local: Record<string, string> = {};
    if (name.trim() === "") local.Name = "Name the backend.";
    if (url.trim() === "") local.Url = "Enter the endpoint's URL (http://127.0.0.1:5000).";
    if ((keyId === "") !== (secret === "")) local.SecretAccessKey = "Give the access key id and its secret together.";
    if (!save.check(local)) return;
    save.run({
      Name: name.trim(),
      Region: region.trim(),
      Url: url.trim(),
      ...(keyId !== "" ? { AccessKeyId: keyId.trim(), SecretAccessKey: secret } : {}),
    });
  };
  return (
    <Dialog title={backend ? `Edit backend ${backend.Name}` : "Add backend"} onClose={onClose} testId="backend-dialog">
      <Form className="dialog-body" onSubmit={submit}>
        <Field label="Name" name="Name" error={save.errors.Name}>
          {(p) => <input {...p} autoFocus={!backend} disabled={backend !== undefined} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Region" name="Region" error={save.errors.Region}>
          {(p) => <input {...p} value={region} onChange={(e) => setRegion(e.target.value)} />}
        </Field>
        <Field label="URL" name="Url" hint="An AWS-compatible endpoint (moto, LocalStack, another Poolhouse)." error={save.errors.Url}>
          {(p) => <input {...p} className="mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://127.0.0.1:5000" />}
        </Field>
        <fieldset className="fieldset">
          <legend>Access key for signed admin calls (optional)</legend>
          {backend?.AccessKeyId && (
            <p className="hint">
              Now <span className="mono">{backend.AccessKeyId}</span>; enter a new pair to replace it.
            </p>
          )}
          <Field label="Access key id" name="AccessKeyId" error={save.errors.AccessKeyId}>
            {(p) => <input {...p} className="mono" value={keyId} onChange={(e) => setKeyId(e.target.value)} autoComplete="off" />}
          </Field>
          <Field label="Secret access key" name="SecretAccessKey" hint="Kept sealed; never shown again." error={save.errors.SecretAccessKey}>
            {(p) => <input {...p} type="password" className="mono" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" />}
          </Field>
        </fieldset>
        {save.general && <ErrorBanner error={save.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.busy}>
            {backend ? "Save backend" : "Add backend"}
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
