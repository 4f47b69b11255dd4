import { useState } from "react";
import type { AttributeType, DeliveryMedium, Operations, UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { Dialog } from "../../components/overlays";
import { PasswordField } from "../../components/PasswordField";
import { Button, Check, CopyButton, ErrorBanner, Field, Form } from "../../components/ui";
import { optionalText, placeError } from "../../lib/forms";
import { generatePassword } from "../../lib/passwords";
import { personLabel } from "../../lib/people";
import { useAction } from "../../lib/useAction";
import { useOpenFocus } from "../../lib/useOpenFocus";
import { ApiError, call } from "../../platform";

/**
 * Rewrites `UserAttributes[i]…` in an error's field to `UserAttributes.<name>` so the error
 * lands next to the input of that attribute.
 */
export function attributeField(error: ApiError | undefined, sent: AttributeType[]): ApiError | undefined {
  const m = error?.field?.match(/^UserAttributes\[(\d+)\]/);
  if (!error || !m) return error;
  const attr = sent[Number(m[1])];
  if (!attr) return error;
  return new ApiError(error.code, error.message, `UserAttributes.${attr.Name}`);
}

const FIELDS = [
  "Username",
  "UserAttributes.email",
  "UserAttributes.phone_number",
  "UserAttributes",
  "TemporaryPassword",
  "MessageAction",
  "DesiredDeliveryMediums",
] as const;

export function CreateUserDialog({
  pool,
  onClose,
  onCreated,
}: {
  pool: UserPool;
  onClose: () => void;
  onCreated: (username: string) => void;
}) {
  const toast = useToast();
  const first = useOpenFocus<HTMLInputElement>();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [emailVerified, setEmailVerified] = useState(true);
  const [phone, setPhone] = useState("");
  const [password, setPassword] = useState("");
  const [suppress, setSuppress] = useState(true);
  /** A password generated here for a user nobody will invite: shown once, after creation. */
  const [generated, setGenerated] = useState<{ username: string; label: string; password: string } | null>(null);
  const policy = pool.Policies?.PasswordPolicy;
  const create = useAction(
    ({ request }: { request: Operations["AdminCreateUser"]["input"]; generated: boolean }) => call("AdminCreateUser", request),
    {
      onSuccess: (r, { request: input, generated: made }) => {
        const label = personLabel({
          Username: r.User.Username,
          Email: input.UserAttributes?.find((a) => a.Name === "email")?.Value,
          PhoneNumber: input.UserAttributes?.find((a) => a.Name === "phone_number")?.Value,
        }, pool);
        toast(`User ${label} created`);
        if (made && input.TemporaryPassword) {
          setGenerated({ username: r.User.Username, label, password: input.TemporaryPassword });
        } else {
          onCreated(r.User.Username);
        }
      },
    },
  );
  const sent = create.input?.request.UserAttributes ?? [];
  const placed = placeError(attributeField(create.error, sent), FIELDS, {
    UsernameExistsException: "Username",
    InvalidPasswordException: "TemporaryPassword",
  });
  const byEmail = pool.UsernameAttributes?.includes("email") ?? false;
  const byPhone = pool.UsernameAttributes?.includes("phone_number") ?? false;
  const usernameHint =
    byEmail && byPhone
      ? "An email address or phone number; this pool uses them as usernames."
      : byEmail
        ? "An email address; this pool uses email addresses as usernames."
        : byPhone
          ? "A phone number in E.164 form (+15555550100); this pool uses phone numbers as usernames."
          : "1–128 characters, no spaces.";

  /** An invitation goes out only when it is not suppressed and there is somewhere to send it. */
  const invites = !suppress && (email.trim() !== "" || phone.trim() !== "");

  if (generated) {
    const done = () => onCreated(generated.username);
    return (
      <Dialog title="User created" onClose={done} testId="created-password-dialog">
        <div className="dialog-body once-secret">
          <p>
            <strong>{generated.label}</strong> was created with this temporary password. Give it to them; they must
            change it at their first sign-in.
          </p>
          <div className="once-secret-value">
            <code className="mono" data-testid="generated-password">
              {generated.password}
            </code>
            <CopyButton text={generated.password} />
          </div>
          <div className="once-secret-notice" role="note" data-testid="shown-once-notice">
            This password is shown only now. Poolhouse keeps only its hash: once you close this, nobody can see it
            again (set a new one from the user&apos;s page if it is lost).
          </div>
          <footer className="dialog-footer">
            <Button variant="primary" autoFocus onClick={done} data-testid="generated-password-done">
              Done
            </Button>
          </footer>
        </div>
      </Dialog>
    );
  }

  const submit = () => {
    const attrs: AttributeType[] = [];
    const e = optionalText(email);
    const p = optionalText(phone);
    if (e) {
      attrs.push({ Name: "email", Value: e });
      if (emailVerified) attrs.push({ Name: "email_verified", Value: "true" });
    }
    if (p) attrs.push({ Name: "phone_number", Value: p });
    const mediums: DeliveryMedium[] = [];
    if (e) mediums.push("EMAIL");
    if (p) mediums.push("SMS");
    // Nobody will be told a password the core makes up when no invitation goes out: make one
    // here instead, and show it once after creation.
    const generate = password === "" && !invites;
    create.run({
      generated: generate,
      request: {
        UserPoolId: pool.Id,
        Username: username.trim(),
        UserAttributes: attrs.length > 0 ? attrs : undefined,
        TemporaryPassword: generate ? generatePassword(policy) : password === "" ? undefined : password,
        // With nowhere to send an invitation, none is sent: the password is shown here instead.
        MessageAction: suppress || !invites ? "SUPPRESS" : undefined,
        DesiredDeliveryMediums: !suppress && mediums.length > 0 ? mediums : undefined,
      },
    });
  };

  return (
    <Dialog title="Create user" onClose={onClose} testId="create-user-dialog">
      <Form
        className="dialog-body"
        onSubmit={submit}
      >
        <Field label="Username" name="Username" hint={usernameHint} error={placed.fields.Username}>
          {(p) => (
            <input
              {...p}
              ref={first}
              autoComplete="off"
              spellCheck={false}
              value={username}
              onChange={(ev) => setUsername(ev.target.value)}
              data-testid="new-username"
            />
          )}
        </Field>
        <div className="grid-2">
          <Field label="Email" name="UserAttributes.email" error={placed.fields["UserAttributes.email"]}>
            {(p) => (
              <input
                {...p}
                type="email"
                autoComplete="off"
                value={email}
                onChange={(ev) => setEmail(ev.target.value)}
                data-testid="new-email"
              />
            )}
          </Field>
          <Field
            label="Phone number"
            name="UserAttributes.phone_number"
            hint="E.164, e.g. +15555550100"
            error={placed.fields["UserAttributes.phone_number"]}
          >
            {(p) => <input {...p} type="tel" autoComplete="off" value={phone} onChange={(ev) => setPhone(ev.target.value)} />}
          </Field>
        </div>
        {email.trim() !== "" && (
          <Check label="Mark email address as verified" checked={emailVerified} onChange={setEmailVerified} />
        )}
        {placed.fields.UserAttributes && (
          <div className="field-error" role="alert" data-testid="field-error">
            {placed.fields.UserAttributes}
          </div>
        )}
        <PasswordField
          label="Temporary password"
          name="TemporaryPassword"
          value={password}
          onChange={(v) => {
            setPassword(v);
            // The refusal was about the password before this edit; the live hint takes over.
            if (placed.fields.TemporaryPassword) create.reset();
          }}
          policy={policy}
          initiallyVisible
          error={placed.fields.TemporaryPassword}
          blankHint={
            invites
              ? "Leave blank and the invitation carries a generated one."
              : "Leave blank to generate one, shown to you once after creation."
          }
          testId="new-temp-password"
        />
        <Check
          label="Don't send an invitation"
          hint={suppress ? "" : "(the invitation goes to the local outbox by email and/or SMS)"}
          checked={suppress}
          onChange={setSuppress}
        />
        {(placed.fields.MessageAction || placed.fields.DesiredDeliveryMediums) && (
          <div className="field-error" role="alert" data-testid="field-error">
            {placed.fields.MessageAction ?? placed.fields.DesiredDeliveryMediums}
          </div>
        )}
        {placed.general && <ErrorBanner error={placed.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.busy} data-testid="create-user-submit">
            Create user
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
