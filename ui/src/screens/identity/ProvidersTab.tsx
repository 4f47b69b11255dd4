import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { IdentityPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { Form, SaveActions, Section } from "../../components/ui";
import { providerMembers, providersOf } from "../../lib/identityProviders";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call } from "../../platform";
import { PROVIDER_FIELDS, ProvidersFields } from "./ProvidersFields";

/** The providers the pool trusts, saved with UpdateIdentityPool (the rest of the pool as it is). */
export function ProvidersTab({ pool }: { pool: IdentityPool }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [initial] = useState(() => providersOf(pool));
  const [d, setD] = useState(initial);
  const dirty = JSON.stringify(providerMembers(d)) !== JSON.stringify(providerMembers(initial));
  const unsaved = useUnsavedGuard(dirty, "the trusted providers");
  const save = useFormAction((input: IdentityPool) => call("UpdateIdentityPool", input), {
    fields: PROVIDER_FIELDS,
    onSuccess: (r) => {
      queries.setQueryData(["identity-pool", r.IdentityPoolId], r);
      void queries.invalidateQueries({ queryKey: ["identity-pools"] });
      toast("Trusted providers saved");
    },
  });
  const submit = () => {
    const missing = d.userPools.some((t) => t.userPoolId !== "" && t.clientIds.length === 0);
    if (!save.check(missing ? { CognitoIdentityProviders: "Choose at least one app client of each user pool." } : {})) return;
    save.run({ ...pool, ...providerMembers(d) });
  };
  return (
    <Section title="Trusted providers" testId="identity-pool-providers">
      {unsaved.prompt}
      <Form className="settings-form" onSubmit={submit}>
        <ProvidersFields value={d} onChange={setD} errors={save.errors} developerLocked={pool.DeveloperProviderName !== undefined} />
        <SaveActions dirty={dirty} action={save} onDiscard={() => setD(initial)} saveLabel="Save providers" testId="providers-save" />
      </Form>
    </Section>
  );
}
