import { useState } from "react";
import type { MfaConfiguration, Operations, UsernameAttribute } from "../api/types";
import {
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_POLICY_FIELDS,
  PasswordPolicyFields,
  draftErrors,
  fromDraft,
  toDraft,
} from "../components/PasswordPolicyFields";
import { useToast } from "../components/toast";
import { Dialog } from "../components/overlays";
import { Button, Check, ErrorBanner, Field, Form } from "../components/ui";
import { useFormAction } from "../lib/useAction";
import { call } from "../platform";

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
  const create = useFormAction((input: Operations["CreateUserPool"]["input"]) => call("CreateUserPool", input), {
    fields: FIELDS,
    onSuccess: (r) => {
      toast(`Pool ${r.UserPool.Name} created`);
      onCreated(r.UserPool.Id);
    },
  });
  const errors = create.errors;

  const submit = () => {
    const localErrors = draftErrors(policy);
    if (name.trim() === "") localErrors.PoolName = "Enter a name for the pool.";
    if (!create.check(localErrors)) return;
    const attrs = SIGN_IN.find((s) => s.value === signIn)?.attrs ?? [];
    create.run({
      PoolName: name.trim(),
      UsernameAttributes: attrs.length > 0 ? attrs : undefined,
      UsernameConfiguration: { CaseSensitive: caseSensitive },
      Policies: { PasswordPolicy: fromDraft(policy) },
      MfaConfiguration: mfa,
      DeletionProtection: protect ? "ACTIVE" : "INACTIVE",
    });
  };

  return (
    <Dialog title="Create user pool" onClose={onClose} testId="create-pool-dialog">
      <Form
        className="dialog-body"
        onSubmit={submit}
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

        {create.general && <ErrorBanner error={create.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.busy} data-testid="create-pool-submit">
            Create pool
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
