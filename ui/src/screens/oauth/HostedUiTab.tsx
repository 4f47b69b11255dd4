import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { OAuthFlow, Operations, UserPoolClient } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { useToast } from "../../components/toast";
import { Button, Check, Field, Form, SaveActions, Section, Switch } from "../../components/ui";
import { clientSettingsOf } from "../../lib/poolSettings";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call } from "../../platform";
import "../../styles/oauth.css";
import { AuthorizeUrlPanel } from "./AuthorizeUrlPanel";
import {
  COGNITO_PROVIDER,
  MAX_URLS,
  STANDARD_SCOPES,
  STANDARD_SCOPE_HINTS,
  draftOf,
  flowBlocked,
  hostedUiFields,
  hostedUiProblems,
  settingsOf,
  toggled,
  urlProblem,
  type HostedUiDraft,
} from "./hostedUi";
import { customScopes, identityProviderNamesQuery, resourceServersQuery } from "./queries";

const FLOWS: ReadonlyArray<{ value: OAuthFlow; label: string; hint: string }> = [
  { value: "code", label: "Authorization code", hint: "the browser gets a code, the app trades it for tokens (with PKCE)" },
  { value: "implicit", label: "Implicit", hint: "tokens straight in the redirect's fragment; for old single-page apps" },
  {
    value: "client_credentials",
    label: "Client credentials",
    hint: "machine to machine: the app signs in as itself with its secret and gets an access token with custom scopes",
  },
];

/**
 * An app client's hosted UI and OAuth 2.0 settings (callback and logout URLs, flows, scopes,
 * identity providers), saved with UpdateUserPoolClient together with the client's other
 * settings as they are, and a ready-made authorize URL for the saved settings.
 */
export function HostedUiTab({ client, onSaved }: { client: UserPoolClient; onSaved: (fresh: UserPoolClient) => void }) {
  return (
    <div className="oauth-hosted" data-testid="hosted-ui">
      {/* Both start afresh from each saved version (siblings need keys of their own). */}
      <HostedUiForm key={`form-${client.LastModifiedDate}`} client={client} onSaved={onSaved} />
      <AuthorizeUrlPanel key={`try-${client.LastModifiedDate}`} client={client} />
    </div>
  );
}

