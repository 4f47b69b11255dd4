import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { IdentityPool } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { useToast } from "../../components/toast";
import { Check, Form, SaveActions, Section } from "../../components/ui";
import { providerLabel, tagProviders } from "../../lib/identityProviders";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call } from "../../platform";
import { TagRows, rowsOf, rowsToMap, type TagRow } from "./TagRows";
import { userPoolsQuery } from "./queries";

type Draft = { useDefaults: boolean; rows: TagRow[] };

function ProviderTags({ pool, provider, label }: { pool: IdentityPool; provider: string; label: string }) {
  const key = ["principal-tags", pool.IdentityPoolId, provider];
  const q = useQuery({
    queryKey: key,
    queryFn: () => call("GetPrincipalTagAttributeMap", { IdentityPoolId: pool.IdentityPoolId, IdentityProviderName: provider }),
  });
  return (
    <Section title={label} testId="principal-tags">
      <div className="mono muted idp-key">{provider}</div>
      <QueryStatus query={q} errorTitle="Could not load the principal tags." loadingLabel="Loading principal tags…" />
      {q.data && (
        <ProviderTagsForm
          key={JSON.stringify(q.data)}
          pool={pool}
          provider={provider}
          label={label}
          initial={{ useDefaults: q.data.UseDefaults, rows: rowsOf(q.data.PrincipalTags) }}
        />
      )}
    </Section>
  );
}

function ProviderTagsForm({ pool, provider, label, initial }: { pool: IdentityPool; provider: string; label: string; initial: Draft }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [d, setD] = useState(initial);
  const dirty = JSON.stringify({ u: d.useDefaults, m: rowsToMap(d.rows) }) !== JSON.stringify({ u: initial.useDefaults, m: rowsToMap(initial.rows) });
  const unsaved = useUnsavedGuard(dirty, `the principal tags of ${label}`);
  const save = useFormAction(
    (input: Draft) =>
      call("SetPrincipalTagAttributeMap", {
        IdentityPoolId: pool.IdentityPoolId,
        IdentityProviderName: provider,
        UseDefaults: input.useDefaults,
        PrincipalTags: input.useDefaults ? {} : rowsToMap(input.rows),
      }),
    {
      fields: ["PrincipalTags", "UseDefaults"],
      onSuccess: (r) => {
        queries.setQueryData(["principal-tags", pool.IdentityPoolId, provider], r);
        toast(`Principal tags of ${label} saved`);
      },
    },
  );
  return (
    <Form className="settings-form" onSubmit={() => save.run(d)}>
      {unsaved.prompt}
      <Check
        label="Use the provider's default tags"
        hint="(client from aud, username from sub — for most providers)"
        checked={d.useDefaults}
        onChange={(useDefaults) => setD({ ...d, useDefaults })}
      />
      {!d.useDefaults && (
        <TagRows rows={d.rows} onChange={(rows) => setD({ ...d, rows })} keyLabel="Tag key" valueLabel="Claim" error={save.errors.PrincipalTags} />
      )}
      <SaveActions dirty={dirty} action={save} onDiscard={() => setD(initial)} saveLabel="Save principal tags" testId="principal-tags-save" />
    </Form>
  );
}

/** Attributes for access control: which claims become session tags, per provider. */
export function PrincipalTagsTab({ pool }: { pool: IdentityPool }) {
  const pools = useQuery(userPoolsQuery);
  const names = new Map((pools.data ?? []).map((p) => [p.Id, p.Name]));
  const providers = tagProviders(pool);
  return (
    <div className="overview" data-testid="identity-pool-principal-tags">
      <p className="section-intro">
        Principal tags turn a login&apos;s claims into session tags on its credentials, so a role&apos;s policies can say{" "}
        <code>{"${aws:PrincipalTag/dept}"}</code>.
      </p>
      {providers.length === 0 && <p className="muted">This pool trusts no provider yet.</p>}
      {providers.map((p) => (
        <ProviderTags key={p} pool={pool} provider={p} label={providerLabel(p, { pools: names })} />
      ))}
    </div>
  );
}
