import { useQuery } from "@tanstack/react-query";
import { workspaceQuery } from "../../api/queries";
import type { OutboxMessage } from "../../api/types";
import { ListToolbar, PagedView } from "../../components/LoadState";
import { EmptyState } from "../../components/ui";
import { formatDateTimeSeconds, humanizePascal, isoTime } from "../../lib/format";
import { routeHref } from "../../lib/router";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { deliveryOf } from "./delivery";

const PAGE = 50;

const MEDIUM_LABEL: Record<OutboxMessage["Medium"], string> = { EMAIL: "Email", SMS: "SMS" };

/**
 * The pool's outbox: every invitation and code Poolhouse sends by email or SMS, newest first.
 * Each lands here whatever happens next; email is also delivered over SMTP when the workspace
 * names a server, and each row shows how that went. SMS never leaves the machine.
 */
export function MessagesTab({ poolId }: { poolId: string }) {
  const list = usePagedList(["outbox", poolId], async (token) => {
    const r = await call("ListOutboxMessages", { UserPoolId: poolId, Limit: PAGE, NextToken: token });
    return { items: r.Messages, next: r.NextToken };
  });
  const workspace = useQuery(workspaceQuery);
  const smtpServer = workspace.data?.Workspace.SmtpServer;
  const messages = list.items;
  const reload = () => {
    list.reload();
    void workspace.refetch();
  };

  return (
    <div className="messages-tab" data-testid="messages-tab">
      <ListToolbar
        list={list}
        one="message"
        onRefresh={reload}
        note={
          <span className="muted">
            Invitations and codes land here, newest first
            {smtpServer !== undefined && (
              <>
                ; email is also sent through <span className="mono">{smtpServer}</span>
              </>
            )}
            .
          </span>
        }
      />
      {workspace.data && smtpServer === undefined && (
        <div className="notice notice-info notice-line" data-testid="no-smtp-note">
          <span>
            Messages are not sent anywhere: the workspace has no SMTP server.{" "}
            <a href={routeHref({ screen: "workspace", section: "email" })}>Set one in Workspace settings → Email delivery</a>
          </span>
        </div>
      )}
      <PagedView
        list={list}
        errorTitle="Could not load the messages."
        loadingLabel="Loading messages…"
        moreLabel="Load older messages"
        empty={
          <EmptyState title="No messages yet">
            Invitations, verification codes and password reset codes for this pool's users appear here, whether or not they
            are also sent: support staff can always read the codes here. SMS is never sent.
          </EmptyState>
        }
      >
        <div className={`table-wrap${list.loading ? " dimmed" : ""}`}>
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
                    <td className="cell-top message-recipient">
                      <div className="cell-strong">{m.Destination}</div>
                      <div className="muted">
                        {MEDIUM_LABEL[m.Medium]}
                        {m.Username !== m.Destination && (
                          <>
                            {" "}
                            · <span className="mono">{m.Username}</span>
                          </>
                        )}
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
      </PagedView>
    </div>
  );
}
