import {
  keepPreviousData,
  useInfiniteQuery,
  useQueryClient,
  type InfiniteData,
  type QueryKey,
} from "@tanstack/react-query";
import { useCallback } from "react";
import type { ApiError } from "../platform";

/** One page of a keyset-paged listing, as every List and Search operation answers it. */
export type Page<T> = {
  items: T[];
  /** The token of the next page; undefined on the last one. */
  next: string | undefined;
  /** The number of matches, for listings that count them (SearchUsers). */
  total?: number | undefined;
};

type Pages<T> = InfiniteData<Page<T>, string | undefined>;

export type PagedList<T> = {
  /** Every row loaded so far, in order (the previous key's rows while `keepPrevious` loads). */
  items: T[];
  /** The first page has answered, so an empty `items` means an empty list. */
  loaded: boolean;
  /** The first page, or a reload of it, is in flight. */
  loading: boolean;
  /**
   * The first page (or its reload) failed. Not set when the endpoint could not be reached and
   * rows are loaded: those rows stay, marked `stale` (the app says the server is not
   * answering), rather than being read as an empty list.
   */
  error: ApiError | undefined;
  /** The rows shown are from before the endpoint stopped answering (a reload could not reach it). */
  stale: boolean;
  /** The `total` of the last page loaded. */
  total: number | undefined;
  /** There is a next page, and it belongs to the current key. */
  hasMore: boolean;
  loadingMore: boolean;
  /** The last next page failed (shown until it is asked for again). */
  moreError: ApiError | undefined;
  /** Fetches the next page; does nothing while one is in flight or when there is none. */
  loadMore: () => void;
  /** Loads the first page again and drops the others. */
  reload: () => void;
  /** Rewrites every loaded page in place (after a change the core has confirmed). */
  update: (fn: (page: Page<T>) => Page<T>) => void;
};

/**
 * A listing read page by page: the first page whenever `key` changes, then one more per
 * `loadMore`. Answers for a key that is no longer current are dropped. With `keepPrevious`,
 * the rows of the previous key stay on screen until the new key's first page answers (a
 * search being refined); otherwise a new key starts empty.
 */
export function usePagedList<T>(
  key: QueryKey,
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  { keepPrevious = false }: { keepPrevious?: boolean } = {},
): PagedList<T> {
  const client = useQueryClient();
  const queryKey = ["paged", ...key];
  const q = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
  const { fetchNextPage, refetch } = q;

  const loadMore = useCallback(() => {
    // Never cancels a page in flight: a second call while one loads gets that one.
    void fetchNextPage({ cancelRefetch: false });
  }, [fetchNextPage]);

  const reload = () => {
    client.setQueryData<Pages<T>>(queryKey, (d) =>
      d ? { pages: d.pages.slice(0, 1), pageParams: d.pageParams.slice(0, 1) } : d,
    );
    void refetch();
  };

  const update = (fn: (page: Page<T>) => Page<T>) =>
    client.setQueryData<Pages<T>>(queryKey, (d) => (d ? { ...d, pages: d.pages.map(fn) } : d));

  const pages = q.data?.pages ?? [];
  const nextFailed = q.isFetchNextPageError && !q.isFetchingNextPage;
  // A reload that could not reach the endpoint leaves the rows as they were: they are stale,
  // not gone, and the list is not empty because nobody answered.
  const stale = q.isError && q.data !== undefined && q.error.code === "NetworkError";
  return {
    items: pages.flatMap((p) => p.items),
    loaded: q.data !== undefined,
    loading: q.isFetching && !q.isFetchingNextPage,
    error: q.isError && !q.isFetchNextPageError && !stale ? q.error : undefined,
    stale,
    total: pages[pages.length - 1]?.total,
    hasMore: q.hasNextPage && !q.isPlaceholderData,
    loadingMore: q.isFetchingNextPage,
    moreError: nextFailed ? q.error : undefined,
    loadMore,
    reload,
    update,
  };
}
