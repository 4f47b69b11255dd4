import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { QueryStatus } from "../components/LoadState";
import { CopyButton, Spinner } from "../components/ui";
import { plural } from "../lib/format";
import { navigate, POOL_TABS, routeHref, type PoolTab } from "../lib/router";
import { call } from "../platform";
import { GroupsTab } from "./groups/GroupsTab";
import { UsersTab } from "./users/UsersTab";

// The pool opens on Users; the other tabs load when first visited, which keeps the code the
// console needs at start small.
const ClientsTab = lazy(() => import("./clients/ClientsTab").then((m) => ({ default: m.ClientsTab })));
const HooksTab = lazy(() => import("./hooks/HooksTab").then((m) => ({ default: m.HooksTab })));
const MessagesTab = lazy(() => import("./messages/MessagesTab").then((m) => ({ default: m.MessagesTab })));
const PoolOverview = lazy(() => import("./overview/PoolOverview").then((m) => ({ default: m.PoolOverview })));
import "../styles/users.css";

const TAB_LABELS: Record<PoolTab, string> = {
  overview: "Overview",
  users: "Users",
  groups: "Groups",
  clients: "App clients",
  hooks: "Hooks",
  messages: "Messages",
};

export function PoolScreen({ poolId, tab }: { poolId: string; tab: PoolTab }) {
  const q = useQuery({ queryKey: ["pool", poolId], queryFn: () => call("DescribeUserPool", { UserPoolId: poolId }) });
  const pool = q.data?.UserPool;
  const reload = () => void q.refetch();

  return (
    <div className="screen screen-pool" data-testid="pool-screen">
      <div className="breadcrumbs">
        <a href={routeHref({ screen: "pools" })}>User pools</a>
        <span aria-hidden="true"> / </span>
        <span>{pool?.Name ?? poolId}</span>
      </div>
      <header className="screen-header">
        <div>
          <h1 data-testid="pool-title">{pool?.Name ?? (q.error ? "Pool" : "…")}</h1>
          <div className="screen-subtitle">
            <span className="mono">{poolId}</span> <CopyButton text={poolId} label="Copy ID" />
            {pool && <span className="muted"> · {plural(pool.EstimatedNumberOfUsers, "user")}</span>}
          </div>
        </div>
      </header>
      <div
        role="tablist"
        aria-label="Pool sections"
        className="tabs"
        onKeyDown={(e) => {
          const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
          if (step === 0) return;
          e.preventDefault();
          const next = POOL_TABS[(POOL_TABS.indexOf(tab) + step + POOL_TABS.length) % POOL_TABS.length] ?? tab;
          navigate({ screen: "pool", poolId, tab: next });
          requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="tab-${next}"]`)?.focus());
        }}
      >
        {POOL_TABS.map((t) => (
          <a
            key={t}
            role="tab"
            aria-selected={t === tab}
            tabIndex={t === tab ? 0 : -1}
            className={`tab${t === tab ? " active" : ""}`}
            href={routeHref({ screen: "pool", poolId, tab: t })}
            data-testid={`tab-${t}`}
          >
            {TAB_LABELS[t]}
          </a>
        ))}
      </div>
      <div role="tabpanel" className="tabpanel" aria-label={TAB_LABELS[tab]}>
        <QueryStatus
          query={q}
          errorTitle={(e) => (e.code === "ResourceNotFoundException" ? "This pool does not exist." : "Could not load the pool.")}
          loadingLabel="Loading pool…"
        />
        {pool && tab === "users" && <UsersTab pool={pool} onCountChanged={reload} />}
        {pool && tab === "groups" && <GroupsTab poolId={pool.Id} />}
        <Suspense fallback={<Spinner label={`Loading ${TAB_LABELS[tab]}…`} />}>
          {pool && tab === "overview" && <PoolOverview pool={pool} onChanged={reload} />}
          {pool && tab === "clients" && <ClientsTab poolId={pool.Id} />}
          {pool && tab === "hooks" && <HooksTab pool={pool} onChanged={reload} />}
          {pool && tab === "messages" && <MessagesTab poolId={pool.Id} />}
        </Suspense>
      </div>
    </div>
  );
}
