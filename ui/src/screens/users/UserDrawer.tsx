import { useState } from "react";
import type { AdminGetUserResponse, AttributeType, GroupType, UserSummary } from "../../api/types";
import { StatusBadge } from "../../components/StatusBadge";
import { useToast } from "../../components/toast";
import { Button, Check, ConfirmDialog, Dialog, Drawer, ErrorBanner, Facts, Field, Section, Spinner } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { placeError } from "../../lib/forms";
import { useQuery } from "../../lib/useQuery";
import { call, toApiError, type ApiError } from "../../platform";
import { SecurityTab } from "./SecurityTab";

/** Attributes the core manages itself: shown, never edited or deleted. */
const READ_ONLY_ATTRIBUTES = new Set(["sub"]);

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
  const q = useQuery(`user:${poolId}:${username}`, () => loadUser(poolId, username));
  const [modal, setModal] = useState<Modal>(null);
  const [busy, setBusy] = useState<string>();
  const [actionError, setActionError] = useState<ApiError>();
  const [tab, setTab] = useState<DrawerTab>("details");

  /** Reloads the user and tells the table what changed (after an action on another tab). */
  const refreshUser = async () => {
    try {
      const fresh = await loadUser(poolId, username);
      q.set(fresh);
      onChanged(summaryPatch(fresh));
    } catch (e) {
      setActionError(toApiError(e));
    }
  };

  /** Runs one mutation, then reloads the user and tells the table what changed. */
  const act = async (label: string, done: string, fn: () => Promise<unknown>) => {
    setBusy(label);
    setActionError(undefined);
    try {
      await fn();
      toast(done);
    } catch (e) {
      setActionError(toApiError(e));
      setBusy(undefined);
      return false;
    }
    await refreshUser();
    setBusy(undefined);
    return true;
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
      {q.error && (
        <ErrorBanner
          error={q.error}
          onRetry={q.reload}
          title={q.error.code === "UserNotFoundException" ? "This user no longer exists." : "Could not load the user."}
        />
      )}
      {!data && q.loading && <Spinner label="Loading user…" />}
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
          <SecurityTab poolId={poolId} user={user} onUserChanged={refreshUser} />
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
                  void act("disable", `User ${username} disabled`, () =>
                    call("AdminDisableUser", { UserPoolId: poolId, Username: username }),
                  )
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
                  void act("enable", `User ${username} enabled`, () =>
                    call("AdminEnableUser", { UserPoolId: poolId, Username: username }),
                  )
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
              void act("group", `Added to ${g}`, () =>
                call("AdminAddUserToGroup", { UserPoolId: poolId, Username: username, GroupName: g }),
              )
            }
            onRemove={(g) =>
              void act("group", `Removed from ${g}`, () =>
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
            await act("password", permanent ? "Password set" : "Temporary password set", () => Promise.resolve());
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
            await act("attributes", `Attribute ${name} deleted`, () => Promise.resolve());
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

function AttributesEditor({
  attributes,
  busy,
  onSave,
  onDelete,
}: {
  attributes: AttributeType[];
  busy: boolean;
  onSave: (changed: AttributeType[]) => Promise<boolean>;
  onDelete: (name: string) => void;
}) {
  const original = new Map(attributes.map((a) => [a.Name, a.Value ?? ""]));
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(original));
  const [newName, setNewName] = useState("");
  const [newValue, setNewValue] = useState("");
  const changed: AttributeType[] = Object.entries(values)
    .filter(([k, v]) => original.get(k) !== v)
    .map(([Name, Value]) => ({ Name, Value }));
  const adding = newName.trim() !== "";
  const pending = adding ? [...changed, { Name: newName.trim(), Value: newValue }] : changed;
  const sorted = [...attributes].sort((a, b) => a.Name.localeCompare(b.Name));

  return (
    <Section title="Attributes" testId="user-attributes">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (pending.length > 0) void onSave(pending);
        }}
      >
        <table className="table table-compact attr-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((a) => {
              const readOnly = READ_ONLY_ATTRIBUTES.has(a.Name);
              const dirty = original.get(a.Name) !== values[a.Name];
              return (
                <tr key={a.Name} className={dirty ? "dirty" : undefined}>
                  <td className="mono attr-name">{a.Name}</td>
                  <td>
                    {readOnly ? (
                      <span className="mono">{a.Value}</span>
                    ) : (
                      <input
                        aria-label={`Value of ${a.Name}`}
                        value={values[a.Name] ?? ""}
                        onChange={(e) => setValues((v) => ({ ...v, [a.Name]: e.target.value }))}
                        spellCheck={false}
                      />
                    )}
                  </td>
                  <td className="actions">
                    {!readOnly && (
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Delete attribute ${a.Name}`}
                        title="Delete attribute"
                        disabled={busy}
                        onClick={() => onDelete(a.Name)}
                      >
                        ×
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
            <tr>
              <td>
                <input
                  aria-label="New attribute name"
                  placeholder="Add attribute…"
                  className="mono"
                  value={newName}
                  onChange={(e) => setNewName(e.target.value)}
                  spellCheck={false}
                />
              </td>
              <td>
                <input
                  aria-label="New attribute value"
                  placeholder="Value"
                  value={newValue}
                  onChange={(e) => setNewValue(e.target.value)}
                  spellCheck={false}
                />
              </td>
              <td />
            </tr>
          </tbody>
        </table>
        <div className="form-actions">
          <Button
            disabled={pending.length === 0 || busy}
            onClick={() => {
              setValues(Object.fromEntries(original));
              setNewName("");
              setNewValue("");
            }}
          >
            Discard
          </Button>
          <Button type="submit" variant="primary" disabled={pending.length === 0} busy={busy} data-testid="save-attributes">
            Save attributes{pending.length > 0 ? ` (${pending.length})` : ""}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function GroupsEditor({
  groups,
  poolGroups,
  busy,
  onAdd,
  onRemove,
}: {
  groups: GroupType[];
  poolGroups: GroupType[];
  busy: boolean;
  onAdd: (group: string) => void;
  onRemove: (group: string) => void;
}) {
  const [pick, setPick] = useState("");
  const member = new Set(groups.map((g) => g.GroupName));
  const available = poolGroups.filter((g) => !member.has(g.GroupName));
  return (
    <Section title="Groups" testId="user-groups">
      {groups.length === 0 ? (
        <p className="muted">Not a member of any group.</p>
      ) : (
        <ul className="chips">
          {groups.map((g) => (
            <li key={g.GroupName} className="chip">
              {g.GroupName}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove from ${g.GroupName}`}
                disabled={busy}
                onClick={() => onRemove(g.GroupName)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {poolGroups.length === 0 ? (
        <p className="hint">This pool has no groups yet; create them in the Groups tab.</p>
      ) : (
        <div className="inline-form">
          <select aria-label="Group to add" value={pick} onChange={(e) => setPick(e.target.value)} disabled={available.length === 0}>
            <option value="">{available.length === 0 ? "Member of every group" : "Choose a group…"}</option>
            {available.map((g) => (
              <option key={g.GroupName} value={g.GroupName}>
                {g.GroupName}
              </option>
            ))}
          </select>
          <Button
            disabled={pick === "" || busy}
            onClick={() => {
              onAdd(pick);
              setPick("");
            }}
          >
            Add to group
          </Button>
        </div>
      )}
    </Section>
  );
}

function SetPasswordDialog({
  username,
  onClose,
  onSubmit,
}: {
  username: string;
  onClose: () => void;
  onSubmit: (password: string, permanent: boolean) => Promise<void>;
}) {
  const [password, setPassword] = useState("");
  const [permanent, setPermanent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const placed = placeError(error, ["Password", "Permanent"]);
  return (
    <Dialog title={`Set password for ${username}`} onClose={onClose} testId="set-password-dialog">
      <form
        className="dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          onSubmit(password, permanent).catch((err: unknown) => {
            setBusy(false);
            setError(toApiError(err));
          });
        }}
      >
        <Field label="New password" name="Password" error={placed.fields.Password} hint="Must satisfy the pool's password policy.">
          {(p) => (
            <input
              {...p}
              autoFocus
              type="text"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Check
          label="Permanent"
          hint={permanent ? "(the user signs in with it as is)" : "(temporary: the user must change it at next sign-in)"}
          checked={permanent}
          onChange={setPermanent}
        />
        {placed.general && <ErrorBanner error={placed.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            Set password
          </Button>
        </footer>
      </form>
    </Dialog>
  );
}
