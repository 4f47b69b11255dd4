import { useState } from "react";
import type { MfaConfiguration, Operations, UserPool, VerifiedAttribute } from "../../api/types";
import {
  PASSWORD_POLICY_FIELDS,
  PasswordPolicyFields,
  draftErrors,
  fromDraft,
  toDraft,
} from "../../components/PasswordPolicyFields";
import { useToast } from "../../components/toast";
import { Check, Field, Form, SaveActions, Section } from "../../components/ui";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { optionalText } from "../../lib/forms";
import { settingsOf } from "../../lib/poolSettings";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";
import { MFA_OPTIONS } from "../CreatePoolDialog";

const FIELDS = [
  ...PASSWORD_POLICY_FIELDS,
  "MfaConfiguration",
  "DeletionProtection",
  "AutoVerifiedAttributes",
  "AdminCreateUserConfig",
  "AdminCreateUserConfig.InviteMessageTemplate.EmailSubject",
  "AdminCreateUserConfig.InviteMessageTemplate.EmailMessage",
  "AdminCreateUserConfig.InviteMessageTemplate.SMSMessage",
  "VerificationMessageTemplate.EmailSubject",
  "VerificationMessageTemplate.EmailMessage",
  "VerificationMessageTemplate.SmsMessage",
] as const;

type Draft = {
  policy: ReturnType<typeof toDraft>;
  mfa: MfaConfiguration;
  protect: boolean;
  autoVerified: VerifiedAttribute[];
  adminOnly: boolean;
  verifySubject: string;
  verifyEmail: string;
  verifySms: string;
  inviteSubject: string;
  inviteEmail: string;
  inviteSms: string;
};

function draftOf(pool: UserPool): Draft {
  const v = pool.VerificationMessageTemplate;
  const invite = pool.AdminCreateUserConfig?.InviteMessageTemplate;
  return {
    policy: toDraft(pool.Policies?.PasswordPolicy),
    mfa: pool.MfaConfiguration ?? "OFF",
    protect: pool.DeletionProtection === "ACTIVE",
    autoVerified: [...(pool.AutoVerifiedAttributes ?? [])],
    adminOnly: pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
    verifySubject: v?.EmailSubject ?? "",
    verifyEmail: v?.EmailMessage ?? "",
    verifySms: v?.SmsMessage ?? "",
    inviteSubject: invite?.EmailSubject ?? "",
    inviteEmail: invite?.EmailMessage ?? "",
    inviteSms: invite?.SMSMessage ?? "",
  };
}

