import { useState } from "react";
import type { AuthResponse, UserPoolClient } from "../../../api/types";
import { Field } from "../../../components/ui";
import { useFormAction } from "../../../lib/useAction";
import type { PasswordFlow } from "../../../lib/signIn";
import { signInApi } from "./signInApi";
import { ChoiceField, StepForm, StepSection } from "./StepForm";

const FLOWS: ReadonlyArray<{ value: PasswordFlow; hint: string }> = [
  { value: "USER_PASSWORD_AUTH", hint: "InitiateAuth, as an app on the user's device calls it" },
  { value: "ADMIN_USER_PASSWORD_AUTH", hint: "AdminInitiateAuth, as a back end with admin credentials calls it" },
];

const CREDENTIAL_FIELDS = ["AuthParameters.USERNAME", "AuthParameters.PASSWORD", "AuthFlow"];

/** Step 1: a username and password, through the flow chosen among those the client allows. */
export function CredentialsStep({
  client,
  flows,
  flow,
  onFlow,
  username,
  onUsername,
  onAnswer,
}: {
  client: UserPoolClient;
  flows: PasswordFlow[];
  flow: PasswordFlow;
  onFlow: (f: PasswordFlow) => void;
  username: string;
  onUsername: (username: string) => void;
  onAnswer: (r: AuthResponse) => void;
}) {
  const [password, setPassword] = useState("");
  const signIn = useFormAction(() => signInApi(client, flow).initiate(flow, { USERNAME: username, PASSWORD: password }), {
    fields: CREDENTIAL_FIELDS,
    byCode: { UserNotFoundException: "AuthParameters.USERNAME" },
    onSuccess: onAnswer,
  });

  return (
    <StepSection title="1. Sign in">
      <StepForm
        poolId={client.UserPoolId}
        error={signIn.general}
        busy={signIn.busy}
        submitLabel="Sign in"
        submitTestId="try-submit"
        onSubmit={() => signIn.run()}
      >
        <div className="row">
          <Field label="Username" name="AuthParameters.USERNAME" error={signIn.errors["AuthParameters.USERNAME"]}>
            {(p) => (
              <input
                {...p}
                autoFocus
                autoComplete="off"
                spellCheck={false}
                value={username}
                onChange={(e) => onUsername(e.target.value)}
                data-testid="try-username"
              />
            )}
          </Field>
          <Field label="Password" name="AuthParameters.PASSWORD" error={signIn.errors["AuthParameters.PASSWORD"]}>
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="off"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="try-password"
              />
            )}
          </Field>
        </div>
        <ChoiceField
          legend="Flow"
          member="AuthFlow"
          name="try-flow"
          options={FLOWS.map((f) => {
            const allowed = flows.includes(f.value);
            return {
              value: f.value,
              disabled: !allowed,
              label: (
                <>
                  <span className="mono">{f.value}</span>{" "}
                  <span className="hint">{allowed ? `(${f.hint})` : "(not allowed by this app client)"}</span>
                </>
              ),
            };
          })}
          value={flow}
          onChange={onFlow}
          error={signIn.errors.AuthFlow}
        />
      </StepForm>
    </StepSection>
  );
}
