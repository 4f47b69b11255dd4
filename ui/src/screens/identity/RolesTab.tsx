import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import type { IdentityPool, IdentityPoolRoles, RuleTrace } from "../../api/types";
import { listAllGroups } from "../../api/lists";
import { QueryStatus } from "../../components/LoadState";
import { allRolesQuery } from "../roles/queries";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Field, Form, SaveActions, Section } from "../../components/ui";
import { mappingKeys, userPoolIdOf } from "../../lib/identityProviders";
import {
  MATCH_TYPES,
  MAX_RULES,
  addRule,
  comparable,
  draftFromSaved,
  filedProblems,
  moveRule,
  placeKey,
  placeOf,
  removeRule,
  toRequest,
  updateRule,
  type Ambiguous,
  type MappingDraft,
  type MappingKind,
  type MatchType,
  type RolesDraft,
  type RuleDraft,
} from "../../lib/roleRules";
import { useAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call, type ApiError } from "../../platform";
import { ExplainPanel, OUTCOME_LABELS, initialExplainInputs, providerNamer, useExplain, type ExplainInputs } from "./ExplainPanel";
import { identityPoolRolesQuery, userPoolClientsQuery, userPoolsQuery } from "./queries";

const CLAIMS = ["cognito:groups", "cognito:username", "email", "email_verified", "phone_number", "sub", "aud", "identities", "custom:"];

const KINDS: ReadonlyArray<{ value: MappingKind; label: string; hint: string }> = [
  { value: "None", label: "Default", hint: "Every login gets the authenticated role" },
  { value: "Rules", label: "Rules", hint: "The first rule whose claim matches picks the role" },
  { value: "Token", label: "Token", hint: "The token's cognito:preferred_role or cognito:roles (a user pool's group roles) picks it" },
];

type Messages = Readonly<Record<string, string>>;

function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <div className="field-error" id={id} role="alert" data-testid="field-error">
      {message}
    </div>
  );
}

