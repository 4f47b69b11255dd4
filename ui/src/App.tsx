import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { ToastProvider } from "./components/toast";
import { Spinner } from "./components/ui";
import { OfflineBanner, useEndpointWatch } from "./OfflineBanner";
import { createQueryClient } from "./lib/queryClient";
import { routeHref, useRoute, type Route } from "./lib/router";
import { AuditScreen } from "./screens/AuditScreen";
import { PoolListScreen } from "./screens/PoolListScreen";
import { PoolScreen } from "./screens/PoolScreen";

// Visited rarely, so loaded on first visit rather than with the app.
const WorkspaceScreen = lazy(() => import("./screens/workspace/WorkspaceScreen").then((m) => ({ default: m.WorkspaceScreen })));
const IdentityPoolListScreen = lazy(() =>
  import("./screens/identity/IdentityPoolListScreen").then((m) => ({ default: m.IdentityPoolListScreen })),
);
const IdentityPoolScreen = lazy(() => import("./screens/identity/IdentityPoolScreen").then((m) => ({ default: m.IdentityPoolScreen })));
const RolesScreen = lazy(() => import("./screens/roles/RolesScreen").then((m) => ({ default: m.RolesScreen })));
const ExchangeScreen = lazy(() => import("./screens/exchange/ExchangeScreen").then((m) => ({ default: m.ExchangeScreen })));
const TokensScreen = lazy(() => import("./screens/tokens/TokensScreen").then((m) => ({ default: m.TokensScreen })));

function NavLink({ to, active, children }: { to: Route; active: boolean; children: string }) {
  return (
    <a href={routeHref(to)} className={`nav-link${active ? " active" : ""}`} aria-current={active ? "page" : undefined}>
      {children}
    </a>
  );
}

export function App() {
  const route = useRoute();
  const [queries] = useState(createQueryClient);
  const connection = useEndpointWatch(queries);
  return (
    <QueryClientProvider client={queries}>
      <ToastProvider>
        <div className="app">
          <nav className="sidebar" aria-label="Main">
            <div className="brand">Poolhouse</div>
            <div className="nav-group">
              <div className="nav-heading">User pools</div>
              <NavLink to={{ screen: "pools" }} active={route.screen === "pools" || route.screen === "pool"}>
                Pools
              </NavLink>
            </div>
            <div className="nav-group">
              <div className="nav-heading">AWS credentials</div>
              <NavLink
                to={{ screen: "identity-pools" }}
                active={route.screen === "identity-pools" || route.screen === "identity-pool"}
              >
                Identity pools
              </NavLink>
              <NavLink to={{ screen: "roles" }} active={route.screen === "roles"}>
                Roles
              </NavLink>
              <NavLink to={{ screen: "exchange" }} active={route.screen === "exchange"}>
                Exchange tester
              </NavLink>
            </div>
            <div className="nav-group">
              <div className="nav-heading">Activity</div>
              <NavLink to={{ screen: "audit" }} active={route.screen === "audit"}>
                Audit log
              </NavLink>
            </div>
            <div className="nav-group">
              <div className="nav-heading">Tools</div>
              <NavLink to={{ screen: "tokens" }} active={route.screen === "tokens"}>
                Token inspector
              </NavLink>
            </div>
            <div className="nav-group">
              <div className="nav-heading">Workspace</div>
              <NavLink to={{ screen: "workspace" }} active={route.screen === "workspace"}>
                Settings
              </NavLink>
            </div>
          </nav>
          <main className="content">
            <div className="content-column">
            <OfflineBanner connection={connection} />
            <div className="content-body" data-stale={connection.status === "down" ? "true" : undefined}>
            {route.screen === "pools" && <PoolListScreen />}
            {route.screen === "pool" && <PoolScreen key={route.poolId} poolId={route.poolId} tab={route.tab} section={route.section} />}
            {route.screen === "audit" && <AuditScreen />}
            {route.screen === "identity-pools" && (
              <Suspense fallback={<Spinner label="Loading identity pools…" />}>
                <IdentityPoolListScreen />
              </Suspense>
            )}
            {route.screen === "identity-pool" && (
              <Suspense fallback={<Spinner label="Loading the identity pool…" />}>
                <IdentityPoolScreen key={route.poolId} poolId={route.poolId} tab={route.tab} />
              </Suspense>
            )}
            {route.screen === "roles" && (
              <Suspense fallback={<Spinner label="Loading roles…" />}>
                <RolesScreen key={route.roleName ?? ""} roleName={route.roleName} />
              </Suspense>
            )}
            {route.screen === "exchange" && (
              <Suspense fallback={<Spinner label="Loading the exchange tester…" />}>
                <ExchangeScreen />
              </Suspense>
            )}
            {route.screen === "tokens" && (
              <Suspense fallback={<Spinner label="Loading the token inspector…" />}>
                <TokensScreen />
              </Suspense>
            )}
            {route.screen === "workspace" && (
              <Suspense fallback={<Spinner label="Loading workspace settings…" />}>
                <WorkspaceScreen section={route.section} />
              </Suspense>
            )}
            </div>
            </div>
          </main>
        </div>
      </ToastProvider>
    </QueryClientProvider>
  );
}
