import { useState } from "react";
import type { GroupType, Operations } from "../../api/types";
import { useToast } from "../../components/toast";
import { ListToolbar, PagedView } from "../../components/LoadState";
import { ConfirmDialog, Dialog, Drawer } from "../../components/overlays";
import { Button, EmptyState, ErrorBanner, Facts, Field, Form } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { optionalText, placeError } from "../../lib/forms";
import { useAction } from "../../lib/useAction";
import { useOpenFocus } from "../../lib/useOpenFocus";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { GroupMembers } from "./GroupMembers";

const PAGE = 60;

type Modal = { kind: "create" } | { kind: "edit"; group: GroupType } | { kind: "delete"; group: GroupType } | null;

export function GroupsTab({ poolId }: { poolId: string }) {
  const toast = useToast();
  const list = usePagedList(["groups", poolId], async (token) => {
    const r = await call("ListGroups", { UserPoolId: poolId, Limit: PAGE, NextToken: token });
    return { items: r.Groups, next: r.NextToken };
  });
  const [modal, setModal] = useState<Modal>(null);
  const [open, setOpen] = useState<string>();

  const groups = list.items;
  const reload = list.reload;
  const openGroup = groups.find((g) => g.GroupName === open);

  return (
    <div className="groups-tab" data-testid="groups-tab">
      <ListToolbar list={list} one="group">
        <Button variant="primary" onClick={() => setModal({ kind: "create" })} data-testid="create-group">
          Create group
        </Button>
      </ListToolbar>
      <PagedView
        list={list}
        errorTitle="Could not list groups."
        loadingLabel="Loading groups…"
        moreLabel="Load more groups"
        empty={
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
        }
      >
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
      </PagedView>

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
      <GroupMembers poolId={poolId} group={group} />
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
  const [local, setLocal] = useState<Record<string, string>>({});
  // A new group starts at its name; an existing one (whose name is fixed) at its description.
  const firstName = useOpenFocus<HTMLInputElement>();
  const firstDescription = useOpenFocus<HTMLTextAreaElement>();
  const save = useAction((input: Operations["CreateGroup"]["input"]) => call(group ? "UpdateGroup" : "CreateGroup", input), {
    onSuccess: (r) => {
      toast(group ? `Group ${r.Group.GroupName} saved` : `Group ${r.Group.GroupName} created`);
      onSaved();
    },
  });
  const placed = placeError(save.error, GROUP_FIELDS, { GroupExistsException: "GroupName" });
  const errors = { ...placed.fields, ...local };

  const submit = () => {
    const p = precedence.trim();
    const localErrors: Record<string, string> = {};
    if (p !== "" && !/^\d+$/.test(p)) localErrors.Precedence = "Enter a whole number of 0 or more.";
    setLocal(localErrors);
    save.reset();
    if (Object.keys(localErrors).length > 0) return;
    save.run({
      UserPoolId: poolId,
      GroupName: group ? group.GroupName : name.trim(),
      Description: group ? description : optionalText(description),
      Precedence: p === "" ? undefined : Number(p),
      RoleArn: optionalText(roleArn),
    });
  };

  return (
    <Dialog title={group ? `Edit group ${group.GroupName}` : "Create group"} onClose={onClose} testId="group-dialog">
      <Form
        className="dialog-body"
        onSubmit={submit}
      >
        <Field label="Name" name="GroupName" error={errors.GroupName} hint={group ? "A group's name can't change." : undefined}>
          {(p) => (
            <input
              {...p}
              ref={group ? undefined : firstName}
              readOnly={Boolean(group)}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="group-name"
            />
          )}
        </Field>
        <Field label="Description" name="Description" error={errors.Description}>
          {(p) => (
            <textarea {...p} ref={group ? firstDescription : undefined} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
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
          <Button type="submit" variant="primary" busy={save.busy} data-testid="group-submit">
            {group ? "Save group" : "Create group"}
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
