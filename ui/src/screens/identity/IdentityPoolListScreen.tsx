import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { IdentityPool } from "../../api/types";
import { PagedView, loadedCount } from "../../components/LoadState";
import { Button, EmptyState } from "../../components/ui";
import { providerCount } from "../../lib/identityProviders";
import { navigate, routeHref } from "../../lib/router";
import { usePagedList } from "../../lib/usePagedList";
import { call } from "../../platform";
import { CreateIdentityPoolDialog } from "./CreateIdentityPoolDialog";
import { identityPoolQuery } from "./queries";
import "../../styles/identity.css";

const PAGE = 60;

/** The facts ListIdentityPools leaves out (guests, providers), read per row. */
function PoolFacts({ id, children }: { id: string; children: (pool: IdentityPool | undefined) => ReactNode }) {
  const q = useQuery(identityPoolQuery(id));
  return <>{children(q.data)}</>;
}

export function IdentityPoolListScreen() {
  const [creating, setCreating] = useState(false);
  const list = usePagedList(["identity-pools"], async (token) => {
    const r = await call("ListIdentityPools", { MaxResults: PAGE, NextToken: token });
    return { items: r.IdentityPools, next: r.NextToken };
  });
  const pools = list.items;

  const createButton = (
    <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-identity-pool">
      Create identity pool
    </Button>
  );

  return (
    <div className="screen" data-testid="identity-pool-list">
      <header className="screen-header">
        <div>
          <h1>Identity pools</h1>
          {list.loaded && <div className="screen-subtitle">{loadedCount(list, "identity pool")}</div>}
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={list.reload} disabled={list.loading} aria-label="Refresh identity pool list">
            Refresh
          </Button>
          {pools.length > 0 && createButton}
        </div>
      </header>

      <PagedView
        list={list}
        errorTitle="Could not list identity pools."
        loadingLabel="Loading identity pools…"
        moreLabel="Load more identity pools"
        empty={
          <EmptyState title="Create your first identity pool" action={createButton}>
            An identity pool turns a sign-in (a user pool&apos;s token, a social login, or a guest) into temporary AWS
            credentials for a role you choose, so an app can call AWS directly.
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="table" data-testid="identity-pool-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Identity pool ID</th>
                <th>Guests</th>
                <th className="num">Providers</th>
              </tr>
            </thead>
            <tbody>
              {pools.map((p) => {
                const to = { screen: "identity-pool", poolId: p.IdentityPoolId, tab: "overview" } as const;
                return (
                  <tr
                    key={p.IdentityPoolId}
                    className="clickable"
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest("a")) return;
                      navigate(to);
                    }}
                  >
                    <td>
                      <a href={routeHref(to)} className="strong-link">
                        {p.IdentityPoolName}
                      </a>
                    </td>
                    <td className="mono">{p.IdentityPoolId}</td>
                    <PoolFacts id={p.IdentityPoolId}>
                      {(pool) => (
                        <>
                          <td>
                            {pool === undefined ? (
                              <span className="muted">…</span>
                            ) : pool.AllowUnauthenticatedIdentities ? (
                              <span className="pill pill-warn">Allowed</span>
                            ) : (
                              <span className="pill pill-off">Not allowed</span>
                            )}
                          </td>
                          <td className="num">{pool === undefined ? "…" : providerCount(pool)}</td>
                        </>
                      )}
                    </PoolFacts>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </PagedView>
      {creating && (
        <CreateIdentityPoolDialog
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            navigate({ screen: "identity-pool", poolId: id, tab: "roles" });
          }}
        />
      )}
    </div>
  );
}
