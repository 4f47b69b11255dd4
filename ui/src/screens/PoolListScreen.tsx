import { useState } from "react";
import type { UserPoolDescription } from "../api/types";
import { Button, EmptyState, ErrorBanner, Spinner } from "../components/ui";
import { formatCount, formatDateTime, isoTime } from "../lib/format";
import { navigate, routeHref } from "../lib/router";
import { useQuery } from "../lib/useQuery";
import { call, toApiError, type ApiError } from "../platform";
import { CreatePoolDialog } from "./CreatePoolDialog";

const PAGE = 60;

type Pages = { pools: UserPoolDescription[]; next: string | undefined };

export function PoolListScreen() {
  const [creating, setCreating] = useState(false);
  const [more, setMore] = useState<{ pages: Pages; loading: boolean; error?: ApiError }>();
  const first = useQuery("pools", () => call("ListUserPools", { MaxResults: PAGE }));

  const pools = [...(first.data?.UserPools ?? []), ...(more?.pages.pools ?? [])];
  const next = more ? more.pages.next : first.data?.NextToken;

  const loadMore = () => {
    if (!next) return;
    const prev = more?.pages ?? { pools: [], next };
    setMore({ pages: prev, loading: true });
    call("ListUserPools", { MaxResults: PAGE, NextToken: next }).then(
      (r) => setMore({ pages: { pools: [...prev.pools, ...r.UserPools], next: r.NextToken }, loading: false }),
      (e: unknown) => setMore({ pages: prev, loading: false, error: toApiError(e) }),
    );
  };
  const reload = () => {
    setMore(undefined);
    first.reload();
  };

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
          {first.data && (
            <div className="screen-subtitle">
              {pools.length} {pools.length === 1 ? "pool" : "pools"}
              {next ? " loaded" : ""}
            </div>
          )}
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={reload} disabled={first.loading} aria-label="Refresh pool list">
            Refresh
          </Button>
          {pools.length > 0 && createButton}
        </div>
      </header>

      {first.error && <ErrorBanner error={first.error} onRetry={reload} title="Could not list pools." />}
      {first.loading && !first.data && <Spinner label="Loading pools…" />}
      {first.data && pools.length === 0 && (
        <EmptyState title="Create your first user pool" action={createButton}>
          A user pool is a directory of users with its own sign-in rules, password policy, groups and
          app clients.
        </EmptyState>
      )}
      {pools.length > 0 && (
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
                    navigate({ screen: "pool", poolId: p.Id, tab: "overview" });
                  }}
                >
                  <td>
                    <a href={routeHref({ screen: "pool", poolId: p.Id, tab: "overview" })} className="strong-link">
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
      )}
      {more?.error && <ErrorBanner error={more.error} onRetry={loadMore} />}
      {next && (
        <div className="load-more">
          <Button onClick={loadMore} busy={more?.loading}>
            Load more pools
          </Button>
        </div>
      )}
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
