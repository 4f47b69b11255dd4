import { Button } from "../../components/ui";

export type TagRow = { id: number; key: string; value: string };

let nextId = 1;

export function rowsOf(map: Readonly<Record<string, string>> | undefined): TagRow[] {
  return Object.entries(map ?? {}).map(([key, value]) => ({ id: nextId++, key, value }));
}

/** The rows as a map; rows with a blank key are left out. */
export function rowsToMap(rows: readonly TagRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.key.trim() !== "") out[r.key.trim()] = r.value;
  return out;
}

/** Key → value rows with add and remove (tags; principal tag → claim). */
export function TagRows({
  rows,
  onChange,
  keyLabel,
  valueLabel,
  error,
}: {
  rows: TagRow[];
  onChange: (rows: TagRow[]) => void;
  keyLabel: string;
  valueLabel: string;
  error?: string | undefined;
}) {
  return (
    <div className="idp-tag-rows" data-testid="tag-rows">
      {rows.length > 0 && (
        <div className="idp-tag-row idp-tag-row-head" aria-hidden="true">
          <span>{keyLabel}</span>
          <span>{valueLabel}</span>
          <span />
        </div>
      )}
      {rows.map((r, i) => (
        <div key={r.id} className="idp-tag-row" data-testid="tag-row">
          <input
            aria-label={`${keyLabel} ${i + 1}`}
            value={r.key}
            onChange={(e) => onChange(rows.map((x) => (x.id === r.id ? { ...x, key: e.target.value } : x)))}
            spellCheck={false}
            autoComplete="off"
            data-testid="tag-key"
          />
          <input
            aria-label={`${valueLabel} ${i + 1}`}
            value={r.value}
            onChange={(e) => onChange(rows.map((x) => (x.id === r.id ? { ...x, value: e.target.value } : x)))}
            spellCheck={false}
            autoComplete="off"
            data-testid="tag-value"
          />
          <Button variant="ghost" className="btn-small" onClick={() => onChange(rows.filter((x) => x.id !== r.id))} aria-label={`Remove ${keyLabel.toLowerCase()} ${i + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      <div>
        <Button className="btn-small" onClick={() => onChange([...rows, { id: nextId++, key: "", value: "" }])} data-testid="add-tag">
          Add {keyLabel.toLowerCase()}
        </Button>
      </div>
      {error && (
        <div className="field-error" role="alert" data-testid="field-error">
          {error}
        </div>
      )}
    </div>
  );
}
