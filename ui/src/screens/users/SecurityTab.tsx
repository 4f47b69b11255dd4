import { useQuery } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { listAllClients } from "../../api/lists";
import type { AdminGetUserResponse, MfaConfiguration, UserPool } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, Facts, Section } from "../../components/ui";
import { formatDateTime, formatDateTimeSeconds, formatRelative, isoTime, plural } from "../../lib/format";
import { enabledFactors, resetMfaRequests } from "../../lib/mfa";
import { factsFromAttributes, personLabel } from "../../lib/people";
import { routeHref } from "../../lib/router";
import { useNow } from "../../lib/useNow";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { verifiedContacts } from "./RecoverAccountDialog";
import { MfaFactorList, SessionsTable, SignInHistory } from "./SecurityTables";

const EVENTS_PAGE = 20;

type Action = "unlock" | "sign-out" | "reset-password" | "confirm-sign-up" | "reset-mfa";

function attr(user: AdminGetUserResponse, name: string): string | undefined {
  return user.UserAttributes.find((a) => a.Name === name)?.Value;
}

/** How a factor reaches the user, for the MFA section and the reset confirmation. */
function factorDetail(user: AdminGetUserResponse, name: string): string | undefined {
  switch (name) {
    case "SOFTWARE_TOKEN_MFA":
      return "6-digit codes from an app on their phone, new every 30 seconds";
    case "EMAIL_OTP": {
      const email = attr(user, "email");
      return email ? `Codes sent to ${email}` : "Codes sent by email";
    }
    case "SMS_MFA": {
      const phone = attr(user, "phone_number");
      return phone ? `Codes texted to ${phone}` : "Codes sent by text message";
    }
    default:
      return undefined;
  }
}

const POOL_MFA: Record<MfaConfiguration, string> = {
  ON: "This pool requires MFA of every user.",
  OPTIONAL: "MFA is optional in this pool: users who turned a factor on are asked for it.",
  OFF: "MFA is off in this pool: sign-in doesn't ask for these factors (unless threat protection does).",
};

/** What happens at the user's next sign-in once their factors are gone, by the pool's MFA mode. */
function afterReset(mode: MfaConfiguration, who: string, appAllowed: boolean): string {
  switch (mode) {
    case "ON":
      return appAllowed
        ? `This pool requires MFA, so at their next sign-in ${who} is asked to set up an authenticator app again before getting in.`
        : `This pool requires MFA, so at their next sign-in ${who} is asked for a code by another factor the pool allows.`;
    case "OPTIONAL":
      return `MFA is optional in this pool, so ${who} signs in with their password alone until they turn MFA on again.`;
    case "OFF":
      return `MFA is off in this pool, so sign-in doesn't ask for these factors now; ${who} has none left if it is turned on.`;
  }
}


/**
 * The Security tab of the user drawer, for support staff: lockout, sessions, sign-in history,
 * and the actions that get a user back in (unlock, sign out everywhere, reset password,
 * confirm sign-up). Every action confirms first, names the user, and refreshes the tab.
 */
