import { useMemo, useState } from "react";
import type { AdminGetUserResponse, UserPool, UserSecurity } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, CopyButton } from "../../components/ui";
import { resetMfaRequests } from "../../lib/mfa";
import { describePolicy, generatePassword } from "../../lib/passwords";
import { factsFromAttributes, personLabel } from "../../lib/people";
import { call } from "../../platform";
import {
  planRecovery,
  runRecovery,
  summarize,
  type PasswordMode,
  type RunnableStep,
  type StepId,
  type StepResult,
} from "./recovery";
import "../../styles/users.css";

function attr(user: AdminGetUserResponse, name: string): string | undefined {
  return user.UserAttributes.find((a) => a.Name === name)?.Value;
}

/** The verified email and phone a reset code can reach. */
export function verifiedContacts(user: AdminGetUserResponse): string[] {
  const out: string[] = [];
  const email = attr(user, "email");
  const phone = attr(user, "phone_number");
  if (email && attr(user, "email_verified") === "true") out.push(email);
  if (phone && attr(user, "phone_number_verified") === "true") out.push(phone);
  return out;
}

const STATE_TEXT: Record<StepResult["state"], string> = {
  waiting: "Waiting",
  running: "Running…",
  done: "Done",
  failed: "Failed",
  "not-run": "Not run",
};

/**
 * One dialog that gets a caller back into their account: reset MFA, unlock, sign out
 * everywhere, and a new password (a reset code, or a temporary password shown once), each
 * preselected from the user's state, run in order on one confirmation.
 */
