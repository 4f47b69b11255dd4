import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CodeInput } from "../../../components/CodeInput";
import { QrCode } from "../../../components/QrCode";
import { CopyButton, ErrorBanner, Field, Spinner } from "../../../components/ui";
import { groupSecret, mfaLabel, otpauthUri } from "../../../lib/mfa";
import { mfaEmailProblem, totpCodeProblem, type MfaSetupChoice } from "../../../lib/signIn";
import { useFormAction } from "../../../lib/useAction";
import { ApiError, call } from "../../../platform";
import { signInApi } from "./signInApi";
import type { StepProps } from "./stages";
import { ChoiceField, SignInError, StepForm, StepSection } from "./StepForm";

const EMAIL = "ChallengeResponses.EMAIL";

/**
 * MFA_SETUP: this pool requires MFA and the user has no factor yet. The challenge names what
 * can be set up (`MFAS_CAN_SETUP`): an authenticator app, email codes, or either (then the
 * person chooses, as an app would ask).
 */
export function MfaSetupStep(props: StepProps<"mfa-setup">) {
  const { stage } = props;
  const both = stage.choices.length > 1;
  // With a choice to make nothing is started before it is made: an authenticator's set-up
  // makes a secret as soon as it shows.
  const [choice, setChoice] = useState<MfaSetupChoice | undefined>(both ? undefined : stage.choices[0]);
  const title = both ? "Set up MFA" : choice === "EMAIL_OTP" ? "Set up email codes" : "Set up an authenticator app";
  return (
    <StepSection
      title={`${stage.step}. ${title}`}
      testId="try-mfa-setup"
      intro={
        <>
          Poolhouse answered with <span className="mono">MFA_SETUP</span>: this pool requires MFA and{" "}
          <strong className="mono">{stage.username}</strong> has no factor yet.{" "}
          {both
            ? "Choose what to set up, as the app would ask."
            : choice === "EMAIL_OTP"
              ? "Enter the email address the sign-in codes should go to; a code is sent there to confirm it."
              : "Scan the QR code with an authenticator app (or type the secret key into it), then enter the code the app shows."}
        </>
      }
    >
      {both && (
        <ChoiceField
          legend="Factor to set up"
          member="MFAS_CAN_SETUP"
          name="try-mfa-setup-choice"
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
          error={undefined}
        />
      )}
      {choice === "EMAIL_OTP" && <EmailSetup {...props} />}
      {choice === "SOFTWARE_TOKEN_MFA" && <AuthenticatorSetup {...props} />}
    </StepSection>
  );
}

/**
 * Email codes: RespondToAuthChallenge MFA_SETUP with `EMAIL` (the address codes go to); the
 * core answers with an EMAIL_OTP challenge whose code, once accepted, turns the factor on.
 */
function EmailSetup({ client, stage, onBack, onAnswer }: StepProps<"mfa-setup">) {
  const [address, setAddress] = useState("");
  const send = useFormAction(
    (email: string) => signInApi(client, stage.flow).respond("MFA_SETUP", stage.session, { USERNAME: stage.username, EMAIL: email }),
    { fields: [EMAIL], byCode: { AliasExistsException: EMAIL }, onSuccess: onAnswer },
  );
  const submit = () => {
    const problem = mfaEmailProblem(address);
    if (send.check(problem ? { [EMAIL]: problem } : {})) send.run(address.trim());
  };
  return (
    <StepForm
      poolId={client.UserPoolId}
      error={send.general}
      busy={send.busy}
      submitLabel="Send a code"
      submitTestId="try-mfa-email-send"
      onSubmit={submit}
      onBack={onBack}
    >
      <Field label="Email address for sign-in codes" name={EMAIL} error={send.errors[EMAIL]}>
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="off"
            spellCheck={false}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            data-testid="try-mfa-email"
          />
        )}
      </Field>
    </StepForm>
  );
}

/**
 * An authenticator app, as an app sets it up: AssociateSoftwareToken with the challenge's
 * session gives a secret (shown as a QR code and as text), VerifySoftwareToken checks a code
 * from the app, and RespondToAuthChallenge MFA_SETUP with the session VerifySoftwareToken
 * answered finishes the sign-in.
 */
