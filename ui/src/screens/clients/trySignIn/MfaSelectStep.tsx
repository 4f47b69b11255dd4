import { useState } from "react";
import { mfaLabel } from "../../../lib/mfa";
import type { MfaCodeChallenge } from "../../../lib/signIn";
import { useFormAction } from "../../../lib/useAction";
import { signInApi } from "./signInApi";
import type { StepProps } from "./stages";
import { ChoiceField, StepForm, StepSection } from "./StepForm";

const ANSWER = "ChallengeResponses.ANSWER";

/** SELECT_MFA_TYPE: the user has more than one factor and none is preferred. */
export function MfaSelectStep({ client, stage, onBack, onAnswer }: StepProps<"mfa-select">) {
  const [choice, setChoice] = useState<MfaCodeChallenge | undefined>(stage.choices[0]);
  const respond = useFormAction(
    (answer: MfaCodeChallenge) =>
      signInApi(client, stage.flow).respond("SELECT_MFA_TYPE", stage.session, { USERNAME: stage.username, ANSWER: answer }),
    { fields: [ANSWER], onSuccess: onAnswer },
  );

  return (
    <StepSection
      title={`${stage.step}. Choose how to get a code`}
      testId="try-mfa-select"
      intro={
        <>
          Poolhouse answered with <span className="mono">SELECT_MFA_TYPE</span>: <strong className="mono">{stage.username}</strong>{" "}
          has more than one MFA factor and none is preferred, so the app asks which to use.
        </>
      }
    >
      <StepForm
        poolId={client.UserPoolId}
        error={respond.general}
        busy={respond.busy}
        submitLabel="Continue"
        submitTestId="try-mfa-select-submit"
        onSubmit={() => {
          if (choice) respond.run(choice);
        }}
        onBack={onBack}
      >
        <ChoiceField
          legend="Factor"
          member={ANSWER}
          name="try-mfa-choice"
          options={stage.choices.map((c) => ({
            value: c,
            label: (
              <>
                {mfaLabel(c)} <span className="hint mono">({c})</span>
              </>
            ),
          }))}
          value={choice}
          onChange={setChoice}
          error={respond.errors[ANSWER]}
        />
      </StepForm>
    </StepSection>
  );
}