export function RecoverAccountDialog({
  pool,
  user,
  security,
  onClose,
  onFinished,
}: {
  pool: UserPool;
  user: AdminGetUserResponse;
  security: UserSecurity;
  onClose: () => void;
  /** After a run (whole or stopped): reload the user. */
  onFinished: () => void;
}) {
  const toast = useToast();
  const username = user.Username;
  const who = personLabel(factsFromAttributes(username, user.UserAttributes), pool);
  const contacts = verifiedContacts(user);
  const [now] = useState(() => Date.now());
  const plan = useMemo(
    () =>
      planRecovery({
        mfa: user.UserMFASettingList,
        lockedUntil: security.LockedUntil === undefined ? undefined : security.LockedUntil * 1000,
        now,
        failedSignIns: Number(security.FailedSignInAttempts),
        activeSessions: security.Sessions.filter((s) => s.Status === "ACTIVE").length,
        contacts,
        enabled: user.Enabled,
      }),
    // The plan is made once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const [chosen, setChosen] = useState<Record<StepId, boolean>>(
    () => Object.fromEntries(plan.steps.map((s) => [s.id, s.checked])) as Record<StepId, boolean>,
  );
  const [mode, setMode] = useState<PasswordMode>(plan.passwordMode);
  const policy = pool.Policies?.PasswordPolicy;
  const [temporary] = useState(() => generatePassword(policy));
  const [results, setResults] = useState<StepResult[]>();
  const running = results?.some((r) => r.state === "running" || r.state === "waiting") ?? false;
  const finished = results !== undefined && !running;
  const failed = results?.some((r) => r.state === "failed") ?? false;
  const passwordDone = results?.some((r) => r.id === "password" && r.state === "done") ?? false;

  const ids = plan.steps.filter((s) => chosen[s.id] && !s.disabledReason).map((s) => s.id);
  const target = { UserPoolId: pool.Id, Username: username };
  const runners: Record<StepId, () => Promise<unknown>> = {
    "reset-mfa": async () => {
      const requests = resetMfaRequests(pool.Id, username, user.UserMFASettingList);
      await call("AdminDeleteSoftwareToken", requests.deleteSoftwareToken);
      if (requests.preference) await call("AdminSetUserMFAPreference", requests.preference);
    },
    unlock: () => call("UnlockUser", target),
    "sign-out": () => call("AdminUserGlobalSignOut", target),
    password: () =>
      mode === "send-code"
        ? call("AdminResetUserPassword", target)
        : call("AdminSetUserPassword", { ...target, Password: temporary, Permanent: false }),
  };

  const start = async () => {
    const steps: RunnableStep[] = ids.map((id) => ({ id, run: runners[id] }));
    setResults(steps.map((s) => ({ id: s.id, state: "waiting" })));
    const end = await runRecovery(steps, setResults);
    const sentence = summarize(end);
    toast(end.some((r) => r.state === "failed") ? `Recovery of ${who} stopped: ${sentence}` : `Account of ${who} recovered`);
    onFinished();
  };

  const stateOf = (id: StepId) => results?.find((r) => r.id === id);

  return (
    <Dialog title={`Recover the account of ${who}`} onClose={running ? () => {} : onClose} wide testId="recover-dialog">
      <div className="dialog-body recover-body">
        <p className="muted">
          Chosen steps run in this order on one confirmation, each recorded in the audit log. A step that fails stops
          the rest.
        </p>
        <ul className="recover-steps" data-testid="recover-steps">
          {plan.steps.map((s) => {
            const state = stateOf(s.id);
            const reasonId = `recover-reason-${s.id}`;
            return (
              <li key={s.id} className={`recover-step${s.disabledReason ? " recover-step-off" : ""}`} data-testid={`recover-step-${s.id}`}>
                <label className="recover-check">
                  <input
                    type="checkbox"
                    checked={chosen[s.id] && !s.disabledReason}
                    disabled={s.disabledReason !== undefined || results !== undefined}
                    aria-describedby={reasonId}
                    onChange={(e) => setChosen((c) => ({ ...c, [s.id]: e.target.checked }))}
                    data-testid={`recover-check-${s.id}`}
                  />
                  <span className="recover-label">{s.label}</span>
                  {state && (
                    <span className={`pill recover-state recover-state-${state.state}`} data-testid={`recover-state-${s.id}`}>
                      {STATE_TEXT[state.state]}
                    </span>
                  )}
                </label>
                <div id={reasonId} className="hint recover-why">
                  {s.disabledReason ?? s.why}
                </div>
                {s.id === "password" && !s.disabledReason && chosen.password && (
                  <fieldset className="recover-password" disabled={results !== undefined}>
                    <legend className="sr-only">How the user gets a new password</legend>
                    <label className="recover-radio">
                      <input
                        type="radio"
                        name="password-mode"
                        checked={mode === "send-code"}
                        disabled={plan.sendCodeDisabledReason !== undefined}
                        aria-describedby="recover-send-code-why"
                        onChange={() => setMode("send-code")}
                        data-testid="recover-send-code"
                      />
                      Send a reset code
                    </label>
                    <div id="recover-send-code-why" className="hint recover-why">
                      {plan.sendCodeDisabledReason ??
                        `The current password stops working; a code goes to ${contacts.join(", ")} to choose a new one.`}
                    </div>
                    <label className="recover-radio">
                      <input
                        type="radio"
                        name="password-mode"
                        checked={mode === "temporary"}
                        onChange={() => setMode("temporary")}
                        data-testid="recover-temporary"
                      />
                      Set a temporary password
                    </label>
                    <div className="hint recover-why">
                      Generated for you and shown once when done; they choose their own at the next sign-in. Policy:{" "}
                      {describePolicy(policy)}
                    </div>
                  </fieldset>
                )}
                {state?.state === "failed" && (
                  <div className="recover-error" role="alert">
                    {state.error}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        {finished && (
          <div className={`notice ${failed ? "notice-bad" : "notice-info"}`} role="status" data-testid="recover-summary">
            {summarize(results ?? [])}
          </div>
        )}
        {finished && passwordDone && mode === "temporary" && (
          <div className="recover-secret" data-testid="recover-temporary-password">
            Temporary password (shown once): <span className="mono">{temporary}</span> <CopyButton text={temporary} />
          </div>
        )}
        <footer className="dialog-footer">
        {finished ? (
          <Button variant="primary" onClick={onClose} autoFocus data-testid="recover-close">
            Close
          </Button>
        ) : (
          <>
            {ids.length === 0 && (
              <span className="hint" id="recover-none">
                Choose at least one step
              </span>
            )}
            <Button onClick={onClose} disabled={running}>
              Cancel
            </Button>
            <Button
              variant="primary"
              busy={running}
              disabled={ids.length === 0}
              aria-describedby={ids.length === 0 ? "recover-none" : undefined}
              onClick={() => void start()}
              autoFocus
              data-testid="recover-confirm"
            >
              {ids.length === 0 ? "Recover account" : `Run ${ids.length} ${ids.length === 1 ? "step" : "steps"}`}
            </Button>
          </>
        )}
        </footer>
      </div>
    </Dialog>
  );
}

