// What a screen shows while its data loads, when loading failed, and when there is none.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { plural } from "../lib/format";
import type { PagedList } from "../lib/usePagedList";
import type { ApiError } from "../platform";
import { Button, ErrorBanner, Spinner } from "./ui";

/**
 * A query's failure (with Retry) and a spinner until its first answer; the caller shows the
 * data once there is some.
 */
export function QueryStatus({
  query,
  errorTitle,
  loadingLabel,
}: {
  query: Pick<UseQueryResult<unknown>, "data" | "error" | "isFetching" | "refetch">;
  errorTitle: string | ((error: ApiError) => string);
  loadingLabel: string;
}) {
  const { error } = query;
  return (
    <>
      {error && (
        <ErrorBanner
          error={error}
          onRetry={() => void query.refetch()}
          title={typeof errorTitle === "string" ? errorTitle : errorTitle(error)}
        />
      )}
      {query.data === undefined && query.isFetching && <Spinner label={loadingLabel} />}
    </>
  );
}

/** What these views read of a list, whatever its rows. */
export type Shown = Omit<PagedList<unknown>, "update">;

/** "12 groups", or "60 groups loaded" while more pages wait. */
export function loadedCount(list: Shown, one: string, many?: string): string {
  return `${plural(list.items.length, one, many)}${list.hasMore ? " loaded" : ""}`;
}

/**
 * The bar above a paged listing: how many rows are loaded, `note`, then Refresh (the first
 * page again, unless `onRefresh` says otherwise) and the listing's own buttons.
 */
export function ListToolbar({
  list,
  one,
  note,
  onRefresh,
  children,
}: {
  list: Shown;
  /** What one row is ("group"); the plural adds an s. */
  one: string;
  note?: ReactNode;
  onRefresh?: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="toolbar">
      <span className="result-count">{list.loaded ? loadedCount(list, one) : ""}</span>
      {note}
      <div className="toolbar-spacer" />
      <Button variant="ghost" onClick={onRefresh ?? list.reload}>
        Refresh
      </Button>
      {children}
    </div>
  );
}

/**
 * A paged listing's states around its table: the first page's failure (with Retry), a spinner
 * until it answers, `empty` when it has no rows, the rows (`children`), then a failed next
 * page and the button that loads the next one.
 */
export function PagedView({
  list,
  errorTitle,
  loadingLabel,
  empty,
  moreLabel,
  moreTestId,
  children,
}: {
  list: Shown;
  errorTitle?: string;
  loadingLabel: string;
  empty: ReactNode;
  moreLabel: string;
  moreTestId?: string;
  /** The rows; rendered only when there are some. */
  children: ReactNode;
}) {
  return (
    <>
      {list.error && <ErrorBanner error={list.error} onRetry={list.reload} title={errorTitle} />}
      {list.loading && !list.loaded && <Spinner label={loadingLabel} />}
      {list.loaded && list.items.length === 0 && empty}
      {list.items.length > 0 && children}
      {list.moreError && <ErrorBanner error={list.moreError} onRetry={list.loadMore} />}
      {list.hasMore && (
        <div className="load-more">
          <Button onClick={list.loadMore} busy={list.loadingMore} data-testid={moreTestId}>
            {moreLabel}
          </Button>
        </div>
      )}
    </>
  );
}