function RuleRow({
  rule,
  index,
  count,
  provider,
  messages,
  trace,
  valueList,
  onChange,
  onMove,
  onRemove,
}: {
  rule: RuleDraft;
  index: number;
  count: number;
  provider: string;
  messages: Messages;
  trace: RuleTrace | undefined;
  valueList: string | undefined;
  onChange: (patch: Partial<Omit<RuleDraft, "id">>) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const n = index + 1;
  const msg = (part: string) => messages[`${provider}|${index}|${part}`];
  const input = (part: "Claim" | "Value" | "RoleARN", extra: { list?: string | undefined; className?: string; placeholder?: string }) => (
    <div className={`idp-rule-cell idp-rule-${part.toLowerCase()}`} data-field={`Rules[${n}].${part}`}>
      <input
        {...extra}
        aria-label={`Rule ${n} ${part === "RoleARN" ? "role ARN" : part.toLowerCase()}`}
        aria-invalid={msg(part) ? true : undefined}
        aria-describedby={msg(part) ? `${id}-${part}` : undefined}
        value={rule[part]}
        onChange={(e) => onChange({ [part]: e.target.value })}
        spellCheck={false}
        autoComplete="off"
        data-testid={`rule-${part.toLowerCase()}`}
      />
      <FieldMessage id={`${id}-${part}`} message={msg(part)} />
    </div>
  );
  return (
    <li className="idp-rule" data-testid="rule-row">
      <span className="idp-rule-n" aria-hidden="true">
        {n}
      </span>
      {input("Claim", { list: "idp-claims", placeholder: "claim" })}
      <div className="idp-rule-cell idp-rule-match">
        <select
          aria-label={`Rule ${n} match type`}
          value={rule.MatchType}
          onChange={(e) => onChange({ MatchType: e.target.value as MatchType })}
          data-testid="rule-match"
        >
          {MATCH_TYPES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      {input("Value", { list: valueList, placeholder: "value" })}
      {input("RoleARN", { list: "idp-role-arns", className: "mono", placeholder: "arn:aws:iam::…:role/…" })}
      <div className="idp-rule-actions">
        {trace && (
          <span className={`pill ${OUTCOME_LABELS[trace.Outcome].tone}`} title={trace.Reason} data-testid="rule-outcome">
            {trace.Chosen ? "Chosen" : OUTCOME_LABELS[trace.Outcome].label}
          </span>
        )}
        <Button variant="ghost" className="btn-small" disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move rule ${n} up`}>
          ↑
        </Button>
        <Button variant="ghost" className="btn-small" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move rule ${n} down`}>
          ↓
        </Button>
        <Button variant="ghost" className="btn-small" onClick={onRemove} aria-label={`Remove rule ${n}`}>
          Remove
        </Button>
      </div>
    </li>
  );
}

function MappingEditor({
  mapping,
  label,
  messages,
  traces,
  onChange,
}: {
  mapping: MappingDraft;
  label: string;
  messages: Messages;
  traces: RuleTrace[] | undefined;
  onChange: (m: MappingDraft) => void;
}) {
  const groupsPool = userPoolIdOf(mapping.provider.replace(/:[^:/]+$/, ""));
  const groups = useQuery({
    queryKey: ["all-groups", groupsPool],
    queryFn: () => listAllGroups(groupsPool ?? ""),
    enabled: groupsPool !== undefined && mapping.kind === "Rules",
  });
  const groupsList = `idp-groups-${mapping.provider}`;
  const name = useId();
  const setRules = (rules: RuleDraft[]) => onChange({ ...mapping, rules });
  const providerMessage = messages[`${mapping.provider}|provider`];
  const rulesMessage = messages[`${mapping.provider}|Rules`];
  const ambiguousMessage = messages[`${mapping.provider}|AmbiguousRoleResolution`];
  return (
    <div className="idp-mapping" data-testid="role-mapping" data-provider={mapping.provider}>
      <div className="idp-mapping-head">
        <div>
          <strong>{label}</strong>
          <div className="mono muted idp-key">{mapping.provider}</div>
        </div>
      </div>
      <div className="radios idp-radios-inline" role="radiogroup" aria-label={`Role mapping for ${label}`}>
        {KINDS.map((k) => (
          <label key={k.value} className="radio" title={k.hint}>
            <input
              type="radio"
              name={name}
              checked={mapping.kind === k.value}
              onChange={() =>
                onChange({ ...mapping, kind: k.value, rules: k.value === "Rules" && mapping.rules.length === 0 ? addRule([]) : mapping.rules })
              }
              data-testid={`mapping-kind-${k.value.toLowerCase()}`}
            />
            <span>{k.label}</span>
          </label>
        ))}
      </div>
      <p className="hint">{KINDS.find((k) => k.value === mapping.kind)?.hint}.</p>
      <FieldMessage id={`${name}-provider`} message={providerMessage} />
      {mapping.kind === "Rules" && (
        <>
          {groupsPool !== undefined && (
            <datalist id={groupsList}>
              {(groups.data ?? []).map((g) => (
                <option key={g.GroupName} value={g.GroupName} />
              ))}
            </datalist>
          )}
          <div className="idp-rule-head" aria-hidden="true">
            <span />
            <span>Claim</span>
            <span>Match</span>
            <span>Value</span>
          </div>
          <ol className="idp-rules" data-testid="rule-list">
            {mapping.rules.map((r, i) => (
              <RuleRow
                key={r.id}
                rule={r}
                index={i}
                count={mapping.rules.length}
                provider={mapping.provider}
                messages={messages}
                trace={traces?.[i]}
                valueList={groupsPool !== undefined && r.Claim === "cognito:groups" ? groupsList : undefined}
                onChange={(patch) => setRules(updateRule(mapping.rules, i, patch))}
                onMove={(delta) => setRules(moveRule(mapping.rules, i, delta))}
                onRemove={() => setRules(removeRule(mapping.rules, i))}
              />
            ))}
          </ol>
          <FieldMessage id={`${name}-rules`} message={rulesMessage} />
          <div className="idp-rules-foot">
            <Button className="btn-small" onClick={() => setRules(addRule(mapping.rules))} disabled={mapping.rules.length >= MAX_RULES} data-testid="add-rule">
              Add rule
            </Button>
            <span className="muted">
              {mapping.rules.length} of {MAX_RULES} rules · the first match wins
            </span>
          </div>
        </>
      )}
      {mapping.kind !== "None" && (
        <Field
          label={mapping.kind === "Rules" ? "When no rule matches" : "When the token names no single role"}
          error={ambiguousMessage}
          className="field-medium"
        >
          {(p) => (
            <select {...p} value={mapping.ambiguous} onChange={(e) => onChange({ ...mapping, ambiguous: e.target.value as Ambiguous })} data-testid="mapping-ambiguous">
              <option value="AuthenticatedRole">Use the authenticated role</option>
              <option value="Deny">Deny (no credentials)</option>
            </select>
          )}
        </Field>
      )}
    </div>
  );
}

function RolesEditor({
  pool,
  saved,
  explainInputs,
}: {
  pool: IdentityPool;
  saved: IdentityPoolRoles;
  explainInputs: readonly [ExplainInputs, (i: ExplainInputs) => void];
}) {
  const toast = useToast();
  const queries = useQueryClient();
  const [initial] = useState(() => draftFromSaved(saved, mappingKeys(pool)));
  const [d, setD] = useState<RolesDraft>(initial);
  const dirty = comparable(d) !== comparable(initial);
  const unsaved = useUnsavedGuard(dirty, "the roles and role mappings");
  const request = useMemo(() => toRequest(d), [d]);
  const explain = useExplain(pool, request, dirty, explainInputs);
  const rolesList = useQuery(allRolesQuery);
  const save = useAction((input: ReturnType<typeof toRequest>) => call("SetIdentityPoolRoles", { IdentityPoolId: pool.IdentityPoolId, ...input }), {
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["identity-pool-roles", pool.IdentityPoolId] });
      toast("Roles and role mappings saved");
    },
  });

  // Names for provider keys: the workspace's user pools and their app clients.
  const pools = useQuery(userPoolsQuery);
  const userPoolIds = [...new Set((pool.CognitoIdentityProviders ?? []).map((p) => userPoolIdOf(p.ProviderName ?? "")).filter((x): x is string => !!x))];
  const clientLists = useQueries({ queries: userPoolIds.map((id) => userPoolClientsQuery(id)) });
  const poolNames = new Map((pools.data ?? []).map((p) => [p.Id, p.Name]));
  const clientNames = new Map(clientLists.flatMap((q) => (q.data ?? []).map((c) => [c.ClientId, c.ClientName] as const)));
  const names = providerNamer(poolNames, clientNames);

  // Messages on fields: the live problems of the edited rules, then the save's refusal.
  const filed = filedProblems(explain.problems);
  const messages: Record<string, string> = { ...filed.byPlace };
  let general: ApiError | undefined;
  if (save.error) {
    const place = placeOf(save.error.field);
    if (place.kind === "general") general = save.error;
    else {
      const prefix = `${save.error.field}: `;
      messages[placeKey(place)] = save.error.message.startsWith(prefix) ? save.error.message.slice(prefix.length) : save.error.message;
    }
  }
  const e = explain.explanation;
  const tracesFor = (provider: string) => (e && e.MappingKey === provider ? e.Rules : undefined);
  // The workspace's roles first (named), then ARNs typed here that are not roles of the workspace.
  const workspaceRoles = rolesList.data ?? [];
  const arnOptions = [
    ...new Set([d.authenticated, d.unauthenticated, ...d.mappings.flatMap((m) => m.rules.map((r) => r.RoleARN))].filter((a) => a.startsWith("arn:"))),
  ].filter((a) => !workspaceRoles.some((r) => r.Arn === a));

  return (
    <div className="idp-roles" data-testid="identity-pool-roles">
      {unsaved.prompt}
      <datalist id="idp-claims">
        {CLAIMS.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <datalist id="idp-role-arns" data-testid="role-arn-options">
        {workspaceRoles.map((r) => (
          <option key={r.Arn} value={r.Arn} label={`${r.RoleName} (role of this workspace)`} />
        ))}
        {arnOptions.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <Form className="idp-roles-form" onSubmit={() => save.run(request)}>
        <Section title="Roles">
          <div className="grid-2">
            <Field label="Authenticated role ARN" name="Roles.authenticated" hint="Signed-in identities without a mapping that decides." error={messages["Roles.authenticated"]}>
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={d.authenticated}
                  onChange={(ev) => setD({ ...d, authenticated: ev.target.value })}
                  placeholder="arn:aws:iam::123456789012:role/…"
                  spellCheck={false}
                  list="idp-role-arns"
                  data-testid="role-authenticated"
                />
              )}
            </Field>
            <Field
              label="Unauthenticated role ARN"
              name="Roles.unauthenticated"
              hint={pool.AllowUnauthenticatedIdentities ? "Guests get this role." : "Guests are not allowed in this pool."}
              error={messages["Roles.unauthenticated"]}
            >
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={d.unauthenticated}
                  onChange={(ev) => setD({ ...d, unauthenticated: ev.target.value })}
                  spellCheck={false}
                  list="idp-role-arns"
                  data-testid="role-unauthenticated"
                />
              )}
            </Field>
          </div>
        </Section>
        <Section title="Role mappings">
          {d.mappings.length === 0 && (
            <p className="muted">This pool trusts no provider yet: add one on the Providers tab to map its logins to roles.</p>
          )}
          {d.mappings.map((m) => (
            <MappingEditor
              key={m.provider}
              mapping={m}
              label={names(m.provider)}
              messages={messages}
              traces={tracesFor(m.provider)}
              onChange={(nm) => setD({ ...d, mappings: d.mappings.map((x) => (x.provider === m.provider ? nm : x)) })}
            />
          ))}
          {filed.general.length > 0 && (
            <ul className="field-error idp-general" role="alert">
              {filed.general.map((g) => (
                <li key={g}>{g}</li>
              ))}
            </ul>
          )}
        </Section>
        {general && <ErrorBanner error={general} />}
        <SaveActions
          dirty={dirty}
          action={{ busy: save.busy, general: undefined, discard: save.reset }}
          onDiscard={() => setD(initial)}
          saveLabel="Save roles"
          testId="roles-save"
          note={explain.problems.length > 0 ? <span className="form-actions-note warn-text">{explain.problems.length} problem(s) to fix before saving.</span> : undefined}
        />
      </Form>
      <ExplainPanel pool={pool} state={explain} unsaved={dirty} names={names} />
    </div>
  );
}

export function RolesTab({ pool }: { pool: IdentityPool }) {
  const q = useQuery(identityPoolRolesQuery(pool.IdentityPoolId));
  // The login being explained outlives a save (the editor starts again from what was saved).
  const explainInputs = useState(() => initialExplainInputs(pool));
  return (
    <>
      <QueryStatus query={q} errorTitle="Could not load the roles." loadingLabel="Loading roles…" />
      {q.data && <RolesEditor key={JSON.stringify(q.data)} pool={pool} saved={q.data} explainInputs={explainInputs} />}
    </>
  );
}
