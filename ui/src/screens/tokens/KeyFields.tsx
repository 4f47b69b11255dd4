import type { SecretEncoding, UserPoolDescription } from "../../api/types";
import { Field } from "../../components/ui";

/** Radio buttons choosing where key material comes from (Verify's keys, Encode's signer). */
export function SourceRadios<T extends string>({
  name,
  testIdPrefix,
  label,
  options,
  value,
  onChange,
}: {
  name: string;
  /** Each radio's test id is `<testIdPrefix>-<value>`. */
  testIdPrefix: string;
  label: string;
  options: ReadonlyArray<{ value: T; label: string }>;
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <div className="radios-inline" role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <label key={o.value} className="radio">
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            data-testid={`${testIdPrefix}-${o.value}`}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}

/** A Poolhouse user pool to take keys from; `none` is the label of the empty choice. */
export function PoolSelect({
  pools,
  value,
  onChange,
  none,
  hint,
  error,
  testId,
}: {
  pools: readonly UserPoolDescription[] | undefined;
  value: string;
  onChange: (poolId: string) => void;
  none: string;
  hint: string;
  error?: string;
  testId: string;
}) {
  return (
    <Field label="User pool" name="UserPoolId" error={error} hint={hint}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          <option value="">{none}</option>
          {(pools ?? []).map((pool) => (
            <option key={pool.Id} value={pool.Id}>
              {pool.Name} ({pool.Id})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Key material pasted as text (PEM, JWK, JWKS, certificate). */
export function KeyText({
  label,
  name,
  value,
  onChange,
  placeholder,
  hint,
  error,
  rows,
  testId,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (text: string) => void;
  placeholder: string;
  hint: string;
  error?: string;
  rows: number;
  testId: string;
}) {
  return (
    <Field label={label} name={name} error={error} hint={hint}>
      {(p) => (
        <textarea
          {...p}
          className="mono key-text"
          rows={rows}
          spellCheck={false}
          autoComplete="off"
          placeholder={placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      )}
    </Field>
  );
}

/** An HMAC secret and how its text is read. */
export function SecretFields({
  secret,
  encoding,
  onSecret,
  onEncoding,
  fieldError,
  hint,
  testId,
}: {
  secret: string;
  encoding: SecretEncoding;
  onSecret: (s: string) => void;
  onEncoding: (e: SecretEncoding) => void;
  fieldError: (member: string) => string | undefined;
  hint?: string;
  testId: string;
}) {
  return (
    <div className="row">
      <Field label="HMAC secret" name="Secret" error={fieldError("Secret")} className="grow" hint={hint}>
        {(p) => (
          <input
            {...p}
            type="password"
            className="mono"
            autoComplete="off"
            spellCheck={false}
            value={secret}
            onChange={(e) => onSecret(e.target.value)}
            data-testid={testId}
          />
        )}
      </Field>
      <Field label="Secret is" name="SecretEncoding" error={fieldError("SecretEncoding")}>
        {(p) => (
          <select {...p} value={encoding} onChange={(e) => onEncoding(e.target.value as SecretEncoding)}>
            <option value="Text">Text (its UTF-8 bytes)</option>
            <option value="Base64">Base64 or base64url</option>
          </select>
        )}
      </Field>
    </div>
  );
}
