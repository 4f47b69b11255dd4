import { useRef, useState, type ReactNode } from "react";
import type { UpdateWorkspaceRequest, Workspace } from "../../api/types";
import { ConfirmDialog } from "../../components/overlays";
import { useToast } from "../../components/toast";
import { Form, SaveActions } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";
import { SECTION_MEMBERS, sectionRequest, workspaceDraftOf, type WorkspaceDraft, type WorkspaceSection } from "../../lib/workspace";
import { call } from "../../platform";

export type SectionProps = { ws: Workspace; onSaved: (fresh: Workspace) => void };

export type FormApi = {
  draft: WorkspaceDraft;
  set: <K extends keyof WorkspaceDraft>(k: K, v: WorkspaceDraft[K]) => void;
  /** Field errors, keyed by request member. */
  errors: Record<string, string | undefined>;
  /** Changes when the edits are dropped (saved or discarded): a key for state kept beside them. */
  resetKey: number;
};

export type Confirmation = { title: string; confirmLabel: string; body: ReactNode };

/**
 * One section's form: shows the saved settings with the edits made here on top, and saves
 * only the members of this section that changed. Edits are kept when another section saves
 * or the workspace is reloaded; a save drops them, since the saved values now show.
 */
export function SectionForm({
  section,
  ws,
  onSaved,
  saveLabel,
  savedToast,
  confirmation,
  children,
}: SectionProps & {
  section: WorkspaceSection;
  saveLabel: string;
  savedToast: string;
  /** What to ask before sending a request, when it needs asking. */
  confirmation?: (request: UpdateWorkspaceRequest) => Confirmation | undefined;
  children: (form: FormApi) => ReactNode;
}) {
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [edits, setEditsState] = useState<Partial<WorkspaceDraft>>({});
  const [resetKey, setResetKey] = useState(0);
  const dropEdits = () => {
    setEditsState({});
    setResetKey((n) => n + 1);
  };
  const [asking, setAsking] = useState<{ request: UpdateWorkspaceRequest; confirm: Confirmation }>();
  const saved = workspaceDraftOf(ws);
  const draft: WorkspaceDraft = { ...saved, ...edits };
  const request = sectionRequest(section, saved, draft);
  const dirty = Object.keys(request).length > 0;
  const save = useFormAction((r: UpdateWorkspaceRequest) => call("UpdateWorkspace", r), {
    fields: SECTION_MEMBERS[section],
    onSuccess: (res) => {
      dropEdits();
      onSaved(res.Workspace);
      toast(savedToast);
    },
    onError: (err) => {
      if (!err.field) return;
      formRef.current
        ?.querySelector<HTMLElement>(
          // The field's first control: its input, select or switch (or, with none, its first button).
          ["input", "select", "button"].map((c) => `[data-field="${err.field}"] ${c}`).join(", "),
        )
        ?.focus();
    },
  });
  const busy = save.busy;
  /** Settles either way: a refusal is shown in the form. */
  const send = (r: UpdateWorkspaceRequest): Promise<void> =>
    save.runAsync(r).then(
      () => undefined,
      () => undefined,
    );

  const form: FormApi = {
    draft,
    set: (k, v) => {
      setEditsState((prev) => ({ ...prev, [k]: v }));
      save.reset();
    },
    errors: save.errors,
    resetKey,
  };

  return (
    <>
      <Form
        ref={formRef}
        className="settings-form"
        onSubmit={() => {
          if (!dirty || busy) return;
          const confirm = confirmation?.(request);
          if (confirm) setAsking({ request, confirm });
          else void send(request);
        }}
      >
        {children(form)}
        <SaveActions dirty={dirty} action={save} onDiscard={dropEdits} saveLabel={saveLabel} testId={`save-${section}`} />
      </Form>
      {/* Outside the form: the dialog has a form of its own. */}
      {asking && (
        <ConfirmDialog
          title={asking.confirm.title}
          confirmLabel={asking.confirm.confirmLabel}
          onClose={() => setAsking(undefined)}
          onConfirm={() => send(asking.request)}
        >
          {asking.confirm.body}
        </ConfirmDialog>
      )}
    </>
  );
}
