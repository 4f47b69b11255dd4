import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryStatus } from "../../components/LoadState";
import { Button, CopyButton, EmptyState } from "../../components/ui";
import { formatDuration } from "../../lib/format";
import { navigate, routeHref } from "../../lib/router";
import { CreateRoleDialog } from "./CreateRoleDialog";
import { ImportRoleDialog } from "./ImportRoleDialog";
import { allRolesQuery } from "./queries";
import { RoleDetail } from "./RoleDetail";
import "../../styles/roles.css";

/** The workspace's roles: the list, or one role. */
export function RolesScreen({ roleName }: { roleName?: string | undefined }) {
  if (roleName !== undefined) return <RoleDetail key={roleName} name={roleName} />;
  return <RoleList />;
}

function RoleList() {
  const q = useQuery(allRolesQuery);
  const [dialog, setDialog] = useState<"create" | "import" | null>(null);
  const roles = q.data ?? [];
  const open = (name: string) => navigate({ screen: "roles", roleName: name });
  const actions = (
    <>
      <Button onClick={() => setDialog("import")} data-testid="import-role">
        Import role
      </Button>
      <Button variant="primary" onClick={() => setDialog("create")} data-testid="create-role">
        Create role
      </Button>
    </>
  );
  return (
    <div className="screen" data-testid="roles-screen">
      <header className="screen-header">
        <div>
          <h1>Roles</h1>
          <div className="screen-subtitle">
            IAM-style roles: identity pools give them to identities; their trust policies are checked as STS checks them.
          </div>
        </div>
        <div className="screen-actions">{roles.length > 0 && actions}</div>
      </header>
      <QueryStatus query={q} errorTitle={() => "Could not list the roles."} loadingLabel="Loading roles…" />
      {q.data && roles.length === 0 && (
        <EmptyState title="Create or import a role" action={<div className="screen-actions">{actions}</div>}>
          A role holds a trust policy (who may assume it) and permission policies (what its sessions may do). Create one
          from the identity pool template, or paste what <code>aws iam get-role</code> prints.
        </EmptyState>
      )}
      {roles.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="roles-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>ARN</th>
                <th className="num">Longest session</th>
                <th className="num">Permission policies</th>
              </tr>
            </thead>
            <tbody>
              {roles.map((r) => (
                <tr
                  key={r.Arn}
                  className="clickable"
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest("a, button")) return;
                    open(r.RoleName);
                  }}
                  data-testid="role-row"
                >
                  <td>
                    <a href={routeHref({ screen: "roles", roleName: r.RoleName })} className="strong-link">
                      {r.RoleName}
                    </a>
                  </td>
                  <td className="mono roles-arn">
                    {r.Arn} <CopyButton text={r.Arn} label="Copy ARN" />
                  </td>
                  <td className="num">{formatDuration(Number(r.MaxSessionDuration))}</td>
                  <td className="num">{Object.keys(r.Policies).length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialog === "create" && <CreateRoleDialog onClose={() => setDialog(null)} onCreated={open} />}
      {dialog === "import" && <ImportRoleDialog onClose={() => setDialog(null)} onImported={open} />}
    </div>
  );
}
