import type { AuthenticationResult, UserPoolClient } from "../../../api/types";
import { useToast } from "../../../components/toast";
import { Button, CopyButton, ErrorBanner, Facts, Heading, Section } from "../../../components/ui";
import { formatDateTimeSeconds, formatDuration, formatRelative, isoTime } from "../../../lib/format";
import { openInInspector } from "../../../lib/handoff";
import { decodeJwtUnverified, numericDateClaim } from "../../../lib/jwt";
import { allowsRefresh } from "../../../lib/signIn";
import { useAction } from "../../../lib/useAction";
import { useNow } from "../../../lib/useNow";
import { ApiError } from "../../../platform";
import { signInApi } from "./signInApi";
import type { Stage } from "./stages";

/** The end of a sign-in: the tokens, decoded, with a refresh through the flow that got them. */
export function TokensStep({
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
  const canRefresh = allowsRefresh(client.ExplicitAuthFlows);
  const { result } = stage;
  const expiresAt = stage.receivedAt + result.ExpiresIn;
  const refresh = useAction(
    async (refreshToken: string) => {
      const r = await signInApi(client, stage.flow).initiate("REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: refreshToken });
      if (!r.AuthenticationResult) throw new ApiError("UnexpectedAnswer", "The refresh answered without tokens.");
      return r.AuthenticationResult;
    },
    {
      onSuccess: (fresh) => {
        toast("Tokens refreshed");
        onRefreshed(fresh);
      },
    },
  );

  return (
    <Section
      title={stage.refreshed ? "Signed in · tokens refreshed" : "Signed in"}
      testId="try-tokens"
      actions={
        <>
          <Button onClick={onRestart}>Start over</Button>
          <Button
            variant="primary"
            onClick={() => {
              if (stage.refreshToken) refresh.run(stage.refreshToken);
            }}
            busy={refresh.busy}
            disabled={!canRefresh || !stage.refreshToken}
            data-testid="try-refresh"
          >
            Refresh
          </Button>
        </>
      }
    >
      {refresh.error && <ErrorBanner error={refresh.error} title="Refresh failed." />}
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
        <Heading>{name}</Heading>
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
