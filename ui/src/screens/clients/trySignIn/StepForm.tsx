import type { ReactNode } from "react";
import type { ApiError } from "../../../platform";
import { Button, ErrorBanner, Form, Section } from "../../../components/ui";
import { routeHref } from "../../../lib/router";

/** What to do about a refused sign-in, by code; the message says what happened. */
export function signInHint(code: string, poolId: string): ReactNode {
  const messages = <a href={routeHref({ screen: "pool", poolId, tab: "messages" })}>Messages</a>;
  switch (code) {
    case "PasswordResetRequiredException":
      return <>An administrator reset this password: the user chooses a new one with the code sent to them (see {messages}).</>;
    case "UserNotConfirmedException":
      return <>The user hasn't confirmed their sign-up: confirm it in the user's Security tab, or use the code in {messages}.</>;
    case "ExpiredCodeException":
      return <>Start over to have a new code sent.</>;
    default:
      return undefined;
  }
}

/** A refusal of the core that names no field of the step, with what to do about it. */
export function SignInError({ error, poolId }: { error: ApiError | undefined; poolId: string }) {
  return error ? <ErrorBanner error={error} hint={signInHint(error.code, poolId)} /> : null;
}

/** One step of the sign-in: its numbered title, and what Poolhouse answered to get here. */
export function StepSection({ title, testId, intro, children }: { title: string; testId?: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <Section title={title} testId={testId}>
      {intro && <p>{intro}</p>}
      {children}
    </Section>
  );
}

/** A step's form: the refusal that names no field first, the fields, then Start over and the answer. */
export function StepForm({
  poolId,
  error,
  busy,
  submitLabel,
  submitTestId,
  onSubmit,
  onBack,
  children,
}: {
  poolId: string;
  error?: ApiError | undefined;
  busy: boolean;
  submitLabel: string;
  submitTestId: string;
  onSubmit: () => void;
  /** Start over (not on the first step). */
  onBack?: () => void;
  children: ReactNode;
}) {
  return (
    <Form
      onSubmit={onSubmit}
    >
      <SignInError error={error} poolId={poolId} />
      {children}
      <div className="form-actions">
        {onBack && <Button onClick={onBack}>Start over</Button>}
        <Button type="submit" variant="primary" busy={busy} data-testid={submitTestId}>
          {submitLabel}
        </Button>
      </div>
    </Form>
  );
}

/** Radio buttons for one request member, with the core's complaint about it. */
export function ChoiceField<V extends string>({
  legend,
  member,
  name,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  /** The request member the choice fills. */
  member: string;
  name: string;
  options: ReadonlyArray<{ value: V; label: ReactNode; disabled?: boolean }>;
  value: V | undefined;
  onChange: (v: V) => void;
  error: string | undefined;
}) {
  return (
    <fieldset className="fieldset" data-field={member}>
      <legend>{legend}</legend>
      <div className="radios">
        {options.map((o) => (
          <label key={o.value} className={`radio${o.disabled ? " radio-disabled" : ""}`}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              disabled={o.disabled}
              onChange={() => onChange(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <div className="field-error" role="alert" data-testid="field-error">
          {error}
        </div>
      )}
    </fieldset>
  );
}
