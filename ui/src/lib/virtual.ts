/** The rows a fixed-row-height list must render for one scroll position. */
export type RowWindow = {
  /** First row to render (inclusive). */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Pixels above `start` (the offset of the first rendered row). */
  offsetTop: number;
  /** Height of all rows together. */
  totalHeight: number;
};

/**
 * Which rows of `count` rows of `rowHeight` pixels intersect a viewport of `viewportHeight`
 * pixels scrolled to `scrollTop`, widened by `overscan` rows on each side so fast scrolling
 * does not show blank space. Out-of-range scroll positions (elastic scrolling, a list that
 * just shrank) are clamped.
 */
export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): RowWindow {
  const totalHeight = count * rowHeight;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const lastVisible = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(lastVisible, first + 1) + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/**
 * Whether a paged list should fetch its next page: there is one, none is in flight, and the
 * rendered window reaches within `threshold` rows of the end of what is loaded.
 */
export function needsNextPage(
  windowEnd: number,
  loaded: number,
  hasMore: boolean,
  inFlight: boolean,
  threshold = 40,
): boolean {
  return hasMore && !inFlight && windowEnd >= loaded - threshold;
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}
