import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { OPERATIONS, type AuditOutcome, type ListAuditEventsRequest } from "../api/types";
import { PagedView } from "../components/LoadState";
import { Button, EmptyState, Form } from "../components/ui";
import { formatDateTime, isoTime } from "../lib/format";
import { routeHref } from "../lib/router";
import { usePagedList } from "../lib/usePagedList";
import { call } from "../platform";

const PAGE = 100;

type Filters = Omit<ListAuditEventsRequest, "Limit" | "NextToken">;

export function AuditScreen() {
  const [outcome, setOutcome] = useState<AuditOutcome | "">("");
  const [operation, setOperation] = useState("");
  const [poolId, setPoolId] = useState("");
  const [target, setTarget] = useState("");
  const [appliedTarget, setAppliedTarget] = useState("");

  const pools = useQuery({ queryKey: ["audit-pools"], queryFn: () => call("ListUserPools", { MaxResults: 60 }) });
  const poolNames = useMemo(() => new Map((pools.data?.UserPools ?? []).map((p) => [p.Id, p.Name])), [pools.data]);
  const operations = useMemo(() => OPERATIONS.map((o) => o.name).sort(), []);

  const filters: Filters = {
    Outcome: outcome || undefined,
    Operation: operation || undefined,
    UserPoolId: poolId || undefined,
    Target: appliedTarget || undefined,
  };
  const list = usePagedList(["audit", filters], async (token) => {
    const r = await call("ListAuditEvents", { ...filters, Limit: PAGE, NextToken: token });
    return { items: r.Events, next: r.NextToken };
  });
  const events = list.items;
  const filtered = Boolean(outcome || operation || poolId || appliedTarget);

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
      <Form
        className="toolbar"
        onSubmit={() => setAppliedTarget(target.trim())}
      >
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
          aria-label="Target filter"
          placeholder="Target (username, group, client…)"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          onBlur={() => setAppliedTarget(target.trim())}
        />
        <div className="toolbar-spacer" />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => {
              setOutcome("");
              setOperation("");
              setPoolId("");
              setTarget("");
              setAppliedTarget("");
            }}
          >
            Clear filters
          </Button>
        )}
      </Form>

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
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Outcome</th>
                <th>Operation</th>
                <th>Pool</th>
                <th>Target</th>
                <th>Actor</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.EventId}>
                  <td className="nowrap" title={isoTime(e.Time)}>
                    {formatDateTime(e.Time)}
                  </td>
                  <td>
                    <span className={`pill ${e.Outcome === "Success" ? "pill-ok" : "pill-bad"}`}>{e.Outcome}</span>
                  </td>
                  <td className="mono">{e.Operation}</td>
                  <td className="truncate nowrap">
                    {e.UserPoolId ? (
                      <a href={routeHref({ screen: "pool", poolId: e.UserPoolId, tab: "overview" })} title={e.UserPoolId}>
                        {poolNames.get(e.UserPoolId) ?? e.UserPoolId}
                      </a>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="mono truncate" title={e.Target}>
                    {e.Target ?? <span className="muted">—</span>}
                  </td>
                  <td>{e.Actor}</td>
                  <td className="truncate" title={e.Message}>
                    {e.ErrorCode && <code className="error-code">{e.ErrorCode}</code>} {e.Message}
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
