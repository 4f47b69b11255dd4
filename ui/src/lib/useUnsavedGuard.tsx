import { useEffect, useRef, useState, type ReactNode } from "react";
import { Dialog } from "../components/overlays";
import { Button } from "../components/ui";
import { addNavigationGuard } from "./router";
import { useOpenFocus } from "./useOpenFocus";

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
      <UnsavedBody
        what={what}
        onKeep={() => setPending(null)}
        onDiscard={() => {
          const go = pending;
          setPending(null);
          go();
        }}
      />
    </Dialog>
  );
  return { prompt };
}

function UnsavedBody({ what, onKeep, onDiscard }: { what: string; onKeep: () => void; onDiscard: () => void }) {
  // Keep editing, the choice that loses nothing, has the focus (Enter keeps the edits).
  const keep = useOpenFocus<HTMLButtonElement>();
  return (
    <div className="dialog-body">
      <p className="confirm-text">Your changes to {what} have not been saved. Leaving now discards them.</p>
      <footer className="dialog-footer">
        {/* A plain button: the shared Button takes no ref. */}
        <button type="button" ref={keep} className="btn btn-secondary" onClick={onKeep} data-testid="keep-editing">
          Keep editing
        </button>
        <Button variant="danger" onClick={onDiscard} data-testid="discard-changes">
          Discard
        </Button>
      </footer>
    </div>
  );
}