function HostedUiForm({ client, onSaved }: { client: UserPoolClient; onSaved: (fresh: UserPoolClient) => void }) {
  const toast = useToast();
  const [initial] = useState(() => draftOf(client));
  const [d, setD] = useState<HostedUiDraft>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);
  const unsaved = useUnsavedGuard(dirty, "this app client's hosted UI settings");
  const hasSecret = client.ClientSecret !== undefined;
  const servers = useQuery(resourceServersQuery(client.UserPoolId));
  const poolProviders = useQuery(identityProviderNamesQuery(client.UserPoolId));
  const save = useFormAction((input: Operations["UpdateUserPoolClient"]["input"]) => call("UpdateUserPoolClient", input), {
    fields: hostedUiFields(d),
    onSuccess: (r) => {
      toast("Hosted UI settings saved");
      onSaved(r.UserPoolClient);
    },
  });
  const set = <K extends keyof HostedUiDraft>(k: K, v: HostedUiDraft[K]) => setD((old) => ({ ...old, [k]: v }));
  const submit = () => {
    setTouched(new Set());
    if (!save.check(hostedUiProblems(d, hasSecret))) return;
    save.run({
      ...clientSettingsOf(client),
      ...settingsOf(d),
      ClientName: client.ClientName,
      UserPoolId: client.UserPoolId,
      ClientId: client.ClientId,
    });
  };
  /** A row's message: the last check's, else (once the row was left) what the core would say. */
  const rowError = (key: string, value: string) =>
    save.errors[key] ?? (touched.has(key) && value.trim() !== "" ? urlProblem(value.trim()) : undefined);
  const touch = (key: string) => setTouched((t) => new Set(t).add(key));

  const known = new Set<string>([...STANDARD_SCOPES, ...customScopes(servers.data ?? []).map((c) => c.scope)]);
  const unknownScopes = servers.data ? d.AllowedOAuthScopes.filter((s) => !known.has(s)) : [];
  // COGNITO, the pool's providers, and any the client still lists that the pool no longer has.
  const providers = [
    ...new Set([COGNITO_PROVIDER, ...(poolProviders.data ?? []), ...d.SupportedIdentityProviders]),
  ];
  const callbacks = d.CallbackURLs.map((u) => u.trim()).filter((u) => u !== "" && urlProblem(u) === undefined);

  return (
    <Section title="Hosted UI and OAuth 2.0" testId="hosted-ui-settings">
      {unsaved.prompt}
      <Form onSubmit={submit} className="settings-form">
        <div className="switch-row">
          <label htmlFor="oauth-switch">
            <strong>Allow OAuth 2.0 flows</strong>{" "}
            <span className="muted">(the hosted sign-in pages and /oauth2/token for this client)</span>
          </label>
          <Switch
            id="oauth-switch"
            checked={d.AllowedOAuthFlowsUserPoolClient}
            onChange={(on) =>
              setD((old) => ({
                ...old,
                AllowedOAuthFlowsUserPoolClient: on,
                // A client turned to the hosted pages offers the pool's own users unless told otherwise.
                SupportedIdentityProviders:
                  on && old.SupportedIdentityProviders.length === 0 ? [COGNITO_PROVIDER] : old.SupportedIdentityProviders,
              }))
            }
            data-testid="oauth-enabled"
          />
        </div>
        {save.errors.AllowedOAuthFlowsUserPoolClient && (
          <div className="field-error" role="alert">
            {save.errors.AllowedOAuthFlowsUserPoolClient}
          </div>
        )}

        <UrlRows
          field="CallbackURLs"
          legend="Callback URLs"
          intro="Where the hosted pages may send the user back with a code or tokens; a redirect_uri must match one exactly."
          addLabel="Add callback URL"
          rows={d.CallbackURLs}
          onChange={(rows) => {
            setD((old) => ({
              ...old,
              CallbackURLs: rows,
              // The default must stay one of the callbacks.
              DefaultRedirectURI: rows.map((u) => u.trim()).includes(old.DefaultRedirectURI) ? old.DefaultRedirectURI : "",
            }));
          }}
          groupError={save.errors.CallbackURLs}
          rowError={rowError}
          onLeave={touch}
        />
        <Field
          label="Default redirect URI"
          name="DefaultRedirectURI"
          hint="Used when a request names no redirect_uri; one of the callback URLs."
          error={save.errors.DefaultRedirectURI}
        >
          {(p) => (
            <select {...p} value={d.DefaultRedirectURI} onChange={(e) => set("DefaultRedirectURI", e.target.value)} data-testid="default-redirect">
              <option value="">None</option>
              {callbacks.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          )}
        </Field>
        <UrlRows
          field="LogoutURLs"
          legend="Sign-out URLs"
          intro="Where /logout may send the user afterwards (logout_uri must match one exactly)."
          addLabel="Add sign-out URL"
          rows={d.LogoutURLs}
          onChange={(rows) => set("LogoutURLs", rows)}
          groupError={save.errors.LogoutURLs}
          rowError={rowError}
          onLeave={touch}
        />

        {d.AllowedOAuthFlowsUserPoolClient && (
          <>
            <fieldset className="fieldset" data-field="AllowedOAuthFlows">
              <legend>OAuth flows</legend>
              <div className="checks checks-column">
                {FLOWS.map((f) => {
                  const blocked = flowBlocked(f.value, d.AllowedOAuthFlows, hasSecret);
                  const checked = d.AllowedOAuthFlows.includes(f.value);
                  return (
                    <Check
                      key={f.value}
                      label={
                        <>
                          {f.label} <span className="mono muted">({f.value})</span>
                        </>
                      }
                      hint={blocked && !checked ? `— ${blocked}` : `— ${f.hint}`}
                      checked={checked}
                      disabled={blocked !== undefined && !checked}
                      onChange={(on) => set("AllowedOAuthFlows", toggled(d.AllowedOAuthFlows, f.value, on))}
                    />
                  );
                })}
              </div>
              <p className="hint oauth-rule" data-testid="client-credentials-rule">
                Client credentials stands alone: it cannot be combined with the browser flows, and only a client with a secret
                may use it{hasSecret ? " (this one has one)" : " — this client has none, and a secret can only be given when a client is created"}.
              </p>
              {save.errors.AllowedOAuthFlows && (
                <div className="field-error" role="alert" data-testid="field-error">
                  {save.errors.AllowedOAuthFlows}
                </div>
              )}
            </fieldset>

            <fieldset className="fieldset" data-field="AllowedOAuthScopes">
              <legend>Scopes</legend>
              <div className="oauth-scope-group" role="group" aria-label="Standard scopes">
                <div className="inline-label">Standard</div>
                {STANDARD_SCOPES.map((s) => (
                  <Check
                    key={s}
                    label={<span className="mono">{s}</span>}
                    hint={`— ${STANDARD_SCOPE_HINTS[s]}`}
                    checked={d.AllowedOAuthScopes.includes(s)}
                    onChange={(on) => set("AllowedOAuthScopes", toggled(d.AllowedOAuthScopes, s, on))}
                  />
                ))}
              </div>
              <QueryStatus query={servers} errorTitle="Could not list the resource servers." loadingLabel="Loading custom scopes…" />
              {(servers.data ?? []).map((server) => (
                <div className="oauth-scope-group" role="group" aria-label={`Scopes of ${server.Name}`} key={server.Identifier}>
                  <div className="inline-label">
                    {server.Name} <span className="mono muted">{server.Identifier}</span>
                  </div>
                  {server.Scopes.length === 0 && <span className="muted">No scopes defined.</span>}
                  {server.Scopes.map((sc) => {
                    const scope = `${server.Identifier}/${sc.ScopeName}`;
                    return (
                      <Check
                        key={scope}
                        label={<span className="mono">{sc.ScopeName}</span>}
                        hint={`— ${sc.ScopeDescription}`}
                        checked={d.AllowedOAuthScopes.includes(scope)}
                        onChange={(on) => set("AllowedOAuthScopes", toggled(d.AllowedOAuthScopes, scope, on))}
                      />
                    );
                  })}
                </div>
              ))}
              {servers.data && servers.data.length === 0 && (
                <p className="muted">Custom scopes come from the pool&apos;s resource servers (Sign-in experience › Domain &amp; OAuth).</p>
              )}
              {unknownScopes.length > 0 && (
                <div className="oauth-scope-group warn-text" role="group" aria-label="Scopes no resource server defines">
                  <div>No resource server defines these any more; untick them to save:</div>
                  {unknownScopes.map((s) => (
                    <Check
                      key={s}
                      label={<span className="mono">{s}</span>}
                      checked
                      onChange={() => set("AllowedOAuthScopes", d.AllowedOAuthScopes.filter((x) => x !== s))}
                    />
                  ))}
                </div>
              )}
              {save.errors.AllowedOAuthScopes && (
                <div className="field-error" role="alert" data-testid="field-error">
                  {save.errors.AllowedOAuthScopes}
                </div>
              )}
            </fieldset>
          </>
        )}

        <fieldset className="fieldset" data-field="SupportedIdentityProviders">
          <legend>Identity providers</legend>
          <div className="checks checks-column">
            {providers.map((p) => (
              <Check
                key={p}
                label={p === COGNITO_PROVIDER ? "Cognito user pool directory (COGNITO)" : <span className="mono">{p}</span>}
                hint={p === COGNITO_PROVIDER ? "— the pool's own users sign in with their password" : undefined}
                checked={d.SupportedIdentityProviders.includes(p)}
                onChange={(on) => set("SupportedIdentityProviders", toggled(d.SupportedIdentityProviders, p, on))}
              />
            ))}
          </div>
          {d.SupportedIdentityProviders.length === 0 && (
            <p className="hint">With none ticked, the hosted pages offer no way to sign in.</p>
          )}
          {save.errors.SupportedIdentityProviders && (
            <div className="field-error" role="alert" data-testid="field-error">
              {save.errors.SupportedIdentityProviders}
            </div>
          )}
        </fieldset>

        <SaveActions
          dirty={dirty}
          action={save}
          onDiscard={() => {
            setD(initial);
            setTouched(new Set());
          }}
          saveLabel="Save hosted UI settings"
          testId="save-hosted-ui"
        />
      </Form>
    </Section>
  );
}

