// The editors of the user drawer's Details tab: attributes, group memberships, a new password.
import { useState } from "react";
import type { AttributeType, GroupType } from "../../api/types";
import { Dialog } from "../../components/overlays";
import { Button, Check, ErrorBanner, Field, Form, Section } from "../../components/ui";
import { useFormAction } from "../../lib/useAction";

/** Attributes the core manages itself: shown, never edited or deleted. */
const READ_ONLY_ATTRIBUTES = new Set(["sub"]);

/** The user's attributes, edited in place; the changed ones are saved together. */
export function AttributesEditor({
  attributes,
  busy,
  onSave,
  onDelete,
}: {
  attributes: AttributeType[];
  busy: boolean;
  onSave: (changed: AttributeType[]) => void;
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
      <Form
        onSubmit={() => {
          if (pending.length > 0) onSave(pending);
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
      </Form>
    </Section>
  );
}

/** The groups the user is in: remove one, or add one of the pool's others. */
export function GroupsEditor({
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

/** Sets a password for the user, temporary (changed at the next sign-in) or permanent. */
export function SetPasswordDialog({
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
  const set = useFormAction(() => onSubmit(password, permanent), { fields: ["Password", "Permanent"] });
  return (
    <Dialog title={`Set password for ${username}`} onClose={onClose} testId="set-password-dialog">
      <Form
        className="dialog-body"
        onSubmit={() => set.run()}
      >
        <Field label="New password" name="Password" error={set.errors.Password} hint="Must satisfy the pool's password policy.">
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
        {set.general && <ErrorBanner error={set.general} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={set.busy}>
            Set password
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
