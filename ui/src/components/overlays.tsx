// What opens over a screen: a modal dialog, a confirmation before something that can't be
// undone, and the side drawer of a row.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useAction } from "../lib/useAction";
import { Button, ErrorBanner, Field, Form } from "./ui";

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
  const confirm = useAction(onConfirm, { onSuccess: onClose });
  const ready = typeToConfirm === undefined || typed === typeToConfirm;
  return (
    <Dialog title={title} onClose={onClose} testId="confirm-dialog">
      <Form
        className="dialog-body"
        onSubmit={() => {
          if (!ready || confirm.busy) return;
          confirm.run();
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
        {confirm.error && <ErrorBanner error={confirm.error} />}
        <footer className="dialog-footer">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant={tone}
            disabled={!ready}
            busy={confirm.busy}
            autoFocus={typeToConfirm === undefined}
            data-testid="confirm-button"
          >
            {confirmLabel}
          </Button>
        </footer>
      </Form>
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
