import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Field, Form } from "../../components/ui";
import { cognitoTrustPolicy, type TrustAudience } from "../../lib/policies";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";
import { PolicyEditor } from "./PolicyEditor";

const FIELDS = ["RoleName", "AssumeRolePolicyDocument", "MaxSessionDuration", "Description"] as const;

/** Create a role: its name, its trust policy (from the identity pool template or typed), its longest session. */
export function CreateRoleDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const toast = useToast();
  const queries = useQueryClient();
  const pools = useQuery({
    queryKey: ["identity-pools-all"],
    queryFn: async () => (await call("ListIdentityPools", { MaxResults: 60 })).IdentityPools,
  });
  const [name, setName] = useState("");
  const [poolId, setPoolId] = useState("");
  const [audience, setAudience] = useState<TrustAudience>("authenticated");
  const [trust, setTrust] = useState("");
  const [hours, setHours] = useState("1");
  const create = useFormAction((input: Operations["CreateRole"]["input"]) => call("CreateRole", input), {
    fields: FIELDS,
    onSuccess: (r) => {
      void queries.invalidateQueries({ queryKey: ["roles"] });
      queries.setQueryData(["role", r.Role.RoleName], r);
      toast(`Role ${r.Role.RoleName} created`);
      onCreated(r.Role.RoleName);
    },
  });
  const errors = create.errors;
  const poolChosen = pools.data?.find((p) => p.IdentityPoolId === poolId);
  const fill = (id: string, aud: TrustAudience) => {
    if (id !== "") setTrust(cognitoTrustPolicy(id, aud));
  };

  const submit = () => {
    const local: Record<string, string> = {};
    if (name.trim() === "") local.RoleName = "Enter a name for the role.";
    if (trust.trim() === "") local.AssumeRolePolicyDocument = "Write the trust policy, or fill it from an identity pool above.";
    const h = Number(hours);
    if (!Number.isFinite(h) || h < 1 || h > 12) local.MaxSessionDuration = "Choose 1 to 12 hours.";
    if (!create.check(local)) return;
    create.run({ RoleName: name.trim(), AssumeRolePolicyDocument: trust, MaxSessionDuration: Math.round(h * 3600) });
  };

  return (
    <Dialog title="Create role" onClose={onClose} wide testId="create-role-dialog">
      <Form className="dialog-body" onSubmit={submit}>
        <Field label="Name" name="RoleName" hint="Letters, digits and + = , . @ _ -, up to 64." error={errors.RoleName}>
          {(p) => <input {...p} autoFocus value={name} maxLength={128} onChange={(e) => setName(e.target.value)} data-testid="role-name" />}
        </Field>
        <fieldset className="fieldset">
          <legend>Trust policy template: Cognito identity pool</legend>
          <p className="hint">Lets an identity pool give this role to its identities (the aud and amr conditions STS checks).</p>
          <div className="roles-template">
            <Field label="Identity pool">
              {(p) => (
                <select
                  {...p}
                  value={poolId}
                  onChange={(e) => {
                    setPoolId(e.target.value);
                    fill(e.target.value, audience);
                  }}
                  data-testid="role-template-pool"
                >
                  <option value="">Choose an identity pool…</option>
                  {(pools.data ?? []).map((ip) => (
                    <option key={ip.IdentityPoolId} value={ip.IdentityPoolId}>
                      {ip.IdentityPoolName} ({ip.IdentityPoolId})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="For">
              {(p) => (
                <select
                  {...p}
                  value={audience}
                  onChange={(e) => {
                    const a = e.target.value === "unauthenticated" ? "unauthenticated" : "authenticated";
                    setAudience(a);
                    fill(poolId, a);
                  }}
                  data-testid="role-template-amr"
                >
                  <option value="authenticated">Signed-in identities</option>
                  <option value="unauthenticated">Guests</option>
                </select>
              )}
            </Field>
          </div>
          {poolChosen && <p className="hint">Filled for {poolChosen.IdentityPoolName}; edit it below as you like.</p>}
        </fieldset>
        <PolicyEditor label="Trust policy" value={trust} onChange={setTrust} error={errors.AssumeRolePolicyDocument} testId="role-trust" rows={12} />
        <Field label="Longest session (hours)" name="MaxSessionDuration" hint="1 to 12 hours (IAM's MaxSessionDuration)." error={errors.MaxSessionDuration}>
          {(p) => <input {...p} type="number" min={1} max={12} value={hours} onChange={(e) => setHours(e.target.value)} className="input-narrow" data-testid="role-max-session" />}
        </Field>
        {create.general && <ErrorBanner error={create.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.busy} data-testid="create-role-submit">
            Create role
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
