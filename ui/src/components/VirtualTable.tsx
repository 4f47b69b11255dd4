import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type ReactNode } from "react";
import "../styles/users.css";

/** Rows rendered beyond each edge of the view, so fast scrolling shows no blank space. */
const OVERSCAN = 8;
/** The next page is asked for once the rendered rows come this close to the loaded end. */
const PREFETCH_ROWS = 40;

export type Column<T> = {
  id: string;
  header: string;
  /** CSS grid track, e.g. "minmax(160px, 1fr)" or "120px". */
  width: string;
  cell: (row: T) => ReactNode;
  /** Sort key when the header is clickable. */
  sortKey?: string;
  className?: string;
  /** Hidden while the table is narrower than this many pixels (least needed columns first). */
  hideBelow?: number;
};

export type Sort = { by: string; descending: boolean };

/**
 * A table of fixed-height rows that renders only the rows in view, so it stays smooth with
 * any number of loaded rows. Pages are fetched through `onNeedMore` as the view nears the end.
 * Arrow keys move the active row, Enter opens it.
 */
export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  rowHeight = 34,
  totalCount,
  hasMore,
  loadingMore,
  onNeedMore,
  onOpen,
  selectedKey,
  sort,
  onSort,
  resetKey,
  label,
  empty,
  dimmed = false,
  testId,
  rowTestId,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowHeight?: number;
  totalCount?: number;
  hasMore: boolean;
  loadingMore: boolean;
  onNeedMore: () => void;
  onOpen: (row: T) => void;
  selectedKey?: string | undefined;
  sort?: Sort;
  onSort?: (sortKey: string) => void;
  /** Changing it scrolls back to the top (a new search). */
  resetKey?: string;
  label: string;
  empty?: ReactNode;
  dimmed?: boolean;
  testId?: string;
  rowTestId?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(-1);
  // The table's own width decides which columns fit (a drawer beside it takes room too).
  const [width, setWidth] = useState<number>();
  useEffect(() => {
    const el = tableRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined) setWidth(Math.round(w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const shown = columns.filter((c) => c.hideBelow === undefined || width === undefined || width >= c.hideBelow);
  // A row after the loaded ones stands for the next page while there is one.
  const count = rows.length + (hasMore ? 1 : 0);
  // eslint-disable-next-line react-hooks/incompatible-library -- the build does not run React Compiler, and the virtualizer is read only within this render
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const lastRendered = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = 0;
  }, [resetKey]);

  useEffect(() => {
    if (hasMore && !loadingMore && lastRendered >= rows.length - PREFETCH_ROWS) onNeedMore();
  }, [lastRendered, rows.length, hasMore, loadingMore, onNeedMore]);

  const grid = shown.map((c) => c.width).join(" ");
  const activeIndex = Math.min(active, rows.length - 1);

  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    setActive(next);
    virtualizer.scrollToIndex(next);
  };

  const visible: ReactNode[] = [];
  for (const { index: i } of items) {
    const row = rows[i];
    if (row === undefined) {
      visible.push(
        <div key="__more" role="row" className="vrow vrow-loading" style={{ height: rowHeight }}>
          <div role="cell" className="vcell muted">
            Loading more…
          </div>
        </div>,
      );
      continue;
    }
    const key = rowKey(row);
    const classes = ["vrow"];
    if (key === selectedKey) classes.push("selected");
    if (i === activeIndex) classes.push("active");
    visible.push(
      <div
        key={key}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={key === selectedKey}
        data-active={i === activeIndex || undefined}
        className={classes.join(" ")}
        style={{ height: rowHeight, gridTemplateColumns: grid }}
        onClick={() => {
          setActive(i);
          onOpen(row);
        }}
        data-testid={rowTestId}
        data-key={key}
      >
        {shown.map((c) => (
          <div key={c.id} role="cell" className={`vcell${c.className ? ` ${c.className}` : ""}`}>
            {c.cell(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      ref={tableRef}
      className={`vtable${dimmed ? " dimmed" : ""}`}
      role="table"
      aria-label={label}
      aria-rowcount={totalCount === undefined ? -1 : totalCount + 1}
      data-testid={testId}
    >
      <div role="rowgroup" className="vhead">
        <div role="row" className="vrow vrow-head" style={{ gridTemplateColumns: grid }} aria-rowindex={1}>
          {shown.map((c) => {
            const sorted = sort && c.sortKey && sort.by === c.sortKey;
            return (
              <div
                key={c.id}
                role="columnheader"
                className={`vcell${c.className ? ` ${c.className}` : ""}`}
                aria-sort={sorted ? (sort.descending ? "descending" : "ascending") : undefined}
              >
                {c.sortKey && onSort ? (
                  <button type="button" className="sort-btn" onClick={() => onSort(c.sortKey as string)}>
                    {c.header}
                    <span className="sort-arrow" aria-hidden="true">
                      {sorted ? (sort.descending ? "▼" : "▲") : ""}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="rowgroup"
        className="vbody"
        tabIndex={0}
        aria-label={`${label} rows`}
        data-testid={testId ? `${testId}-body` : undefined}
        onFocus={(e) => {
          // Arriving by keyboard (Tab, or ArrowDown from a search box) marks the first row.
          if (e.target === e.currentTarget && activeIndex < 0 && rows.length > 0) setActive(0);
        }}
        onKeyDown={(e) => {
          if (rows.length === 0) return;
          const page = Math.max(1, Math.floor(e.currentTarget.clientHeight / rowHeight) - 1);
          const handled: Record<string, () => void> = {
            ArrowDown: () => moveTo(activeIndex + 1),
            ArrowUp: () => moveTo(activeIndex - 1),
            PageDown: () => moveTo(activeIndex + page),
            PageUp: () => moveTo(activeIndex - page),
            Home: () => moveTo(0),
            End: () => moveTo(rows.length - 1),
            Enter: () => {
              const row = rows[activeIndex];
              if (row !== undefined) onOpen(row);
            },
          };
          const action = handled[e.key];
          if (action) {
            e.preventDefault();
            action();
          }
        }}
      >
        {rows.length === 0 && !hasMore ? (
          empty
        ) : (
          <div className="vspacer" style={{ height: virtualizer.getTotalSize() }}>
            <div className="vwindow" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
              {visible}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
