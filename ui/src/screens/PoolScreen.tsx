import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { DetailScreen } from "../components/DetailScreen";
import { Spinner } from "../components/ui";
import { plural } from "../lib/format";
import { POOL_TABS, SIGN_IN_SECTIONS, type PoolTab, type SignInSection } from "../lib/router";
import { call } from "../platform";
import { GroupsTab } from "./groups/GroupsTab";
import { UsersTab } from "./users/UsersTab";

// The pool opens on Users; the other tabs load when first visited, which keeps the code the
// console needs at start small.
const ClientsTab = lazy(() => import("./clients/ClientsTab").then((m) => ({ default: m.ClientsTab })));
const HooksTab = lazy(() => import("./hooks/HooksTab").then((m) => ({ default: m.HooksTab })));
const SignInTab = lazy(() => import("./signin/SignInTab").then((m) => ({ default: m.SignInTab })));
const MessagesTab = lazy(() => import("./messages/MessagesTab").then((m) => ({ default: m.MessagesTab })));
const PoolOverview = lazy(() => import("./overview/PoolOverview").then((m) => ({ default: m.PoolOverview })));
import "../styles/users.css";

const TAB_LABELS: Record<PoolTab, string> = {
  overview: "Overview",
  users: "Users",
  groups: "Groups",
  clients: "App clients",
  "sign-in": "Sign-in experience",
  hooks: "Hooks",
  messages: "Messages",
};

export function PoolScreen({ poolId, tab, section }: { poolId: string; tab: PoolTab; section?: SignInSection | undefined }) {
  const q = useQuery({ queryKey: ["pool", poolId], queryFn: () => call("DescribeUserPool", { UserPoolId: poolId }) });
  const pool = q.data?.UserPool;
  const reload = () => void q.refetch();

  return (
    <DetailScreen
      testId="pool-screen"
      parent={{ label: "User pools", route: { screen: "pools" } }}
      name={pool?.Name}
      id={poolId}
      titleTestId="pool-title"
      fallbackTitle="Pool"
      facts={pool && <span className="muted"> · {plural(pool.EstimatedNumberOfUsers, "user")}</span>}
      tabs={POOL_TABS}
      tab={tab}
      tabLabels={TAB_LABELS}
      tabsLabel="Pool sections"
      tabTestId={(t) => `tab-${t}`}
      routeOf={(t) => ({ screen: "pool", poolId, tab: t })}
      query={q}
      errorTitle={(e) => (e.code === "ResourceNotFoundException" ? "This pool does not exist." : "Could not load the pool.")}
      loadingLabel="Loading pool…"
    >
      {pool && tab === "users" && <UsersTab pool={pool} onCountChanged={reload} />}
      {pool && tab === "groups" && <GroupsTab poolId={pool.Id} />}
      <Suspense fallback={<Spinner label={`Loading ${TAB_LABELS[tab]}…`} />}>
        {pool && tab === "overview" && <PoolOverview pool={pool} onChanged={reload} />}
        {pool && tab === "clients" && <ClientsTab poolId={pool.Id} />}
        {pool && tab === "sign-in" && <SignInTab pool={pool} section={section ?? SIGN_IN_SECTIONS[0]} onChanged={reload} />}
        {pool && tab === "hooks" && <HooksTab pool={pool} onChanged={reload} />}
        {pool && tab === "messages" && <MessagesTab poolId={pool.Id} />}
      </Suspense>
    </DetailScreen>
  );
}