/** The mutable settings of a pool, saved together through UpdateUserPool. */
export function SettingsForm({ pool, onSaved }: { pool: UserPool; onSaved: () => void }) {
  const toast = useToast();
  const [initial] = useState(() => draftOf(pool));
  const [d, setD] = useState(initial);
  const dirty = JSON.stringify(d) !== JSON.stringify(initial);
  const unsaved = useUnsavedGuard(dirty, "the pool's settings");
  const save = useFormAction((request: Operations["UpdateUserPool"]["input"]) => call("UpdateUserPool", request), {
    fields: FIELDS,
    onSuccess: () => {
      toast("Pool settings saved");
      onSaved();
    },
  });
  const errors = save.errors;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((prev) => ({ ...prev, [k]: v }));

  const toggleVerified = (a: VerifiedAttribute, on: boolean) =>
    set("autoVerified", on ? [...d.autoVerified.filter((x) => x !== a), a] : d.autoVerified.filter((x) => x !== a));

  const submit = () => {
    if (!save.check(draftErrors(d.policy))) return;
    const base = settingsOf(pool);
    const inviteTemplate = {
      ...base.AdminCreateUserConfig?.InviteMessageTemplate,
      EmailSubject: optionalText(d.inviteSubject),
      EmailMessage: optionalText(d.inviteEmail),
      SMSMessage: optionalText(d.inviteSms),
    };
    const hasInvite = Object.values(inviteTemplate).some((x) => x !== undefined);
    save.run({
      ...base,
      UserPoolId: pool.Id,
      Policies: { ...base.Policies, PasswordPolicy: fromDraft(d.policy) },
      MfaConfiguration: d.mfa,
      DeletionProtection: d.protect ? "ACTIVE" : "INACTIVE",
      AutoVerifiedAttributes: d.autoVerified,
      AdminCreateUserConfig: {
        ...base.AdminCreateUserConfig,
        AllowAdminCreateUserOnly: d.adminOnly,
        InviteMessageTemplate: hasInvite ? inviteTemplate : undefined,
      },
      VerificationMessageTemplate: {
        ...base.VerificationMessageTemplate,
        EmailSubject: optionalText(d.verifySubject),
        EmailMessage: optionalText(d.verifyEmail),
        SmsMessage: optionalText(d.verifySms),
      },
    });
  };

  return (
    <Section title="Settings" testId="pool-settings">
      {unsaved.prompt}
      <Form
        className="settings-form"
        onSubmit={submit}
      >
        <PasswordPolicyFields value={d.policy} onChange={(p) => set("policy", p)} errors={errors} showHistory />

        <fieldset className="fieldset">
          <legend>Sign-up and verification</legend>
          <Check
            label="Only administrators can create users"
            hint="(self sign-up is off)"
            checked={d.adminOnly}
            onChange={(v) => set("adminOnly", v)}
          />
          <div className="checks" role="group" aria-label="Verify automatically">
            <span className="inline-label">Verify automatically:</span>
            <Check label="Email" checked={d.autoVerified.includes("email")} onChange={(v) => toggleVerified("email", v)} />
            <Check
              label="Phone number"
              checked={d.autoVerified.includes("phone_number")}
              onChange={(v) => toggleVerified("phone_number", v)}
            />
          </div>
          {(errors.AutoVerifiedAttributes || errors.AdminCreateUserConfig) && (
            <div className="field-error" role="alert" data-testid="field-error">
              {errors.AutoVerifiedAttributes ?? errors.AdminCreateUserConfig}
            </div>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>Security</legend>
          <div className="row">
            <Field label="Multi-factor authentication" name="MfaConfiguration" error={errors.MfaConfiguration}>
              {(p) => (
                <select {...p} value={d.mfa} onChange={(e) => set("mfa", e.target.value as MfaConfiguration)}>
                  {MFA_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Check
            label="Deletion protection"
            hint="(the pool can't be deleted while this is on)"
            checked={d.protect}
            onChange={(v) => set("protect", v)}
          />
          {errors.DeletionProtection && (
            <div className="field-error" role="alert">
              {errors.DeletionProtection}
            </div>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>Messages</legend>
          <p className="hint">
            Use <code>{"{####}"}</code> for the code; invitations also use <code>{"{username}"}</code>. Leave blank for the
            default text.
          </p>
          <div className="grid-2">
            <Field
              label="Verification email subject"
              name="VerificationMessageTemplate.EmailSubject"
              error={errors["VerificationMessageTemplate.EmailSubject"]}
            >
              {(p) => <input {...p} value={d.verifySubject} onChange={(e) => set("verifySubject", e.target.value)} />}
            </Field>
            <Field
              label="Invitation email subject"
              name="AdminCreateUserConfig.InviteMessageTemplate.EmailSubject"
              error={errors["AdminCreateUserConfig.InviteMessageTemplate.EmailSubject"]}
            >
              {(p) => <input {...p} value={d.inviteSubject} onChange={(e) => set("inviteSubject", e.target.value)} />}
            </Field>
            <Field
              label="Verification email message"
              name="VerificationMessageTemplate.EmailMessage"
              error={errors["VerificationMessageTemplate.EmailMessage"]}
            >
              {(p) => (
                <textarea {...p} rows={3} value={d.verifyEmail} onChange={(e) => set("verifyEmail", e.target.value)} />
              )}
            </Field>
            <Field
              label="Invitation email message"
              name="AdminCreateUserConfig.InviteMessageTemplate.EmailMessage"
              error={errors["AdminCreateUserConfig.InviteMessageTemplate.EmailMessage"]}
            >
              {(p) => (
                <textarea {...p} rows={3} value={d.inviteEmail} onChange={(e) => set("inviteEmail", e.target.value)} />
              )}
            </Field>
            <Field
              label="Verification SMS"
              name="VerificationMessageTemplate.SmsMessage"
              error={errors["VerificationMessageTemplate.SmsMessage"]}
            >
              {(p) => <input {...p} value={d.verifySms} onChange={(e) => set("verifySms", e.target.value)} />}
            </Field>
            <Field
              label="Invitation SMS"
              name="AdminCreateUserConfig.InviteMessageTemplate.SMSMessage"
              error={errors["AdminCreateUserConfig.InviteMessageTemplate.SMSMessage"]}
            >
              {(p) => <input {...p} value={d.inviteSms} onChange={(e) => set("inviteSms", e.target.value)} />}
            </Field>
          </div>
        </fieldset>

        <SaveActions dirty={dirty} action={save} onDiscard={() => setD(initial)} saveLabel="Save settings" testId="save-settings" />
      </Form>
    </Section>
  );
}
