import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { clientQuery } from "../../api/queries";
import type { AuthenticationResult, AuthResponse, UserPoolClient } from "../../api/types";
import { QrCode } from "../../components/QrCode";
import { useToast } from "../../components/toast";
import { QueryStatus } from "../../components/LoadState";
import { Drawer } from "../../components/overlays";
import { Button, CopyButton, ErrorBanner, Facts, Field, Section, Spinner } from "../../components/ui";
import { formatDateTimeSeconds, formatDuration, formatRelative, isoTime } from "../../lib/format";
import { placeError } from "../../lib/forms";
import { openInInspector } from "../../lib/handoff";
import { decodeJwtUnverified, numericDateClaim } from "../../lib/jwt";
import { groupSecret, mfaLabel, otpauthUri } from "../../lib/mfa";
import { routeHref } from "../../lib/router";
import {
  allowsRefresh,
  attributeMember,
  MFA_CODE_MEMBER,
  mfaCodeResponses,
  newPasswordResponses,
  outcomeOf,
  passwordFlows,
  totpCodeProblem,
  type MfaCodeChallenge,
  type PasswordFlow,
} from "../../lib/signIn";
import { useNow } from "../../lib/useNow";
import { ApiError, call, toApiError } from "../../platform";

const FLOWS: ReadonlyArray<{ value: PasswordFlow; label: string; hint: string }> = [
  {
    value: "USER_PASSWORD_AUTH",
    label: "USER_PASSWORD_AUTH",
    hint: "InitiateAuth, as an app on the user's device calls it",
  },
  {
    value: "ADMIN_USER_PASSWORD_AUTH",
    label: "ADMIN_USER_PASSWORD_AUTH",
    hint: "AdminInitiateAuth, as a back end with admin credentials calls it",
  },
];

/** What to do about a refused sign-in, by code; the message says what happened. */
function hintFor(code: string, poolId: string): ReactNode {
  const messages = <a href={routeHref({ screen: "pool", poolId, tab: "messages" })}>Messages</a>;
  switch (code) {
    case "PasswordResetRequiredException":
      return <>An administrator reset this password: the user chooses a new one with the code sent to them (see {messages}).</>;
    case "UserNotConfirmedException":
      return <>The user hasn't confirmed their sign-up: confirm it in the user's Security tab, or use the code in {messages}.</>;
    case "ExpiredCodeException":
      return <>Start over to have a new code sent.</>;
    default:
      return undefined;
  }
}

/** What every challenge step knows: how the sign-in started, who signs in, its session. */
type Challenge = { flow: PasswordFlow; username: string; session: string; step: number };

type Stage =
  | { kind: "credentials" }
  | ({ kind: "new-password"; required: string[] } & Challenge)
  | ({ kind: "mfa-code"; challenge: MfaCodeChallenge; destination: string | undefined } & Challenge)
  | ({ kind: "mfa-select"; choices: MfaCodeChallenge[] } & Challenge)
  | ({ kind: "mfa-setup" } & Challenge)
  | { kind: "unsupported"; challenge: string }
  | {
      kind: "tokens";
      flow: PasswordFlow;
      result: AuthenticationResult;
      /** The refresh token of the sign-in; a refresh answers without one and keeps it. */
      refreshToken: string | undefined;
      /** Epoch seconds the tokens arrived. */
      receivedAt: number;
      refreshed: boolean;
    };

/** Answers a challenge through the API of the flow that started the sign-in. */
function respond(
  client: UserPoolClient,
  flow: PasswordFlow,
  ChallengeName: string,
  Session: string,
  ChallengeResponses: Record<string, string>,
): Promise<AuthResponse> {
  const common = { ClientId: client.ClientId, ChallengeName, Session, ChallengeResponses };
  return flow === "ADMIN_USER_PASSWORD_AUTH"
    ? call("AdminRespondToAuthChallenge", { ...common, UserPoolId: client.UserPoolId })
    : call("RespondToAuthChallenge", common);
}

