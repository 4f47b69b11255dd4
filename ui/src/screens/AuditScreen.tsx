import { useQuery } from "@tanstack/react-query";
import { Fragment, useMemo, useState } from "react";
import { OPERATIONS, type AuditOutcome, type ListAuditEventsRequest } from "../api/types";
import type { AuditEvent } from "../api/types";
import { PagedView } from "../components/LoadState";
import { Button, EmptyState } from "../components/ui";
import { formatDateTime, isoTime } from "../lib/format";
import { routeHref } from "../lib/router";
import { useDebounced } from "../lib/useDebounced";
import { usePagedList } from "../lib/usePagedList";
import { call } from "../platform";
import "../styles/admin.css";

const PAGE = 100;

type Filters = Omit<ListAuditEventsRequest, "Limit" | "NextToken">;

export function AuditScreen() {
  const [outcome, setOutcome] = useState<AuditOutcome | "">("");
  const [operation, setOperation] = useState("");
  const [poolId, setPoolId] = useState("");
  const [search, setSearch] = useState("");
  // Searches as you type, like the users' search box.
  const appliedSearch = useDebounced(search.trim(), 250);
  const [openDetails, setOpenDetails] = useState<ReadonlySet<number>>(new Set());

  const pools = useQuery({ queryKey: ["audit-pools"], queryFn: () => call("ListUserPools", { MaxResults: 60 }) });
  const poolNames = useMemo(() => new Map((pools.data?.UserPools ?? []).map((p) => [p.Id, p.Name])), [pools.data]);
  const operations = useMemo(() => OPERATIONS.map((o) => o.name).sort(), []);

  const filters: Filters = {
    Outcome: outcome || undefined,
    Operation: operation || undefined,
    UserPoolId: poolId || undefined,
    Search: appliedSearch || undefined,
  };
  const list = usePagedList(["audit", filters], async (token) => {
    const r = await call("ListAuditEvents", { ...filters, Limit: PAGE, NextToken: token });
    return { items: r.Events, next: r.NextToken };
  });
  const events = list.items;
  const filtered = Boolean(outcome || operation || poolId || appliedSearch);
  const toggleDetails = (id: number) =>
    setOpenDetails((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="screen" data-testid="audit-screen">
      <header className="screen-header">
        <div>
          <h1>Audit log</h1>
          <div className="screen-subtitle">Every change made from the console, the CLI or the endpoint, newest first.</div>
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={list.reload}>
            Refresh
          </Button>
        </div>
      </header>
      <div className="toolbar" role="search">
        <select aria-label="Outcome filter" value={outcome} onChange={(e) => setOutcome(e.target.value as AuditOutcome | "")}>
          <option value="">Any outcome</option>
          <option value="Success">Success</option>
          <option value="Failure">Failure</option>
        </select>
        <select aria-label="Operation filter" value={operation} onChange={(e) => setOperation(e.target.value)}>
          <option value="">Any operation</option>
          {operations.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <select aria-label="Pool filter" value={poolId} onChange={(e) => setPoolId(e.target.value)}>
          <option value="">Any pool</option>
          {(pools.data?.UserPools ?? []).map((p) => (
            <option key={p.Id} value={p.Id}>
              {p.Name} ({p.Id})
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Search targets"
          placeholder="Target: email, name, username, group, client…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="audit-search"
        />
        <div className="toolbar-spacer" />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => {
              setOutcome("");
              setOperation("");
              setPoolId("");
              setSearch("");
            }}
          >
            Clear filters
          </Button>
        )}
      </div>

      <PagedView
        list={list}
        errorTitle="Could not load the audit log."
        loadingLabel="Loading audit events…"
        moreLabel="Load older events"
        empty={
          <EmptyState title={filtered ? "No events match" : "No events yet"}>
            {filtered
              ? "Nothing in the audit log matches these filters."
              : "Changes to pools, users, groups and app clients will appear here."}
          </EmptyState>
        }
      >
        <div className={`table-wrap${list.loading ? " dimmed" : ""}`}>
          <table className="table audit-table" data-testid="audit-table">
            <colgroup>
              <col className="audit-col-time" />
              <col className="audit-col-outcome" />
              <col className="audit-col-operation" />
              <col className="audit-col-pool" />
              <col className="audit-col-target" />
              <col className="audit-col-details" />
            </colgroup>
            <thead>
              <tr>
                <th>Time</th>
                <th>Outcome</th>
                <th>Operation</th>
                <th>Pool</th>
                <th>Target</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.EventId}>
                  <td>
                    <span className="person">
                      <span title={isoTime(e.Time)}>{formatDateTime(e.Time)}</span>
                      <span className="person-secondary audit-actor">by {breakable(e.Actor, /(?<=:)/)}</span>
                    </span>
                  </td>
                  <td>
                    <span className={`pill ${e.Outcome === "Success" ? "pill-ok" : "pill-bad"}`}>{e.Outcome}</span>
                  </td>
                  <td className="mono audit-operation">{breakable(e.Operation, /(?=[A-Z])/)}</td>
                  <td className="audit-pool">
                    {e.UserPoolId ? (
                      <a href={routeHref({ screen: "pool", poolId: e.UserPoolId, tab: "overview" })} title={e.UserPoolId}>
                        {poolNames.get(e.UserPoolId) ?? e.UserPoolId}
                      </a>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="audit-target" data-testid="audit-target">
                    {e.Target === undefined ? (
                      <span className="muted">—</span>
                    ) : e.TargetLabel ? (
                      <span className="person">
                        <span>{arrows(e.TargetLabel)}</span>
                        <span className="person-secondary mono">{arrows(e.Target)}</span>
                      </span>
                    ) : (
                      <span className="mono">{arrows(e.Target)}</span>
                    )}
                  </td>
                  <td className="audit-details">
                    <Details event={e} open={openDetails.has(e.EventId)} onToggle={() => toggleDetails(e.EventId)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
    </div>
  );
}

/** `text` with line-break opportunities where `at` splits it (before each capital, after a colon). */
function breakable(text: string, at: RegExp) {
  const parts = text.split(at);
  return parts.map((p, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {p}
    </Fragment>
  ));
}

/** A membership target, "<user> -> <group>", with an arrow that does not break from its group. */
function arrows(text: string): string {
  return text.replaceAll(" -> ", " →\u00a0");
}

/** Messages longer than this are folded to their start, with a button to unfold them. */
const FOLD = 140;

function Details({ event: e, open, onToggle }: { event: AuditEvent; open: boolean; onToggle: () => void }) {
  const message = e.Message ?? "";
  const long = message.length > FOLD;
  if (!e.ErrorCode && !message) return <span className="muted">—</span>;
  return (
    <>
      {e.ErrorCode && <code className="error-code">{e.ErrorCode}</code>}{" "}
      <span>{long && !open ? `${message.slice(0, FOLD).trimEnd()}…` : message}</span>
      {long && (
        <button type="button" className="link-btn" aria-expanded={open} onClick={onToggle}>
          {open ? "Less" : "More"}
        </button>
      )}
    </>
  );
}
