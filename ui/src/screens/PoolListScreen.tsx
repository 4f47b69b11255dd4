import { useState } from "react";
import { Button, EmptyState } from "../components/ui";
import { PagedView, loadedCount } from "../components/LoadState";
import { formatCount, formatDateTime, isoTime } from "../lib/format";
import { navigate, routeHref } from "../lib/router";
import { usePagedList } from "../lib/usePagedList";
import { call } from "../platform";
import { CreatePoolDialog } from "./CreatePoolDialog";

const PAGE = 60;

export function PoolListScreen() {
  const [creating, setCreating] = useState(false);
  const list = usePagedList(["pools"], async (token) => {
    const r = await call("ListUserPools", { MaxResults: PAGE, NextToken: token });
    return { items: r.UserPools, next: r.NextToken };
  });
  const pools = list.items;

  const createButton = (
    <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-pool">
      Create pool
    </Button>
  );

  return (
    <div className="screen" data-testid="pool-list">
      <header className="screen-header">
        <div>
          <h1>User pools</h1>
          {list.loaded && <div className="screen-subtitle">{loadedCount(list, "pool")}</div>}
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={list.reload} disabled={list.loading} aria-label="Refresh pool list">
            Refresh
          </Button>
          {pools.length > 0 && createButton}
        </div>
      </header>

      <PagedView
        list={list}
        errorTitle="Could not list pools."
        loadingLabel="Loading pools…"
        moreLabel="Load more pools"
        empty={
          <EmptyState title="Create your first user pool" action={createButton}>
            A user pool is a directory of users with its own sign-in rules, password policy, groups and
            app clients.
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="table" data-testid="pool-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Pool ID</th>
                <th className="num">Users</th>
                <th>Created</th>
                <th>Last modified</th>
              </tr>
            </thead>
            <tbody>
              {pools.map((p) => (
                <tr
                  key={p.Id}
                  className="clickable"
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest("a")) return;
                    navigate({ screen: "pool", poolId: p.Id, tab: "users" });
                  }}
                >
                  <td>
                    <a href={routeHref({ screen: "pool", poolId: p.Id, tab: "users" })} className="strong-link">
                      {p.Name}
                    </a>
                  </td>
                  <td className="mono">{p.Id}</td>
                  <td className="num">{formatCount(p.EstimatedNumberOfUsers)}</td>
                  <td title={isoTime(p.CreationDate)}>{formatDateTime(p.CreationDate)}</td>
                  <td title={isoTime(p.LastModifiedDate)}>{formatDateTime(p.LastModifiedDate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      {creating && (
        <CreatePoolDialog
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            navigate({ screen: "pool", poolId: id, tab: "overview" });
          }}
        />
      )}
    </div>
  );
}