/** A drawer that signs a user in through one app client, step by step, and shows the tokens. */
export function TrySignInDrawer({
  poolId,
  clientId,
  onClose,
  onEditClient,
}: {
  poolId: string;
  clientId: string;
  onClose: () => void;
  onEditClient: () => void;
}) {
  const q = useQuery(clientQuery(poolId, clientId));
  const client = q.data?.UserPoolClient;
  return (
    <Drawer
      title="Try sign-in"
      subtitle={
        <>
          {client?.ClientName ?? "App client"} <span className="mono">{clientId}</span>
        </>
      }
      onClose={onClose}
      wide
      testId="try-signin"
    >
      <QueryStatus query={q} errorTitle="Could not load the app client." loadingLabel="Loading app client…" />
      {client && <TrySignInPanel client={client} onEditClient={onEditClient} />}
    </Drawer>
  );
}

function TrySignInPanel({ client, onEditClient }: { client: UserPoolClient; onEditClient: () => void }) {
  const flows = passwordFlows(client.ExplicitAuthFlows);
  const [flow, setFlow] = useState<PasswordFlow | undefined>(flows[0]);
  const [stage, setStage] = useState<Stage>({ kind: "credentials" });
  // Kept here so "Start over" keeps the username.
  const [username, setUsername] = useState("");

  if (client.ClientSecret) {
    return (
      <div className="notice notice-info" data-testid="try-signin-secret">
        <div>
          <strong>This app client has a secret.</strong>
          <div className="notice-text">
            Every sign-in call of a client with a secret must carry a SECRET_HASH computed from the secret, and this panel
            can't compute it in the browser yet. Try a client without a secret, or sign in from an SDK that is given the
            secret.
          </div>
        </div>
      </div>
    );
  }
  if (flows.length === 0 || flow === undefined) {
    return (
      <div className="notice notice-warn" data-testid="try-signin-no-flow">
        <div>
          <strong>This app client allows neither USER_PASSWORD_AUTH nor ADMIN_USER_PASSWORD_AUTH.</strong>
          <div className="notice-text">
            The panel signs in with a username and password, so it needs one of them. Turn on “Username and password” or
            “Admin username and password” under Authentication flows in the client's settings. (SRP sign-in needs an SDK.)
          </div>
        </div>
        <Button onClick={onEditClient}>Edit app client</Button>
      </div>
    );
  }

  const restart = () => setStage({ kind: "credentials" });
  /** The next step for an answer of the core; `step` is the number of the step that answered. */
  const advance = (from: { flow: PasswordFlow; username: string; step: number }, r: AuthResponse) => {
    const o = outcomeOf(r);
    switch (o.kind) {
      case "tokens":
        setStage({
          kind: "tokens",
          flow: from.flow,
          result: o.result,
          refreshToken: o.result.RefreshToken,
          receivedAt: Date.now() / 1000,
          refreshed: false,
        });
        return;
      case "unsupported":
        setStage({ kind: "unsupported", challenge: o.challenge });
        return;
      default:
        setStage({ ...o, flow: from.flow, username: from.username, step: from.step + 1 });
    }
  };
  return (
    <div className="try-signin" data-testid="try-signin-panel">
      <p className="hint">
        Sign-ins here are real: they show in the user's sign-in history, wrong passwords count toward the lockout, and a
        successful one starts a session.
      </p>
      {stage.kind === "credentials" && (
        <CredentialsStep
          client={client}
          flows={flows}
          flow={flow}
          onFlow={setFlow}
          username={username}
          onUsername={setUsername}
          onAnswer={(r) => advance({ flow, username, step: 1 }, r)}
        />
      )}
      {stage.kind === "new-password" && (
        <NewPasswordStep key={stage.session} client={client} stage={stage} onBack={restart} onAnswer={(r) => advance(stage, r)} />
      )}
      {stage.kind === "mfa-code" && (
        <MfaCodeStep key={stage.session} client={client} stage={stage} onBack={restart} onAnswer={(r) => advance(stage, r)} />
      )}
      {stage.kind === "mfa-select" && (
        <MfaSelectStep key={stage.session} client={client} stage={stage} onBack={restart} onAnswer={(r) => advance(stage, r)} />
      )}
      {stage.kind === "mfa-setup" && (
        <MfaSetupStep key={stage.session} client={client} stage={stage} onBack={restart} onAnswer={(r) => advance(stage, r)} />
      )}
      {stage.kind === "unsupported" && (
        <div className="notice notice-warn" data-testid="try-signin-unsupported">
          <div>
            <strong>Poolhouse asked for the challenge {stage.challenge}.</strong>
            <div className="notice-text">
              This panel answers NEW_PASSWORD_REQUIRED and the MFA challenges (authenticator, email and SMS codes, choosing a
              factor, setting up an authenticator app), so it stops here.
            </div>
          </div>
          <Button onClick={restart}>Start over</Button>
        </div>
      )}
      {stage.kind === "tokens" && (
        <TokensStep
          client={client}
          stage={stage}
          onRestart={restart}
          onRefreshed={(result) =>
            setStage({
              ...stage,
              result,
              refreshToken: result.RefreshToken ?? stage.refreshToken,
              receivedAt: Date.now() / 1000,
              refreshed: true,
            })
          }
        />
      )}
    </div>
  );
}

