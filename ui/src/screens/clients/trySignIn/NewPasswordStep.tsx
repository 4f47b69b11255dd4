import { useState } from "react";
import { Field } from "../../../components/ui";
import { attributeMember, newPasswordResponses } from "../../../lib/signIn";
import { useFormAction } from "../../../lib/useAction";
import { signInApi } from "./signInApi";
import type { StepProps } from "./stages";
import { StepForm, StepSection } from "./StepForm";

const NEW_PASSWORD = "ChallengeResponses.NEW_PASSWORD";

/** NEW_PASSWORD_REQUIRED: the user signed in with a temporary password and chooses their own. */
export function NewPasswordStep({ client, stage, onBack, onAnswer }: StepProps<"new-password">) {
  const [password, setPassword] = useState("");
  const [attributes, setAttributes] = useState<Record<string, string>>({});
  const respond = useFormAction(
    () =>
      signInApi(client, stage.flow).respond(
        "NEW_PASSWORD_REQUIRED",
        stage.session,
        newPasswordResponses(stage.username, password, attributes),
      ),
    {
      fields: [NEW_PASSWORD, ...stage.required.map((n) => `ChallengeResponses.${attributeMember(n)}`)],
      onSuccess: onAnswer,
    },
  );

  return (
    <StepSection
      title={`${stage.step}. Choose a new password`}
      testId="try-new-password"
      intro={
        <>
          Poolhouse answered with the <span className="mono">NEW_PASSWORD_REQUIRED</span> challenge:{" "}
          <strong className="mono">{stage.username}</strong> signed in with a temporary password and must choose a new one
          {stage.required.length > 0 ? ", and fill in the attributes the pool requires" : ""}.
        </>
      }
    >
      <StepForm
        poolId={client.UserPoolId}
        error={respond.general}
        busy={respond.busy}
        submitLabel="Set password and sign in"
        submitTestId="try-respond"
        onSubmit={() => respond.run()}
        onBack={onBack}
      >
        <Field label="New password" name={NEW_PASSWORD} hint="Must satisfy the pool's password policy." error={respond.errors[NEW_PASSWORD]}>
          {(p) => (
            <input
              {...p}
              autoFocus
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="try-new-password-input"
            />
          )}
        </Field>
        {stage.required.map((name) => {
          const member = `ChallengeResponses.${attributeMember(name)}`;
          return (
            <Field key={name} label={<span className="mono">{name}</span>} name={member} hint="Required by the pool." error={respond.errors[member]}>
              {(p) => (
                <input
                  {...p}
                  spellCheck={false}
                  value={attributes[name] ?? ""}
                  onChange={(e) => setAttributes((a) => ({ ...a, [name]: e.target.value }))}
                />
              )}
            </Field>
          );
        })}
      </StepForm>
    </StepSection>
  );
}
