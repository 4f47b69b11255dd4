import type { ReactNode } from "react";
import type { DecodedToken } from "../../api/types";
import { Button } from "../../components/ui";
import { verdictView } from "../../lib/inspector";
import "../../styles/developer.css";
import { VerdictIcon, type VerdictState } from "./VerifyPanel";

/**
 * The first thing on the inspector: whether to believe the token in the box. A verdict (valid,
 * invalid and why, an attack), "verifying", or plainly "not verified yet" with the way to
 * verify — so the decoded claims below are never read as a verdict.
 */
export function VerdictStrip({
  state,
  decoded,
  onShowChecks,
}: {
  state: VerdictState;
  /** The token's decoding, when it has one (garbage has nothing to verify). */
  decoded: DecodedToken | undefined;
  /** Scrolls to the verification form and its checklist. */
  onShowChecks: () => void;
}) {
  const unreadable = decoded !== undefined && (decoded.Kind === "NotAToken" || decoded.Problem !== undefined);
  // Garbage has nothing to verify; a verdict still shown is for the token it replaced.
  if (unreadable && !(state.kind === "done" && !state.stale)) {
    return (
      <Strip tone="off" verdict="NotAToken" title="Not a token" detail="The input could not be read as a JWT, so there is nothing to verify." />
    );
  }
  switch (state.kind) {
    case "busy":
      return (
        <div className="inspector-verdict verdict-off" role="status" data-testid="inspector-verdict" data-verdict="busy">
          <span className="spinner spinner-inline" aria-hidden="true" />
          <div className="verdict-title">Verifying…</div>
        </div>
      );
    case "failed":
      return (
        <Strip
          tone="off"
          verdict="failed"
          title="Not verified"
          detail={`Verification could not run: ${state.error.message}`}
          action={<Button className="btn-small" onClick={onShowChecks}>See why</Button>}
        />
      );
    case "none":
      return (
        <Strip
          tone="off"
          verdict="none"
          title="Not verified yet"
          detail="Decoding only reads what the token says. Verify checks its signature, times, issuer and use against keys."
          action={
            <Button variant="primary" className="btn-small" onClick={onShowChecks} data-testid="inspector-verdict-verify">
              Verify…
            </Button>
          }
        />
      );
    case "done": {
      const v = state.verification;
      const header = v.Decoded.Header;
      const alg =
        typeof header === "object" && header !== null && !Array.isArray(header) && typeof header.alg === "string" ? header.alg : undefined;
      const view = verdictView(v.Verdict, v.Checks, alg);
      return (
        <Strip
          tone={state.stale ? "off" : view.tone}
          verdict={state.stale ? "stale" : v.Verdict}
          title={state.stale ? `${view.title} — for the token or settings as they were` : view.title}
          detail={
            state.stale
              ? "The token or the keys changed since this verdict; it is being checked again, or press Verify."
              : `${view.detail}${v.KeySource ? ` Keys: ${v.KeySource}.` : ""}`
          }
          action={
            <Button variant="ghost" className="btn-small" onClick={onShowChecks} data-testid="inspector-verdict-checks">
              Each check
            </Button>
          }
        />
      );
    }
  }
}

function Strip({
  tone,
  verdict,
  title,
  detail,
  action,
}: {
  tone: string;
  verdict: string;
  title: string;
  detail: string;
  action?: ReactNode;
}) {
  return (
    <div className={`inspector-verdict verdict-${tone}`} role="status" data-testid="inspector-verdict" data-verdict={verdict}>
      <VerdictIcon tone={tone} />
      <div className="inspector-verdict-text">
        <div className="verdict-title">{title}</div>
        <div className="verdict-detail">{detail}</div>
      </div>
      {action}
    </div>
  );
}
