import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { DetailScreen } from "../../components/DetailScreen";
import { Spinner } from "../../components/ui";
import { IDENTITY_POOL_TABS, type IdentityPoolTab } from "../../lib/router";
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
    <DetailScreen
      testId="identity-pool-screen"
      parent={{ label: "Identity pools", route: { screen: "identity-pools" } }}
      name={pool?.IdentityPoolName}
      id={poolId}
      titleTestId="identity-pool-title"
      fallbackTitle="Identity pool"
      tabs={IDENTITY_POOL_TABS}
      tab={tab}
      tabLabels={TAB_LABELS}
      tabsLabel="Identity pool sections"
      tabTestId={(t) => `idp-tab-${t}`}
      routeOf={(t) => ({ screen: "identity-pool", poolId, tab: t })}
      query={q}
      errorTitle={(e) =>
        e.code === "ResourceNotFoundException" ? "This identity pool does not exist." : "Could not load the identity pool."
      }
      loadingLabel="Loading the identity pool…"
    >
      {pool && tab === "overview" && <OverviewTab pool={pool} />}
      <Suspense fallback={<Spinner label={`Loading ${TAB_LABELS[tab]}…`} />}>
        {pool && tab === "providers" && <ProvidersTab key={JSON.stringify(pool)} pool={pool} />}
        {pool && tab === "roles" && <RolesTab pool={pool} />}
        {pool && tab === "identities" && <IdentitiesTab pool={pool} />}
        {pool && tab === "principal-tags" && <PrincipalTagsTab pool={pool} />}
        {pool && tab === "tags" && <TagsTab key={JSON.stringify(pool.IdentityPoolTags ?? {})} pool={pool} />}
      </Suspense>
    </DetailScreen>
  );
}
