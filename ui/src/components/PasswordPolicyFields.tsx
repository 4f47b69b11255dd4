import type { PasswordPolicy } from "../api/types";
import { Check, Field } from "./ui";

export const DEFAULT_PASSWORD_POLICY: Required<PasswordPolicy> = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  PasswordHistorySize: 0,
  TemporaryPasswordValidityDays: 7,
};

const P = "Policies.PasswordPolicy";

/** The request members these fields fill, for placing the core's field errors. */
export const PASSWORD_POLICY_FIELDS = [
  `${P}.MinimumLength`,
  `${P}.TemporaryPasswordValidityDays`,
  `${P}.PasswordHistorySize`,
  P,
  "Policies",
] as const;

/** Numbers are edited as text so the core, which validates, sees what was typed. */
export type PasswordPolicyDraft = Omit<
  Required<PasswordPolicy>,
  "MinimumLength" | "TemporaryPasswordValidityDays" | "PasswordHistorySize"
> & { MinimumLength: string; TemporaryPasswordValidityDays: string; PasswordHistorySize: string };

/** The policy as the form edits it; members the core left out show Cognito's defaults. */
export function toDraft(p: PasswordPolicy | undefined): PasswordPolicyDraft {
  const d = DEFAULT_PASSWORD_POLICY;
  return {
    RequireUppercase: p?.RequireUppercase ?? d.RequireUppercase,
    RequireLowercase: p?.RequireLowercase ?? d.RequireLowercase,
    RequireNumbers: p?.RequireNumbers ?? d.RequireNumbers,
    RequireSymbols: p?.RequireSymbols ?? d.RequireSymbols,
    MinimumLength: String(p?.MinimumLength ?? d.MinimumLength),
    TemporaryPasswordValidityDays: String(p?.TemporaryPasswordValidityDays ?? d.TemporaryPasswordValidityDays),
    PasswordHistorySize: String(p?.PasswordHistorySize ?? d.PasswordHistorySize),
  };
}

/**
 * What must be fixed before the draft can be sent: a number field that is blank or not a whole
 * number. Ranges are the core's to check (it answers with a field error).
 */
export function draftErrors(d: PasswordPolicyDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const k of ["MinimumLength", "TemporaryPasswordValidityDays", "PasswordHistorySize"] as const) {
    if (!/^\s*-?\d+\s*$/.test(d[k])) errors[`${P}.${k}`] = "Enter a whole number.";
  }
  return errors;
}

/** The policy to send; call only when `draftErrors` is empty. */
export function fromDraft(d: PasswordPolicyDraft): Required<PasswordPolicy> {
  return {
    ...d,
    MinimumLength: Number(d.MinimumLength),
    TemporaryPasswordValidityDays: Number(d.TemporaryPasswordValidityDays),
    PasswordHistorySize: Number(d.PasswordHistorySize),
  };
}

export function PasswordPolicyFields({
  value,
  onChange,
  errors,
  showHistory = false,
}: {
  value: PasswordPolicyDraft;
  onChange: (next: PasswordPolicyDraft) => void;
  errors: Record<string, string>;
  showHistory?: boolean;
}) {
  const set = <K extends keyof PasswordPolicyDraft>(k: K, v: PasswordPolicyDraft[K]) =>
    onChange({ ...value, [k]: v });
  return (
    <fieldset className="fieldset">
      <legend>Password policy</legend>
      <div className="row">
        <Field label="Minimum length" name={`${P}.MinimumLength`} hint="6–99 characters" error={errors[`${P}.MinimumLength`]}>
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              className="input-narrow"
              value={value.MinimumLength}
              onChange={(e) => set("MinimumLength", e.target.value)}
              data-testid="password-min-length"
            />
          )}
        </Field>
        <Field
          label="Temporary password (days)"
          name={`${P}.TemporaryPasswordValidityDays`}
          hint="How long it stays valid, 0–365"
          error={errors[`${P}.TemporaryPasswordValidityDays`]}
        >
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              className="input-narrow"
              value={value.TemporaryPasswordValidityDays}
              onChange={(e) => set("TemporaryPasswordValidityDays", e.target.value)}
            />
          )}
        </Field>
        {showHistory && (
          <Field
            label="Prevent reuse of last"
            name={`${P}.PasswordHistorySize`}
            hint="0–24 passwords"
            error={errors[`${P}.PasswordHistorySize`]}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                inputMode="numeric"
                className="input-narrow"
                value={value.PasswordHistorySize}
                onChange={(e) => set("PasswordHistorySize", e.target.value)}
              />
            )}
          </Field>
        )}
      </div>
      <div className="checks" role="group" aria-label="Required character classes">
        <Check label="Uppercase letter" checked={value.RequireUppercase} onChange={(v) => set("RequireUppercase", v)} />
        <Check label="Lowercase letter" checked={value.RequireLowercase} onChange={(v) => set("RequireLowercase", v)} />
        <Check label="Number" checked={value.RequireNumbers} onChange={(v) => set("RequireNumbers", v)} />
        <Check label="Symbol" checked={value.RequireSymbols} onChange={(v) => set("RequireSymbols", v)} />
      </div>
      {(errors[P] || errors.Policies) && (
        <div className="field-error" role="alert" data-testid="field-error">
          {errors[P] ?? errors.Policies}
        </div>
      )}
    </fieldset>
  );
}
