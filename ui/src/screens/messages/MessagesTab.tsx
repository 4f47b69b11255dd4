import { useState } from "react";
import type { OutboxMessage } from "../../api/types";
import { Button, EmptyState, ErrorBanner, Spinner } from "../../components/ui";
import { formatDateTimeSeconds, humanizePascal, isoTime } from "../../lib/format";
import { routeHref } from "../../lib/router";
import { useQuery } from "../../lib/useQuery";
import { call, toApiError, type ApiError } from "../../platform";
import { deliveryOf } from "./delivery";

const PAGE = 50;

const MEDIUM_LABEL: Record<OutboxMessage["Medium"], string> = { EMAIL: "Email", SMS: "SMS" };

/**
 * The pool's outbox: every invitation and code Poolhouse sends by email or SMS, newest first.
 * Each lands here whatever happens next; email is also delivered over SMTP when the workspace
 * names a server, and each row shows how that went. SMS never leaves the machine.
 */
export function MessagesTab({ poolId }: { poolId: string }) {
  const first = useQuery(`outbox:${poolId}`, () => call("ListOutboxMessages", { UserPoolId: poolId, Limit: PAGE }));
  const workspace = useQuery("workspace", () => call("DescribeWorkspace", {}));
  const smtpServer = workspace.data?.Workspace.SmtpServer;
  const [more, setMore] = useState<{ messages: OutboxMessage[]; next: string | undefined; loading: boolean; error?: ApiError }>();

  const messages = [...(first.data?.Messages ?? []), ...(more?.messages ?? [])];
  const next = more ? more.next : first.data?.NextToken;
  const reload = () => {
    setMore(undefined);
    first.reload();
    workspace.reload();
  };
  const loadMore = () => {
    if (!next) return;
    const prev = more ?? { messages: [], next };
    setMore({ ...prev, loading: true, error: undefined });
    call("ListOutboxMessages", { UserPoolId: poolId, Limit: PAGE, NextToken: next }).then(
      (r) => setMore({ messages: [...prev.messages, ...r.Messages], next: r.NextToken, loading: false }),
      (e: unknown) => setMore({ ...prev, loading: false, error: toApiError(e) }),
    );
  };

  return (
    <div className="messages-tab" data-testid="messages-tab">
      <div className="toolbar">
        <span className="result-count">
          {first.data ? `${messages.length} ${messages.length === 1 ? "message" : "messages"}${next ? " loaded" : ""}` : ""}
        </span>
        <span className="muted">
          Invitations and codes land here, newest first
          {smtpServer !== undefined && (
            <>
              ; email is also sent through <span className="mono">{smtpServer}</span>
            </>
          )}
          .
        </span>
        <div className="toolbar-spacer" />
        <Button variant="ghost" onClick={reload}>
          Refresh
        </Button>
      </div>
      {workspace.data && smtpServer === undefined && (
        <div className="notice notice-info notice-line" data-testid="no-smtp-note">
          <span>
            Messages are not sent anywhere: the workspace has no SMTP server.{" "}
            <a href={routeHref({ screen: "workspace", section: "email" })}>Set one in Workspace settings → Email delivery</a>
          </span>
        </div>
      )}
      {first.error && <ErrorBanner error={first.error} onRetry={reload} title="Could not load the messages." />}
      {first.loading && !first.data && <Spinner label="Loading messages…" />}
      {first.data && messages.length === 0 && (
        <EmptyState title="No messages yet">
          Invitations, verification codes and password reset codes for this pool's users appear here, whether or not they
          are also sent: support staff can always read the codes here. SMS is never sent.
        </EmptyState>
      )}
      {messages.length > 0 && (
        <div className={`table-wrap${first.loading ? " dimmed" : ""}`}>
          <table className="table messages-table" data-testid="messages-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Kind</th>
                <th>Recipient</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => {
                const delivery = deliveryOf(m);
                return (
                  <tr key={m.MessageId} data-testid="message-row" data-delivery={m.Delivery}>
                    <td className="nowrap cell-top" title={isoTime(m.Time)}>
                      {formatDateTimeSeconds(m.Time)}
                    </td>
                    <td className="nowrap cell-top">
                      <span className="message-badges">
                        <span className="pill pill-info">{humanizePascal(m.Kind)}</span>
                        {delivery && (
                          <span className={`pill pill-${delivery.tone}`} title={delivery.title} data-testid="message-delivery">
                            {delivery.label}
                          </span>
                        )}
                      </span>
                    </td>
                    <td className="cell-top">
                      <div className="cell-strong">{m.Username}</div>
                      <div className="muted nowrap">
                        {MEDIUM_LABEL[m.Medium]} · <span className="mono">{m.Destination}</span>
                      </div>
                    </td>
                    <td className="cell-top message-cell">
                      {delivery?.reason && (
                        <div className="delivery-failure" data-testid="message-delivery-failure">
                          Not delivered: {delivery.reason}
                        </div>
                      )}
                      {m.Subject && <div className="cell-strong">{m.Subject}</div>}
                      <div className="message-body">{m.Body}</div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {more?.error && <ErrorBanner error={more.error} onRetry={loadMore} />}
      {next && (
        <div className="load-more">
          <Button onClick={loadMore} busy={more?.loading}>
            Load older messages
          </Button>
        </div>
      )}
    </div>
  );
}
