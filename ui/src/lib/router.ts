import { useEffect, useSyncExternalStore } from "react";
import { isWorkspaceSection, type WorkspaceSection } from "./workspace";

export const POOL_TABS = ["overview", "users", "groups", "clients", "sign-in", "hooks", "messages"] as const;
export type PoolTab = (typeof POOL_TABS)[number];

/**
 * The sections of a pool's "Sign-in experience" tab, as Cognito's console groups them: the
 * domain with OAuth's resource servers, the identity providers, managed login branding and
 * the classic hosted UI's branding. Each was a tab of its own once; its old address
 * (`#/pools/<id>/oauth`) still opens it.
 */
export const SIGN_IN_SECTIONS = ["oauth", "idps", "managed-login", "branding"] as const;
export type SignInSection = (typeof SIGN_IN_SECTIONS)[number];

export const IDENTITY_POOL_TABS = ["overview", "providers", "roles", "identities", "principal-tags", "tags"] as const;
export type IdentityPoolTab = (typeof IDENTITY_POOL_TABS)[number];

/** The screens, addressed by the URL hash so Tauri and the browser behave the same. */
export type Route =
  | { screen: "pools" }
  /** `section` is the Sign-in experience tab's section (its first when absent). */
  | { screen: "pool"; poolId: string; tab: PoolTab; section?: SignInSection }
  | { screen: "identity-pools" }
  | { screen: "identity-pool"; poolId: string; tab: IdentityPoolTab }
  | { screen: "audit" }
  /** The workspace's IAM-style roles; `roleName` opens one. */
  | { screen: "roles"; roleName?: string }
  /** The credential-exchange tester. */
  | { screen: "exchange" }
  /** The token inspector. A token to open travels in memory (`openInInspector`), never here. */
  | { screen: "tokens" }
  /** `section` scrolls to one section of the screen (a link from elsewhere: "set a server"). */
  | { screen: "workspace"; section?: WorkspaceSection };

function isPoolTab(s: string | undefined): s is PoolTab {
  return s !== undefined && (POOL_TABS as readonly string[]).includes(s);
}

function isSignInSection(s: string | undefined): s is SignInSection {
  return s !== undefined && (SIGN_IN_SECTIONS as readonly string[]).includes(s);
}

function isIdentityPoolTab(s: string | undefined): s is IdentityPoolTab {
  return s !== undefined && (IDENTITY_POOL_TABS as readonly string[]).includes(s);
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
  if (parts[0] === "roles") return parts[1] ? { screen: "roles", roleName: parts[1] } : { screen: "roles" };
  if (parts[0] === "exchange") return { screen: "exchange" };
  if (parts[0] === "workspace") {
    return isWorkspaceSection(parts[1]) ? { screen: "workspace", section: parts[1] } : { screen: "workspace" };
  }
  if (parts[0] === "identity-pools") {
    if (!parts[1]) return { screen: "identity-pools" };
    return { screen: "identity-pool", poolId: parts[1], tab: isIdentityPoolTab(parts[2]) ? parts[2] : "overview" };
  }
  if (parts[0] === "pools" && parts[1]) {
    const poolId = parts[1];
    // The sections that were tabs of their own keep their old addresses.
    if (isSignInSection(parts[2])) return { screen: "pool", poolId, tab: "sign-in", section: parts[2] };
    if (parts[2] === "sign-in") {
      return { screen: "pool", poolId, tab: "sign-in", section: isSignInSection(parts[3]) ? parts[3] : SIGN_IN_SECTIONS[0] };
    }
    return { screen: "pool", poolId, tab: isPoolTab(parts[2]) ? parts[2] : "users" };
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
    case "roles":
      return route.roleName !== undefined ? `#/roles/${encodeURIComponent(route.roleName)}` : "#/roles";
    case "exchange":
      return "#/exchange";
    case "workspace":
      return route.section ? `#/workspace/${route.section}` : "#/workspace";
    case "pool":
      return route.tab === "sign-in"
        ? `#/pools/${encodeURIComponent(route.poolId)}/sign-in/${route.section ?? SIGN_IN_SECTIONS[0]}`
        : `#/pools/${encodeURIComponent(route.poolId)}/${route.tab}`;
    case "identity-pools":
      return "#/identity-pools";
    case "identity-pool":
      return `#/identity-pools/${encodeURIComponent(route.poolId)}/${route.tab}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

/**
 * A screen's say over leaving it (unsaved edits): called with the way to go on, it answers
 * true to hold the navigation (and calls `proceed` later, if the person chooses to leave).
 */
export type NavigationGuard = (proceed: () => void) => boolean;

const guards = new Set<NavigationGuard>();
const listeners = new Set<() => void>();
/** The hash the screens show; behind the address bar while a guard holds a navigation. */
let committed = typeof window === "undefined" ? "" : window.location.hash;
/** The next hash change was allowed by a guard's `proceed`. */
let bypass = false;

/** Registers a guard until the returned function is called. */
export function addNavigationGuard(guard: NavigationGuard): () => void {
  guards.add(guard);
  return () => {
    guards.delete(guard);
  };
}

function onHashChange(): void {
  const next = window.location.hash;
  if (!bypass && next !== committed) {
    for (const guard of guards) {
      const held = guard(() => {
        bypass = true;
        window.location.hash = next;
      });
      if (held) {
        // Put the address back without a hashchange; the screen never left.
        window.history.replaceState(window.history.state, "", committed || window.location.pathname + window.location.search);
        return;
      }
    }
  }
  bypass = false;
  committed = next;
  for (const l of listeners) l();
}

function subscribe(onChange: () => void): () => void {
  if (listeners.size === 0) {
    committed = window.location.hash;
    window.addEventListener("hashchange", onHashChange);
  }
  listeners.add(onChange);
  return () => {
    listeners.delete(onChange);
    if (listeners.size === 0) window.removeEventListener("hashchange", onHashChange);
  };
}

function snapshot(): string {
  // Without a guard the address bar is the truth (a change not yet announced is taken at once).
  if (guards.size === 0) committed = window.location.hash;
  return committed;
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => "");
  const route = parseRoute(hash);
  const canonical = routeHref(route);
  // An old address (`#/pools/<id>/idps`) is redirected to where it lives now, replacing it in
  // the history so Back does not return to it.
  const moved = route.screen === "pool" && route.tab === "sign-in" && hash !== canonical;
  useEffect(() => {
    if (moved) {
      window.history.replaceState(window.history.state, "", canonical);
      committed = canonical;
    }
  }, [moved, canonical]);
  return route;
}
