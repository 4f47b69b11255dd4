import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { QueryStatus } from "../../components/LoadState";
import { CopyButton, Spinner } from "../../components/ui";
import { IDENTITY_POOL_TABS, navigate, routeHref, type IdentityPoolTab } from "../../lib/router";
import { identityPoolQuery } from "./queries";
import { OverviewTab } from "./OverviewTab";
import "../../styles/identity.css";

// The rule editor with its explanation is the largest tab: loaded when first visited.
const RolesTab = lazy(() => import("./RolesTab").then((m) => ({ default: m.RolesTab })));
const ProvidersTab = lazy(() => import("./ProvidersTab").then((m) => ({ default: m.ProvidersTab })));
const PrincipalTagsTab = lazy(() => import("./PrincipalTagsTab").then((m) => ({ default: m.PrincipalTagsTab })));
const IdentitiesTab = lazy(() => import("./IdentitiesTab").then((m) => ({ default: m.IdentitiesTab })));
const TagsTab = lazy(() => import("./TagsTab").then((m) => ({ default: m.TagsTab })));

const TAB_LABELS: Record<IdentityPoolTab, string> = {
  overview: "Overview",
  providers: "Providers",
  roles: "Roles & mapping",
  identities: "Identities",
  "principal-tags": "Principal tags",
  tags: "Tags",
};

export function IdentityPoolScreen({ poolId, tab }: { poolId: string; tab: IdentityPoolTab }) {
  const q = useQuery(identityPoolQuery(poolId));
  const pool = q.data;

  return (
    <div className="screen screen-pool" data-testid="identity-pool-screen">
      <div className="breadcrumbs">
        <a href={routeHref({ screen: "identity-pools" })}>Identity pools</a>
        <span aria-hidden="true"> / </span>
        <span>{pool?.IdentityPoolName ?? poolId}</span>
      </div>
      <header className="screen-header">
        <div>
          <h1 data-testid="identity-pool-title">{pool?.IdentityPoolName ?? (q.error ? "Identity pool" : "…")}</h1>
          <div className="screen-subtitle">
            <span className="mono">{poolId}</span> <CopyButton text={poolId} label="Copy ID" />
          </div>
        </div>
      </header>
      <div
        role="tablist"
        aria-label="Identity pool sections"
        className="tabs"
        onKeyDown={(e) => {
          const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
          if (step === 0) return;
          e.preventDefault();
          const n = IDENTITY_POOL_TABS.length;
          const next = IDENTITY_POOL_TABS[(IDENTITY_POOL_TABS.indexOf(tab) + step + n) % n] ?? tab;
          navigate({ screen: "identity-pool", poolId, tab: next });
          requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="idp-tab-${next}"]`)?.focus());
        }}
      >
        {IDENTITY_POOL_TABS.map((t) => (
          <a
            key={t}
            role="tab"
            aria-selected={t === tab}
            tabIndex={t === tab ? 0 : -1}
            className={`tab${t === tab ? " active" : ""}`}
            href={routeHref({ screen: "identity-pool", poolId, tab: t })}
            data-testid={`idp-tab-${t}`}
          >
            {TAB_LABELS[t]}
          </a>
        ))}
      </div>
      <div role="tabpanel" className="tabpanel" aria-label={TAB_LABELS[tab]}>
        <QueryStatus
          query={q}
          errorTitle={(e) => (e.code === "ResourceNotFoundException" ? "This identity pool does not exist." : "Could not load the identity pool.")}
          loadingLabel="Loading the identity pool…"
        />
        {pool && tab === "overview" && <OverviewTab pool={pool} />}
        <Suspense fallback={<Spinner label={`Loading ${TAB_LABELS[tab]}…`} />}>
          {pool && tab === "providers" && <ProvidersTab key={JSON.stringify(pool)} pool={pool} />}
          {pool && tab === "roles" && <RolesTab pool={pool} />}
          {pool && tab === "identities" && <IdentitiesTab pool={pool} />}
          {pool && tab === "principal-tags" && <PrincipalTagsTab pool={pool} />}
          {pool && tab === "tags" && <TagsTab key={JSON.stringify(pool.IdentityPoolTags ?? {})} pool={pool} />}
        </Suspense>
      </div>
    </div>
  );
}
