import { useState } from "react";
import type { AttributeType, DeliveryMedium, Operations, UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { Dialog } from "../../components/overlays";
import { Button, Check, ErrorBanner, Field, Form } from "../../components/ui";
import { optionalText, placeError } from "../../lib/forms";
import { useAction } from "../../lib/useAction";
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
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [emailVerified, setEmailVerified] = useState(true);
  const [phone, setPhone] = useState("");
  const [password, setPassword] = useState("");
  const [suppress, setSuppress] = useState(true);
  const create = useAction((input: Operations["AdminCreateUser"]["input"]) => call("AdminCreateUser", input), {
    onSuccess: (r) => {
      toast(`User ${r.User.Username} created`);
      onCreated(r.User.Username);
    },
  });
  const sent = create.input?.UserAttributes ?? [];
  const placed = placeError(attributeField(create.error, sent), FIELDS, { UsernameExistsException: "Username" });
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
    create.run({
      UserPoolId: pool.Id,
      Username: username.trim(),
      UserAttributes: attrs.length > 0 ? attrs : undefined,
      TemporaryPassword: password === "" ? undefined : password,
      MessageAction: suppress ? "SUPPRESS" : undefined,
      DesiredDeliveryMediums: !suppress && mediums.length > 0 ? mediums : undefined,
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
              autoFocus
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
        <Field
          label="Temporary password"
          name="TemporaryPassword"
          hint="Leave blank to generate one. The user must change it at first sign-in."
          error={placed.fields.TemporaryPassword}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              autoComplete="off"
              spellCheck={false}
              className="mono"
              value={password}
              onChange={(ev) => setPassword(ev.target.value)}
              data-testid="new-temp-password"
            />
          )}
        </Field>
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