const CREDENTIAL_FIELDS = ["AuthParameters.USERNAME", "AuthParameters.PASSWORD", "AuthFlow"];

function CredentialsStep({
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const placed = placeError(error, CREDENTIAL_FIELDS, { UserNotFoundException: "AuthParameters.USERNAME" });

  const submit = () => {
    setBusy(true);
    setError(undefined);
    const AuthParameters = { USERNAME: username, PASSWORD: password };
    const request =
      flow === "ADMIN_USER_PASSWORD_AUTH"
        ? call("AdminInitiateAuth", { UserPoolId: client.UserPoolId, ClientId: client.ClientId, AuthFlow: flow, AuthParameters })
        : call("InitiateAuth", { ClientId: client.ClientId, AuthFlow: flow, AuthParameters });
    request.then(
      (r) => onAnswer(r),
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Section title="1. Sign in">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {placed.general && <ErrorBanner error={placed.general} hint={hintFor(placed.general.code, client.UserPoolId)} />}
        <div className="row">
          <Field label="Username" name="AuthParameters.USERNAME" error={placed.fields["AuthParameters.USERNAME"]}>
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
          <Field label="Password" name="AuthParameters.PASSWORD" error={placed.fields["AuthParameters.PASSWORD"]}>
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
        <fieldset className="fieldset" data-field="AuthFlow">
          <legend>Flow</legend>
          <div className="radios">
            {FLOWS.map((f) => {
              const allowed = flows.includes(f.value);
              return (
                <label key={f.value} className={`radio${allowed ? "" : " radio-disabled"}`}>
                  <input
                    type="radio"
                    name="try-flow"
                    value={f.value}
                    checked={flow === f.value}
                    disabled={!allowed}
                    onChange={() => onFlow(f.value)}
                  />
                  <span>
                    <span className="mono">{f.label}</span>{" "}
                    <span className="hint">{allowed ? `(${f.hint})` : "(not allowed by this app client)"}</span>
                  </span>
                </label>
              );
            })}
          </div>
          {placed.fields.AuthFlow && (
            <div className="field-error" role="alert" data-testid="field-error">
              {placed.fields.AuthFlow}
            </div>
          )}
        </fieldset>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} data-testid="try-submit">
            Sign in
          </Button>
        </div>
      </form>
    </Section>
  );
}

function NewPasswordStep({
  client,
  stage,
  onBack,
  onAnswer,
}: {
  client: UserPoolClient;
  stage: Extract<Stage, { kind: "new-password" }>;
  onBack: () => void;
  onAnswer: (r: AuthResponse) => void;
}) {
  const [password, setPassword] = useState("");
  const [attributes, setAttributes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const fields = ["ChallengeResponses.NEW_PASSWORD", ...stage.required.map((n) => `ChallengeResponses.${attributeMember(n)}`)];
  const placed = placeError(error, fields);

  const submit = () => {
    setBusy(true);
    setError(undefined);
    const ChallengeResponses = newPasswordResponses(stage.username, password, attributes);
    respond(client, stage.flow, "NEW_PASSWORD_REQUIRED", stage.session, ChallengeResponses).then(
      (r) => onAnswer(r),
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Section title={`${stage.step}. Choose a new password`} testId="try-new-password">
      <p>
        Poolhouse answered with the <span className="mono">NEW_PASSWORD_REQUIRED</span> challenge:{" "}
        <strong className="mono">{stage.username}</strong> signed in with a temporary password and must choose a new one
        {stage.required.length > 0 ? ", and fill in the attributes the pool requires" : ""}.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {placed.general && <ErrorBanner error={placed.general} hint={hintFor(placed.general.code, client.UserPoolId)} />}
        <Field
          label="New password"
          name="ChallengeResponses.NEW_PASSWORD"
          hint="Must satisfy the pool's password policy."
          error={placed.fields["ChallengeResponses.NEW_PASSWORD"]}
        >
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
            <Field key={name} label={<span className="mono">{name}</span>} name={member} hint="Required by the pool." error={placed.fields[member]}>
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
        <div className="form-actions">
          <Button onClick={onBack}>Start over</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="try-respond">
            Set password and sign in
          </Button>
        </div>
      </form>
    </Section>
  );
}

type StepProps<K extends Stage["kind"]> = {
  client: UserPoolClient;
  stage: Extract<Stage, { kind: K }>;
  onBack: () => void;
  onAnswer: (r: AuthResponse) => void;
};

/** Runs one call of a step: busy while it runs, its error kept for the form. */
function useStepCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = (request: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    request().then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };
  return { busy, error, run };
}

const CODE_SOURCE: Record<MfaCodeChallenge, { title: string; label: string }> = {
  SOFTWARE_TOKEN_MFA: { title: "Enter the authenticator code", label: "Code from the authenticator app" },
  EMAIL_OTP: { title: "Enter the emailed code", label: "Code from the email" },
  SMS_MFA: { title: "Enter the texted code", label: "Code from the text message" },
};

function MfaCodeStep({ client, stage, onBack, onAnswer }: StepProps<"mfa-code">) {
  const [code, setCode] = useState("");
  const [local, setLocal] = useState<string>();
  const { busy, error, run } = useStepCall();
  const member = `ChallengeResponses.${MFA_CODE_MEMBER[stage.challenge]}`;
  const placed = placeError(error, [member], { CodeMismatchException: member });
  const messages = <a href={routeHref({ screen: "pool", poolId: client.UserPoolId, tab: "messages" })}>Messages</a>;
  const source = CODE_SOURCE[stage.challenge];

  const submit = () => {
    const problem =
      stage.challenge === "SOFTWARE_TOKEN_MFA"
        ? totpCodeProblem(code)
        : code.trim() === ""
          ? "Enter the code from the message."
          : undefined;
    setLocal(problem);
    if (problem) return;
    run(async () =>
      onAnswer(await respond(client, stage.flow, stage.challenge, stage.session, mfaCodeResponses(stage.challenge, stage.username, code))),
    );
  };

  return (
    <Section title={`${stage.step}. ${source.title}`} testId="try-mfa-code">
      <p>
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
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {placed.general && <ErrorBanner error={placed.general} hint={hintFor(placed.general.code, client.UserPoolId)} />}
        <Field label={source.label} name={member} error={local ?? placed.fields[member]}>
          {(p) => (
            <input
              {...p}
              autoFocus
              className="input-narrow mono"
              inputMode="numeric"
              autoComplete="one-time-code"
              spellCheck={false}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              data-testid="try-mfa-code-input"
            />
          )}
        </Field>
        <div className="form-actions">
          <Button onClick={onBack}>Start over</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="try-mfa-code-submit">
            Verify and sign in
          </Button>
        </div>
      </form>
    </Section>
  );
}

function MfaSelectStep({ client, stage, onBack, onAnswer }: StepProps<"mfa-select">) {
  const [choice, setChoice] = useState<MfaCodeChallenge | undefined>(stage.choices[0]);
  const { busy, error, run } = useStepCall();
  const placed = placeError(error, ["ChallengeResponses.ANSWER"]);

  return (
    <Section title={`${stage.step}. Choose how to get a code`} testId="try-mfa-select">
      <p>
        Poolhouse answered with <span className="mono">SELECT_MFA_TYPE</span>: <strong className="mono">{stage.username}</strong>{" "}
        has more than one MFA factor and none is preferred, so the app asks which to use.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!choice) return;
          run(async () =>
            onAnswer(await respond(client, stage.flow, "SELECT_MFA_TYPE", stage.session, { USERNAME: stage.username, ANSWER: choice })),
          );
        }}
      >
        {placed.general && <ErrorBanner error={placed.general} />}
        <fieldset className="fieldset" data-field="ChallengeResponses.ANSWER">
          <legend>Factor</legend>
          <div className="radios">
            {stage.choices.map((c) => (
              <label key={c} className="radio">
                <input type="radio" name="try-mfa-choice" value={c} checked={choice === c} onChange={() => setChoice(c)} />
                <span>
                  {mfaLabel(c)} <span className="hint mono">({c})</span>
                </span>
              </label>
            ))}
          </div>
          {placed.fields["ChallengeResponses.ANSWER"] && (
            <div className="field-error" role="alert" data-testid="field-error">
              {placed.fields["ChallengeResponses.ANSWER"]}
            </div>
          )}
        </fieldset>
        <div className="form-actions">
          <Button onClick={onBack}>Start over</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="try-mfa-select-submit">
            Continue
          </Button>
        </div>
      </form>
    </Section>
  );
}

