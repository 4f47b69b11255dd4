import { useState, type ReactNode } from "react";
import type { AuthenticationResult, AuthResponse, UserPoolClient } from "../../api/types";
import { useToast } from "../../components/toast";
import { Button, CopyButton, Drawer, ErrorBanner, Facts, Field, Section, Spinner } from "../../components/ui";
import { formatDateTimeSeconds, formatDuration, formatRelative, isoTime } from "../../lib/format";
import { placeError } from "../../lib/forms";
import { decodeJwtUnverified, numericDateClaim } from "../../lib/jwt";
import { routeHref } from "../../lib/router";
import {
  allowsRefresh,
  attributeMember,
  newPasswordResponses,
  outcomeOf,
  passwordFlows,
  type PasswordFlow,
} from "../../lib/signIn";
import { useNow } from "../../lib/useNow";
import { useQuery } from "../../lib/useQuery";
import { call, toApiError, type ApiError } from "../../platform";

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
    default:
      return undefined;
  }
}

type Stage =
  | { kind: "credentials" }
  | { kind: "new-password"; flow: PasswordFlow; username: string; session: string; required: string[] }
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
  const q = useQuery(`client:${poolId}:${clientId}`, () =>
    call("DescribeUserPoolClient", { UserPoolId: poolId, ClientId: clientId }),
  );
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
      {q.error && <ErrorBanner error={q.error} onRetry={q.reload} title="Could not load the app client." />}
      {!client && q.loading && <Spinner label="Loading app client…" />}
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
          onAnswer={(r) => {
            const o = outcomeOf(r);
            if (o.kind === "tokens") {
              setStage({
                kind: "tokens",
                flow,
                result: o.result,
                refreshToken: o.result.RefreshToken,
                receivedAt: Date.now() / 1000,
                refreshed: false,
              });
            } else if (o.kind === "new-password") {
              setStage({ kind: "new-password", flow, username, session: o.session, required: o.required });
            } else {
              setStage({ kind: "unsupported", challenge: o.challenge });
            }
          }}
        />
      )}
      {stage.kind === "new-password" && (
        <NewPasswordStep
          client={client}
          stage={stage}
          onBack={restart}
          onAnswer={(r) => {
            const o = outcomeOf(r);
            if (o.kind === "tokens") {
              setStage({
                kind: "tokens",
                flow: stage.flow,
                result: o.result,
                refreshToken: o.result.RefreshToken,
                receivedAt: Date.now() / 1000,
                refreshed: false,
              });
            } else if (o.kind === "new-password") {
              setStage({ ...stage, session: o.session, required: o.required });
            } else {
              setStage({ kind: "unsupported", challenge: o.challenge });
            }
          }}
        />
      )}
      {stage.kind === "unsupported" && (
        <div className="notice notice-warn" data-testid="try-signin-unsupported">
          <div>
            <strong>The core asked for the challenge {stage.challenge}.</strong>
            <div className="notice-text">This panel answers only NEW_PASSWORD_REQUIRED, so it stops here.</div>
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
    const common = { ClientId: client.ClientId, ChallengeName: "NEW_PASSWORD_REQUIRED", Session: stage.session, ChallengeResponses };
    const request =
      stage.flow === "ADMIN_USER_PASSWORD_AUTH"
        ? call("AdminRespondToAuthChallenge", { ...common, UserPoolId: client.UserPoolId })
        : call("RespondToAuthChallenge", common);
    request.then(
      (r) => onAnswer(r),
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Section title="2. Choose a new password" testId="try-new-password">
      <p>
        The core answered with the <span className="mono">NEW_PASSWORD_REQUIRED</span> challenge:{" "}
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
