import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { workspaceQuery } from "../../api/queries";
import type { CompromisedAction, EventFilter, RiskConfiguration, TakeoverAction, UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { QueryStatus } from "../../components/LoadState";
import { Check, Field, Form, SaveActions, Section } from "../../components/ui";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { formatDateTime, isoTime } from "../../lib/format";
import { routeHref } from "../../lib/router";
import {
  EVENT_FILTERS,
  LEVEL_MEMBER,
  RISK_FIELDS,
  RISK_LEVELS,
  riskDraftOf,
  riskRequestOf,
  type CompromisedChoice,
  type RiskDraft,
  type RiskLevel,
  type SetRiskConfigurationRequest,
} from "../../lib/risk";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";

const COMPROMISED_CHOICES: ReadonlyArray<{ value: CompromisedChoice; label: string }> = [
  { value: "off", label: "Don't check passwords" },
  { value: "NO_ACTION", label: "Check, and only record a match" },
  { value: "BLOCK", label: "Check, and refuse a matching password" },
];

const TAKEOVER_ACTIONS: ReadonlyArray<{ value: TakeoverAction; label: string }> = [
  { value: "NO_ACTION", label: "Allow" },
  { value: "MFA_IF_CONFIGURED", label: "MFA if the user has it" },
  { value: "MFA_REQUIRED", label: "Require MFA" },
  { value: "BLOCK", label: "Block" },
];

/** What makes a sign-in each level, as the core judges it from the user's own history. */
const LEVEL_MEANING: Record<RiskLevel, string> = {
  Low: "From an address this user has signed in from before (or their very first sign-in).",
  Medium: "From an address new for this user.",
  High: "From an address new for this user, after 3 or more failed sign-ins in a row.",
};

const COMPROMISED_ACTION = "CompromisedCredentialsRiskConfiguration.Actions";
const EVENT_FILTER = "CompromisedCredentialsRiskConfiguration.EventFilter";
const BLOCKED = "RiskExceptionConfiguration.BlockedIPRangeList";
const SKIPPED = "RiskExceptionConfiguration.SkippedIPRangeList";
const levelField = (l: RiskLevel) => `AccountTakeoverRiskConfiguration.Actions.${LEVEL_MEMBER[l]}`;

/** The pool's threat protection (DescribeRiskConfiguration / SetRiskConfiguration). */
export function ThreatProtectionSection({ pool }: { pool: UserPool }) {
  const queries = useQueryClient();
  const key = ["risk", pool.Id];
  const q = useQuery({ queryKey: key, queryFn: () => call("DescribeRiskConfiguration", { UserPoolId: pool.Id }) });
  const workspace = useQuery(workspaceQuery);
  const config = q.data?.RiskConfiguration;
  // A new form (fresh "initial") after each save, even two saves within the same second.
  const [saves, setSaves] = useState(0);
  return (
    <Section title="Threat protection" testId="threat-protection">
      <p className="hint section-intro">
        Checks passwords against a list of breached passwords, answers risky sign-ins, and always blocks or never assesses
        the IP ranges you list. It applies to password sign-ins through every app client of the pool.
      </p>
      <QueryStatus query={q} errorTitle="Could not load the threat protection settings." loadingLabel="Loading threat protection…" />
      {config && (
        <ThreatProtectionForm
          key={saves}
          pool={pool}
          config={config}
          hasBreachList={workspace.data ? workspace.data.Workspace.BreachedPasswordsFile !== undefined : undefined}
          onSaved={(fresh) => {
            queries.setQueryData(key, { RiskConfiguration: fresh });
            setSaves((n) => n + 1);
          }}
        />
      )}
    </Section>
  );
}

function ThreatProtectionForm({
  pool,
  config,
  hasBreachList,
  onSaved,
}: {
  pool: UserPool;
  config: RiskConfiguration;
  /** Whether the workspace has a breached-password list (undefined while unknown). */
  hasBreachList: boolean | undefined;
  onSaved: (fresh: RiskConfiguration) => void;
}) {
  const toast = useToast();
  const [initial] = useState(() => riskDraftOf(config));
  const [d, setD] = useState<RiskDraft>(initial);
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);
  const unsaved = useUnsavedGuard(dirty, "threat protection");
  const save = useFormAction((request: SetRiskConfigurationRequest) => call("SetRiskConfiguration", request), {
    fields: RISK_FIELDS,
    onSuccess: (res) => {
      toast("Threat protection saved");
      onSaved(res.RiskConfiguration);
    },
  });
  const errors: Record<string, string | undefined> = save.errors;
  const set = <K extends keyof RiskDraft>(k: K, v: RiskDraft[K]) => setD((prev) => ({ ...prev, [k]: v }));
  const setLevel = (l: RiskLevel, patch: Partial<RiskDraft["levels"][RiskLevel]>) =>
    setD((prev) => ({ ...prev, levels: { ...prev.levels, [l]: { ...prev.levels[l], ...patch } } }));
  const toggleEvent = (e: EventFilter, on: boolean) =>
    set("events", on ? [...d.events.filter((x) => x !== e), e] : d.events.filter((x) => x !== e));
  const checking = d.compromised !== "off";

  const submit = () => {
    const r = riskRequestOf(pool.Id, d);
    if (save.check(r.ok ? {} : r.errors) && r.ok) save.run(r.request);
  };

  return (
    <Form
      className="settings-form risk-form"
      onSubmit={submit}
    >
      {unsaved.prompt}
      <fieldset className="fieldset">
        <legend>Compromised credentials</legend>
        <div className="row">
          <Field
            label="Passwords found in the breached-password list"
            name={COMPROMISED_ACTION}
            error={errors[COMPROMISED_ACTION] ?? errors.CompromisedCredentialsRiskConfiguration}
          >
            {(p) => (
              <select
                {...p}
                value={d.compromised}
                onChange={(e) => set("compromised", e.target.value as CompromisedAction | "off")}
                data-testid="risk-compromised-action"
              >
                {COMPROMISED_CHOICES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div data-field={EVENT_FILTER}>
          <div className="checks" role="group" aria-label="Check passwords at">
            <span className="inline-label">Check at:</span>
            {EVENT_FILTERS.map((e) => (
              <Check
                key={e.value}
                label={e.label}
                disabled={!checking}
                checked={d.events.includes(e.value)}
                onChange={(on) => toggleEvent(e.value, on)}
              />
            ))}
          </div>
          {errors[EVENT_FILTER] && (
            <div className="field-error" role="alert" data-testid="field-error">
              {errors[EVENT_FILTER]}
            </div>
          )}
        </div>
        <p className="hint">
          “Refuse” stops a sign-in, sign-up or password change that uses a breached password; “only record” lets it through
          and marks the sign-in in the user's history.
          {checking && hasBreachList === false && (
            <span className="warn-text-inline" data-testid="no-breach-list">
              {" "}
              This workspace has no breached-password list yet, so no password is ever found: set one in{" "}
              <a href={routeHref({ screen: "workspace", section: "threats" })}>Workspace settings → Threat protection</a>.
            </span>
          )}
        </p>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Account takeover</legend>
        <Check
          label="Judge the risk of each password sign-in"
          hint="(off: sign-ins are not assessed)"
          checked={d.takeover}
          onChange={(v) => set("takeover", v)}
        />
        {errors.AccountTakeoverRiskConfiguration && (
          <div className="field-error" role="alert" data-testid="field-error">
            {errors.AccountTakeoverRiskConfiguration}
          </div>
        )}
        <table className={`table table-compact risk-levels${d.takeover ? "" : " dimmed"}`} data-testid="risk-levels">
          <thead>
            <tr>
              <th>Risk</th>
              <th>When</th>
              <th>Action</th>
              <th>Notify</th>
            </tr>
          </thead>
          <tbody>
            {RISK_LEVELS.map((l) => {
              const field = levelField(l);
              const id = `risk-${l.toLowerCase()}`;
              return (
                <tr key={l} data-field={field} data-testid={`risk-level-${l.toLowerCase()}`}>
                  <th scope="row">{l}</th>
                  <td className="muted">{LEVEL_MEANING[l]}</td>
                  <td>
                    <select
                      aria-label={`${l} risk action`}
                      id={id}
                      value={d.levels[l].action}
                      disabled={!d.takeover}
                      aria-invalid={errors[field] ? true : undefined}
                      onChange={(e) => setLevel(l, { action: e.target.value as TakeoverAction })}
                    >
                      {TAKEOVER_ACTIONS.map((a) => (
                        <option key={a.value} value={a.value}>
                          {a.label}
                        </option>
                      ))}
                    </select>
                    {errors[field] && (
                      <div className="field-error" role="alert" data-testid="field-error">
                        {errors[field]}
                      </div>
                    )}
                  </td>
                  <td>
                    <Check
                      label={<span className="sr-only">{`Notify the user of ${l.toLowerCase()} risk sign-ins`}</span>}
                      hint="Email"
                      disabled={!d.takeover}
                      checked={d.levels[l].notify}
                      onChange={(v) => setLevel(l, { notify: v })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="hint">
          “MFA if the user has it” asks users with an MFA factor for a code and lets the others in; “Require MFA” refuses
          users without one. Notify emails the user (see the Messages tab).
        </p>
      </fieldset>

      <fieldset className="fieldset">
        <legend>IP address exceptions</legend>
        <div className="grid-2">
          <Field
            label="Always block"
            name={BLOCKED}
            hint="Every sign-in from these ranges is refused. One CIDR range or address per line, e.g. 203.0.113.0/24."
            error={errors[BLOCKED]}
          >
            {(p) => (
              <textarea
                {...p}
                rows={4}
                className="mono"
                spellCheck={false}
                value={d.blocked}
                onChange={(e) => set("blocked", e.target.value)}
                data-testid="risk-blocked-ips"
              />
            )}
          </Field>
          <Field
            label="Never assess"
            name={SKIPPED}
            hint="Sign-ins from these ranges skip the risk check (an office network). One per line."
            error={errors[SKIPPED]}
          >
            {(p) => (
              <textarea
                {...p}
                rows={4}
                className="mono"
                spellCheck={false}
                value={d.skipped}
                onChange={(e) => set("skipped", e.target.value)}
                data-testid="risk-skipped-ips"
              />
            )}
          </Field>
        </div>
        {errors.RiskExceptionConfiguration && (
          <div className="field-error" role="alert" data-testid="field-error">
            {errors.RiskExceptionConfiguration}
          </div>
        )}
      </fieldset>

      <SaveActions
        dirty={dirty}
        action={save}
        onDiscard={() => setD(initial)}
        saveLabel="Save threat protection"
        testId="save-risk"
        note={
          config.LastModifiedDate !== undefined && (
            <span className="hint form-actions-note" title={isoTime(config.LastModifiedDate)}>
              Last saved {formatDateTime(config.LastModifiedDate)}
            </span>
          )
        }
      />
    </Form>
  );
}
