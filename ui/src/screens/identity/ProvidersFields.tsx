import { useQuery } from "@tanstack/react-query";
import { Button, Check, Field } from "../../components/ui";
import { SOCIAL, newUserPoolTrust, type ProvidersDraft, type UserPoolTrust } from "../../lib/identityProviders";
import { userPoolClientsQuery, userPoolsQuery } from "./queries";

export const PROVIDER_FIELDS = [
  "CognitoIdentityProviders",
  "SupportedLoginProviders",
  "DeveloperProviderName",
  "OpenIdConnectProviderARNs",
  "SamlProviderARNs",
] as const;

function UserPoolRow({
  trust,
  index,
  onChange,
  onRemove,
}: {
  trust: UserPoolTrust;
  index: number;
  onChange: (t: UserPoolTrust) => void;
  onRemove: () => void;
}) {
  const pools = useQuery(userPoolsQuery);
  const clients = useQuery({ ...userPoolClientsQuery(trust.userPoolId), enabled: trust.userPoolId !== "" });
  const known = pools.data?.some((p) => p.Id === trust.userPoolId) ?? false;
  return (
    <div className="idp-trust" data-testid="trust-user-pool">
      <div className="idp-trust-head">
        <Field label={`User pool ${index + 1}`}>
          {(p) => (
            <select
              {...p}
              value={trust.userPoolId}
              onChange={(e) => onChange({ ...trust, userPoolId: e.target.value, clientIds: [] })}
              data-testid="trust-user-pool-select"
            >
              <option value="">Choose a user pool…</option>
              {trust.userPoolId !== "" && !known && <option value={trust.userPoolId}>{trust.userPoolId}</option>}
              {(pools.data ?? []).map((up) => (
                <option key={up.Id} value={up.Id}>
                  {up.Name} ({up.Id})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button variant="ghost" className="btn-small" onClick={onRemove} aria-label={`Remove user pool ${index + 1}`}>
          Remove
        </Button>
      </div>
      {trust.userPoolId !== "" && (
        <div className="idp-trust-clients" role="group" aria-label="App clients whose ID tokens are accepted">
          <span className="inline-label">App clients:</span>
          {clients.isFetching && clients.data === undefined && <span className="muted">Loading app clients…</span>}
          {clients.data?.length === 0 && <span className="muted">This user pool has no app client yet.</span>}
          {(clients.data ?? []).map((c) => (
            <Check
              key={c.ClientId}
              label={
                <>
                  {c.ClientName} <span className="mono muted">{c.ClientId}</span>
                </>
              }
              checked={trust.clientIds.includes(c.ClientId)}
              onChange={(on) =>
                onChange({
                  ...trust,
                  clientIds: on ? [...trust.clientIds.filter((x) => x !== c.ClientId), c.ClientId] : trust.clientIds.filter((x) => x !== c.ClientId),
                })
              }
            />
          ))}
          {trust.clientIds
            .filter((id) => !(clients.data ?? []).some((c) => c.ClientId === id))
            .map((id) => (
              <Check key={id} label={<span className="mono">{id}</span>} checked onChange={() => onChange({ ...trust, clientIds: trust.clientIds.filter((x) => x !== id) })} />
            ))}
        </div>
      )}
      <Check
        label="Server-side token check"
        hint="(refuse tokens of users who signed out or were signed out)"
        checked={trust.serverSideTokenCheck}
        onChange={(on) => onChange({ ...trust, serverSideTokenCheck: on })}
      />
    </div>
  );
}

/** The providers an identity pool trusts, for the create dialog and the Providers tab. */
export function ProvidersFields({
  value,
  onChange,
  errors,
  developerLocked = false,
}: {
  value: ProvidersDraft;
  onChange: (d: ProvidersDraft) => void;
  errors: Readonly<Record<string, string>>;
  /** The developer provider name is set and cannot change (Cognito's rule). */
  developerLocked?: boolean;
}) {
  const set = <K extends keyof ProvidersDraft>(k: K, v: ProvidersDraft[K]) => onChange({ ...value, [k]: v });
  return (
    <>
      <fieldset className="fieldset" data-field="CognitoIdentityProviders">
        <legend>Poolhouse user pools</legend>
        <p className="hint">Users of these user pools sign in with an app client and bring its ID token.</p>
        {value.userPools.map((t, i) => (
          <UserPoolRow
            key={t.id}
            trust={t}
            index={i}
            onChange={(nt) => set("userPools", value.userPools.map((x) => (x.id === t.id ? nt : x)))}
            onRemove={() => set("userPools", value.userPools.filter((x) => x.id !== t.id))}
          />
        ))}
        <div>
          <Button className="btn-small" onClick={() => set("userPools", [...value.userPools, newUserPoolTrust()])} data-testid="add-user-pool">
            Add a user pool
          </Button>
        </div>
        {errors.CognitoIdentityProviders && (
          <div className="field-error" role="alert" data-testid="field-error">
            {errors.CognitoIdentityProviders}
          </div>
        )}
      </fieldset>

      <fieldset className="fieldset" data-field="SupportedLoginProviders">
        <legend>Social providers</legend>
        <div className="grid-2">
          {SOCIAL.map((s) => (
            <Field key={s.key} label={s.label} hint={`${s.hint} · ${s.key}`}>
              {(p) => (
                <input
                  {...p}
                  value={value.social[s.key] ?? ""}
                  onChange={(e) => set("social", { ...value.social, [s.key]: e.target.value })}
                  autoComplete="off"
                  spellCheck={false}
                />
              )}
            </Field>
          ))}
        </div>
        {errors.SupportedLoginProviders && (
          <div className="field-error" role="alert" data-testid="field-error">
            {errors.SupportedLoginProviders}
          </div>
        )}
      </fieldset>

      <fieldset className="fieldset">
        <legend>Other providers</legend>
        <Field
          label="Developer provider name"
          name="DeveloperProviderName"
          hint={developerLocked ? "Set once; Cognito does not let it change." : "Your own sign-in system, e.g. login.myapp (can't be changed once set)."}
          error={errors.DeveloperProviderName}
        >
          {(p) => (
            <input
              {...p}
              value={value.developer}
              disabled={developerLocked}
              onChange={(e) => set("developer", e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <div className="grid-2">
          <Field label="OpenID Connect provider ARNs" name="OpenIdConnectProviderARNs" hint="One per line." error={errors.OpenIdConnectProviderARNs}>
            {(p) => <textarea {...p} rows={2} value={value.oidc} onChange={(e) => set("oidc", e.target.value)} spellCheck={false} />}
          </Field>
          <Field label="SAML provider ARNs" name="SamlProviderARNs" hint="One per line." error={errors.SamlProviderARNs}>
            {(p) => <textarea {...p} rows={2} value={value.saml} onChange={(e) => set("saml", e.target.value)} spellCheck={false} />}
          </Field>
        </div>
      </fieldset>
    </>
  );
}
