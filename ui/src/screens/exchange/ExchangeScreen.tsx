import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { Button, ErrorBanner, Field, Form } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { useFormAction, useAction } from "../../lib/useAction";
import { call } from "../../platform";
import { Result } from "../identity/ExplainPanel";
import { identityPoolQuery, userPoolClientsQuery, userPoolsQuery } from "../identity/queries";
import { allRolesQuery } from "../roles/queries";
import { BackendsSection, backendsQuery } from "./BackendsSection";
import { RunView, type Run } from "./RunView";
import "../../styles/roles.css";
import "../../styles/exchange.css";
import "../../styles/identity.css";

type SourceType = Operations["RunExchange"]["input"]["Source"] extends infer S ? (S extends { Type: infer T } ? T : never) : never;
type Flow = NonNullable<Operations["RunExchange"]["input"]["Flow"]>;

const SOURCES: Array<{ value: SourceType; label: string }> = [
  { value: "USER_PASSWORD", label: "A user of a Poolhouse user pool signs in" },
  { value: "TOKEN", label: "A pasted token" },
  { value: "DEVELOPER", label: "A developer identity" },
  { value: "GUEST", label: "A guest" },
];

const FLOWS: Array<{ value: Flow; label: string; hint: string }> = [
  { value: "ENHANCED", label: "Enhanced", hint: "GetId → GetCredentialsForIdentity: Cognito picks the role." },
  { value: "BASIC", label: "Basic (classic)", hint: "GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity with a role you name." },
  { value: "DEVELOPER", label: "Developer", hint: "GetOpenIdTokenForDeveloperIdentity (signed) → GetCredentialsForIdentity." },
];

const FIELDS = [
  "BackendName",
  "IdentityPoolId",
  "Flow",
  "Source",
  "Source.UserPoolId",
  "Source.ClientId",
  "Source.Username",
  "Source.Password",
  "Source.LoginsKey",
  "Source.Token",
  "Source.DeveloperProviderName",
  "Source.DeveloperUserIdentifier",
  "RoleArn",
] as const;

/** The user pool behind a Poolhouse login key, and its Logins key. */
function loginsKeyOf(userPoolId: string): string {
  return `cognito-idp.${userPoolId.split("_")[0] ?? "us-east-1"}.amazonaws.com/${userPoolId}`;
}

/** "Which role, and why?" for a run on the built-in backend: the same explanation as the rule editor's. */
function WhyRole({ run, provider, token }: { run: Run; provider: string | undefined; token: string | undefined }) {
  const body: Operations["ExplainRole"]["input"] = { IdentityPoolId: run.IdentityPoolId };
  if (provider !== undefined && token !== undefined) {
    body.Provider = provider;
    body.Token = token;
  }
  if (run.IdentityId !== undefined) body.IdentityId = run.IdentityId;
  const q = useQuery({ queryKey: ["explain-run", run.RunId], queryFn: () => call("ExplainRole", body), retry: false, staleTime: Infinity });
  return (
    <details className="exchange-why" open data-testid="exchange-why">
      <summary>Which role, and why?</summary>
      {q.error && <ErrorBanner error={q.error} />}
      {q.data && <Result e={q.data} pool={run.IdentityPoolId} identityId={run.IdentityId} />}
    </details>
  );
}

