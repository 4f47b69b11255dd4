import { useState } from "react";
import { ConfirmDialog } from "../../components/overlays";
import { Button } from "../../components/ui";
import { formatDateTimeSeconds, formatRelative, plural } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { expiryWording, shortIssuer, type HistoryEntry } from "../../lib/inspector";

function kindLabel(entry: HistoryEntry): string {
  if (entry.kind === "Jwe") return "Encrypted";
  if (entry.kind === "Unsigned") return "Unsigned";
  if (entry.tokenUse === "id") return "ID token";
  if (entry.tokenUse === "access") return "Access token";
  return entry.tokenUse ? `token_use ${entry.tokenUse}` : "JWT";
}

/** How often "3 min ago" and "expires in 55 min" are re-read. */
const HISTORY_TICK_MS = 10_000;

/** The tokens inspected lately, newest first; opening one loads it into the inspector. */
export function HistoryPanel({
  history,
  current,
  onOpen,
  onClear,
}: {
  history: readonly HistoryEntry[];
  /** The token in the inspector now (its identity), marked in the list. */
  current: string;
  onOpen: (entry: HistoryEntry) => void;
  onClear: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const ticked = useNow(HISTORY_TICK_MS);
  // An entry made since the last tick is not "in 4 s".
  const now = Math.max(ticked, ...history.map((h) => h.at));
  return (
    <>
      <div className="history-intro">
        <p className="hint">
          Kept in this window's memory only, never stored or sent anywhere: gone when the console closes or reloads. The
          last 20 tokens; pasted keys and secrets are not kept.
        </p>
        {history.length > 0 && (
          <Button variant="ghost" className="btn-small" onClick={() => setConfirming(true)} data-testid="history-clear">
            Clear history
          </Button>
        )}
      </div>
      {history.length === 0 ? (
        <p className="history-empty muted" data-testid="history-empty">
          No tokens inspected yet. Tokens you paste, open from Try sign-in or encode here will be listed.
        </p>
      ) : (
        <ol className="history-list" data-testid="history-list">
          {history.map((h) => {
            const isCurrent = h.token === current;
            const expired = h.exp !== undefined && h.exp <= now;
            return (
              <li key={h.token}>
                <button
                  type="button"
                  className={`history-item${isCurrent ? " history-current" : ""}`}
                  onClick={() => onOpen(h)}
                  aria-current={isCurrent ? "true" : undefined}
                  data-testid="history-item"
                >
                  <span className="history-when" title={formatDateTimeSeconds(h.at)}>
                    {formatRelative(h.at, now)}
                  </span>
                  <span className="history-kind">
                    <span className="pill pill-off">{kindLabel(h)}</span>
                    {h.alg && <span className="mono history-alg">{h.alg}</span>}
                    {h.isTest && <span className="pill pill-warn">Test</span>}
                  </span>
                  <span className="history-field" title={h.iss}>
                    <span className="muted">iss </span>
                    <span className="mono">{h.iss ? shortIssuer(h.iss) : "—"}</span>
                  </span>
                  <span className="history-field" title={h.sub}>
                    <span className="muted">sub </span>
                    <span className="mono">{h.sub ?? "—"}</span>
                  </span>
                  <span className={`history-exp${expired ? " danger-text" : ""}`}>
                    {h.exp !== undefined ? expiryWording(h.exp, now) : "no exp"}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {confirming && (
        <ConfirmDialog
          title="Clear the token history?"
          confirmLabel="Clear history"
          onConfirm={async () => onClear()}
          onClose={() => setConfirming(false)}
        >
          <p>
            This forgets the {plural(history.length, "token")} listed here. They are kept only in this browser, so this cannot
            be undone; the tokens themselves stay valid until they expire or are revoked.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
