import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AdminGetUserResponse, GroupType, UserSummary } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { StatusBadge } from "../../components/StatusBadge";
import { ConfirmDialog, Drawer } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Facts } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { call } from "../../platform";
import { SecurityTab } from "./SecurityTab";
import { AttributesEditor, GroupsEditor, SetPasswordDialog } from "./UserEditors";

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

type Modal = { kind: "password" } | { kind: "delete" } | { kind: "delete-attribute"; name: string } | null;

const DRAWER_TABS = [
  { id: "details", label: "Details" },
  { id: "security", label: "Security" },
] as const;
type DrawerTab = (typeof DRAWER_TABS)[number]["id"];

/** A change made from the drawer: which button started it, what to say once it is done. */
type Change = { label: string; done: string; fn: () => Promise<unknown> };

export function UserDrawer({
  poolId,
  username,
  groups: poolGroups,
  onClose,
  onChanged,
  onDeleted,
}: {
  poolId: string;
  username: string;
  groups: GroupType[];
  onClose: () => void;
  onChanged: (patch: Partial<UserSummary>) => void;
  onDeleted: () => void;
}) {
  const toast = useToast();
  const queries = useQueryClient();
  const userKey = ["user", poolId, username];
  const q = useQuery({ queryKey: userKey, queryFn: () => loadUser(poolId, username) });
  const [modal, setModal] = useState<Modal>(null);
  const [tab, setTab] = useState<DrawerTab>("details");

  /** Reloads the user and tells the table what changed. */
  const reloadUser = async () => {
    const fresh = await loadUser(poolId, username);
    queries.setQueryData(userKey, fresh);
    onChanged(summaryPatch(fresh));
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

  return (
    <Drawer
      title={username}
      subtitle={
        user && (
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
          </span>
        )
      }
      onClose={onClose}
      testId="user-drawer"
      wide={tab === "security"}
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
          <SecurityTab poolId={poolId} user={user} onUserChanged={() => refresh.runAsync().catch(() => undefined)} />
        </div>
      )}
      {data && user && tab === "details" && (
        <div role="tabpanel" id="user-panel-details" aria-labelledby="user-tab-details">
          <div className="drawer-actions">
            {user.Enabled ? (
              <Button
                busy={busy === "disable"}
                disabled={busy !== undefined}
                onClick={() =>
                  act("disable", `User ${username} disabled`, () => call("AdminDisableUser", { UserPoolId: poolId, Username: username }))
                }
                data-testid="disable-user"
              >
                Disable
              </Button>
            ) : (
              <Button
                busy={busy === "enable"}
                disabled={busy !== undefined}
                onClick={() =>
                  act("enable", `User ${username} enabled`, () => call("AdminEnableUser", { UserPoolId: poolId, Username: username }))
                }
                data-testid="enable-user"
              >
                Enable
              </Button>
            )}
            <Button disabled={busy !== undefined} onClick={() => setModal({ kind: "password" })} data-testid="set-password">
              Set password…
            </Button>
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
        </div>
      )}

      {modal?.kind === "password" && (
        <SetPasswordDialog
          username={username}
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
          title={`Delete user ${username}?`}
          confirmLabel="Delete user"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await call("AdminDeleteUser", { UserPoolId: poolId, Username: username });
            toast(`User ${username} deleted`);
            onDeleted();
          }}
        >
          <p>
            This permanently deletes <strong className="mono">{username}</strong>, their attributes and group memberships.
            It can't be undone.
          </p>
        </ConfirmDialog>
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
            This removes <strong className="mono">{modal.name}</strong> from <strong className="mono">{username}</strong>.
          </p>
        </ConfirmDialog>
      )}
    </Drawer>
  );
}