/** A list of URLs, one input per row, each with its own message (`CallbackURLs[2]`). */
function UrlRows({
  field,
  legend,
  intro,
  addLabel,
  rows,
  onChange,
  groupError,
  rowError,
  onLeave,
}: {
  field: "CallbackURLs" | "LogoutURLs";
  legend: string;
  intro: string;
  addLabel: string;
  rows: string[];
  onChange: (rows: string[]) => void;
  groupError: string | undefined;
  rowError: (key: string, value: string) => string | undefined;
  onLeave: (key: string) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const add = () => {
    onChange([...rows, ""]);
    // Focus the new row once it is there.
    requestAnimationFrame(() => {
      const inputs = list.current?.querySelectorAll<HTMLInputElement>("input");
      inputs?.[inputs.length - 1]?.focus();
    });
  };
  return (
    <fieldset className="fieldset" data-field={field}>
      <legend>{legend}</legend>
      <p className="hint oauth-intro">{intro}</p>
      <div ref={list} data-testid={`${field}-rows`}>
        {rows.map((u, i) => {
          const key = `${field}[${i}]`;
          return (
            <div className="oauth-url-row" key={i}>
              <Field label={<span className="sr-only">{`${legend} ${i + 1}`}</span>} name={key} className="grow" error={rowError(key, u)}>
                {(p) => (
                  <input
                    {...p}
                    className="mono"
                    spellCheck={false}
                    autoComplete="off"
                    inputMode="url"
                    placeholder={field === "CallbackURLs" ? "https://app.example.com/callback" : "https://app.example.com/"}
                    value={u}
                    onChange={(e) => onChange(rows.map((r, j) => (j === i ? e.target.value : r)))}
                    onBlur={() => onLeave(key)}
                  />
                )}
              </Field>
              <Button
                variant="ghost"
                className="btn-small danger-text oauth-row-remove"
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
                aria-label={`Remove ${u.trim() || `${legend.toLowerCase()} row ${i + 1}`}`}
              >
                Remove
              </Button>
            </div>
          );
        })}
      </div>
      {rows.length === 0 && <p className="muted oauth-none">None yet.</p>}
      {groupError && (
        <div className="field-error" role="alert" data-testid="field-error">
          {groupError}
        </div>
      )}
      <Button className="btn-small" onClick={add} disabled={rows.length >= MAX_URLS} data-testid={`add-${field}`}>
        {addLabel}
      </Button>
    </fieldset>
  );
}
