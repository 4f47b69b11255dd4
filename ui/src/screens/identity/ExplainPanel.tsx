import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { IdentityPool, JsonValue, Operations, RoleExplanation, RuleTrace } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { parseClaims, personOfClaims } from "../../lib/claims";
import { loginKeys, providerLabel, userPoolIdOf } from "../../lib/identityProviders";
import { personLabel } from "../../lib/people";
import { routeHref } from "../../lib/router";
import type { RolesRequest } from "../../lib/roleRules";
import { useDebounced } from "../../lib/useDebounced";
import { call, type ApiError } from "../../platform";

export type ExplainInputs = {
  /** The Logins key; "" for a guest. */
  provider: string;
  mode: "token" | "claims";
  token: string;
  claims: string;
  customRoleArn: string;
};

export const OUTCOME_LABELS: Record<RuleTrace["Outcome"], { label: string; tone: string }> = {
  Matched: { label: "Matched", tone: "pill-ok" },
  ClaimMissing: { label: "Claim missing", tone: "pill-warn" },
  ValueDiffers: { label: "Value differs", tone: "pill-off" },
  Skipped: { label: "NotEqual skipped", tone: "pill-info" },
  NotEvaluated: { label: "Not evaluated", tone: "pill-off" },
};

const SOURCE_WORDS: Record<string, string> = {
  Rule: "a rule matched",
  CustomRoleArn: "the CustomRoleArn asked for, which the token allows",
  PreferredRole: "the token's cognito:preferred_role",
  CognitoRoles: "the one role in the token's cognito:roles",
  DefaultAuthenticatedRole: "the provider has no role mapping: the pool's authenticated role",
  AmbiguousAuthenticatedRole: "nothing decided, and AmbiguousRoleResolution is AuthenticatedRole",
  UnauthenticatedRole: "a guest gets the pool's unauthenticated role",
};

type ExplainState = {
  inputs: ExplainInputs;
  setInputs: (i: ExplainInputs) => void;
  /** The explanation of a complete login (undefined until there is one). */
  explanation: RoleExplanation | undefined;
  /** Problems of the roles explained with, known even before a login is complete. */
  problems: RoleExplanation["Problems"];
  error: ApiError | undefined;
  /** Why no login is explained yet ("Paste a token…"), or the claims' parse error. */
  waiting: string | undefined;
  fetching: boolean;
};

/**
 * "Which role, and why?" for the editor's unsaved roles: ExplainRole on every change (debounced),
 * with the login typed into the panel. Without a complete login it still asks, as a guest, so the
 * editor learns the problems of its rules as they are typed.
 */
/** Where the panel starts: the pool's first provider, a token to paste. */
export function initialExplainInputs(pool: IdentityPool): ExplainInputs {
  return { provider: loginKeys(pool)[0] ?? "", mode: "token", token: "", claims: "", customRoleArn: "" };
}

