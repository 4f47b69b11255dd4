import {
  createContext,
  useContext,
  useEffect,
  useId,
  useState,
  type ButtonHTMLAttributes,
  type FormHTMLAttributes,
  type ReactNode,
  type Ref,
} from "react";
import { copyText, type ApiError } from "../platform";
import { hintFor } from "../platform/errors";

type Variant = "primary" | "secondary" | "danger" | "ghost";

export function Button({
  variant = "secondary",
  busy = false,
  className,
  children,
  disabled,
  type = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean }) {
  return (
    <button
      type={type}
      className={`btn btn-${variant}${className ? ` ${className}` : ""}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      {children}
    </button>
  );
}

/**
 * A form that checks its own input (the core and the screen say what is wrong, next to the
 * field): no browser validation bubbles, and submitting runs `onSubmit` instead of loading a page.
 */
export function Form({
  onSubmit,
  children,
  ...rest
}: Omit<FormHTMLAttributes<HTMLFormElement>, "onSubmit" | "noValidate"> & {
  onSubmit: () => void;
  ref?: Ref<HTMLFormElement>;
  "data-testid"?: string;
}) {
  return (
    <form
      {...rest}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/**
 * The end of a settings form: the action's refusal that names none of the form's fields, then
 * Discard (the edits, with `onDiscard`, and the messages) and Save, both idle until something
 * changed, Save busy while the action runs. `note` goes before the buttons.
 */
export function SaveActions({
  dirty,
  action,
  onDiscard,
  saveLabel,
  testId,
  note,
}: {
  dirty: boolean;
  action: { busy: boolean; general?: ApiError | undefined; discard: () => void };
  onDiscard: () => void;
  saveLabel: string;
  testId: string;
  note?: ReactNode;
}) {
  return (
    <>
      {action.general && <ErrorBanner error={action.general} />}
      <div className="form-actions">
        {note}
        <Button
          onClick={() => {
            onDiscard();
            action.discard();
          }}
          disabled={!dirty || action.busy}
        >
          Discard changes
        </Button>
        <Button type="submit" variant="primary" disabled={!dirty} busy={action.busy} data-testid={testId}>
          {saveLabel}
        </Button>
      </div>
    </>
  );
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorBanner({
  error,
  onRetry,
  title,
  hint,
}: {
  error: ApiError;
  onRetry?: () => void;
  title?: string;
  /** What the person can do about this error here; the setup hints of `hintFor` come first. */
  hint?: ReactNode;
}) {
  const shownHint = hintFor(error.code) ?? hint;
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <div>
        {title && <strong>{title} </strong>}
        <span>{error.message}</span> <code className="error-code">{error.code}</code>
        {shownHint && <div className="banner-hint">{shownHint}</div>}
      </div>
      {onRetry && (
        <Button variant="ghost" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty" data-testid="empty-state">
      <Heading className="empty-title">{title}</Heading>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export type FieldControlProps = {
  id: string;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
};

/**
 * A labelled form control with its hint and its error. `name` is the request member the
 * control fills (it is what the core names in `field`), exposed as `data-field`.
 */
export function Field({
  label,
  name,
  hint,
  error,
  children,
  className,
}: {
  label: ReactNode;
  name?: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (props: FieldControlProps) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field-invalid" : ""}${className ? ` ${className}` : ""}`} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy || undefined,
      })}
      {hint && !error && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errorId} role="alert" data-testid="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** A checkbox with its label to the right. */
export function Check({
  label,
  checked,
  onChange,
  disabled,
  hint,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        {label}
        {hint && <span className="hint"> {hint}</span>}
      </span>
    </label>
  );
}

/**
 * An on/off setting that takes effect when its form is saved: a button with role="switch",
 * whose `aria-checked` carries the state. Label it with a <label htmlFor> naming the setting.
 */
export function Switch({
  checked,
  onChange,
  disabled,
  ...rest
}: Partial<FieldControlProps> & {
  checked: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
  "data-testid"?: string;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      className="switch"
      disabled={disabled}
      onClick={() => onChange(!checked)}
      {...rest}
    >
      <span className="switch-knob" aria-hidden="true" />
    </button>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  useEffect(() => {
    if (copied === "no") return;
    const t = window.setTimeout(() => setCopied("no"), 1500);
    return () => window.clearTimeout(t);
  }, [copied]);
  return (
    <Button
      variant="ghost"
      className="btn-small"
      onClick={() => {
        copyText(text).then(
          () => setCopied("yes"),
          () => setCopied("failed"),
        );
      }}
    >
      {copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed" : label}
    </Button>
  );
}

/** A key/value list for read-only facts; "wide" facts span the whole row. Empty shows "—". */
export function Facts({ items }: { items: Array<[string, ReactNode] | [string, ReactNode, "wide"]> }) {
  return (
    <dl className="facts">
      {items.map(([k, v, wide]) => (
        <div key={k} className={`fact${wide ? " fact-wide" : ""}`}>
          <dt>{k}</dt>
          <dd>{v === undefined || v === null || v === "" ? <span className="muted">—</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

type Level = 2 | 3 | 4 | 5 | 6;
/**
 * The level the next heading takes: 2 on a screen (under its h1), 3 in a drawer or dialog
 * (under its h2), one more inside each Section. Headings then go in order wherever a Section
 * or an EmptyState is put.
 */
const HeadingLevelContext = createContext<Level>(2);

function deeper(level: Level): Level {
  return level >= 6 ? 6 : ((level + 1) as Level);
}

/** Starts headings at `level` for what is inside (Dialog and Drawer use 3). */
export function HeadingLevel({ level, children }: { level: Level; children: ReactNode }) {
  return <HeadingLevelContext.Provider value={level}>{children}</HeadingLevelContext.Provider>;
}

/** A heading at the level where it stands (see HeadingLevel); for sub-headings inside a Section. */
export function Heading({ children, className, id }: { children: ReactNode; className?: string; id?: string }) {
  const level = useContext(HeadingLevelContext);
  const Tag = `h${level}` as const;
  return (
    <Tag className={className} id={id}>
      {children}
    </Tag>
  );
}

export function Section({
  title,
  actions,
  children,
  testId,
  id,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** For links to the section (`#/workspace/email` scrolls to it). */
  id?: string;
}) {
  const level = useContext(HeadingLevelContext);
  return (
    <section className="section" data-testid={testId} id={id}>
      <header className="section-header">
        <Heading className="section-title">{title}</Heading>
        {actions && <div className="section-actions">{actions}</div>}
      </header>
      <HeadingLevel level={deeper(level)}>{children}</HeadingLevel>
    </section>
  );
}
