import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AdminGetUserResponse, GroupType, UserPool, UserSummary } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { FailuresBadge, LockBadge, StatusBadge } from "../../components/StatusBadge";
import { ConfirmDialog, Drawer } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, CopyButton, ErrorBanner, Facts } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { mfaLabel, mfaShortLabel } from "../../lib/mfa";
import { factsFromAttributes, personLabel, primaryName, secondaryNames } from "../../lib/people";
import { useAction } from "../../lib/useAction";
import { call } from "../../platform";
import { RecoverAccountDialog } from "./RecoverAccountDialog";
import { SecurityTab } from "./SecurityTab";
import { LinkedIdentities, signInWith } from "./LinkedIdentities";
import { AttributesEditor, GroupsEditor, SetPasswordDialog } from "./UserEditors";
import "../../styles/users.css";

type Loaded = { user: AdminGetUserResponse; groups: GroupType[] };

async function loadUser(poolId: string, username: string): Promise<Loaded> {
  const [user, groups] = await Promise.all([
    call("AdminGetUser", { UserPoolId: poolId, Username: username }),
    call("AdminListGroupsForUser", { UserPoolId: poolId, Username: username, Limit: 60 }),
  ]);
  return { user, groups: groups.Groups };
}

function attr(user: AdminGetUserResponse, name: string): string | undefined {
  return user.UserAttributes.find((a) => a.Name === name)?.Value;
}

/** The row of the users table that corresponds to a freshly loaded user. */
export function summaryPatch({ user, groups }: Loaded): Partial<UserSummary> {
  return {
    Enabled: user.Enabled,
    UserStatus: user.UserStatus,
    Email: attr(user, "email"),
    PhoneNumber: attr(user, "phone_number"),
    Name: attr(user, "name"),
    Groups: groups.map((g) => g.GroupName),
    MFA: user.UserMFASettingList,
    UserLastModifiedDate: user.UserLastModifiedDate,
  };
}

type Modal =
  | { kind: "password" }
  | { kind: "delete" }
  | { kind: "disable" }
  | { kind: "recover" }
  | { kind: "delete-attribute"; name: string }
  | null;

const DRAWER_TABS = [
  { id: "details", label: "Details" },
  { id: "security", label: "Security" },
] as const;
type DrawerTab = (typeof DRAWER_TABS)[number]["id"];

/** A change made from the drawer: which button started it, what to say once it is done. */
type Change = { label: string; done: string; fn: () => Promise<unknown> };

