import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, Check, ErrorBanner, Field, Form } from "../../components/ui";
import { emptyProviders, newUserPoolTrust, providerMembers } from "../../lib/identityProviders";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";
import { PROVIDER_FIELDS, ProvidersFields } from "./ProvidersFields";

const FIELDS = ["IdentityPoolName", "AllowUnauthenticatedIdentities", "AllowClassicFlow", ...PROVIDER_FIELDS] as const;

export function CreateIdentityPoolDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const [guests, setGuests] = useState(false);
  const [classic, setClassic] = useState(false);
  // Trusting a user pool is the usual start: one row is ready to fill.
  const [providers, setProviders] = useState(() => ({ ...emptyProviders(), userPools: [newUserPoolTrust()] }));
  const create = useFormAction((input: Operations["CreateIdentityPool"]["input"]) => call("CreateIdentityPool", input), {
    fields: FIELDS,
    onSuccess: (r) => {
      queries.setQueryData(["identity-pool", r.IdentityPoolId], r);
      void queries.invalidateQueries({ queryKey: ["identity-pools"] });
      toast(`Identity pool ${r.IdentityPoolName} created`);
      onCreated(r.IdentityPoolId);
    },
  });
  const errors = create.errors;

  const submit = () => {
    const local: Record<string, string> = {};
    if (name.trim() === "") local.IdentityPoolName = "Enter a name for the identity pool.";
    const missingClients = providers.userPools.some((t) => t.userPoolId !== "" && t.clientIds.length === 0);
    if (missingClients) local.CognitoIdentityProviders = "Choose at least one app client of each user pool.";
    if (!create.check(local)) return;
    create.run({
      IdentityPoolName: name.trim(),
      AllowUnauthenticatedIdentities: guests,
      AllowClassicFlow: classic,
      ...providerMembers(providers),
    });
  };

  return (
    <Dialog title="Create identity pool" onClose={onClose} wide testId="create-identity-pool-dialog">
      <Form className="dialog-body" onSubmit={submit}>
        <Field label="Name" name="IdentityPoolName" hint="1–128 letters, digits, spaces, + = , . @ -" error={errors.IdentityPoolName}>
          {(p) => <input {...p} autoFocus value={name} maxLength={256} onChange={(e) => setName(e.target.value)} data-testid="identity-pool-name" />}
        </Field>
        <fieldset className="fieldset">
          <legend>Access</legend>
          <Check
            label="Allow guests"
            hint="(unauthenticated identities get the unauthenticated role)"
            checked={guests}
            onChange={setGuests}
          />
          <Check label="Allow the basic (classic) flow" hint="(GetOpenIdToken, then STS yourself)" checked={classic} onChange={setClassic} />
        </fieldset>
        <ProvidersFields value={providers} onChange={setProviders} errors={errors} />
        {create.general && <ErrorBanner error={create.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.busy} data-testid="create-identity-pool-submit">
            Create identity pool
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
