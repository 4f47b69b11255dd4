import { useState } from "react";
import type { GroupType, UserType } from "../../api/types";
import { StatusBadge } from "../../components/StatusBadge";
import { useToast } from "../../components/toast";
import { Button, ConfirmDialog, Dialog, Drawer, EmptyState, ErrorBanner, Facts, Field, Section, Spinner } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { optionalText, placeError } from "../../lib/forms";
import { useQuery } from "../../lib/useQuery";
import { call, toApiError, type ApiError } from "../../platform";

type Modal = { kind: "create" } | { kind: "edit"; group: GroupType } | { kind: "delete"; group: GroupType } | null;

export function GroupsTab({ poolId }: { poolId: string }) {
  const toast = useToast();
  const [extra, setExtra] = useState<{ groups: GroupType[]; next: string | undefined; loading: boolean; error?: ApiError }>();
  const first = useQuery(`groups:${poolId}`, () => call("ListGroups", { UserPoolId: poolId, Limit: 60 }));
  const [modal, setModal] = useState<Modal>(null);
  const [open, setOpen] = useState<string>();

  const groups = [...(first.data?.Groups ?? []), ...(extra?.groups ?? [])];
  const next = extra ? extra.next : first.data?.NextToken;
  const reload = () => {
    setExtra(undefined);
    first.reload();
  };
  const loadMore = () => {
    if (!next) return;
    const prev = extra ?? { groups: [], next };
    setExtra({ ...prev, loading: true });
    call("ListGroups", { UserPoolId: poolId, Limit: 60, NextToken: next }).then(
      (r) => setExtra({ groups: [...prev.groups, ...r.Groups], next: r.NextToken, loading: false }),
      (e: unknown) => setExtra({ ...prev, loading: false, error: toApiError(e) }),
    );
  };
  const openGroup = groups.find((g) => g.GroupName === open);

  return (
    <div className="groups-tab" data-testid="groups-tab">
      <div className="toolbar">
        <span className="result-count">
          {first.data ? `${groups.length} ${groups.length === 1 ? "group" : "groups"}${next ? " loaded" : ""}` : ""}
        </span>
        <div className="toolbar-spacer" />
        <Button variant="ghost" onClick={reload}>
          Refresh
        </Button>
        <Button variant="primary" onClick={() => setModal({ kind: "create" })} data-testid="create-group">
          Create group
        </Button>
      </div>
      {first.error && <ErrorBanner error={first.error} onRetry={reload} title="Could not list groups." />}
      {first.loading && !first.data && <Spinner label="Loading groups…" />}
      {first.data && groups.length === 0 && (
        <EmptyState
          title="No groups"
          action={
            <Button variant="primary" onClick={() => setModal({ kind: "create" })}>
              Create group
            </Button>
          }
        >
          Groups collect users for permissions: their names appear in the <code>cognito:groups</code> claim, and the
          group with the lowest precedence chooses the role.
        </EmptyState>
      )}
      {groups.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="groups-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Description</th>
                <th className="num">Precedence</th>
                <th>Role ARN</th>
                <th>Last modified</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr
                  key={g.GroupName}
                  className={`clickable${g.GroupName === open ? " selected" : ""}`}
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest("button")) return;
                    setOpen(g.GroupName);
                  }}
                >
                  <td>
                    <button type="button" className="link-btn strong-link" onClick={() => setOpen(g.GroupName)}>
                      {g.GroupName}
                    </button>
                  </td>
                  <td className="truncate">{g.Description ?? <span className="muted">—</span>}</td>
                  <td className="num">{g.Precedence ?? <span className="muted">—</span>}</td>
                  <td className="mono truncate">{g.RoleArn ?? <span className="muted">—</span>}</td>
                  <td>{formatDateTime(g.LastModifiedDate)}</td>
                  <td className="actions">
                    <Button variant="ghost" className="btn-small" onClick={() => setModal({ kind: "edit", group: g })}>
                      Edit
                    </Button>
                    <Button variant="ghost" className="btn-small danger-text" onClick={() => setModal({ kind: "delete", group: g })}>
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {extra?.error && <ErrorBanner error={extra.error} onRetry={loadMore} />}
      {next && (
        <div className="load-more">
          <Button onClick={loadMore} busy={extra?.loading}>
            Load more groups
          </Button>
        </div>
      )}

      {openGroup && (
        <GroupDrawer
          key={openGroup.GroupName}
          poolId={poolId}
          group={openGroup}
          onClose={() => setOpen(undefined)}
          onEdit={() => setModal({ kind: "edit", group: openGroup })}
          onDelete={() => setModal({ kind: "delete", group: openGroup })}
        />
      )}
      {(modal?.kind === "create" || modal?.kind === "edit") && (
        <GroupDialog
          poolId={poolId}
          group={modal.kind === "edit" ? modal.group : undefined}
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            reload();
          }}
        />
      )}
      {modal?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete group ${modal.group.GroupName}?`}
          confirmLabel="Delete group"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await call("DeleteGroup", { UserPoolId: poolId, GroupName: modal.group.GroupName });
            toast(`Group ${modal.group.GroupName} deleted`);
            if (open === modal.group.GroupName) setOpen(undefined);
            reload();
          }}
        >
          <p>
            Members of <strong>{modal.group.GroupName}</strong> stay in the pool but lose this membership. This can't be
            undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function GroupDrawer({
  poolId,
  group,
  onClose,
  onEdit,
  onDelete,
}: {
  poolId: string;
  group: GroupType;
  onClose: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const [more, setMore] = useState<{ users: UserType[]; next: string | undefined; loading: boolean; error?: ApiError }>();
  const q = useQuery(`members:${poolId}:${group.GroupName}`, () =>
    call("ListUsersInGroup", { UserPoolId: poolId, GroupName: group.GroupName, Limit: 60 }),
  );
  const members = [...(q.data?.Users ?? []), ...(more?.users ?? [])];
  const next = more ? more.next : q.data?.NextToken;
  const loadMore = () => {
    if (!next) return;
    const prev = more ?? { users: [], next };
    setMore({ ...prev, loading: true });
    call("ListUsersInGroup", { UserPoolId: poolId, GroupName: group.GroupName, Limit: 60, NextToken: next }).then(
      (r) => setMore({ users: [...prev.users, ...r.Users], next: r.NextToken, loading: false }),
      (e: unknown) => setMore({ ...prev, loading: false, error: toApiError(e) }),
    );
  };
  return (
    <Drawer title={group.GroupName} subtitle={group.Description} onClose={onClose} testId="group-drawer">
      <div className="drawer-actions">
        <Button onClick={onEdit}>Edit…</Button>
        <div className="toolbar-spacer" />
        <Button variant="danger" onClick={onDelete}>
          Delete group…
        </Button>
      </div>
      <Facts
        items={[
          ["Precedence", group.Precedence ?? "—"],
          ["Role ARN", group.RoleArn ? <span className="mono">{group.RoleArn}</span> : "—"],
          ["Created", formatDateTime(group.CreationDate)],
          ["Last modified", formatDateTime(group.LastModifiedDate)],
        ]}
      />
      <Section title={q.data ? `Members (${members.length}${next ? "+" : ""})` : "Members"}>
        {q.error && <ErrorBanner error={q.error} onRetry={q.reload} />}
        {q.loading && !q.data && <Spinner label="Loading members…" />}
        {q.data && members.length === 0 && (
          <p className="muted">No members. Add users to this group from a user's details in the Users tab.</p>
        )}
        {members.length > 0 && (
          <table className="table table-compact" data-testid="group-members">
            <thead>
              <tr>
                <th>Username</th>
                <th>Status</th>
                <th>Enabled</th>
              </tr>
            </thead>
            <tbody>
              {members.map((u) => (
                <tr key={u.Username}>
                  <td className="mono">{u.Username}</td>
                  <td>
                    <StatusBadge status={u.UserStatus} />
                  </td>
                  <td>{u.Enabled ? "Yes" : "No"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {more?.error && <ErrorBanner error={more.error} onRetry={loadMore} />}
        {next && (
          <div className="load-more">
            <Button onClick={loadMore} busy={more?.loading}>
              Load more members
            </Button>
          </div>
        )}
      </Section>
    </Drawer>
  );
}

const GROUP_FIELDS = ["GroupName", "Description", "Precedence", "RoleArn"] as const;

function GroupDialog({
  poolId,
  group,
  onClose,
  onSaved,
}: {
  poolId: string;
  group: GroupType | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const toast = useToast();
  const [name, setName] = useState(group?.GroupName ?? "");
  const [description, setDescription] = useState(group?.Description ?? "");
  const [precedence, setPrecedence] = useState(group?.Precedence === undefined ? "" : String(group.Precedence));
  const [roleArn, setRoleArn] = useState(group?.RoleArn ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const placed = placeError(error, GROUP_FIELDS, { GroupExistsException: "GroupName" });
  const errors = { ...placed.fields, ...local };

  const submit = () => {
    const p = precedence.trim();
    const localErrors: Record<string, string> = {};
    if (p !== "" && !/^\d+$/.test(p)) localErrors.Precedence = "Enter a whole number of 0 or more.";
    setLocal(localErrors);
    setError(undefined);
    if (Object.keys(localErrors).length > 0) return;
    const input = {
      UserPoolId: poolId,
      GroupName: group ? group.GroupName : name.trim(),
      Description: group ? description : optionalText(description),
      Precedence: p === "" ? undefined : Number(p),
      RoleArn: optionalText(roleArn),
    };
    setBusy(true);
    (group ? call("UpdateGroup", input) : call("CreateGroup", input)).then(
      (r) => {
        toast(group ? `Group ${r.Group.GroupName} saved` : `Group ${r.Group.GroupName} created`);
        onSaved();
      },
      (e: unknown) => {
        setBusy(false);
        setError(toApiError(e));
      },
    );
  };

  return (
    <Dialog title={group ? `Edit group ${group.GroupName}` : "Create group"} onClose={onClose} testId="group-dialog">
      <form
        className="dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Name" name="GroupName" error={errors.GroupName} hint={group ? "A group's name can't change." : undefined}>
          {(p) => (
            <input
              {...p}
              autoFocus={!group}
              readOnly={Boolean(group)}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="group-name"
            />
          )}
        </Field>
        <Field label="Description" name="Description" error={errors.Description}>
          {(p) => (
            <textarea {...p} autoFocus={Boolean(group)} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <div className="row">
          <Field label="Precedence" name="Precedence" hint="Lower wins; optional." error={errors.Precedence}>
            {(p) => (
              <input
                {...p}
                className="input-narrow"
                inputMode="numeric"
                value={precedence}
                onChange={(e) => setPrecedence(e.target.value)}
              />
            )}
          </Field>
          <Field label="Role ARN" name="RoleArn" hint="Optional, arn:aws:iam::123456789012:role/…" error={errors.RoleArn} className="grow">
            {(p) => <input {...p} className="mono" spellCheck={false} value={roleArn} onChange={(e) => setRoleArn(e.target.value)} />}
          </Field>
        </div>
        {placed.general && <ErrorBanner error={placed.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="group-submit">
            {group ? "Save group" : "Create group"}
          </Button>
        </footer>
      </form>
    </Dialog>
  );
}
