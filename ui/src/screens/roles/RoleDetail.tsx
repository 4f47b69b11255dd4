import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, CopyButton, Field, Form, SaveActions } from "../../components/ui";
import { formatDateTime } from "../../lib/format";
import { EMPTY_PERMISSIONS } from "../../lib/policies";
import { navigate, routeHref } from "../../lib/router";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call } from "../../platform";
import { PolicyEditor } from "./PolicyEditor";
import { roleQuery } from "./queries";

type Role = Operations["GetRole"]["output"]["Role"];

export function RoleDetail({ name }: { name: string }) {
  const q = useQuery(roleQuery(name));
  const role = q.data?.Role;
  const [deleting, setDeleting] = useState(false);
  const toast = useToast();
  const queries = useQueryClient();
  return (
    <div className="screen" data-testid="role-screen">
      <div className="breadcrumbs">
        <a href={routeHref({ screen: "roles" })}>Roles</a>
        <span aria-hidden="true"> / </span>
        <span>{name}</span>
      </div>
      <header className="screen-header">
        <div>
          <h1 data-testid="role-title">{name}</h1>
          {role && (
            <div className="screen-subtitle">
              <span className="mono">{role.Arn}</span> <CopyButton text={role.Arn} label="Copy ARN" />
            </div>
          )}
        </div>
        <div className="screen-actions">
          {role && (
            <Button variant="danger" onClick={() => setDeleting(true)} data-testid="delete-role">
              Delete role
            </Button>
          )}
        </div>
      </header>
      <QueryStatus query={q} errorTitle={(e) => (e.code === "NoSuchEntity" ? "This role does not exist." : "Could not load the role.")} loadingLabel="Loading the role…" />
      {role && (
        <>
          <p className="muted">
            Created {formatDateTime(role.CreateDate)} · changed {formatDateTime(role.UpdateDate)}
          </p>
          <TrustSection key={`${role.AssumeRolePolicyDocument}|${role.MaxSessionDuration}`} role={role} />
          <PoliciesSection role={role} />
        </>
      )}
      {deleting && role && (
        <ConfirmDialog
          title={`Delete role ${role.RoleName}?`}
          confirmLabel={`Delete ${role.RoleName}`}
          typeToConfirm={role.RoleName}
          tone="danger"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await call("DeleteRole", { RoleName: role.RoleName });
            await queries.invalidateQueries({ queryKey: ["roles"] });
            queries.removeQueries({ queryKey: ["role", role.RoleName] });
            toast(`Role ${role.RoleName} deleted`);
            navigate({ screen: "roles" });
          }}
        >
          <p>
            Identity pools that name <span className="mono">{role.Arn}</span> will no longer find its trust or permission policies here.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

const TRUST_FIELDS = ["AssumeRolePolicyDocument", "MaxSessionDuration", "Description"] as const;

function TrustSection({ role }: { role: Role }) {
  const queries = useQueryClient();
  const toast = useToast();
  const [trust, setTrust] = useState(role.AssumeRolePolicyDocument);
  const [hours, setHours] = useState(String(Number(role.MaxSessionDuration) / 3600));
  const dirty = trust !== role.AssumeRolePolicyDocument || Number(hours) * 3600 !== Number(role.MaxSessionDuration);
  const { prompt } = useUnsavedGuard(dirty, "the trust policy");
  const save = useFormAction((input: Operations["UpdateRole"]["input"]) => call("UpdateRole", input), {
    fields: TRUST_FIELDS,
    onSuccess: (r) => {
      queries.setQueryData(["role", role.RoleName], r);
      void queries.invalidateQueries({ queryKey: ["roles"] });
      toast(`Trust policy of ${role.RoleName} saved`);
    },
  });
  const submit = () => {
    const h = Number(hours);
    if (!save.check(!Number.isFinite(h) || h < 1 || h > 12 ? { MaxSessionDuration: "Choose 1 to 12 hours." } : {})) return;
    save.run({ RoleName: role.RoleName, AssumeRolePolicyDocument: trust, MaxSessionDuration: Math.round(h * 3600) });
  };
  return (
    <section className="section" aria-labelledby="role-trust-title">
      <h2 id="role-trust-title" className="section-title">
        Trust policy
      </h2>
      <p className="hint">Who may assume the role. For an identity pool: cognito-identity.amazonaws.com, with the pool as :aud and :amr.</p>
      <Form onSubmit={submit}>
        <PolicyEditor label="Trust policy (JSON)" value={trust} onChange={setTrust} error={save.errors.AssumeRolePolicyDocument} testId="role-trust-edit" />
        <Field label="Longest session (hours)" name="MaxSessionDuration" error={save.errors.MaxSessionDuration}>
          {(p) => <input {...p} type="number" min={1} max={12} className="input-narrow" value={hours} onChange={(e) => setHours(e.target.value)} />}
        </Field>
        <SaveActions
          dirty={dirty}
          action={save}
          onDiscard={() => {
            setTrust(role.AssumeRolePolicyDocument);
            setHours(String(Number(role.MaxSessionDuration) / 3600));
          }}
          saveLabel="Save trust policy"
          testId="save-trust"
        />
      </Form>
      {prompt}
    </section>
  );
}

function PoliciesSection({ role }: { role: Role }) {
  const names = Object.keys(role.Policies).sort();
  const [adding, setAdding] = useState(false);
  return (
    <section className="section" aria-labelledby="role-policies-title">
      <h2 id="role-policies-title" className="section-title">
        Permission policies
      </h2>
      <p className="hint">What the role&apos;s sessions may do. Policy variables such as {"${cognito-identity.amazonaws.com:sub}"} are filled per identity.</p>
      {names.length === 0 && !adding && <p className="muted">No permission policies: the role&apos;s sessions may do nothing.</p>}
      {names.map((n) => (
        <PolicyItem key={`${n}|${role.Policies[n] ?? ""}`} role={role.RoleName} name={n} text={role.Policies[n] ?? ""} />
      ))}
      {adding ? (
        <PolicyItem role={role.RoleName} name="" text={EMPTY_PERMISSIONS} fresh onDone={() => setAdding(false)} />
      ) : (
        <Button onClick={() => setAdding(true)} data-testid="add-policy">
          Add permission policy
        </Button>
      )}
    </section>
  );
}

function PolicyItem({ role, name, text, fresh, onDone }: { role: string; name: string; text: string; fresh?: boolean; onDone?: () => void }) {
  const queries = useQueryClient();
  const toast = useToast();
  const [policyName, setPolicyName] = useState(name);
  const [doc, setDoc] = useState(text);
  const [removing, setRemoving] = useState(false);
  const dirty = doc !== text || policyName !== name;
  const { prompt } = useUnsavedGuard(dirty, `the policy ${name || "being added"}`);
  const put = useFormAction((input: Operations["PutRolePolicy"]["input"]) => call("PutRolePolicy", input), {
    fields: ["PolicyName", "PolicyDocument"],
    onSuccess: (_r, input) => {
      void queries.invalidateQueries({ queryKey: ["role", role] });
      void queries.invalidateQueries({ queryKey: ["roles"] });
      toast(`Policy ${input.PolicyName} saved`);
      onDone?.();
    },
  });
  const submit = () => {
    if (!put.check(policyName.trim() === "" ? { PolicyName: "Name the policy." } : {})) return;
    put.run({ RoleName: role, PolicyName: policyName.trim(), PolicyDocument: doc });
  };
  return (
    <div className="roles-policy card" data-testid="role-policy" data-policy={name}>
      <Form onSubmit={submit}>
        {fresh ? (
          <Field label="Policy name" name="PolicyName" error={put.errors.PolicyName}>
            {(p) => <input {...p} autoFocus value={policyName} onChange={(e) => setPolicyName(e.target.value)} data-testid="policy-name" />}
          </Field>
        ) : (
          <h3 className="roles-policy-name">{name}</h3>
        )}
        <PolicyEditor label={fresh ? "Policy (JSON)" : `${name} (JSON)`} value={doc} onChange={setDoc} error={put.errors.PolicyDocument} testId="policy-edit" rows={10} />
        <SaveActions
          dirty={dirty || fresh === true}
          action={put}
          onDiscard={() => {
            setDoc(text);
            setPolicyName(name);
            onDone?.();
          }}
          saveLabel={fresh ? "Add policy" : "Save policy"}
          testId="save-policy"
          note={
            !fresh && (
              <Button variant="ghost" onClick={() => setRemoving(true)}>
                Remove policy
              </Button>
            )
          }
        />
      </Form>
      {removing && (
        <ConfirmDialog
          title={`Remove policy ${name} from ${role}?`}
          confirmLabel="Remove policy"
          tone="danger"
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await call("DeleteRolePolicy", { RoleName: role, PolicyName: name });
            await queries.invalidateQueries({ queryKey: ["role", role] });
            void queries.invalidateQueries({ queryKey: ["roles"] });
            toast(`Policy ${name} removed`);
          }}
        >
          <p>The role&apos;s sessions lose what this policy allowed.</p>
        </ConfirmDialog>
      )}
      {prompt}
    </div>
  );
}