type Associated = { secret: string; uri: string; session: string };

/**
 * MFA_SETUP as an app runs it: AssociateSoftwareToken with the challenge's session gives a
 * secret (shown as a QR code and as text), VerifySoftwareToken checks a code from the app, and
 * RespondToAuthChallenge MFA_SETUP with the session VerifySoftwareToken answered finishes the
 * sign-in.
 */
function MfaSetupStep({ client, stage, onBack, onAnswer }: StepProps<"mfa-setup">) {
  const [attempt, setAttempt] = useState(0);
  const [associated, setAssociated] = useState<{ attempt: number; value?: Associated; error?: ApiError }>();
  // One AssociateSoftwareToken per attempt, even when an effect runs twice: each call makes a new
  // secret, and only the last one made can be verified.
  const pending = useRef<{ attempt: number; promise: Promise<Associated> }>(undefined);
  const [code, setCode] = useState("");
  const [local, setLocal] = useState<string>();
  // Once verified, the secret is the user's: a failed last step is retried without verifying again.
  const [verifiedSession, setVerifiedSession] = useState<string>();
  const { busy, error, run } = useStepCall();
  const placed = placeError(error, ["UserCode"], { EnableSoftwareTokenMFAException: "UserCode", CodeMismatchException: "UserCode" });

  useEffect(() => {
    if (pending.current?.attempt !== attempt) {
      const promise = call("AssociateSoftwareToken", { Session: stage.session }).then((r) => ({
        secret: r.SecretCode,
        uri: otpauthUri(r, { issuer: client.UserPoolId, account: stage.username }),
        session: r.Session || stage.session,
      }));
      pending.current = { attempt, promise };
    }
    let live = true;
    pending.current.promise.then(
      (value) => {
        if (live) setAssociated({ attempt, value });
      },
      (e: unknown) => {
        if (live) setAssociated({ attempt, error: toApiError(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [attempt, stage.session, stage.username, client.UserPoolId]);

  const current = associated?.attempt === attempt ? associated : undefined;
  const value = current?.value;

  const submit = () => {
    if (!value) return;
    const problem = verifiedSession ? undefined : totpCodeProblem(code);
    setLocal(problem);
    if (problem) return;
    run(async () => {
      let session = verifiedSession;
      if (!session) {
        const v = await call("VerifySoftwareToken", { Session: value.session, UserCode: code.replace(/\s+/g, "") });
        if (v.Status !== "SUCCESS") {
          throw new ApiError("EnableSoftwareTokenMFAException", "The code doesn't match the secret.", "UserCode");
        }
        session = v.Session || value.session;
        setVerifiedSession(session);
      }
      onAnswer(await respond(client, stage.flow, "MFA_SETUP", session, { USERNAME: stage.username }));
    });
  };

  return (
    <Section title={`${stage.step}. Set up an authenticator app`} testId="try-mfa-setup">
      <p>
        Poolhouse answered with <span className="mono">MFA_SETUP</span>: this pool requires MFA and{" "}
        <strong className="mono">{stage.username}</strong> has no factor yet. Scan the QR code with an authenticator app (or
        type the secret key into it), then enter the code the app shows.
      </p>
      {current?.error && (
        <ErrorBanner
          error={current.error}
          title="Could not start the set-up."
          onRetry={() => setAttempt((a) => a + 1)}
          hint={current.error.code === "NotAuthorizedException" ? "The sign-in session may have expired: start over." : undefined}
        />
      )}
      {!current && <Spinner label="Making a secret key…" />}
      {value && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
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
                <Field
                  label="Code from the app"
                  name="UserCode"
                  error={
                    local ??
                    (placed.fields.UserCode && error?.code === "EnableSoftwareTokenMFAException"
                      ? `${placed.fields.UserCode}: enter the code the app shows now (it changes every 30 seconds).`
                      : placed.fields.UserCode)
                  }
                >
                  {(p) => (
                    <input
                      {...p}
                      autoFocus
                      className="input-narrow mono"
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      spellCheck={false}
                      value={code}
                      onChange={(e) => setCode(e.target.value)}
                      data-testid="try-mfa-setup-code"
                    />
                  )}
                </Field>
              )}
            </div>
          </div>
          {placed.general && <ErrorBanner error={placed.general} hint={hintFor(placed.general.code, client.UserPoolId)} />}
          <div className="form-actions">
            <Button onClick={onBack}>Start over</Button>
            <Button type="submit" variant="primary" busy={busy} data-testid="try-mfa-verify">
              {verifiedSession ? "Finish sign-in" : "Verify and sign in"}
            </Button>
          </div>
        </form>
      )}
    </Section>
  );
}

function TokensStep({
  client,
  stage,
  onRestart,
  onRefreshed,
}: {
  client: UserPoolClient;
  stage: Extract<Stage, { kind: "tokens" }>;
  onRestart: () => void;
  onRefreshed: (result: AuthenticationResult) => void;
}) {
  const toast = useToast();
  const now = useNow(1000);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const canRefresh = allowsRefresh(client.ExplicitAuthFlows);
  const { result } = stage;
  const expiresAt = stage.receivedAt + result.ExpiresIn;

  const refresh = () => {
    if (!stage.refreshToken) return;
    setBusy(true);
    setError(undefined);
    const AuthParameters = { REFRESH_TOKEN: stage.refreshToken };
    const request =
      stage.flow === "ADMIN_USER_PASSWORD_AUTH"
        ? call("AdminInitiateAuth", {
            UserPoolId: client.UserPoolId,
            ClientId: client.ClientId,
            AuthFlow: "REFRESH_TOKEN_AUTH",
            AuthParameters,
          })
        : call("InitiateAuth", { ClientId: client.ClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters });
    request.then(
      (r) => {
        setBusy(false);
        if (r.AuthenticationResult) {
          toast("Tokens refreshed");
          onRefreshed(r.AuthenticationResult);
        } else {
          setError(toApiError({ code: "UnexpectedAnswer", message: "The refresh answered without tokens." }));
        }
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Section
      title={stage.refreshed ? "Signed in · tokens refreshed" : "Signed in"}
      testId="try-tokens"
      actions={
        <>
          <Button onClick={onRestart}>Start over</Button>
          <Button
            variant="primary"
            onClick={refresh}
            busy={busy}
            disabled={!canRefresh || !stage.refreshToken}
            data-testid="try-refresh"
          >
            Refresh
          </Button>
        </>
      }
    >
      {error && <ErrorBanner error={error} title="Refresh failed." />}
      {!canRefresh && (
        <p className="hint">
          Refresh is off: this app client doesn't allow REFRESH_TOKEN_AUTH (“Refresh tokens” under Authentication flows).
        </p>
      )}
      <Facts
        items={[
          ["Token type", result.TokenType],
          [
            "ID and access tokens expire",
            <span title={isoTime(expiresAt)} data-testid="try-expiry">
              {formatRelative(expiresAt, now)} · {formatDateTimeSeconds(expiresAt)}{" "}
              <span className="muted">(ExpiresIn {formatDuration(result.ExpiresIn)})</span>
            </span>,
          ],
          [
            "Refresh token",
            stage.refreshToken ? (
              <span className="secret">
                <span className="muted">Opaque, not a JWT</span> <CopyButton text={stage.refreshToken} label="Copy" />
              </span>
            ) : (
              <span className="muted">None</span>
            ),
          ],
          [stage.refreshed ? "Refreshed" : "Received", formatDateTimeSeconds(stage.receivedAt)],
        ]}
      />
      <TokenView name="ID token" token={result.IdToken} now={now} testId="id-token" />
      <TokenView name="Access token" token={result.AccessToken} now={now} testId="access-token" />
    </Section>
  );
}

function TokenView({ name, token, now, testId }: { name: string; token: string; now: number; testId: string }) {
  const decoded = decodeJwtUnverified(token);
  const exp = decoded.ok ? numericDateClaim(decoded.decoded.payload, "exp") : undefined;
  const iat = decoded.ok ? numericDateClaim(decoded.decoded.payload, "iat") : undefined;
  return (
    <div className="token" data-testid={testId}>
      <header className="token-header">
        <h4>{name}</h4>
        <span className="pill pill-warn" title="Base64url-decoded here in the console; the signature was not checked.">
          Decoded, not verified
        </span>
        <div className="toolbar-spacer" />
        <CopyButton text={token} label="Copy token" />
        <Button
          variant="ghost"
          className="btn-small"
          onClick={() => openInInspector(token)}
          title="Open in the token inspector to verify it and read each claim"
          aria-label={`Inspect ${name}`}
          data-testid={`${testId}-inspect`}
        >
          Inspect
        </Button>
      </header>
      {decoded.ok ? (
        <>
          <div className="token-times muted">
            {iat !== undefined && <>Issued {formatDateTimeSeconds(iat)}</>}
            {exp !== undefined && (
              <>
                {" "}
                · expires {formatDateTimeSeconds(exp)} ({formatRelative(exp, now)})
              </>
            )}
          </div>
          <div className="token-parts">
            <div>
              <div className="token-part-label">Header</div>
              <pre className="json" data-testid={`${testId}-header`}>
                {JSON.stringify(decoded.decoded.header, null, 2)}
              </pre>
            </div>
            <div>
              <div className="token-part-label">Payload</div>
              <pre className="json" data-testid={`${testId}-payload`}>
                {JSON.stringify(decoded.decoded.payload, null, 2)}
              </pre>
            </div>
          </div>
        </>
      ) : (
        <p className="field-error">This token can't be decoded: {decoded.reason}</p>
      )}
    </div>
  );
}