export function UserDrawer({
  pool,
  username,
  groups: poolGroups,
  onClose,
  onChanged,
  onDeleted,
}: {
  pool: UserPool;
  username: string;
  groups: GroupType[];
  onClose: () => void;
  onChanged: (patch: Partial<UserSummary>) => void;
  onDeleted: () => void;
}) {
  const poolId = pool.Id;
  const toast = useToast();
  const queries = useQueryClient();
  const userKey = ["user", poolId, username];
  const q = useQuery({ queryKey: userKey, queryFn: () => loadUser(poolId, username) });
  // The same query (and cache) as the Security tab: lockout and failures show in the header.
  const security = useQuery({
    queryKey: ["security", poolId, username],
    queryFn: () => call("DescribeUserSecurity", { UserPoolId: poolId, Username: username }),
  });
  const [modal, setModal] = useState<Modal>(null);
  const [tab, setTab] = useState<DrawerTab>("details");

  /** Reloads the user and tells the table what changed. */
  const reloadUser = async () => {
    const [fresh, sec] = await Promise.all([
      loadUser(poolId, username),
      call("DescribeUserSecurity", { UserPoolId: poolId, Username: username }),
    ]);
    queries.setQueryData(userKey, fresh);
    queries.setQueryData(["security", poolId, username], sec);
    void queries.invalidateQueries({ queryKey: ["auth-events", poolId, username] });
    onChanged({
      ...summaryPatch(fresh),
      LockedUntil: sec.LockedUntil,
      FailedSignIns: Number(sec.FailedSignInAttempts),
    });
  };
  /** After an action on another tab. */
  const refresh = useAction(reloadUser);
  /** One change, then the user reloaded. */
  const change = useAction(async ({ done, fn }: Change) => {
    await fn();
    toast(done);
    await reloadUser();
  });
  const busy = change.busy ? change.input?.label : undefined;
  const actionError = change.error ?? refresh.error;
  const act = (label: string, done: string, fn: () => Promise<unknown> = async () => {}) => {
    refresh.reset();
    change.run({ label, done, fn });
  };

  const data = q.data;
  const user = data?.user;
  const sec = security.data;
  const facts = factsFromAttributes(username, user?.UserAttributes);
  /** How the user is named in toasts and confirmations: never by a UUID when an email or name exists. */
  const who = personLabel(facts, pool);
  const others = secondaryNames(facts, pool).filter((n) => n !== username);

  return (
    <Drawer
      title={<span data-testid="user-drawer-title">{user ? primaryName(facts, pool) : username}</span>}
      subtitle={
        user && (
          <div className="user-head">
            <div className="user-head-names">
              {others.map((n) => (
                <span key={n}>{n}</span>
              ))}
              <span className="user-head-username">
                <span className="muted">Username</span> <span className="mono">{username}</span>{" "}
                <CopyButton text={username} label="Copy" />
              </span>
            </div>
            <div className="user-head-row">
            <span className="drawer-badges">
              <StatusBadge status={user.UserStatus} />
              {user.Enabled ? (
                <span className="pill pill-ok" data-testid="user-enabled">
                  Enabled
                </span>
              ) : (
                <span className="pill pill-off" data-testid="user-enabled">
                  Disabled
                </span>
              )}
              <LockBadge lockedUntil={sec?.LockedUntil} failedSignIns={Number(sec?.FailedSignInAttempts ?? 0)} />
              {sec && sec.LockedUntil === undefined && <FailuresBadge count={Number(sec.FailedSignInAttempts)} />}
              {user.UserMFASettingList.length === 0 ? (
                <span className="pill pill-off" title="No MFA factor" data-testid="user-mfa-badge">
                  No MFA
                </span>
              ) : (
                <span
                  className="pill pill-info"
                  title={user.UserMFASettingList.map(mfaLabel).join(", ")}
                  data-testid="user-mfa-badge"
                >
                  MFA: {user.UserMFASettingList.map(mfaShortLabel).join(", ")}
                </span>
              )}
            </span>
            <div className="user-head-actions">
              <Button
                variant="primary"
                disabled={!sec}
                title={sec ? undefined : "Loading the sign-in state…"}
                onClick={() => setModal({ kind: "recover" })}
                data-testid="recover-account"
              >
                Recover account…
              </Button>
            </div>
            </div>
          </div>
        )
      }
      onClose={onClose}
      testId="user-drawer"
    >
      <QueryStatus
        query={q}
        errorTitle={(e) => (e.code === "UserNotFoundException" ? "This user no longer exists." : "Could not load the user.")}
        loadingLabel="Loading user…"
      />
      {data && user && (
        <div
          role="tablist"
          aria-label="User sections"
          className="tabs drawer-tabs"
          onKeyDown={(e) => {
            const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
            if (step === 0) return;
            e.preventDefault();
            const i = DRAWER_TABS.findIndex((t) => t.id === tab);
            const next = DRAWER_TABS[(i + step + DRAWER_TABS.length) % DRAWER_TABS.length]?.id ?? tab;
            setTab(next);
            requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="user-tab-${next}"]`)?.focus());
          }}
        >
          {DRAWER_TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`user-tab-${t.id}`}
              aria-selected={t.id === tab}
              aria-controls={`user-panel-${t.id}`}
              tabIndex={t.id === tab ? 0 : -1}
              className={`tab${t.id === tab ? " active" : ""}`}
              onClick={() => setTab(t.id)}
              data-testid={`user-tab-${t.id}`}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
      {data && user && tab === "security" && (
        <div role="tabpanel" id="user-panel-security" aria-labelledby="user-tab-security">
          {actionError && <ErrorBanner error={actionError} />}
          <SecurityTab
            pool={pool}
            user={user}
            onUserChanged={() => refresh.runAsync().catch(() => undefined)}
            onRecover={() => setModal({ kind: "recover" })}
            onSetPassword={() => setModal({ kind: "password" })}
          />
        </div>
      )}
      {data && user && tab === "details" && (
        <div role="tabpanel" id="user-panel-details" aria-labelledby="user-tab-details">
          <div className="drawer-actions">
            {user.Enabled ? (
              <Button
                busy={busy === "disable"}
                disabled={busy !== undefined}
                onClick={() => setModal({ kind: "disable" })}
                data-testid="disable-user"
              >
                Disable…
              </Button>
            ) : (
              <Button
                busy={busy === "enable"}
                disabled={busy !== undefined}
                onClick={() =>
                  act("enable", `${who} enabled`, () => call("AdminEnableUser", { UserPoolId: poolId, Username: username }))
                }
                data-testid="enable-user"
              >
                Enable
              </Button>
            )}
            <div className="toolbar-spacer" />
            <Button
              variant="danger"
              disabled={busy !== undefined}
              onClick={() => setModal({ kind: "delete" })}
              data-testid="delete-user"
            >
              Delete user…
            </Button>
          </div>
          {actionError && <ErrorBanner error={actionError} />}

          <Facts
            items={[
              ["sub", <span className="mono">{attr(user, "sub")}</span>, "wide"],
              ["Signs in with", <span data-testid="user-signs-in-with">{signInWith(user)}</span>],
              ["Created", formatDateTime(user.UserCreateDate)],
              ["Last modified", formatDateTime(user.UserLastModifiedDate)],
            ]}
          />

          <AttributesEditor
            key={user.UserLastModifiedDate}
            attributes={user.UserAttributes}
            busy={busy !== undefined}
            onSave={(changed) =>
              act("attributes", "Attributes saved", () =>
                call("AdminUpdateUserAttributes", { UserPoolId: poolId, Username: username, UserAttributes: changed }),
              )
            }
            onDelete={(name) => setModal({ kind: "delete-attribute", name })}
          />

          <GroupsEditor
            groups={data.groups}
            poolGroups={poolGroups}
            busy={busy !== undefined}
            onAdd={(g) =>
              act("group", `Added to ${g}`, () => call("AdminAddUserToGroup", { UserPoolId: poolId, Username: username, GroupName: g }))
            }
            onRemove={(g) =>
              act("group", `Removed from ${g}`, () =>
                call("AdminRemoveUserFromGroup", { UserPoolId: poolId, Username: username, GroupName: g }),
              )
            }
          />

          <LinkedIdentities
            attributes={user.UserAttributes}
            who={who}
            busy={busy !== undefined}
            onUnlink={async (i) => {
              await call("AdminDisableProviderForUser", {
                UserPoolId: poolId,
                User: { ProviderName: i.providerName, ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: i.userId },
              });
              act("unlink", `${i.providerName} unlinked from ${who}`);
            }}
          />
        </div>
      )}

      {modal?.kind === "password" && (
        <SetPasswordDialog
          username={who}
          onClose={() => setModal(null)}
          onSubmit={async (password, permanent) => {
            await call("AdminSetUserPassword", {
              UserPoolId: poolId,
              Username: username,
              Password: password,
              Permanent: permanent,
            });
            setModal(null);
            act("password", permanent ? "Password set" : "Temporary password set");
          }}
        />
      )}
      {modal?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete ${who}?`}
          confirmLabel="Delete user"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await call("AdminDeleteUser", { UserPoolId: poolId, Username: username });
            toast(`${who} deleted`);
            onDeleted();
          }}
        >
          <p>
            This permanently deletes <strong>{who}</strong> (username <span className="mono">{username}</span>), their
            attributes and group memberships. It can't be undone.
          </p>
        </ConfirmDialog>
      )}
      {modal?.kind === "disable" && (
        <ConfirmDialog
          title={`Disable ${who}?`}
          confirmLabel="Disable"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await call("AdminDisableUser", { UserPoolId: poolId, Username: username });
            act("disable", `${who} disabled`);
          }}
        >
          <p>
            <strong>{who}</strong> can't sign in or refresh their tokens until you enable them again. Their data and
            groups stay as they are.
          </p>
        </ConfirmDialog>
      )}
      {modal?.kind === "recover" && user && sec && (
        <RecoverAccountDialog
          pool={pool}
          user={user}
          security={sec}
          onClose={() => setModal(null)}
          onFinished={() => {
            refresh.reset();
            change.reset();
            void refresh.runAsync().catch(() => undefined);
          }}
        />
      )}
      {modal?.kind === "delete-attribute" && (
        <ConfirmDialog
          title={`Delete attribute ${modal.name}?`}
          confirmLabel="Delete attribute"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            const name = modal.name;
            await call("AdminDeleteUserAttributes", { UserPoolId: poolId, Username: username, UserAttributeNames: [name] });
            act("attributes", `Attribute ${name} deleted`);
          }}
        >
          <p>
            This removes <strong className="mono">{modal.name}</strong> from <strong>{who}</strong>.
          </p>
        </ConfirmDialog>
      )}
    </Drawer>
  );
}
