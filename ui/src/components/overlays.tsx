// What opens over a screen: a modal dialog, a confirmation before something that can't be
// undone, and the side drawer of a row.
import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useAction } from "../lib/useAction";
import { Button, ErrorBanner, Field, Form, HeadingLevel } from "./ui";

const FIELDS = "input:not([type='hidden']), select, textarea";
const TABBABLE =
  "a[href], button, input:not([type='hidden']), select, textarea, [tabindex]:not([tabindex='-1'])";

/** Whether `el` can take focus now: enabled, not hidden, not inert, shown (where layout exists). */
function canFocus(el: HTMLElement): boolean {
  if ((el as HTMLInputElement).disabled) return false;
  if (el.closest("[hidden], [inert], [aria-hidden='true']")) return false;
  if (typeof el.checkVisibility === "function" && !el.checkVisibility()) return false;
  return true;
}

/** The radios of `radio`'s group within `container`. */
function radioGroup(container: HTMLElement, radio: HTMLInputElement): HTMLInputElement[] {
  return [...container.querySelectorAll<HTMLInputElement>("input[type='radio']")].filter((r) => r.name === radio.name);
}

/** Whether Tab stops at `el`: of a radio group only the checked radio (the first if none is). */
function inTabOrder(container: HTMLElement, el: HTMLElement): boolean {
  if (el.tabIndex < 0) return false; // a roving tab list's inactive tabs, a table's rows
  if (el instanceof HTMLInputElement && el.type === "radio" && el.name && !el.checked) {
    const group = radioGroup(container, el);
    if (group.some((r) => r.checked) || group[0] !== el) return false;
  }
  return canFocus(el);
}

/**
 * Where focus goes when an overlay opens: an element marked `data-autofocus`, else the first
 * field (input, select, textarea; not a read-only one, which holds something to copy) of its
 * body, else its enabled primary button, else the overlay itself (so its title is read out).
 * The header's Close button is never first.
 */
export function initialFocusTarget(overlay: HTMLElement, body: HTMLElement | null): HTMLElement {
  const within = body ?? overlay;
  const marked = [...within.querySelectorAll<HTMLElement>("[data-autofocus]")].find(canFocus);
  if (marked) return marked;
  const field = [...within.querySelectorAll<HTMLElement>(FIELDS)].find(
    (el) => !(el as HTMLInputElement).readOnly && inTabOrder(within, el),
  );
  if (field) return field;
  const primary = [...within.querySelectorAll<HTMLElement>(".btn-primary")].find(canFocus);
  return primary ?? overlay;
}

/** Keeps Tab and Shift+Tab inside `container`, wrapping from the last element to the first. */
export function trapTab(e: { key: string; shiftKey: boolean; preventDefault: () => void }, container: HTMLElement) {
  if (e.key !== "Tab") return;
  const all = [...container.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => inTabOrder(container, el));
  const first = all[0];
  const last = all[all.length - 1];
  if (!first || !last) {
    e.preventDefault();
    return;
  }
  const active = document.activeElement;
  if (e.shiftKey && (active === first || active === container || !container.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !container.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

/** What had focus when an overlay was first rendered: where focus returns when it closes. */
function useOpener(): HTMLElement | null {
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  return opener;
}

/**
 * A modal dialog on the native <dialog> element (the rest of the page is inert, Escape
 * closes). It opens with focus on its first field (see initialFocusTarget), or on the field a
 * form focused itself (`autoFocus`); Tab stays inside; closing gives focus back to what had it.
 */
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
  const bodyRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const opener = useOpener();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  // A layout effect: the dialog opens before the first paint and closes while still attached.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // A field that focused itself on mount (React's autoFocus) keeps focus; showModal would
    // move it to the first focusable element, the Close button.
    const focusedByForm = el.contains(document.activeElement) && document.activeElement !== el ? document.activeElement : null;
    if (typeof el.showModal === "function") {
      if (!el.open) el.showModal();
    } else {
      el.setAttribute("open", "");
    }
    const target = focusedByForm instanceof HTMLElement ? focusedByForm : initialFocusTarget(el, bodyRef.current);
    target.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    el.addEventListener("cancel", onCancel);
    return () => {
      el.removeEventListener("cancel", onCancel);
      if (typeof el.close === "function" && el.open) el.close();
      else el.removeAttribute("open");
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? " dialog-wide" : ""}`}
      aria-labelledby={titleId}
      aria-modal="true"
      tabIndex={-1}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.target instanceof HTMLElement && e.target.closest("dialog") === ref.current && ref.current) trapTab(e, ref.current);
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div ref={bodyRef} className="dialog-content">
        <HeadingLevel level={3}>{children}</HeadingLevel>
      </div>
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
          {/* Focus opens on the typed confirmation when there is one; else on Cancel before
              something destructive (Enter must not destroy), on the button when it only helps. */}
          <Button onClick={onClose} data-autofocus={typeToConfirm === undefined && tone === "danger" ? "" : undefined} data-testid="confirm-cancel">
            Cancel
          </Button>
          <Button
            type="submit"
            variant={tone}
            disabled={!ready}
            busy={confirm.busy}
            data-autofocus={typeToConfirm === undefined && tone === "primary" ? "" : undefined}
            data-testid="confirm-button"
          >
            {confirmLabel}
          </Button>
        </footer>
      </Form>
    </Dialog>
  );
}

/**
 * A side panel over the right edge of the content; Escape closes it. It opens with focus on
 * its first field (see initialFocusTarget; the panel itself, its title read out, when it has
 * none), Tab goes round inside it, and closing gives focus back to the row or button that
 * opened it. It is not modal: a click on the list behind still picks another row.
 */
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
  const ref = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const opener = useOpener();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!el.contains(document.activeElement)) initialFocusTarget(el, bodyRef.current).focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);
  return (
    <div
      ref={ref}
      className={`drawer${wide ? " drawer-wide" : ""}`}
      role="dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid={testId}
      onKeyDown={(e) => {
        // Escape inside a dialog opened from the drawer closes only that dialog.
        const inDialog = (e.target as HTMLElement).closest("dialog");
        if (e.key === "Escape" && !e.defaultPrevented && !inDialog) {
          e.stopPropagation();
          onClose();
        }
        if (!inDialog && ref.current) trapTab(e, ref.current);
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
      <div ref={bodyRef} className="drawer-body">
        <HeadingLevel level={3}>{children}</HeadingLevel>
      </div>
    </div>
  );
}