function AuthenticatorSetup({ client, stage, onBack, onAnswer }: StepProps<"mfa-setup">) {
  // One AssociateSoftwareToken per try, however often the step renders or mounts: each call
  // makes a new secret, and only the last one made can be verified.
  const associated = useQuery({
    queryKey: ["mfa-setup", stage.session],
    queryFn: async () => {
      const r = await call("AssociateSoftwareToken", { Session: stage.session });
      return {
        secret: r.SecretCode,
        uri: otpauthUri(r, { issuer: client.UserPoolId, account: stage.username }),
        session: r.Session || stage.session,
      };
    },
    staleTime: Infinity,
  });
  const value = associated.data;
  const [code, setCode] = useState("");
  // Once verified, the secret is the user's: a failed last step is retried without verifying again.
  const [verifiedSession, setVerifiedSession] = useState<string>();
  const finish = useFormAction(
    async (secret: { session: string }) => {
      let session = verifiedSession;
      if (!session) {
        const v = await call("VerifySoftwareToken", { Session: secret.session, UserCode: code.replace(/\s+/g, "") });
        if (v.Status !== "SUCCESS") {
          throw new ApiError("EnableSoftwareTokenMFAException", "The code doesn't match the secret.", "UserCode");
        }
        session = v.Session || secret.session;
        setVerifiedSession(session);
      }
      return signInApi(client, stage.flow).respond("MFA_SETUP", session, { USERNAME: stage.username });
    },
    {
      fields: ["UserCode"],
      byCode: { EnableSoftwareTokenMFAException: "UserCode", CodeMismatchException: "UserCode" },
      onSuccess: onAnswer,
    },
  );
  const codeError =
    finish.errors.UserCode && finish.error?.code === "EnableSoftwareTokenMFAException"
      ? `${finish.errors.UserCode}: enter the code the app shows now (it changes every 30 seconds).`
      : finish.errors.UserCode;

  const submit = () => {
    if (!value) return;
    const problem = verifiedSession ? undefined : totpCodeProblem(code);
    if (finish.check(problem ? { UserCode: problem } : {})) finish.run(value);
  };

  return (
    <>
      {associated.error && (
        <ErrorBanner
          error={associated.error}
          title="Could not start the set-up."
          onRetry={() => void associated.refetch()}
          hint={associated.error.code === "NotAuthorizedException" ? "The sign-in session may have expired: start over." : undefined}
        />
      )}
      {associated.isFetching && !value && <Spinner label="Making a secret key…" />}
      {value && (
        <StepForm
          poolId={client.UserPoolId}
          busy={finish.busy}
          submitLabel={verifiedSession ? "Finish sign-in" : "Verify and sign in"}
          submitTestId="try-mfa-verify"
          onSubmit={submit}
          onBack={onBack}
        >
          <div className="mfa-setup">
            <QrCode text={value.uri} size={200} label={`QR code to add ${stage.username} to an authenticator app`} />
            <div className="mfa-setup-details">
              <div className="field">
                <span className="inline-label">Secret key</span>
                <span className="secret">
                  <code className="mono totp-secret" data-testid="try-mfa-secret" data-secret={value.secret}>
                    {groupSecret(value.secret)}
                  </code>
                  <CopyButton text={value.secret} />
                </span>
                <span className="hint">Time-based, 6 digits, every 30 seconds. Spaces are only for reading.</span>
              </div>
              <div className="field">
                <span className="inline-label">Set-up link</span>
                <span className="secret">
                  <span className="mono truncate-line" title={value.uri}>
                    {value.uri}
                  </span>
                  <CopyButton text={value.uri} label="Copy link" />
                </span>
              </div>
              {verifiedSession ? (
                <p className="notice-text" data-testid="try-mfa-verified">
                  <span className="pill pill-ok">Verified</span> The app is set up for {stage.username}; finishing the sign-in.
                </p>
              ) : (
                <CodeInput label="Code from the app" name="UserCode" error={codeError} value={code} onChange={setCode} testId="try-mfa-setup-code" />
              )}
            </div>
          </div>
          {/* Here a refusal that names no field shows below the set-up, above the buttons. */}
          <SignInError error={finish.general} poolId={client.UserPoolId} />
        </StepForm>
      )}
    </>
  );
}
