import {
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type ReactNode,
} from "react";
import { copyText, toApiError, type ApiError } from "../platform";
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
      <h2>{title}</h2>
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

/** A modal dialog on the native <dialog> element (focus trap and Escape for free). */
export function Dialog({
  title,
  onClose,
  children,
  wide = false,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof el.showModal === "function") {
      if (!el.open) el.showModal();
    } else {
      el.setAttribute("open", "");
    }
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    el.addEventListener("cancel", onCancel);
    return () => {
      el.removeEventListener("cancel", onCancel);
      if (typeof el.close === "function" && el.open) el.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? " dialog-wide" : ""}`}
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

/**
 * Asks before something that cannot be undone, or that affects someone else (ending a user's
 * sessions). With `typeToConfirm`, the confirm button stays disabled until that exact text is
 * typed. `tone` is "danger" (the default) for destructive actions, "primary" for ones that
 * only help (unlocking a user).
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  typeToConfirm,
  tone = "danger",
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  typeToConfirm?: string;
  tone?: "danger" | "primary";
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const ready = typeToConfirm === undefined || typed === typeToConfirm;
  return (
    <Dialog title={title} onClose={onClose} testId="confirm-dialog">
      <form
        className="dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready || busy) return;
          setBusy(true);
          setError(undefined);
          onConfirm().then(
            () => onClose(),
            (err: unknown) => {
              setBusy(false);
              setError(toApiError(err));
            },
          );
        }}
      >
        <div className="confirm-text">{children}</div>
        {typeToConfirm !== undefined && (
          <Field
            label={
              <>
                Type <strong className="mono">{typeToConfirm}</strong> to confirm
              </>
            }
          >
            {(p) => (
              <input
                {...p}
                autoFocus
                autoComplete="off"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                data-testid="confirm-input"
              />
            )}
          </Field>
        )}
        {error && <ErrorBanner error={error} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant={tone}
            disabled={!ready}
            busy={busy}
            autoFocus={typeToConfirm === undefined}
            data-testid="confirm-button"
          >
            {confirmLabel}
          </Button>
        </footer>
      </form>
    </Dialog>
  );
}

/** A side panel over the right edge of the content; Escape closes it. */
export function Drawer({
  title,
  subtitle,
  onClose,
  children,
  testId,
  wide = false,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  /** For tables with many columns and decoded tokens. */
  wide?: boolean;
}) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  useEffect(() => {
    // Take focus on open and give it back to where it was (the row, the button) on close.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  return (
    <aside
      ref={ref}
      className={`drawer${wide ? " drawer-wide" : ""}`}
      role="dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid={testId}
      onKeyDown={(e) => {
        // Escape inside a dialog opened from the drawer closes only that dialog.
        if (e.key === "Escape" && !e.defaultPrevented && !(e.target as HTMLElement).closest("dialog")) {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="drawer-header">
        <div className="drawer-title">
          <h2 id={titleId}>{title}</h2>
          {subtitle && <div className="drawer-subtitle">{subtitle}</div>}
        </div>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="drawer-body">{children}</div>
    </aside>
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
  return (
    <section className="section" data-testid={testId} id={id}>
      <header className="section-header">
        <h3>{title}</h3>
        {actions && <div className="section-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
