// One item's screen scaffolding: the breadcrumbs back to its list, the header (its name, its id
// with a copy button, a few facts), the tabs (arrow keys move between them) and the tab panel,
// which says when the item is loading, missing or unreadable before the tab shows it.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { navigate, routeHref, type Route } from "../lib/router";
import type { ApiError } from "../platform";
import { QueryStatus } from "./LoadState";
import { CopyButton } from "./ui";

export function DetailScreen<Tab extends string>({
  testId,
  parent,
  name,
  id,
  titleTestId,
  fallbackTitle,
  facts,
  tabs,
  tab,
  tabLabels,
  tabsLabel,
  tabTestId,
  routeOf,
  query,
  errorTitle,
  loadingLabel,
  children,
}: {
  testId: string;
  /** The list it belongs to, for the breadcrumbs. */
  parent: { label: string; route: Route };
  /** Its name, once loaded. */
  name: string | undefined;
  id: string;
  titleTestId: string;
  /** The title when it could not be loaded ("Pool"). */
  fallbackTitle: string;
  /** Facts after the id (`· 12 users`). */
  facts?: ReactNode;
  tabs: readonly Tab[];
  tab: Tab;
  tabLabels: Record<Tab, string>;
  /** The tab list's accessible name. */
  tabsLabel: string;
  tabTestId: (t: Tab) => string;
  /** Where each tab is. */
  routeOf: (t: Tab) => Route;
  query: Pick<UseQueryResult<unknown>, "data" | "error" | "isFetching" | "refetch">;
  errorTitle: (error: ApiError) => string;
  loadingLabel: string;
  /** The tab's content, shown once the item is loaded. */
  children: ReactNode;
}) {
  return (
    <div className="screen screen-pool" data-testid={testId}>
      <div className="breadcrumbs">
        <a href={routeHref(parent.route)}>{parent.label}</a>
        <span aria-hidden="true"> / </span>
        <span>{name ?? id}</span>
      </div>
      <header className="screen-header">
        <div>
          <h1 data-testid={titleTestId}>{name ?? (query.error ? fallbackTitle : "…")}</h1>
          <div className="screen-subtitle">
            <span className="mono">{id}</span> <CopyButton text={id} label="Copy ID" />
            {facts}
          </div>
        </div>
      </header>
      <div
        role="tablist"
        aria-label={tabsLabel}
        className="tabs"
        onKeyDown={(e) => {
          const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
          if (step === 0) return;
          e.preventDefault();
          const n = tabs.length;
          const next = tabs[(tabs.indexOf(tab) + step + n) % n] ?? tab;
          navigate(routeOf(next));
          requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="${tabTestId(next)}"]`)?.focus());
        }}
      >
        {tabs.map((t) => (
          <a
            key={t}
            role="tab"
            aria-selected={t === tab}
            tabIndex={t === tab ? 0 : -1}
            className={`tab${t === tab ? " active" : ""}`}
            href={routeHref(routeOf(t))}
            data-testid={tabTestId(t)}
          >
            {tabLabels[t]}
          </a>
        ))}
      </div>
      <div role="tabpanel" className="tabpanel" aria-label={tabLabels[tab]}>
        <QueryStatus query={query} errorTitle={errorTitle} loadingLabel={loadingLabel} />
        {children}
      </div>
    </div>
  );
}
