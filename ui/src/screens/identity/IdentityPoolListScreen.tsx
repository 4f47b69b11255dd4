import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { IdentityPool } from "../../api/types";
import { LinkRow, ListScreen } from "../../components/ListScreen";
import { providerCount } from "../../lib/identityProviders";
import { navigate } from "../../lib/router";
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
  const list = usePagedList(["identity-pools"], async (token) => {
    const r = await call("ListIdentityPools", { MaxResults: PAGE, NextToken: token });
    return { items: r.IdentityPools, next: r.NextToken };
  });

  return (
    <ListScreen
      testId="identity-pool-list"
      title="Identity pools"
      one="identity pool"
      list={list}
      refreshLabel="Refresh identity pool list"
      createLabel="Create identity pool"
      createTestId="create-identity-pool"
      createDialog={(close) => (
        <CreateIdentityPoolDialog
          onClose={close}
          onCreated={(id) => {
            close();
            navigate({ screen: "identity-pool", poolId: id, tab: "roles" });
          }}
        />
      )}
      errorTitle="Could not list identity pools."
      loadingLabel="Loading identity pools…"
      moreLabel="Load more identity pools"
      emptyTitle="Create your first identity pool"
      emptyText={
        <>
          An identity pool turns a sign-in (a user pool&apos;s token, a social login, or a guest) into temporary AWS
          credentials for a role you choose, so an app can call AWS directly.
        </>
      }
      tableTestId="identity-pool-table"
      head={
        <>
          <th>Name</th>
          <th>Identity pool ID</th>
          <th>Guests</th>
          <th className="num">Providers</th>
        </>
      }
    >
      {list.items.map((p) => (
        <LinkRow
          key={p.IdentityPoolId}
          to={{ screen: "identity-pool", poolId: p.IdentityPoolId, tab: "overview" }}
          name={p.IdentityPoolName}
        >
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
        </LinkRow>
      ))}
    </ListScreen>
  );
}
