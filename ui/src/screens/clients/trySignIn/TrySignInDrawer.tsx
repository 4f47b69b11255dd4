import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { clientQuery } from "../../../api/queries";
import type { AuthResponse, UserPoolClient } from "../../../api/types";
import { QueryStatus } from "../../../components/LoadState";
import { Drawer } from "../../../components/overlays";
import { Button } from "../../../components/ui";
import { passwordFlows, type PasswordFlow } from "../../../lib/signIn";
import { CredentialsStep } from "./CredentialsStep";
import { MfaCodeStep } from "./MfaCodeStep";
import { MfaSelectStep } from "./MfaSelectStep";
import { MfaSetupStep } from "./MfaSetupStep";
import { NewPasswordStep } from "./NewPasswordStep";
import { forgetSignIn, keepSignIn, keptSignIn } from "./session";
import { nextStage, type Stage } from "./stages";
import { TokensStep } from "./TokensStep";

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
  // Closing the drawer signs out of the panel: the tokens kept for coming back go.
  const close = () => {
    forgetSignIn(poolId, clientId);
    onClose();
  };
  return (
    <Drawer
      title="Try sign-in"
      subtitle={
        <>
          {client?.ClientName ?? "App client"} <span className="mono">{clientId}</span>
        </>
      }
      onClose={close}
      wide
      testId="try-signin"
    >
      <QueryStatus query={q} errorTitle="Could not load the app client." loadingLabel="Loading app client…" />
      {client && <TrySignInPanel poolId={poolId} client={client} onEditClient={onEditClient} />}
    </Drawer>
  );
}

function TrySignInPanel({ poolId, client, onEditClient }: { poolId: string; client: UserPoolClient; onEditClient: () => void }) {
  const flows = passwordFlows(client.ExplicitAuthFlows);
  // Where the sign-in stood when the drawer was last shown (before Inspect took the person to
  // the inspector): kept in memory by pool and client, forgotten on Close.
  const [kept] = useState(() => keptSignIn(poolId, client.ClientId));
  const [flow, setFlow] = useState<PasswordFlow | undefined>(
    kept?.flow !== undefined && flows.includes(kept.flow) ? kept.flow : flows[0],
  );
  const [stage, setStage] = useState<Stage>(kept?.stage ?? { kind: "credentials" });
  // Kept here so "Start over" keeps the username.
  const [username, setUsername] = useState(kept?.username ?? "");
  useEffect(() => keepSignIn(poolId, client.ClientId, { stage, username, flow }), [poolId, client.ClientId, stage, username, flow]);

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
  const advance = (from: { flow: PasswordFlow; username: string; step: number }) => (r: AuthResponse) =>
    setStage(nextStage(from, r, Date.now() / 1000));
  const step = { client, onBack: restart };
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
          onAnswer={advance({ flow, username, step: 1 })}
        />
      )}
      {stage.kind === "new-password" && <NewPasswordStep key={stage.session} {...step} stage={stage} onAnswer={advance(stage)} />}
      {stage.kind === "mfa-code" && <MfaCodeStep key={stage.session} {...step} stage={stage} onAnswer={advance(stage)} />}
      {stage.kind === "mfa-select" && <MfaSelectStep key={stage.session} {...step} stage={stage} onAnswer={advance(stage)} />}
      {stage.kind === "mfa-setup" && <MfaSetupStep key={stage.session} {...step} stage={stage} onAnswer={advance(stage)} />}
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
