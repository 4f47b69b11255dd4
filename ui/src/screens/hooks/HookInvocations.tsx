import { Fragment, useState } from "react";
import type { HookInvocation } from "../../api/types";
import { PagedView, loadedCount } from "../../components/LoadState";
import { Button, CopyButton, EmptyState, Heading, Section } from "../../components/ui";
import { formatDateTimeSeconds, isoTime } from "../../lib/format";
import { routeHref } from "../../lib/router";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { HOOK_TRIGGERS, type TriggerName } from "./hookConfig";
import { personLabel } from "../../lib/people";
import { formatMs, invocationPerson, outcomeView, prettyBody } from "./invocations";

const PAGE = 50;
const COLUMNS = 7;

/** The pool's hook calls, newest first: what was sent, what came back, and what came of it. */
export function HookInvocations({ poolId }: { poolId: string }) {
  const [trigger, setTrigger] = useState<TriggerName | "">("");
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const list = usePagedList(["hook-invocations", poolId, trigger], async (token) => {
    const r = await call("ListHookInvocations", { UserPoolId: poolId, Trigger: trigger || undefined, MaxResults: PAGE, NextToken: token });
    return { items: r.Invocations, next: r.NextToken };
  });
  const items = list.items;
  const label = HOOK_TRIGGERS.find((t) => t.name === trigger)?.label;
  const toggle = (id: string) =>
    setOpen((prev) => {
      const s = new Set(prev);
      if (!s.delete(id)) s.add(id);
      return s;
    });

  return (
    <Section
      title="Hook calls"
      testId="hook-invocations"
      actions={
        <>
          <span className="result-count" data-testid="hook-invocation-count">
            {items.length > 0 ? loadedCount(list, "call") : ""}
          </span>
          <select
            aria-label="Trigger filter"
            value={trigger}
            onChange={(e) => setTrigger(e.target.value as TriggerName | "")}
            data-testid="hook-trigger-filter"
          >
            <option value="">All triggers</option>
            {HOOK_TRIGGERS.map((t) => (
              <option key={t.name} value={t.name}>
                {t.label}
              </option>
            ))}
          </select>
          <Button variant="ghost" onClick={list.reload} data-testid="hook-invocations-refresh">
            Refresh
          </Button>
        </>
      }
    >
      <PagedView
        list={list}
        errorTitle="Could not load the hook calls."
        loadingLabel="Loading hook calls…"
        moreLabel="Load older calls"
        moreTestId="hook-invocations-more"
        empty={
          <EmptyState title={label ? `No ${label.toLowerCase()} calls yet` : "No hook calls yet"}>
            Each time Poolhouse calls one of this pool's hooks, the call appears here, newest first: the event it sent, the
            answer, and whether the operation went ahead. Set a hook's URL above and save, then sign up or sign in a user of
            this pool (from an app, or with Try sign-in on the{" "}
            <a href={routeHref({ screen: "pool", poolId, tab: "clients" })}>App clients</a> tab).
          </EmptyState>
        }
      >
        <div className={`table-wrap${list.loading ? " dimmed" : ""}`}>
          <table className="table hook-calls" data-testid="hook-invocations-table">
            <thead>
              <tr>
                <th>
                  <span className="sr-only">Details</span>
                </th>
                <th>Time</th>
                <th>Trigger source</th>
                <th>User</th>
                <th>Outcome</th>
                <th className="num">HTTP</th>
                <th className="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              {items.map((inv) => (
                <InvocationRows key={inv.Id} inv={inv} open={open.has(inv.Id)} onToggle={() => toggle(inv.Id)} />
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
    </Section>
  );
}

function InvocationRows({ inv, open, onToggle }: { inv: HookInvocation; open: boolean; onToggle: () => void }) {
  const detailsId = `hook-call-${inv.Id}`;
  const outcome = outcomeView(inv.Outcome);
  const person = invocationPerson(inv);
  const who = person ? personLabel(person) : undefined;
  return (
    <Fragment>
      <tr
        className={`clickable${open ? " selected" : ""}`}
        data-testid="hook-invocation-row"
        data-outcome={inv.Outcome}
        onClick={(e) => {
          // The button handles its own clicks (and the keyboard); the row is a bigger target.
          if (!(e.target as HTMLElement).closest("button")) onToggle();
        }}
      >
        <td className="hook-toggle-cell">
          <button
            type="button"
            className="icon-btn hook-toggle"
            aria-expanded={open}
            aria-controls={open ? detailsId : undefined}
            aria-label={`${open ? "Hide" : "Show"} the call of ${inv.TriggerSource}${who ? ` for ${who}` : ""}`}
            onClick={onToggle}
          >
            <span aria-hidden="true">{open ? "▾" : "▸"}</span>
          </button>
        </td>
        <td className="nowrap" title={isoTime(inv.CreationDate)}>
          {formatDateTimeSeconds(inv.CreationDate)}
        </td>
        <td className="mono nowrap">{inv.TriggerSource}</td>
        <td className="truncate" title={inv.Username && who !== inv.Username ? `${who} — ${inv.Username}` : inv.Username}>
          {who ?? <span className="muted">—</span>}
        </td>
        <td>
          <span className={`pill pill-${outcome.tone}`} title={outcome.hint} data-testid="hook-outcome">
            {inv.Outcome}
          </span>
        </td>
        <td className="num">{inv.StatusCode ?? <span className="muted">—</span>}</td>
        <td className="num nowrap">{formatMs(inv.DurationMs)}</td>
      </tr>
      {open && (
        <tr className="hook-detail-row">
          <td colSpan={COLUMNS} id={detailsId} data-testid="hook-invocation-detail">
            <InvocationDetail inv={inv} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function InvocationDetail({ inv }: { inv: HookInvocation }) {
  const request = prettyBody(inv.Request);
  const response = prettyBody(inv.Response);
  const tone = inv.Outcome === "Succeeded" ? "info" : inv.Outcome === "Rejected" ? "warn" : "bad";
  return (
    <div className="hook-detail">
      {inv.Detail && (
        <div className={`notice notice-${tone} hook-detail-note`} data-testid="hook-detail-text">
          <div>
            <strong>{inv.Outcome === "Succeeded" ? "Ignored from the answer: " : "Why: "}</strong>
            {inv.Detail}
          </div>
        </div>
      )}
      <div className="hook-detail-url">
        <span className="muted">POST</span> <span className="mono">{inv.Url}</span>
      </div>
      <div className="hook-bodies">
        <BodyPane title="Event sent" body={request} testId="hook-request" />
        <BodyPane
          title={inv.StatusCode === undefined ? "Answer" : `Answer (HTTP ${inv.StatusCode})`}
          body={response}
          testId="hook-response"
          none={
            inv.Response === undefined
              ? "No answer: the hook could not be reached or did not answer in time."
              : "The hook answered with an empty body."
          }
        />
      </div>
    </div>
  );
}

function BodyPane({ title, body, testId, none }: { title: string; body: { text: string; isJson: boolean }; testId: string; none?: string }) {
  const empty = body.text.trim() === "";
  return (
    <div className="hook-body">
      <div className="hook-body-header">
        <Heading>{title}</Heading>
        {!empty && !body.isJson && <span className="hint">not JSON, shown as received</span>}
        <div className="toolbar-spacer" />
        {!empty && <CopyButton text={body.text} />}
      </div>
      {empty ? (
        <p className="muted hook-body-none">{none ?? "Empty."}</p>
      ) : (
        <pre className="json hook-json" data-testid={testId}>
          {body.text}
        </pre>
      )}
    </div>
  );
}
