import { useState } from "react";
import type { AttributeDataType, SchemaAttribute, UserPool } from "../../api/types";
import { useToast } from "../../components/toast";
import { Dialog } from "../../components/overlays";
import { Button, Check, ErrorBanner, Field, Form, Section } from "../../components/ui";
import { optionalText } from "../../lib/forms";
import { useFormAction } from "../../lib/useAction";
import { call } from "../../platform";

function constraints(a: SchemaAttribute): string {
  const s = a.StringAttributeConstraints;
  const n = a.NumberAttributeConstraints;
  if (s && (s.MinLength !== undefined || s.MaxLength !== undefined)) {
    return `length ${s.MinLength ?? "0"}–${s.MaxLength ?? "∞"}`;
  }
  if (n && (n.MinValue !== undefined || n.MaxValue !== undefined)) {
    return `value ${n.MinValue ?? "−∞"}–${n.MaxValue ?? "∞"}`;
  }
  return "";
}

export function isCustom(a: SchemaAttribute): boolean {
  return a.Name.startsWith("custom:");
}

export function AttributesSection({ pool, onChanged }: { pool: UserPool; onChanged: () => void }) {
  const [adding, setAdding] = useState(false);
  const [showStandard, setShowStandard] = useState(false);
  const custom = pool.SchemaAttributes.filter(isCustom);
  const standard = pool.SchemaAttributes.filter((a) => !isCustom(a));
  const rows = showStandard ? [...custom, ...standard] : custom;

  return (
    <Section
      title="Attributes"
      testId="pool-attributes"
      actions={
        <>
          <Check label="Show standard attributes" checked={showStandard} onChange={setShowStandard} />
          <Button onClick={() => setAdding(true)} data-testid="add-custom-attribute">
            Add custom attribute
          </Button>
        </>
      }
    >
      {rows.length === 0 ? (
        <p className="muted">No custom attributes. Custom attributes can be added but never removed or renamed.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Required</th>
                <th>Mutable</th>
                <th>Constraints</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.Name}>
                  <td className="mono">{a.Name}</td>
                  <td>{a.AttributeDataType ?? "String"}</td>
                  <td>{a.Required ? "Yes" : "No"}</td>
                  <td>{a.Mutable === false ? "No" : "Yes"}</td>
                  <td className="muted">{constraints(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {adding && (
        <AddCustomAttributeDialog
          poolId={pool.Id}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            onChanged();
          }}
        />
      )}
    </Section>
  );
}

const A = "CustomAttributes[0]";
const FIELDS = [
  `${A}.Name`,
  `${A}.AttributeDataType`,
  `${A}.StringAttributeConstraints`,
  `${A}.NumberAttributeConstraints`,
  "CustomAttributes",
] as const;

function AddCustomAttributeDialog({
  poolId,
  onClose,
  onAdded,
}: {
  poolId: string;
  onClose: () => void;
  onAdded: () => void;
}) {
  const toast = useToast();
  const [name, setName] = useState("");
  const [type, setType] = useState<AttributeDataType>("String");
  const [mutable, setMutable] = useState(true);
  const [min, setMin] = useState("");
  const [max, setMax] = useState("");
  const add = useFormAction((attr: SchemaAttribute) => call("AddCustomAttributes", { UserPoolId: poolId, CustomAttributes: [attr] }), {
    fields: FIELDS,
    onSuccess: (_, attr) => {
      toast(`Attribute custom:${attr.Name} added`);
      onAdded();
    },
  });
  const constraintField = type === "Number" ? `${A}.NumberAttributeConstraints` : `${A}.StringAttributeConstraints`;

  const submit = () => {
    const bare = name.trim().replace(/^custom:/, "");
    const attr: SchemaAttribute = { Name: bare, AttributeDataType: type, Mutable: mutable };
    if (type === "String" && (min.trim() || max.trim())) {
      attr.StringAttributeConstraints = { MinLength: optionalText(min), MaxLength: optionalText(max) };
    }
    if (type === "Number" && (min.trim() || max.trim())) {
      attr.NumberAttributeConstraints = { MinValue: optionalText(min), MaxValue: optionalText(max) };
    }
    add.run(attr);
  };

  return (
    <Dialog title="Add custom attribute" onClose={onClose} testId="custom-attribute-dialog">
      <Form
        className="dialog-body"
        onSubmit={submit}
      >
        <Field
          label="Name"
          name={`${A}.Name`}
          hint="Stored as custom:name. 1–20 characters; can't be removed or renamed later."
          error={add.errors[`${A}.Name`]}
        >
          {(p) => (
            <div className="input-prefix">
              <span aria-hidden="true">custom:</span>
              <input {...p} autoFocus value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
            </div>
          )}
        </Field>
        <div className="row">
          <Field label="Type" name={`${A}.AttributeDataType`} error={add.errors[`${A}.AttributeDataType`]}>
            {(p) => (
              <select {...p} value={type} onChange={(e) => setType(e.target.value as AttributeDataType)}>
                <option value="String">String</option>
                <option value="Number">Number</option>
                <option value="DateTime">DateTime</option>
                <option value="Boolean">Boolean</option>
              </select>
            )}
          </Field>
          {(type === "String" || type === "Number") && (
            <>
              <Field label={type === "String" ? "Min length" : "Min value"}>
                {(p) => (
                  <input {...p} className="input-narrow" inputMode="numeric" value={min} onChange={(e) => setMin(e.target.value)} />
                )}
              </Field>
              <Field label={type === "String" ? "Max length" : "Max value"}>
                {(p) => (
                  <input {...p} className="input-narrow" inputMode="numeric" value={max} onChange={(e) => setMax(e.target.value)} />
                )}
              </Field>
            </>
          )}
        </div>
        {add.errors[constraintField] && (
          <div className="field-error" role="alert" data-testid="field-error">
            {add.errors[constraintField]}
          </div>
        )}
        <Check label="Mutable" hint="(users' values can change after creation)" checked={mutable} onChange={setMutable} />
        {add.error && (add.general || add.errors.CustomAttributes) && <ErrorBanner error={add.error} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={add.busy}>
            Add attribute
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}
