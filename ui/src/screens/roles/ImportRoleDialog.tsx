import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Operations } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Button, ErrorBanner, Field, Form } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";

const FIELDS = ["GetRoleOutput", "RolePolicies"] as const;

/** Import a role from what `aws iam get-role` and `aws iam get-role-policy` print. */
export function ImportRoleDialog({ onClose, onImported }: { onClose: () => void; onImported: (name: string) => void }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [role, setRole] = useState("");
  const [policies, setPolicies] = useState<string[]>([]);
  const run = useFormAction((input: Operations["ImportRole"]["input"]) => call("ImportRole", input), {
    fields: FIELDS,
    onSuccess: (r) => {
      void queries.invalidateQueries({ queryKey: ["roles"] });
      toast(`Role ${r.Role.RoleName} imported${r.ImportedFrom ? ` (from ${r.ImportedFrom})` : ""}`);
      onImported(r.Role.RoleName);
    },
  });
  const submit = () => {
    if (!run.check(role.trim() === "" ? { GetRoleOutput: "Paste what aws iam get-role prints." } : {})) return;
    const given = policies.filter((p) => p.trim() !== "");
    run.run({ GetRoleOutput: role, ...(given.length > 0 ? { RolePolicies: given } : {}) });
  };
  const policyError = Object.entries(run.errors).find(([k]) => k.startsWith("RolePolicies"))?.[1];
  return (
    <Dialog title="Import role" onClose={onClose} wide testId="import-role-dialog">
      <Form className="dialog-body" onSubmit={submit}>
        <Field label="aws iam get-role --role-name <name>" name="GetRoleOutput" hint="Paste its JSON output." error={run.errors.GetRoleOutput}>
          {(p) => <textarea {...p} className="mono" rows={8} value={role} onChange={(e) => setRole(e.target.value)} spellCheck={false} data-testid="import-get-role" />}
        </Field>
        {policies.map((text, i) => (
          <Field key={i} label={`aws iam get-role-policy … (policy ${i + 1})`} error={i === 0 ? policyError : undefined}>
            {(p) => (
              <textarea
                {...p}
                className="mono"
                rows={6}
                value={text}
                onChange={(e) => setPolicies(policies.map((t, j) => (j === i ? e.target.value : t)))}
                spellCheck={false}
              />
            )}
          </Field>
        ))}
        <Button onClick={() => setPolicies([...policies, ""])} data-testid="import-add-policy">
          Add a permission policy
        </Button>
        {run.general && <ErrorBanner error={run.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={run.busy} data-testid="import-role-submit">
            Import role
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
