// The tables of the user's Security tab: MFA factors, sessions, and the sign-in history.
import type { ReactNode } from "react";
import type { AuthEvent, UserSession } from "../../api/types";
import { PagedView } from "../../components/LoadState";
import { EmptyState, Section } from "../../components/ui";
import { formatDateTime, formatDateTimeSeconds, humanizeConstant, humanizePascal, isoTime } from "../../lib/format";
import type { FactorView } from "../../lib/mfa";
import type { PagedList } from "../../lib/usePagedList";

const SESSION_TONE: Record<string, string> = { ACTIVE: "ok", REVOKED: "off", EXPIRED: "off" };
const OUTCOME: Record<string, { label: string; tone: string }> = {
  Pass: { label: "Pass", tone: "ok" },
  Fail: { label: "Fail", tone: "bad" },
  InProgress: { label: "In progress", tone: "warn" },
};

/** The user's sign-in, sign-up, password and recovery events, newest first, page by page. */
export function SignInHistory({
  list: history,
  username,
  clientCell,
}: {
  list: PagedList<AuthEvent>;
  username: string;
  clientCell: (clientId: string | undefined) => ReactNode;
}) {
  return (
    <Section title="Sign-in history" testId="user-auth-events">
      <PagedView
        list={history}
        errorTitle="Could not load the sign-in history."
        loadingLabel="Loading sign-in history…"
        moreLabel="Load older events"
        moreTestId="older-auth-events"
        empty={
          <EmptyState title="No sign-in activity">
            Sign-ins, sign-ups, password changes and recovery requests of {username} will be listed here.
          </EmptyState>
        }
      >
        <div className={`table-wrap${history.loading ? " dimmed" : ""}`} tabIndex={0} role="region" aria-label="Sign-in history table">
          <table className="table table-compact" data-testid="auth-events-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Event</th>
                <th>Outcome</th>
                <th>Client</th>
                <th>IP address</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {history.items.map((e) => {
                const outcome = OUTCOME[e.EventResponse] ?? { label: e.EventResponse, tone: "off" };
                return (
                  <tr key={e.EventId}>
                    <td className="nowrap" title={isoTime(e.CreationDate)}>
                      {formatDateTimeSeconds(e.CreationDate)}
                    </td>
                    <td className="nowrap">{humanizePascal(e.EventType)}</td>
                    <td>
                      <span className={`pill pill-${outcome.tone}`}>{outcome.label}</span>
                    </td>
                    <td className="truncate">{clientCell(e.ClientId)}</td>
                    <td className="mono nowrap">{e.EventContextData.IpAddress ?? <span className="muted">—</span>}</td>
                    <td className="truncate" title={e.Detail}>
                      {e.Detail ?? <span className="muted">—</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </PagedView>
    </Section>
  );
}

export function MfaFactorList({ factors, detail }: { factors: FactorView[]; detail: (name: string) => string | undefined }) {
  return (
    <ul className="mfa-factors" data-testid="mfa-factors">
      {factors.map((f) => (
        <li key={f.name} data-testid="mfa-factor" data-factor={f.name}>
          <span className="mfa-factor-name">{f.label}</span>
          <span className="muted">{detail(f.name)}</span>
          {f.preferred && (
            <span className="pill pill-info" data-testid="mfa-preferred" title="Asked for first at sign-in">
              Preferred
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function SessionsTable({
  sessions,
  clientCell,
}: {
  sessions: UserSession[];
  clientCell: (clientId: string) => ReactNode;
}) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Sessions table">
      <table className="table table-compact" data-testid="sessions-table">
        <thead>
          <tr>
            <th>Client</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((x) => (
            <tr key={x.OriginJti} data-testid="session-row">
              <td className="truncate">{clientCell(x.ClientId)}</td>
              <td className="nowrap" title={isoTime(x.CreationDate)}>
                {formatDateTime(x.CreationDate)}
              </td>
              <td className="nowrap" title={isoTime(x.LastUsedDate)}>
                {x.LastUsedDate === undefined ? <span className="muted">—</span> : formatDateTime(x.LastUsedDate)}
              </td>
              <td className="nowrap" title={isoTime(x.ExpirationDate)}>
                {formatDateTime(x.ExpirationDate)}
              </td>
              <td className="nowrap">
                <span
                  className={`pill pill-${SESSION_TONE[x.Status] ?? "off"}`}
                  title={x.RevokedDate !== undefined ? `Revoked ${formatDateTimeSeconds(x.RevokedDate)}` : undefined}
                >
                  {humanizeConstant(x.Status)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