export function SecurityTab({
  pool,
  user,
  onUserChanged,
  onRecover,
  onSetPassword,
}: {
  pool: UserPool;
  user: AdminGetUserResponse;
  /** Reloads the user (status, attributes) in the drawer and the users table. */
  onUserChanged: () => Promise<void>;
  /** Opens the drawer's "Recover account" dialog. */
  onRecover: () => void;
  /** Opens the drawer's "Set password" dialog. */
  onSetPassword: () => void;
}) {
  const poolId = pool.Id;
  const username = user.Username;
  /** How the user is named in text: by email or name, not by a UUID username. */
  const who = personLabel(factsFromAttributes(username, user.UserAttributes), pool);
  const toast = useToast();
  const security = useQuery({
    queryKey: ["security", poolId, username],
    queryFn: () => call("DescribeUserSecurity", { UserPoolId: poolId, Username: username }),
  });
  const history = usePagedList(["auth-events", poolId, username], async (token) => {
    const r = await call("AdminListUserAuthEvents", { UserPoolId: poolId, Username: username, MaxResults: EVENTS_PAGE, NextToken: token });
    return { items: r.AuthEvents, next: r.NextToken };
  });
  const clients = useQuery({ queryKey: ["client-names", poolId], queryFn: () => listAllClients(poolId) });
  const clientNames = useMemo(
    () => new Map((clients.data ?? []).map((c) => [c.ClientId, c.ClientName])),
    [clients.data],
  );
  const mfaConfig = useQuery({
    queryKey: ["mfa-config", poolId],
    queryFn: () => call("GetUserPoolMfaConfig", { UserPoolId: poolId }),
  });
  const factors = enabledFactors(user);
  const [confirming, setConfirming] = useState<Action>();

  const s = security.data;
  // Tick every second only while a lockout may be running, so "Locked" ends when it ends.
  const now = useNow(s?.LockedUntil !== undefined ? 1000 : null);
  const locked = s?.LockedUntil !== undefined && s.LockedUntil > now;
  const active = (s?.Sessions ?? []).filter((x) => x.Status === "ACTIVE");

  const refresh = () => {
    void security.refetch();
    history.reload();
  };
  /** The Refresh button also reloads the user, whose MFA factors the tab shows. */
  const refreshAll = () => {
    refresh();
    void onUserChanged();
  };

  const clientCell = (clientId: string | undefined) => {
    if (!clientId) return <span className="muted">—</span>;
    const name = clientNames.get(clientId);
    return (
      <span title={clientId} className={name ? undefined : "mono"}>
        {name ?? clientId}
      </span>
    );
  };

  /** Runs a confirmed action: the call, a toast, then a fresh tab (and user, when it changed). */
  const run = async (fn: () => Promise<unknown>, done: string, userChanged: boolean) => {
    await fn();
    toast(done);
    refresh();
    if (userChanged) await onUserChanged();
  };

  const contacts = verifiedContacts(user);
  const dialogs: Record<Action, { title: string; confirmLabel: string; tone: "danger" | "primary"; body: ReactNode; onConfirm: () => Promise<void> }> = {
    unlock: {
      title: `Unlock ${who}?`,
      confirmLabel: "Unlock",
      tone: "primary",
      body: (
        <p>
          <strong>{who}</strong> can sign in again right away, and their count of failed sign-ins
          starts again from zero.
        </p>
      ),
      onConfirm: () =>
        run(() => call("UnlockUser", { UserPoolId: poolId, Username: username }), `${who} unlocked`, false),
    },
    "sign-out": {
      title: `Sign ${who} out everywhere?`,
      confirmLabel: "Sign out everywhere",
      tone: "danger",
      body: (
        <p>
          This revokes every refresh token of <strong>{who}</strong> (
          {plural(active.length, "active session")}), on every app client. Apps can't renew their tokens, so{" "}
          {who} has to sign in again everywhere once their current access tokens expire.
        </p>
      ),
      onConfirm: () =>
        run(
          () => call("AdminUserGlobalSignOut", { UserPoolId: poolId, Username: username }),
          `${who} signed out everywhere`,
          false,
        ),
    },
    "reset-password": {
      title: `Reset the password of ${who}?`,
      confirmLabel: "Reset password",
      tone: "danger",
      body: (
        <>
          <p>
            <strong>{who}</strong>'s current password stops working and all their sessions end.
            Their status becomes <em>Reset required</em>.
          </p>
          {contacts.length > 0 ? (
            <p>
              A reset code goes to their verified {contacts.length === 1 ? "contact" : "contacts"}{" "}
              <span className="mono">{contacts.join(", ")}</span>; they choose a new password with it. Poolhouse
              doesn't send real messages: the code is in the pool's{" "}
              <a href={routeHref({ screen: "pool", poolId, tab: "messages" })}>Messages</a> tab.
            </p>
          ) : (
            <p className="warn-text" data-testid="reset-no-contact">
              {who} has no verified email address or phone number, so no code can reach them and they can't
              choose a new password themselves. Set a password for them instead.
            </p>
          )}
        </>
      ),
      onConfirm: () =>
        run(
          () => call("AdminResetUserPassword", { UserPoolId: poolId, Username: username }),
          `Password of ${who} reset`,
          true,
        ),
    },
    "confirm-sign-up": {
      title: `Confirm the sign-up of ${who}?`,
      confirmLabel: "Confirm sign-up",
      tone: "primary",
      body: (
        <p>
          Marks <strong>{who}</strong> as confirmed without the verification code they were sent,
          so they can sign in. Do this only once you're sure the account belongs to them.
        </p>
      ),
      onConfirm: () =>
        run(
          () => call("AdminConfirmSignUp", { UserPoolId: poolId, Username: username }),
          `Sign-up of ${who} confirmed`,
          true,
        ),
    },
    "reset-mfa": {
      title: `Reset the MFA of ${who}?`,
      confirmLabel: "Reset MFA",
      tone: "danger",
      body: (
        <>
          <p>
            This removes every MFA factor of <strong>{who}</strong>:
          </p>
          <ul className="confirm-list" data-testid="reset-mfa-factors">
            {factors.map((f) => (
              <li key={f.name}>
                <strong>{f.label}</strong>
                {f.name === "SOFTWARE_TOKEN_MFA"
                  ? ": its secret is deleted, so codes from the app stop working."
                  : ": turned off, so no more codes are sent."}
              </li>
            ))}
          </ul>
          {mfaConfig.data && (
            <p>
              {afterReset(
                mfaConfig.data.MfaConfiguration,
                who,
                mfaConfig.data.SoftwareTokenMfaConfiguration?.Enabled ?? false,
              )}
            </p>
          )}
          <p>
            Their password and sessions stay as they are. Do this only once you're sure you are talking to {who}; if
            their phone was lost or stolen, sign them out everywhere too.
          </p>
        </>
      ),
      onConfirm: () => {
        const requests = resetMfaRequests(poolId, username, user.UserMFASettingList);
        return run(
          async () => {
            await call("AdminDeleteSoftwareToken", requests.deleteSoftwareToken);
            if (requests.preference) await call("AdminSetUserMFAPreference", requests.preference);
          },
          `MFA of ${who} reset`,
          true,
        );
      },
    },
  };
  const dialog = confirming ? dialogs[confirming] : undefined;

  return (
    <div className="security-tab" data-testid="user-security">
      <div className="tab-toolbar">
        <span className="muted">Sign-in state, sessions and history of {who}.</span>
        <span className="tab-toolbar-actions">
          <Button variant="primary" onClick={onRecover} disabled={!s} data-testid="recover-account-tab">
            Recover account…
          </Button>
          <Button variant="ghost" className="btn-small" onClick={refreshAll} aria-label="Refresh security">
            Refresh
          </Button>
        </span>
      </div>

      <QueryStatus query={security} errorTitle="Could not load the sign-in state." loadingLabel="Loading sign-in state…" />
      {s && (
        <>
          <Section title="Sign-in" testId="user-lockout">
            {locked && s.LockedUntil !== undefined ? (
              <div className="notice notice-bad" data-testid="lockout-notice">
                <div>
                  <strong>
                    <span className="pill pill-bad" data-testid="lock-state">
                      Locked
                    </span>{" "}
                    until <span title={isoTime(s.LockedUntil)}>{formatDateTimeSeconds(s.LockedUntil)}</span>
                  </strong>{" "}
                  <span className="muted">({formatRelative(s.LockedUntil, now)})</span>
                  <div className="notice-text">
                    After {plural(s.FailedSignInAttempts, "failed sign-in")} in a row, every sign-in is refused until
                    then, even with the right password.
                  </div>
                </div>
                <Button variant="primary" onClick={() => setConfirming("unlock")} data-testid="unlock-user">
                  Unlock…
                </Button>
              </div>
            ) : null}
            <Facts
              items={[
                ...(locked
                  ? []
                  : [
                      [
                        "Lockout",
                        <span className="pill pill-ok" data-testid="lock-state">
                          Not locked
                        </span>,
                      ] as [string, ReactNode],
                    ]),
                [
                  "Failed sign-ins in a row",
                  <span data-testid="failed-attempts">{s.FailedSignInAttempts}</span>,
                ],
                [
                  "Last sign-in",
                  s.LastSignIn === undefined ? (
                    <span className="muted">Never</span>
                  ) : (
                    <span title={isoTime(s.LastSignIn)}>{formatDateTime(s.LastSignIn)}</span>
                  ),
                ],
              ]}
            />
          </Section>
        </>
      )}

      <Section
        title="Multi-factor authentication"
        testId="user-mfa"
        actions={
          <>
            {factors.length === 0 && (
              <span className="hint" id="reset-mfa-why">
                Nothing to reset
              </span>
            )}
            <Button
              variant="danger"
              disabled={factors.length === 0}
              title={factors.length === 0 ? `${who} has no MFA factor to reset` : undefined}
              aria-describedby={factors.length === 0 ? "reset-mfa-why" : undefined}
              onClick={() => setConfirming("reset-mfa")}
              data-testid="reset-mfa"
            >
              Reset MFA…
            </Button>
          </>
        }
      >
        {factors.length === 0 ? (
          <p className="muted" data-testid="mfa-none">
            {mfaConfig.data?.MfaConfiguration === "ON"
              ? `No MFA factor: this pool requires one, so ${who} is asked to set one up at their next sign-in.`
              : `No MFA factor: ${who} signs in with their password alone.`}
          </p>
        ) : (
          <MfaFactorList factors={factors} detail={(name) => factorDetail(user, name)} />
        )}
        {mfaConfig.data && <p className="hint section-note">{POOL_MFA[mfaConfig.data.MfaConfiguration]}</p>}
      </Section>

      {s && (
        <>
          <Section title="Password" testId="user-recovery">
            {user.UserStatus === "UNCONFIRMED" && (
              <div className="action-row">
                <p>
                  <strong>Sign-up not confirmed.</strong> {who} hasn't entered the verification code sent when they
                  signed up, so they can't sign in yet.
                </p>
                <Button onClick={() => setConfirming("confirm-sign-up")} data-testid="confirm-sign-up">
                  Confirm sign-up…
                </Button>
              </div>
            )}
            <div className="action-row">
              <p>
                <strong>Reset password.</strong> Ends their sessions and sends them a code to choose a new password; their
                current password stops working.
              </p>
              <Button variant="danger" onClick={() => setConfirming("reset-password")} data-testid="reset-password">
                Reset password…
              </Button>
            </div>
            <div className="action-row">
              <p>
                <strong>Set password.</strong> Choose a password for them yourself, temporary (they change it at their
                next sign-in) or permanent. For callers no code can reach.
              </p>
              <Button onClick={onSetPassword} data-testid="set-password">
                Set password…
              </Button>
            </div>
          </Section>

          <Section
            title={`Sessions (${active.length} active)`}
            testId="user-sessions"
            actions={
              <>
                {active.length === 0 && (
                  <span className="hint" id="sign-out-why" data-testid="sign-out-why">
                    No active session to end
                  </span>
                )}
                <Button
                  variant="danger"
                  disabled={active.length === 0}
                  title={active.length === 0 ? `${who} has no active session: nothing to sign out of` : undefined}
                  aria-describedby={active.length === 0 ? "sign-out-why" : undefined}
                  onClick={() => setConfirming("sign-out")}
                  data-testid="global-sign-out"
                >
                  Sign out everywhere…
                </Button>
              </>
            }
          >
            {s.Sessions.length === 0 ? (
              <p className="muted">No sessions: {who} hasn't signed in through an app client yet.</p>
            ) : (
              <SessionsTable sessions={s.Sessions} clientCell={clientCell} />
            )}
          </Section>
        </>
      )}

      <SignInHistory list={history} username={who} clientCell={clientCell} />

      {dialog && (
        <ConfirmDialog
          title={dialog.title}
          confirmLabel={dialog.confirmLabel}
          tone={dialog.tone}
          onClose={() => setConfirming(undefined)}
          onConfirm={dialog.onConfirm}
        >
          {dialog.body}
        </ConfirmDialog>
      )}
    </div>
  );
}
