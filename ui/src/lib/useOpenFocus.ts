import { useEffect, useRef } from "react";

/**
 * A ref for the element a dialog should open with focus on (its first field). The dialog's
 * showModal() runs in the Dialog's own effect, after its content's, and focuses the first
 * focusable element (the close button); the focus is moved on the next frame, after that.
 */
export function useOpenFocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const id = requestAnimationFrame(() => ref.current?.focus());
    return () => cancelAnimationFrame(id);
  }, []);
  return ref;
}
