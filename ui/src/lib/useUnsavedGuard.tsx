import { useEffect, useRef, useState, type ReactNode } from "react";
import { Dialog } from "../components/overlays";
import { Button } from "../components/ui";
import { addNavigationGuard } from "./router";

/**
 * Keeps unsaved edits from being lost without a word: while `dirty`, leaving the screen (a tab,
 * a link, the back button) first asks "Discard unsaved changes?" — Keep editing stays, Discard
 * goes on — and closing the window asks the browser's own question (beforeunload). Render the
 * returned `prompt` where the form is.
 */
export function useUnsavedGuard(dirty: boolean, what: string): { prompt: ReactNode } {
  const [pending, setPending] = useState<null | (() => void)>(null);
  const dirtyRef = useRef(dirty);
  useEffect(() => {
    dirtyRef.current = dirty;
  });

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older engines ask only when returnValue is set.
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    const removeGuard = addNavigationGuard((proceed) => {
      if (!dirtyRef.current) return false;
      setPending(() => proceed);
      return true;
    });
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      removeGuard();
    };
  }, [dirty]);

  const prompt = pending && (
    <Dialog title="Discard unsaved changes?" onClose={() => setPending(null)} testId="unsaved-dialog">
      <div className="dialog-body">
        <p className="confirm-text">Your changes to {what} have not been saved. Leaving now discards them.</p>
        <footer className="dialog-footer">
          <Button autoFocus onClick={() => setPending(null)} data-testid="keep-editing">
            Keep editing
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              const go = pending;
              setPending(null);
              go();
            }}
            data-testid="discard-changes"
          >
            Discard
          </Button>
        </footer>
      </div>
    </Dialog>
  );
  return { prompt };
}
