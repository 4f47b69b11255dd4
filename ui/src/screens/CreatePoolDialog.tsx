import { useState } from "react";
import type { MfaConfiguration, UsernameAttribute } from "../api/types";
import {
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_POLICY_FIELDS,
  PasswordPolicyFields,
  draftErrors,
  fromDraft,
  toDraft,
} from "../components/PasswordPolicyFields";
import { useToast } from "../components/toast";
import { Button, Check, Dialog, ErrorBanner, Field } from "../components/ui";
import { placeError } from "../lib/forms";
import { call, toApiError, type ApiError } from "../platform";

type SignIn = "username" | "email" | "phone" | "email-or-phone";

const SIGN_IN: Array<{ value: SignIn; label: string; hint: string; attrs: UsernameAttribute[] }> = [
  { value: "username", label: "Username", hint: "Users pick a username.", attrs: [] },
  { value: "email", label: "Email address", hint: "The email address is the username.", attrs: ["email"] },
  { value: "phone", label: "Phone number", hint: "The phone number is the username.", attrs: ["phone_number"] },
  {
    value: "email-or-phone",
    label: "Email address or phone number",
    hint: "Either one is the username.",
    attrs: ["email", "phone_number"],
  },
];

export const MFA_OPTIONS: Array<{ value: MfaConfiguration; label: string }> = [
  { value: "OFF", label: "Off" },
  { value: "OPTIONAL", label: "Optional — users may enable it" },
  { value: "ON", label: "Required for every user" },
];

const FIELDS = [
  "PoolName",
  "UsernameAttributes",
  "UsernameConfiguration",
  "MfaConfiguration",
  "DeletionProtection",
  ...PASSWORD_POLICY_FIELDS,
] as const;

export function CreatePoolDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (poolId: string) => void;
}) {
  const toast = useToast();
  const [name, setName] = useState("");
  const [signIn, setSignIn] = useState<SignIn>("username");
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [policy, setPolicy] = useState(toDraft(DEFAULT_PASSWORD_POLICY));
  const [mfa, setMfa] = useState<MfaConfiguration>("OFF");
  const [protect, setProtect] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [local, setLocal] = useState<Record<string, string>>({});

  const placed = placeError(error, FIELDS);
  const errors = { ...placed.fields, ...local };

  const submit = () => {
    const localErrors = draftErrors(policy);
    if (name.trim() === "") localErrors.PoolName = "Enter a name for the pool.";
    setLocal(localErrors);
    setError(undefined);
    if (Object.keys(localErrors).length > 0) return;
    setBusy(true);
    const attrs = SIGN_IN.find((s) => s.value === signIn)?.attrs ?? [];
    call("CreateUserPool", {
      PoolName: name.trim(),
      UsernameAttributes: attrs.length > 0 ? attrs : undefined,
      UsernameConfiguration: { CaseSensitive: caseSensitive },
      Policies: { PasswordPolicy: fromDraft(policy) },
      MfaConfiguration: mfa,
      DeletionProtection: protect ? "ACTIVE" : "INACTIVE",
    }).then(
      (r) => {
        toast(`Pool ${r.UserPool.Name} created`);
        onCreated(r.UserPool.Id);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Dialog title="Create user pool" onClose={onClose} testId="create-pool-dialog">
      <form
        className="dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Pool name" name="PoolName" hint="1–128 characters; can't be changed later." error={errors.PoolName}>
          {(p) => (
            <input
              {...p}
              autoFocus
              value={name}
              maxLength={256}
              onChange={(e) => setName(e.target.value)}
              data-testid="pool-name"
            />
          )}
        </Field>

        <fieldset className="fieldset" data-field="UsernameAttributes">
          <legend>Users sign in with</legend>
          <div className="radios radios-grid">
            {SIGN_IN.map((s) => (
              <label key={s.value} className="radio">
                <input
                  type="radio"
                  name="sign-in"
                  value={s.value}
                  checked={signIn === s.value}
                  onChange={() => setSignIn(s.value)}
                />
                <span>
                  {s.label} <span className="hint">{s.hint}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.UsernameAttributes && (
            <div className="field-error" role="alert" data-testid="field-error">
              {errors.UsernameAttributes}
            </div>
          )}
          <Check
            label="Usernames are case sensitive"
            hint="(“Alice” and “alice” are different users; can't be changed later)"
            checked={caseSensitive}
            onChange={setCaseSensitive}
          />
          {errors.UsernameConfiguration && (
            <div className="field-error" role="alert" data-testid="field-error">
              {errors.UsernameConfiguration}
            </div>
          )}
        </fieldset>

        <PasswordPolicyFields value={policy} onChange={setPolicy} errors={errors} />

        <div className="row row-center">
          <Field label="Multi-factor authentication" name="MfaConfiguration" error={errors.MfaConfiguration}>
            {(p) => (
              <select {...p} value={mfa} onChange={(e) => setMfa(e.target.value as MfaConfiguration)}>
                {MFA_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="check-field" data-field="DeletionProtection">
            <Check
              label="Deletion protection"
              hint="(blocks deleting the pool until turned off)"
              checked={protect}
              onChange={setProtect}
            />
            {errors.DeletionProtection && (
              <div className="field-error" role="alert" data-testid="field-error">
                {errors.DeletionProtection}
              </div>
            )}
          </div>
        </div>

        {placed.general && <ErrorBanner error={placed.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="create-pool-submit">
            Create pool
          </Button>
        </footer>
      </form>
    </Dialog>
  );
}
