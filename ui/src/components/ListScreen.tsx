// A top-level list screen's scaffolding: the header (the title, how many are loaded, Refresh and
// Create), the listing's states (first-page failure, loading, empty, more pages) around its
// table, and the create dialog, opened from the header or from the empty state; and the table's
// rows, which open an item.
import { useState, type ReactNode } from "react";
import { navigate, routeHref, type Route } from "../lib/router";
import { PagedView, loadedCount, type Shown } from "./LoadState";
import { Button, EmptyState } from "./ui";

export function ListScreen({
  testId,
  title,
  one,
  list,
  refreshLabel,
  createLabel,
  createTestId,
  createDialog,
  errorTitle,
  loadingLabel,
  moreLabel,
  emptyTitle,
  emptyText,
  tableTestId,
  head,
  children,
}: {
  testId: string;
  title: string;
  /** What one item is ("pool"), for the count under the title. */
  one: string;
  list: Shown;
  /** The Refresh button's accessible name. */
  refreshLabel: string;
  createLabel: string;
  createTestId: string;
  /** The create dialog; `close` closes it (on cancel, and before going to what was created). */
  createDialog: (close: () => void) => ReactNode;
  errorTitle: string;
  loadingLabel: string;
  moreLabel: string;
  /** The empty list's heading and what it says the items are for; it offers Create. */
  emptyTitle: string;
  emptyText: ReactNode;
  tableTestId: string;
  /** The table's column headings (`<th>`s). */
  head: ReactNode;
  /** The loaded items' rows. */
  children: ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  const createButton = (
    <Button variant="primary" onClick={() => setCreating(true)} data-testid={createTestId}>
      {createLabel}
    </Button>
  );

  return (
    <div className="screen" data-testid={testId}>
      <header className="screen-header">
        <div>
          <h1>{title}</h1>
          {list.loaded && <div className="screen-subtitle">{loadedCount(list, one)}</div>}
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={list.reload} disabled={list.loading} aria-label={refreshLabel}>
            Refresh
          </Button>
          {list.items.length > 0 && createButton}
        </div>
      </header>

      <PagedView
        list={list}
        errorTitle={errorTitle}
        loadingLabel={loadingLabel}
        moreLabel={moreLabel}
        empty={
          <EmptyState title={emptyTitle} action={createButton}>
            {emptyText}
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="table" data-testid={tableTestId}>
            <thead>
              <tr>{head}</tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      </PagedView>
      {creating && createDialog(() => setCreating(false))}
    </div>
  );
}

/**
 * A row that opens `to` when clicked anywhere; its first cell is a real link (`name`), for the
 * keyboard and for opening in a new tab.
 */
export function LinkRow({ to, name, children }: { to: Route; name: ReactNode; children: ReactNode }) {
  return (
    <tr
      className="clickable"
      onClick={(e) => {
        if ((e.target as HTMLElement).closest("a")) return;
        navigate(to);
      }}
    >
      <td>
        <a href={routeHref(to)} className="strong-link">
          {name}
        </a>
      </td>
      {children}
    </tr>
  );
}
