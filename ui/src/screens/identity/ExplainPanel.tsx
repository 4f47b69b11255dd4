import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { IdentityPool, JsonValue, Operations, RoleExplanation, RuleTrace } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { parseClaims, personOfClaims } from "../../lib/claims";
import { loginKeys, providerLabel, userPoolIdOf } from "../../lib/identityProviders";
import { personLabel } from "../../lib/people";
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

function Result({ e }: { e: RoleExplanation }) {
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
        {state.explanation && !state.error && <Result e={state.explanation} />}
      </div>
    </aside>
  );
}

/** A provider key in words, with the workspace's user pool and app client names. */
export function providerNamer(pools: ReadonlyMap<string, string>, clients: ReadonlyMap<string, string>) {
  return (key: string) => providerLabel(key, { pools, clients });
}
