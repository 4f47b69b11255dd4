import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { IdentityPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { Form, SaveActions, Section } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import { call } from "../../platform";
import { TagRows, rowsOf, rowsToMap } from "./TagRows";

/** The pool's own tags (cost allocation, ownership), saved with UpdateIdentityPool. */
export function TagsTab({ pool }: { pool: IdentityPool }) {
  const toast = useToast();
  const queries = useQueryClient();
  const [initial] = useState(() => rowsOf(pool.IdentityPoolTags));
  const [rows, setRows] = useState(initial);
  const dirty = JSON.stringify(rowsToMap(rows)) !== JSON.stringify(rowsToMap(initial));
  const unsaved = useUnsavedGuard(dirty, "the identity pool's tags");
  const save = useFormAction((input: IdentityPool) => call("UpdateIdentityPool", input), {
    fields: ["IdentityPoolTags"],
    onSuccess: (r) => {
      queries.setQueryData(["identity-pool", r.IdentityPoolId], r);
      toast("Tags saved");
    },
  });
  return (
    <Section title="Tags" testId="identity-pool-tags">
      {unsaved.prompt}
      <Form className="settings-form" onSubmit={() => save.run({ ...pool, IdentityPoolTags: rowsToMap(rows) })}>
        {rows.length === 0 && <p className="muted">No tags. Tags label the pool for your own bookkeeping; they do not change what it does.</p>}
        <TagRows rows={rows} onChange={setRows} keyLabel="Key" valueLabel="Value" error={save.errors.IdentityPoolTags} />
        <SaveActions dirty={dirty} action={save} onDiscard={() => setRows(initial)} saveLabel="Save tags" testId="tags-save" />
      </Form>
    </Section>
  );
}
