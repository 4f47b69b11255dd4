import { useState } from "react";
import type { PasswordPolicy } from "../api/types";
import { describePolicy, policyProblems } from "../lib/passwords";
import { Field } from "./ui";
import "../styles/admin.css";

/**
 * A password input that says what the pool asks of a password: the policy in words under the
 * field, what the typed password still lacks as it is typed, and a show/hide toggle. An error
 * from the core is shown on the field with the policy named after it (the core's message is
 * Cognito's own, "Password did not conform with policy: Password not long enough", which does
 * not say how long is long enough).
 */
export function PasswordField({
  label,
  name,
  value,
  onChange,
  policy,
  error,
  blankHint,
  autoFocus,
  initiallyVisible = false,
  testId,
}: {
  label: string;
  /** The request member the password fills (where the core's errors land). */
  name: string;
  value: string;
  onChange: (value: string) => void;
  policy: PasswordPolicy | undefined;
  error?: string | undefined;
  /** Said before the policy while the field is empty ("Leave blank to generate one."). */
  blankHint?: string;
  autoFocus?: boolean;
  initiallyVisible?: boolean;
  testId?: string;
}) {
  const [visible, setVisible] = useState(initiallyVisible);
  const rule = describePolicy(policy);
  const problems = value === "" ? [] : policyProblems(value, policy);
  const hint =
    value === "" ? (
      <>
        {blankHint && <span>{blankHint} </span>}
        <span data-testid="password-policy">{rule}</span>
      </>
    ) : problems.length > 0 ? (
      <>
        <span className="password-problems" data-testid="password-problems">
          Short of the policy: {problems.join(", ")}.
        </span>{" "}
        <span data-testid="password-policy">{rule}</span>
      </>
    ) : (
      <span className="password-ok" data-testid="password-ok">
        Meets the pool&apos;s password policy.
      </span>
    );
  const shownError = error === undefined ? undefined : `${/[.!?]$/.test(error) ? error : `${error}.`} This pool's password policy: ${lowerFirst(rule)}`;
  return (
    <Field label={label} name={name} hint={hint} error={shownError}>
      {(p) => (
        <div className="password-input">
          <input
            {...p}
            type={visible ? "text" : "password"}
            autoComplete="new-password"
            autoFocus={autoFocus}
            spellCheck={false}
            className="mono"
            value={value}
            onChange={(ev) => onChange(ev.target.value)}
            data-testid={testId}
          />
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-pressed={visible}
            aria-label={visible ? "Hide password" : "Show password"}
            onClick={() => setVisible((v) => !v)}
          >
            {visible ? "Hide" : "Show"}
          </button>
        </div>
      )}
    </Field>
  );
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