export function ExchangeScreen() {
  const queries = useQueryClient();
  const backends = useQuery(backendsQuery);
  const pools = useQuery({ queryKey: ["identity-pools-all"], queryFn: async () => (await call("ListIdentityPools", { MaxResults: 60 })).IdentityPools });
  const userPools = useQuery(userPoolsQuery);
  const roles = useQuery(allRolesQuery);
  const [backend, setBackend] = useState("");
  const [poolId, setPoolId] = useState("");
  const [source, setSource] = useState<SourceType>("USER_PASSWORD");
  const [flow, setFlow] = useState<Flow>("ENHANCED");
  const [userPoolId, setUserPoolId] = useState("");
  const [clientId, setClientId] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [loginsKey, setLoginsKey] = useState("");
  const [token, setToken] = useState("");
  const [devName, setDevName] = useState("");
  const [devUser, setDevUser] = useState("");
  const [roleArn, setRoleArn] = useState("");
  const [shown, setShown] = useState<{ run: Run; provider?: string | undefined; token?: string | undefined } | null>(null);
  const [rerun, setRerun] = useState<Run | null>(null);

  const builtInName = backends.data?.Backends.find((b) => b.BuiltIn)?.Name ?? "";
  const chosenBackend = backend === "" ? builtInName : backend;
  const isBuiltIn = backends.data?.Backends.find((b) => b.Name === chosenBackend)?.BuiltIn ?? true;
  const effectivePool = poolId !== "" ? poolId : (pools.data?.[0]?.IdentityPoolId ?? "");
  const pool = useQuery({ ...identityPoolQuery(effectivePool), enabled: effectivePool !== "" && isBuiltIn });
  const effectiveUserPool = userPoolId !== "" ? userPoolId : (userPools.data?.[0]?.Id ?? "");
  const clients = useQuery({ ...userPoolClientsQuery(effectiveUserPool), enabled: effectiveUserPool !== "" && source === "USER_PASSWORD" });
  const effectiveClient = clientId !== "" ? clientId : (clients.data?.[0]?.ClientId ?? "");
  const history = useQuery({ queryKey: ["exchange-runs"], queryFn: () => call("ListExchangeRuns", { MaxResults: 20 }) });

  const run = useFormAction((input: Operations["RunExchange"]["input"]) => call("RunExchange", input), {
    fields: FIELDS,
    onSuccess: (r, input) => {
      const s = input.Source;
      const provider = s?.Type === "USER_PASSWORD" && s.UserPoolId ? loginsKeyOf(s.UserPoolId) : s?.Type === "TOKEN" ? s.LoginsKey : undefined;
      const idToken = s?.Type === "USER_PASSWORD" ? r.Tokens?.find((t) => t.Name === "IdToken")?.Value : s?.Type === "TOKEN" ? s.Token : undefined;
      setShown({ run: r, provider, token: idToken });
      setPassword("");
      // Stacked on a narrow window, the run is below the form: bring it into view.
      requestAnimationFrame(() => document.querySelector('[data-testid="exchange-run"]')?.scrollIntoView({ block: "nearest" }));
      void queries.invalidateQueries({ queryKey: ["exchange-runs"] });
      void queries.invalidateQueries({ queryKey: ["identities"] });
    },
  });

  const submit = () => {
    const local: Record<string, string> = {};
    if (effectivePool === "") local.IdentityPoolId = "Choose or enter an identity pool.";
    if (source === "USER_PASSWORD") {
      if (username.trim() === "") local["Source.Username"] = "Enter the user's username.";
      if (password === "") local["Source.Password"] = "Enter the user's password.";
    }
    if (source === "TOKEN" && token.trim() === "") local["Source.Token"] = "Paste the login's token.";
    if (source === "DEVELOPER" && devUser.trim() === "") local["Source.DeveloperUserIdentifier"] = "Enter the application's identifier for the user.";
    if (flow === "BASIC" && roleArn.trim() === "") local.RoleArn = "The basic flow assumes a role you name.";
    if (!run.check(local)) return;
    const src: NonNullable<Operations["RunExchange"]["input"]["Source"]> = { Type: source };
    if (source === "USER_PASSWORD") Object.assign(src, { UserPoolId: effectiveUserPool, ClientId: effectiveClient, Username: username.trim(), Password: password });
    if (source === "TOKEN") Object.assign(src, { LoginsKey: loginsKey.trim(), Token: token.trim() });
    if (source === "DEVELOPER") {
      const name = devName.trim() !== "" ? devName.trim() : (pool.data?.DeveloperProviderName ?? "");
      Object.assign(src, { DeveloperProviderName: name, DeveloperUserIdentifier: devUser.trim() });
    }
    run.run({
      ...(chosenBackend !== "" ? { BackendName: chosenBackend } : {}),
      IdentityPoolId: effectivePool,
      Flow: flow,
      Source: src,
      ...(flow === "BASIC" ? { RoleArn: roleArn.trim() } : {}),
    });
  };

  const loginKeyOptions = pool.data
    ? [
        ...(pool.data.CognitoIdentityProviders ?? []).map((p) => p.ProviderName ?? ""),
        ...Object.keys(pool.data.SupportedLoginProviders ?? {}),
      ].filter((k) => k !== "")
    : [];

  return (
    <div className="screen" data-testid="exchange-screen">
      <header className="screen-header">
        <div>
          <h1>Exchange tester</h1>
          <div className="screen-subtitle">Runs a credential exchange step by step and proves the credentials with GetCallerIdentity.</div>
        </div>
      </header>
      <BackendsSection />
      <div className="exchange-layout">
        <Form className="exchange-form" onSubmit={submit}>
          <div className="grid-2">
            <Field label="Backend" name="BackendName" error={run.errors.BackendName}>
              {(p) => (
                <select {...p} value={chosenBackend} onChange={(e) => setBackend(e.target.value)} data-testid="exchange-backend">
                  {(backends.data?.Backends ?? []).map((b) => (
                    <option key={b.Name} value={b.Name}>
                      {b.Name}
                      {b.BuiltIn ? " (built-in)" : ` (${b.Url ?? ""})`}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Identity pool" name="IdentityPoolId" error={run.errors.IdentityPoolId}>
              {(p) =>
                isBuiltIn ? (
                  <select {...p} value={effectivePool} onChange={(e) => setPoolId(e.target.value)} data-testid="exchange-pool">
                    {(pools.data ?? []).length === 0 && <option value="">No identity pools yet</option>}
                    {(pools.data ?? []).map((ip) => (
                      <option key={ip.IdentityPoolId} value={ip.IdentityPoolId}>
                        {ip.IdentityPoolName}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...p} className="mono" value={poolId} onChange={(e) => setPoolId(e.target.value)} placeholder="us-east-1:…" data-testid="exchange-pool" />
                )
              }
            </Field>
          </div>
          <fieldset className="fieldset">
            <legend>Who signs in</legend>
            <div className="radios" role="radiogroup" aria-label="Who signs in">
              {SOURCES.map((s) => (
                <label key={s.value} className="radio">
                  <input type="radio" name="exchange-source" checked={source === s.value} onChange={() => setSource(s.value)} data-testid={`exchange-source-${s.value.toLowerCase()}`} />
                  <span>{s.label}</span>
                </label>
              ))}
            </div>
            {source === "USER_PASSWORD" && (
              <div className="grid-2">
                <Field label="User pool" name="Source.UserPoolId" error={run.errors["Source.UserPoolId"]}>
                  {(p) => (
                    <select
                      {...p}
                      value={effectiveUserPool}
                      onChange={(e) => {
                        setUserPoolId(e.target.value);
                        setClientId("");
                      }}
                      data-testid="exchange-user-pool"
                    >
                      {(userPools.data ?? []).map((u) => (
                        <option key={u.Id} value={u.Id}>
                          {u.Name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="App client" name="Source.ClientId" error={run.errors["Source.ClientId"]}>
                  {(p) => (
                    <select {...p} value={effectiveClient} onChange={(e) => setClientId(e.target.value)} data-testid="exchange-client">
                      {(clients.data ?? []).map((c) => (
                        <option key={c.ClientId} value={c.ClientId}>
                          {c.ClientName}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Username" name="Source.Username" error={run.errors["Source.Username"]}>
                  {(p) => <input {...p} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" data-testid="exchange-username" />}
                </Field>
                <Field label="Password" name="Source.Password" hint="Used for this run only; never kept." error={run.errors["Source.Password"]}>
                  {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" data-testid="exchange-password" />}
                </Field>
              </div>
            )}
            {source === "TOKEN" && (
              <>
                <Field label="Provider (Logins key)" name="Source.LoginsKey" error={run.errors["Source.LoginsKey"]}>
                  {(p) => (
                    <input {...p} className="mono" list="exchange-login-keys" value={loginsKey} onChange={(e) => setLoginsKey(e.target.value)} spellCheck={false} data-testid="exchange-logins-key" />
                  )}
                </Field>
                <datalist id="exchange-login-keys">
                  {loginKeyOptions.map((k) => (
                    <option key={k} value={k} />
                  ))}
                </datalist>
                <Field label="Token" name="Source.Token" hint="Used for this run only; never kept in clear." error={run.errors["Source.Token"]}>
                  {(p) => <textarea {...p} className="mono" rows={3} value={token} onChange={(e) => setToken(e.target.value)} spellCheck={false} data-testid="exchange-token" />}
                </Field>
              </>
            )}
            {source === "DEVELOPER" && (
              <div className="grid-2">
                <Field label="Developer provider" name="Source.DeveloperProviderName" hint={pool.data?.DeveloperProviderName ? `The pool's: ${pool.data.DeveloperProviderName}` : undefined} error={run.errors["Source.DeveloperProviderName"]}>
                  {(p) => <input {...p} value={devName} placeholder={pool.data?.DeveloperProviderName ?? "login.example.app"} onChange={(e) => setDevName(e.target.value)} />}
                </Field>
                <Field label="User identifier" name="Source.DeveloperUserIdentifier" error={run.errors["Source.DeveloperUserIdentifier"]}>
                  {(p) => <input {...p} value={devUser} onChange={(e) => setDevUser(e.target.value)} data-testid="exchange-dev-user" />}
                </Field>
              </div>
            )}
          </fieldset>
          <fieldset className="fieldset">
            <legend>Flow</legend>
            <div className="radios" role="radiogroup" aria-label="Flow">
              {FLOWS.map((f) => (
                <label key={f.value} className="radio" title={f.hint}>
                  <input type="radio" name="exchange-flow" checked={flow === f.value} onChange={() => setFlow(f.value)} data-testid={`exchange-flow-${f.value.toLowerCase()}`} />
                  <span>{f.label}</span>
                </label>
              ))}
            </div>
            <p className="hint">{FLOWS.find((f) => f.value === flow)?.hint}</p>
            {flow === "BASIC" && (
              <Field label="Role to assume" name="RoleArn" error={run.errors.RoleArn}>
                {(p) => (
                  <>
                    <input {...p} className="mono" list="exchange-roles" value={roleArn} onChange={(e) => setRoleArn(e.target.value)} spellCheck={false} />
                    <datalist id="exchange-roles">
                      {(roles.data ?? []).map((r) => (
                        <option key={r.Arn} value={r.Arn} label={r.RoleName} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
            )}
          </fieldset>
          {run.general && <ErrorBanner error={run.general} />}
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={run.busy} data-testid="exchange-run-button">
              Run exchange
            </Button>
          </div>
        </Form>
        <div className="exchange-result" aria-live="polite">
          {shown ? (
            <RunView
              run={shown.run}
              why={
                isBuiltIn && shown.run.BackendName === builtInName && shown.run.IdentityId !== undefined ? (
                  <WhyRole run={shown.run} provider={shown.provider} token={shown.token} />
                ) : undefined
              }
            />
          ) : (
            <p className="muted">Run an exchange to see each request and answer, the role chosen and why, and the credentials proven.</p>
          )}
        </div>
      </div>
      <section className="section" aria-labelledby="exchange-history-title">
        <h2 id="exchange-history-title" className="section-title">
          History
        </h2>
        {history.error && <ErrorBanner error={history.error} />}
        {history.data && history.data.Runs.length === 0 && <p className="muted">No runs yet.</p>}
        {history.data && history.data.Runs.length > 0 && (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="exchange-history">
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Backend</th>
                  <th>Who</th>
                  <th>Flow</th>
                  <th>Outcome</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {history.data.Runs.map((r) => (
                  <tr key={r.RunId} data-testid="exchange-history-row">
                    <td>{formatDateTime(r.StartedAt)}</td>
                    <td>{r.BackendName}</td>
                    <td>{whoOf(r)}</td>
                    <td>{r.Flow.toLowerCase()}</td>
                    <td>{r.Succeeded ? <span className="pill pill-ok">Proven</span> : <span className="pill pill-bad">{r.Failure?.Code ?? "Failed"}</span>}</td>
                    <td className="exchange-row-actions">
                      <ShowRun id={r.RunId} onShow={(full) => setShown({ run: full })} />
                      <Button variant="ghost" className="btn-small" onClick={() => setRerun(r)} data-testid="exchange-rerun">
                        Re-run
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {rerun && (
        <RerunDialog
          run={rerun}
          onClose={() => setRerun(null)}
          onDone={(r) => {
            setRerun(null);
            setShown({ run: r });
            void queries.invalidateQueries({ queryKey: ["exchange-runs"] });
          }}
        />
      )}
    </div>
  );
}

function whoOf(r: Run): string {
  const s = r.Source;
  switch (s.Type) {
    case "USER_PASSWORD":
      return `${s.Username ?? "a user"} (password)`;
    case "TOKEN":
      return `a token from ${s.LoginsKey ?? "a provider"}`;
    case "DEVELOPER":
      return `developer user ${s.DeveloperUserIdentifier ?? ""}`;
    case "GUEST":
      return "a guest";
  }
}

function ShowRun({ id, onShow }: { id: string; onShow: (r: Run) => void }) {
  const get = useAction(() => call("GetExchangeRun", { RunId: id }));
  return (
    <Button variant="ghost" className="btn-small" busy={get.busy} onClick={() => get.run(undefined, { onSuccess: onShow })}>
      Show
    </Button>
  );
}

/** Runs an earlier run again; a password sign-in asks for the password again (it is never kept). */
function RerunDialog({ run, onClose, onDone }: { run: Run; onClose: () => void; onDone: (r: Run) => void }) {
  const [password, setPassword] = useState("");
  const needsPassword = run.Source.Type === "USER_PASSWORD";
  const again = useFormAction((input: Operations["RunExchange"]["input"]) => call("RunExchange", input), { fields: ["Password"], onSuccess: onDone });
  const submit = () => {
    if (!again.check(needsPassword && password === "" ? { Password: "Enter the password again: it is never kept." } : {})) return;
    again.run({ RerunOf: run.RunId, ...(needsPassword ? { Password: password } : {}) });
  };
  if (!needsPassword) {
    return (
      <Dialog title="Re-run the exchange?" onClose={onClose} testId="rerun-dialog">
        <Form className="dialog-body" onSubmit={submit}>
          <p>
            {whoOf(run)}, {run.Flow.toLowerCase()} flow on {run.BackendName}.
          </p>
          {again.general && <ErrorBanner error={again.general} />}
          <footer className="dialog-footer">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" busy={again.busy} data-testid="rerun-submit">
              Re-run
            </Button>
          </footer>
        </Form>
      </Dialog>
    );
  }
  return (
    <Dialog title="Re-run the exchange" onClose={onClose} testId="rerun-dialog">
      <Form className="dialog-body" onSubmit={submit}>
        <p>
          {whoOf(run)}, {run.Flow.toLowerCase()} flow on {run.BackendName}.
        </p>
        <Field label={`Password of ${run.Source.Username ?? "the user"}`} name="Password" error={again.errors.Password}>
          {(p) => <input {...p} type="password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" data-testid="rerun-password" />}
        </Field>
        {again.general && <ErrorBanner error={again.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={again.busy} data-testid="rerun-submit">
            Re-run
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