export function useExplain(
  pool: IdentityPool,
  request: RolesRequest,
  unsaved: boolean,
  [inputs, setInputs]: readonly [ExplainInputs, (i: ExplainInputs) => void],
): ExplainState {
  const parsed = inputs.mode === "claims" ? parseClaims(inputs.claims) : undefined;
  let waiting: string | undefined;
  if (inputs.provider !== "") {
    if (inputs.mode === "token" && inputs.token.trim() === "") waiting = "Paste the login's ID token to see which role it gets.";
    if (parsed && !parsed.ok) waiting = inputs.claims.trim() === "" ? "Type the login's claims to see which role they get." : parsed.message;
  }
  const body: Operations["ExplainRole"]["input"] = { IdentityPoolId: pool.IdentityPoolId, ...(unsaved ? request : {}) };
  if (waiting === undefined) {
    if (inputs.provider !== "") body.Provider = inputs.provider;
    if (inputs.provider !== "" && inputs.mode === "token") body.Token = inputs.token.trim();
    if (inputs.provider !== "" && parsed?.ok) body.Claims = parsed.claims;
    if (inputs.customRoleArn.trim() !== "") body.CustomRoleArn = inputs.customRoleArn.trim();
  }
  const sent = useDebounced(body, 250);
  const q = useQuery({
    queryKey: ["explain-role", sent],
    queryFn: () => call("ExplainRole", sent),
    placeholderData: keepPreviousData,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const complete = sent.Provider !== undefined || inputs.provider === "";
  return {
    inputs,
    setInputs,
    explanation: waiting === undefined && complete ? q.data : undefined,
    problems: q.data?.Problems ?? [],
    error: waiting === undefined ? (q.error ?? undefined) : undefined,
    waiting,
    fetching: q.isFetching,
  };
}

function RulesTable({ rules }: { rules: RoleExplanation["Rules"] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact idp-trace" data-testid="explain-rules">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Rule</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => {
            const o = OUTCOME_LABELS[r.Outcome];
            return (
              <tr key={r.Index} className={r.Chosen ? "idp-chosen" : undefined} data-testid="explain-rule" data-outcome={r.Outcome}>
                <td className="num">{r.Index}</td>
                <td>
                  <div>
                    <code>{r.Claim}</code> {r.MatchType} <code>{r.Value}</code>
                  </div>
                  <div className="muted idp-arn" title={r.RoleARN}>
                    → role <span className="mono">{r.RoleARN.slice(r.RoleARN.lastIndexOf("/") + 1)}</span>
                  </div>
                </td>
                <td>
                  <span className={`pill ${o.tone}`}>{o.label}</span>
                  {r.Chosen && <span className="pill pill-ok idp-chosen-pill">Chosen</span>}
                  {r.Got !== undefined && (
                    <div className="idp-got">
                      got <code>{r.Got}</code>
                    </div>
                  )}
                  <div className="muted idp-reason">{r.Reason}</div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function Result({ e, pool, identityId }: { e: RoleExplanation; pool: string; identityId?: string | undefined }) {
  const person = personOfClaims(e.Claims && typeof e.Claims === "object" && !Array.isArray(e.Claims) ? (e.Claims as Record<string, JsonValue>) : undefined);
  return (
    <div className="idp-result" data-testid="explain-result">
      {e.RoleArn !== undefined ? (
        <div className="verdict verdict-ok" data-testid="explain-verdict" data-outcome="role">
          <div>
            <div className="verdict-title">
              Role: <span className="mono idp-arn" data-testid="explain-role">{e.RoleArn}</span>
            </div>
            <div className="verdict-detail">Because {SOURCE_WORDS[e.RoleSource ?? ""] ?? e.RoleSource}{e.RuleIndex !== undefined ? ` (rule ${e.RuleIndex})` : ""}.</div>
          </div>
        </div>
      ) : (
        <div className="verdict verdict-bad" data-testid="explain-verdict" data-outcome="refused">
          <div>
            <div className="verdict-title">
              No credentials: <code className="error-code">{e.Refusal?.Code}</code>
            </div>
            <div className="verdict-detail">{e.Refusal?.Message}</div>
            <div className="verdict-detail">Why: {e.Refusal?.Reason}.</div>
          </div>
        </div>
      )}
      {e.Trust && <TrustBlock e={e} />}
      <p className={`idp-login idp-login-${e.Login.Status.toLowerCase()}`} data-testid="explain-login" data-status={e.Login.Status}>
        {person && <strong>{personLabel(person)} · </strong>}
        {e.Login.Note}
      </p>
      {e.MappingType === "Rules" && e.Rules.length > 0 && <RulesTable rules={e.Rules} />}
      {e.MappingType === "Token" && e.TokenRoles && (
        <dl className="facts">
          <div className="fact">
            <dt>cognito:preferred_role</dt>
            <dd>{e.TokenRoles.PreferredRole ?? <span className="muted">—</span>}</dd>
          </div>
          <div className="fact">
            <dt>cognito:roles</dt>
            <dd>{e.TokenRoles.Roles.length > 0 ? e.TokenRoles.Roles.join(", ") : <span className="muted">—</span>}</dd>
          </div>
        </dl>
      )}
      {e.RoleArn !== undefined && <AccessCheck e={e} poolId={pool} identityId={identityId} />}
      {e.Provider !== undefined && (
        <div className="idp-tags" data-testid="explain-tags">
          <div className="inline-label">Session tags{e.TagsUseDefaults ? " (the provider's defaults)" : ""}:</div>
          {e.SessionTags.length === 0 && e.SkippedTags.length === 0 && <span className="muted"> none — no principal tags are mapped for this provider.</span>}
          <ul className="idp-tag-list">
            {e.SessionTags.map((t) => (
              <li key={t.Key}>
                <code>{t.Key}</code> = <code>{t.Value}</code> <span className="muted">from {t.Claim}</span>
              </li>
            ))}
            {e.SkippedTags.map((t) => (
              <li key={t.Key} className="muted">
                <code>{t.Key}</code> left out: {t.Reason} ({t.Claim})
              </li>
            ))}
          </ul>
          {e.TagsProblem && <div className="field-error">{e.TagsProblem.Message}</div>}
        </div>
      )}
    </div>
  );
}

const TRUST_LABELS: Record<string, { title: string; tone: string }> = {
  Allowed: { title: "Trust policy allows it", tone: "verdict-ok" },
  Refused: { title: "Trust policy refuses it", tone: "verdict-bad" },
  NotChecked: { title: "Trust policy not checked", tone: "verdict-off" },
};

/** The chosen role's trust policy verdict, as STS would give it for this login. */
function TrustBlock({ e }: { e: RoleExplanation }) {
  const t = e.Trust;
  if (!t) return null;
  const label = TRUST_LABELS[t.Outcome] ?? { title: t.Outcome, tone: "verdict-off" };
  return (
    <div className={`verdict ${label.tone} idp-trust-verdict`} data-testid="explain-trust" data-outcome={t.Outcome}>
      <div>
        <div className="verdict-title">
          {label.title}
          {e.RoleName !== undefined && (
            <>
              {" "}
              · role <a href={routeHref({ screen: "roles", roleName: e.RoleName })}>{e.RoleName}</a>
            </>
          )}
        </div>
        {t.StsCode !== undefined && (
          <div className="verdict-detail">
            STS would answer <code className="exchange-code">{t.StsCode}</code> {t.StsMessage}
          </div>
        )}
        <div className="verdict-detail" data-testid="explain-trust-summary">
          {t.Summary}
        </div>
        {t.Outcome === "Refused" && e.Refusal && (
          <div className="verdict-detail" data-testid="explain-trust-refusal">
            So no credentials: GetCredentialsForIdentity answers <code className="exchange-code">{e.Refusal.Code}</code> ({e.Refusal.Message})
          </div>
        )}
        {e.Amr.length > 0 && (
          <div className="verdict-detail muted">
            amr seen: <span className="mono">{e.Amr.join(", ")}</span>
          </div>
        )}
      </div>
    </div>
  );
}

/** "May this identity do <action> on <resource>?" against the chosen role's policies. */
function AccessCheck({ e, poolId, identityId }: { e: RoleExplanation; poolId: string; identityId: string | undefined }) {
  const [action, setAction] = useState("s3:GetObject");
  const [resource, setResource] = useState("");
  const roleArn = e.RoleArn ?? "";
  const tags = Object.fromEntries(e.SessionTags.map((t) => [t.Key, t.Value]));
  const body: Operations["SimulateAccess"]["input"] = {
    RoleArn: roleArn,
    Action: action.trim(),
    IdentityPoolId: poolId,
    Amr: e.Amr,
    PrincipalTags: tags,
    Guest: e.Provider === undefined,
  };
  if (resource.trim() !== "") body.Resource = resource.trim();
  if (identityId !== undefined) body.IdentityId = identityId;
  const sent = useDebounced(body, 300);
  const ready = sent.Action !== "" && e.RoleName !== undefined;
  const q = useQuery({
    queryKey: ["simulate-access", sent],
    queryFn: () => call("SimulateAccess", sent),
    enabled: ready,
    placeholderData: keepPreviousData,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const a = q.data;
  return (
    <section className="idp-access" aria-labelledby="idp-access-title" data-testid="access-check">
      <h4 id="idp-access-title" className="idp-access-title">
        What may it do?
      </h4>
      {e.RoleName === undefined ? (
        <p className="muted">
          The workspace has no role record for this ARN, so its permissions are unknown here.{" "}
          <a href={routeHref({ screen: "roles" })}>Create or import the role</a> to check access.
        </p>
      ) : (
        <>
          <div className="idp-access-fields">
            <Field label="Action">
              {(p) => (
                <input {...p} className="mono" value={action} onChange={(ev) => setAction(ev.target.value)} spellCheck={false} autoComplete="off" data-testid="access-action" />
              )}
            </Field>
            <Field label="Resource (ARN)" hint="Empty: any resource.">
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={resource}
                  onChange={(ev) => setResource(ev.target.value)}
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="arn:aws:s3:::photos/…"
                  data-testid="access-resource"
                />
              )}
            </Field>
          </div>
          <div aria-live="polite">
            {q.error && <ErrorBanner error={q.error} />}
            {a && !q.error && (
              <div
                className={`verdict ${a.Decision === "Allowed" ? "verdict-ok" : "verdict-bad"}`}
                data-testid="access-verdict"
                data-decision={a.Decision}
              >
                <div>
                  <div className="verdict-title">{a.Decision === "Allowed" ? "Allowed" : a.Decision === "ExplicitDeny" ? "Denied (explicit deny)" : "Denied (no statement allows it)"}</div>
                  <div className="verdict-detail">{a.Summary}</div>
                  {a.DecidingStatements.map((st) => (
                    <div key={`${st.Policy}-${st.Index}`} className="verdict-detail" data-testid="access-deciding">
                      Decided by {st.Effect} statement {st.Sid !== undefined ? <code>{st.Sid}</code> : `Statement[${st.Index}]`} of <code>{st.Policy}</code>
                      {st.Kind !== "Permission" ? ` (${st.Kind})` : ""}
                    </div>
                  ))}
                </div>
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** The panel beside the rule editor. */
export function ExplainPanel({
  pool,
  state,
  unsaved,
  names,
}: {
  pool: IdentityPool;
  state: ExplainState;
  unsaved: boolean;
  names: (key: string) => string;
}) {
  const { inputs, setInputs } = state;
  const set = <K extends keyof ExplainInputs>(k: K, v: ExplainInputs[K]) => setInputs({ ...inputs, [k]: v });
  const providers = loginKeys(pool);
  const isUserPool = userPoolIdOf(inputs.provider) !== undefined;
  const claimsLackAud = inputs.mode === "claims" && isUserPool && !/"aud"\s*:/.test(inputs.claims);
  return (
    <aside className="idp-explain" aria-labelledby="idp-explain-title" data-testid="explain-panel">
      <h3 id="idp-explain-title" className="section-title">
        Which role, and why?
      </h3>
      <p className="hint">
        {unsaved ? "Explains the rules as edited, before they are saved." : "Explains the saved rules."} A Poolhouse user pool&apos;s token is
        verified; any other token is decoded without verification.
      </p>
      <Field label="Signs in with">
        {(p) => (
          <select {...p} value={inputs.provider} onChange={(e) => set("provider", e.target.value)} data-testid="explain-provider">
            {providers.map((k) => (
              <option key={k} value={k}>
                {names(k)}
              </option>
            ))}
            <option value="">A guest (no login)</option>
          </select>
        )}
      </Field>
      {inputs.provider !== "" && (
        <>
          <div className="radios idp-radios-inline" role="radiogroup" aria-label="The login">
            <label className="radio">
              <input type="radio" name="explain-mode" checked={inputs.mode === "token"} onChange={() => set("mode", "token")} data-testid="explain-mode-token" />
              <span>Paste a token</span>
            </label>
            <label className="radio">
              <input type="radio" name="explain-mode" checked={inputs.mode === "claims"} onChange={() => set("mode", "claims")} data-testid="explain-mode-claims" />
              <span>Type claims</span>
            </label>
          </div>
          {inputs.mode === "token" ? (
            <Field label="ID token" hint="Kept on this screen only.">
              {(p) => (
                <textarea
                  {...p}
                  className="mono idp-token"
                  rows={3}
                  value={inputs.token}
                  onChange={(e) => set("token", e.target.value)}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="eyJraWQiOi…"
                  data-testid="explain-token"
                />
              )}
            </Field>
          ) : (
            <Field
              label="Claims (JSON)"
              hint={claimsLackAud ? "Add \"aud\": the app client id — a user pool's mappings are per app client." : "Typed claims are not verified."}
              error={state.waiting !== undefined && inputs.claims.trim() !== "" ? state.waiting : undefined}
            >
              {(p) => (
                <textarea
                  {...p}
                  className="mono"
                  rows={5}
                  value={inputs.claims}
                  onChange={(e) => set("claims", e.target.value)}
                  spellCheck={false}
                  placeholder={'{"aud": "…", "cognito:groups": ["admins"]}'}
                  data-testid="explain-claims"
                />
              )}
            </Field>
          )}
        </>
      )}
      <details className="idp-more">
        <summary>Ask for a role (CustomRoleArn)</summary>
        <Field label="CustomRoleArn (optional)" hint="The role the app asks for, as GetCredentialsForIdentity takes it.">
          {(p) => (
            <input
              {...p}
              className="mono"
              value={inputs.customRoleArn}
              onChange={(e) => set("customRoleArn", e.target.value)}
              spellCheck={false}
              autoComplete="off"
            />
          )}
        </Field>
      </details>
      <div aria-live="polite" className="idp-explain-out">
        {state.error && <ErrorBanner error={state.error} />}
        {state.waiting !== undefined && (inputs.mode === "token" || inputs.claims.trim() === "") && <p className="muted">{state.waiting}</p>}
        {state.explanation && !state.error && <Result e={state.explanation} pool={pool.IdentityPoolId} />}
      </div>
    </aside>
  );
}

/** A provider key in words, with the workspace's user pool and app client names. */
export function providerNamer(pools: ReadonlyMap<string, string>, clients: ReadonlyMap<string, string>) {
  return (key: string) => providerLabel(key, { pools, clients });
}
