import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { IdentityPool } from "../../api/types";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, Check, Facts, Field, Form, SaveActions, Section } from "../../components/ui";
import { providerCount } from "../../lib/identityProviders";
import { navigate } from "../../lib/router";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call } from "../../platform";

const FIELDS = ["IdentityPoolName", "AllowUnauthenticatedIdentities", "AllowClassicFlow"] as const;

function SettingsForm({ pool }: { pool: IdentityPool }) {
  const toast = useToast();
  const queries = useQueryClient();
  const initial = { name: pool.IdentityPoolName, guests: pool.AllowUnauthenticatedIdentities, classic: pool.AllowClassicFlow ?? false };
  const [d, setD] = useState(initial);
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);
  const unsaved = useUnsavedGuard(dirty, "the identity pool's settings");
  const save = useFormAction((input: IdentityPool) => call("UpdateIdentityPool", input), {
    fields: FIELDS,
    onSuccess: (r) => {
      queries.setQueryData(["identity-pool", r.IdentityPoolId], r);
      void queries.invalidateQueries({ queryKey: ["identity-pools"] });
      toast("Identity pool settings saved");
    },
  });
  const submit = () => {
    if (!save.check(d.name.trim() === "" ? { IdentityPoolName: "Enter a name for the identity pool." } : {})) return;
    save.run({ ...pool, IdentityPoolName: d.name.trim(), AllowUnauthenticatedIdentities: d.guests, AllowClassicFlow: d.classic });
  };
  return (
    <Section title="Settings" testId="identity-pool-settings">
      {unsaved.prompt}
      <Form className="settings-form" onSubmit={submit}>
        <Field label="Name" name="IdentityPoolName" error={save.errors.IdentityPoolName}>
          {(p) => <input {...p} value={d.name} maxLength={256} onChange={(e) => setD({ ...d, name: e.target.value })} data-testid="identity-pool-name-edit" />}
        </Field>
        <Check
          label="Allow guests"
          hint="(unauthenticated identities get the unauthenticated role)"
          checked={d.guests}
          onChange={(guests) => setD({ ...d, guests })}
        />
        <Check label="Allow the basic (classic) flow" checked={d.classic} onChange={(classic) => setD({ ...d, classic })} />
        <SaveActions dirty={dirty} action={save} onDiscard={() => setD(initial)} saveLabel="Save settings" testId="identity-pool-settings-save" />
      </Form>
    </Section>
  );
}

export function OverviewTab({ pool }: { pool: IdentityPool }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  return (
    <div className="overview" data-testid="identity-pool-overview">
      <Section title="About">
        <Facts
          items={[
            ["Identity pool ID", <span className="mono">{pool.IdentityPoolId}</span>],
            ["Guests", pool.AllowUnauthenticatedIdentities ? "Allowed" : "Not allowed"],
            ["Basic (classic) flow", pool.AllowClassicFlow ? "Allowed" : "Not allowed"],
            ["Trusted providers", String(providerCount(pool))],
            ["Developer provider", pool.DeveloperProviderName],
          ]}
        />
      </Section>
      <SettingsForm key={JSON.stringify(pool)} pool={pool} />
      <Section title="Delete">
        <div className="danger-row">
          <p>Deleting the identity pool removes its roles, role mappings and principal tags. Apps using it can no longer get credentials.</p>
          <Button variant="danger" onClick={() => setDeleting(true)} data-testid="delete-identity-pool">
            Delete identity pool
          </Button>
        </div>
      </Section>
      {deleting && (
        <ConfirmDialog
          title={`Delete identity pool ${pool.IdentityPoolName}?`}
          confirmLabel="Delete identity pool"
          typeToConfirm={pool.IdentityPoolName}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await call("DeleteIdentityPool", { IdentityPoolId: pool.IdentityPoolId });
            queries.removeQueries({ queryKey: ["identity-pool", pool.IdentityPoolId] });
            void queries.invalidateQueries({ queryKey: ["identity-pools"] });
            toast(`Identity pool ${pool.IdentityPoolName} deleted`);
            navigate({ screen: "identity-pools" });
          }}
        >
          <p>
            <strong>{pool.IdentityPoolName}</strong> (<span className="mono">{pool.IdentityPoolId}</span>) and its roles, role mappings and
            principal tags will be deleted. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
