import { useSyncExternalStore } from "react";
import { isWorkspaceSection, type WorkspaceSection } from "./workspace";

export const POOL_TABS = ["overview", "users", "groups", "clients", "hooks", "messages"] as const;
export type PoolTab = (typeof POOL_TABS)[number];

/** The screens, addressed by the URL hash so Tauri and the browser behave the same. */
export type Route =
  | { screen: "pools" }
  | { screen: "pool"; poolId: string; tab: PoolTab }
  | { screen: "audit" }
  /** The token inspector. A token to open travels in memory (`openInInspector`), never here. */
  | { screen: "tokens" }
  /** `section` scrolls to one section of the screen (a link from elsewhere: "set a server"). */
  | { screen: "workspace"; section?: WorkspaceSection };

function isPoolTab(s: string | undefined): s is PoolTab {
  return s !== undefined && (POOL_TABS as readonly string[]).includes(s);
}

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((p) => p !== "")
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === "audit") return { screen: "audit" };
  if (parts[0] === "tokens") return { screen: "tokens" };
  if (parts[0] === "workspace") {
    return isWorkspaceSection(parts[1]) ? { screen: "workspace", section: parts[1] } : { screen: "workspace" };
  }
  if (parts[0] === "pools" && parts[1]) {
    return { screen: "pool", poolId: parts[1], tab: isPoolTab(parts[2]) ? parts[2] : "users" };
  }
  return { screen: "pools" };
}

export function routeHref(route: Route): string {
  switch (route.screen) {
    case "pools":
      return "#/pools";
    case "audit":
      return "#/audit";
    case "tokens":
      return "#/tokens";
    case "workspace":
      return route.section ? `#/workspace/${route.section}` : "#/workspace";
    case "pool":
      return `#/pools/${encodeURIComponent(route.poolId)}/${route.tab}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

function snapshot(): string {
  return window.location.hash;
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => "");
  return parseRoute(hash);
}
