import { useState } from "react";
import { CodeInput } from "../../../components/CodeInput";
import { routeHref } from "../../../lib/router";
import { MFA_CODE_MEMBER, mfaCodeResponses, totpCodeProblem, type MfaCodeChallenge } from "../../../lib/signIn";
import { useFormAction } from "../../../lib/useAction";
import { signInApi } from "./signInApi";
import type { StepProps } from "./stages";
import { StepForm, StepSection } from "./StepForm";

const CODE_SOURCE: Record<MfaCodeChallenge, { title: string; label: string }> = {
  SOFTWARE_TOKEN_MFA: { title: "Enter the authenticator code", label: "Code from the authenticator app" },
  EMAIL_OTP: { title: "Enter the emailed code", label: "Code from the email" },
  SMS_MFA: { title: "Enter the texted code", label: "Code from the text message" },
};

/** A code challenge: from the user's authenticator app, or sent by email or text message. */
export function MfaCodeStep({ client, stage, onBack, onAnswer }: StepProps<"mfa-code">) {
  const [code, setCode] = useState("");
  const member = `ChallengeResponses.${MFA_CODE_MEMBER[stage.challenge]}`;
  const respond = useFormAction(
    () =>
      signInApi(client, stage.flow).respond(stage.challenge, stage.session, mfaCodeResponses(stage.challenge, stage.username, code)),
    { fields: [member], byCode: { CodeMismatchException: member }, onSuccess: onAnswer },
  );
  const messages = <a href={routeHref({ screen: "pool", poolId: client.UserPoolId, tab: "messages" })}>Messages</a>;
  const source = CODE_SOURCE[stage.challenge];

  const submit = () => {
    const problem =
      stage.challenge === "SOFTWARE_TOKEN_MFA"
        ? totpCodeProblem(code)
        : code.trim() === ""
          ? "Enter the code from the message."
          : undefined;
    if (respond.check(problem ? { [member]: problem } : {})) respond.run();
  };

  return (
    <StepSection
      title={`${stage.step}. ${source.title}`}
      testId="try-mfa-code"
      intro={
        <>
          Poolhouse answered with the <span className="mono">{stage.challenge}</span> challenge:{" "}
          {stage.challenge === "SOFTWARE_TOKEN_MFA" ? (
            <>
              <strong className="mono">{stage.username}</strong> has an authenticator app; enter the 6-digit code it shows now.
            </>
          ) : (
            <>
              a sign-in code went {stage.challenge === "EMAIL_OTP" ? "by email" : "by text message"} to{" "}
              <span className="mono">{stage.destination ?? stage.username}</span>. Poolhouse doesn't send real messages: the
              code is in the pool's {messages} tab.
            </>
          )}
        </>
      }
    >
      <StepForm
        poolId={client.UserPoolId}
        error={respond.general}
        busy={respond.busy}
        submitLabel="Verify and sign in"
        submitTestId="try-mfa-code-submit"
        onSubmit={submit}
        onBack={onBack}
      >
        <CodeInput label={source.label} name={member} error={respond.errors[member]} value={code} onChange={setCode} testId="try-mfa-code-input" />
      </StepForm>
    </StepSection>
  );
}
