import { Field } from "./ui";

/**
 * The field a one-time code is typed into (from an authenticator app, an email or a text
 * message): a narrow monospace input that asks for the digits keyboard and the browser's
 * one-time-code autofill, focused when it appears, its error shown below it.
 */
export function CodeInput({
  label,
  name,
  error,
  value,
  onChange,
  testId,
}: {
  label: string;
  /** The request member the code goes in (where the core's `field` points). */
  name: string;
  error: string | undefined;
  value: string;
  onChange: (code: string) => void;
  testId: string;
}) {
  return (
    <Field label={label} name={name} error={error}>
      {(p) => (
        <input
          {...p}
          autoFocus
          className="input-narrow mono"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      )}
    </Field>
  );
}
