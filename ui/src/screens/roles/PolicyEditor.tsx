import { useEffect, useId, useRef } from "react";
import { lineOf, lineRange, placeOfPolicyProblem } from "../../lib/policies";

/**
 * A policy document's text with line numbers; the core's `MalformedPolicyDocument` refusal is
 * shown under it at the line and member it names (the line quoted, a button to select it).
 */
export function PolicyEditor({
  label,
  value,
  onChange,
  error,
  testId,
  rows = 14,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error: string | undefined;
  testId: string;
  rows?: number;
}) {
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const problem = useRef<HTMLDivElement>(null);
  // A new refusal is brought into view (the dialog or page may have it below the fold).
  const badLine = error === undefined ? undefined : placeOfPolicyProblem(error).line;
  useEffect(() => {
    if (error === undefined) return;
    problem.current?.scrollIntoView({ block: "nearest" });
    // The named line is brought into the editor's view (18 px a line, as the stylesheet sets).
    if (badLine !== undefined && area.current) area.current.scrollTop = Math.max(0, (badLine - 3) * 18);
  }, [error, badLine]);
  const place = error === undefined ? undefined : placeOfPolicyProblem(error);
  const lines = Math.max(value.split("\n").length, rows);
  const quoted = place?.line !== undefined ? lineOf(value, place.line) : undefined;
  const select = () => {
    const r = place?.line !== undefined ? lineRange(value, place.line) : undefined;
    if (!r || !area.current) return;
    area.current.focus();
    area.current.setSelectionRange(r[0], r[1]);
  };
  return (
    <div className={`field policy-field${error ? " field-invalid" : ""}`} data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      <div className="policy-editor">
        <div className="policy-gutter-frame" aria-hidden="true">
          <div className="policy-gutter mono" ref={gutter}>
            {Array.from({ length: lines }, (_, i) => (
              <div key={i} className={place?.line === i + 1 ? "policy-gutter-bad" : undefined}>
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        <textarea
          id={id}
          ref={area}
          className="mono policy-text"
          rows={rows}
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onChange={(e) => onChange(e.target.value)}
          data-testid={`${testId}-text`}
        />
      </div>
      {error && (
        <div ref={problem} className="field-error policy-problem" id={`${id}-error`} role="alert" data-testid="policy-problem" data-line={place?.line} data-path={place?.path}>
          <div>
            {place?.line !== undefined && (
              <button type="button" className="link-button" onClick={select} data-testid="policy-problem-line">
                Line {place.line}
              </button>
            )}
            {place?.path !== undefined && (
              <>
                {place.line !== undefined ? " · " : ""}
                <code>{place.path}</code>
              </>
            )}
          </div>
          {quoted !== undefined && <pre className="policy-quote mono">{quoted.trim()}</pre>}
          <div>{error}</div>
        </div>
      )}
    </div>
  );
}
