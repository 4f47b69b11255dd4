import { useCallback, useEffect, useState } from "react";
import type { SearchUsersRequest, UserSortKey, UserStatus, UserSummary } from "../../api/types";
import { mfaEnabledParam, type MfaFilter } from "../../lib/mfa";
import { call, toApiError, type ApiError } from "../../platform";

export const PAGE_SIZE = 100;

export type SearchParams = Omit<SearchUsersRequest, "NextToken" | "Limit">;

export type EnabledFilter = "any" | "enabled" | "disabled";

/** The users table's search box and filters, as the toolbar holds them. */
export type UserFilters = {
  /** Trimmed and debounced. */
  query: string;
  status: UserStatus | "";
  enabled: EnabledFilter;
  group: string;
  mfa: MfaFilter;
};

export const NO_FILTERS: UserFilters = { query: "", status: "", enabled: "any", group: "", mfa: "any" };

/** The SearchUsers request for the toolbar's state; a filter set to "any" is left out. */
export function searchParamsOf(
  poolId: string,
  f: UserFilters,
  sort: { by: UserSortKey; descending: boolean },
): SearchParams {
  return {
    UserPoolId: poolId,
    Query: f.query || undefined,
    Status: f.status ? [f.status] : undefined,
    Enabled: f.enabled === "any" ? undefined : f.enabled === "enabled",
    GroupName: f.group || undefined,
    MfaEnabled: mfaEnabledParam(f.mfa),
    SortBy: sort.by,
    SortDescending: sort.descending,
  };
}

/** Whether any filter narrows the search (the empty state then offers to clear them). */
export function isFiltered(f: UserFilters): boolean {
  return (Object.keys(NO_FILTERS) as Array<keyof UserFilters>).some((k) => f[k] !== NO_FILTERS[k]);
}

type State = {
  key: string;
  users: UserSummary[];
  total: number;
  next: string | undefined;
  loadingMore: boolean;
  error: ApiError | undefined;
};

export type UserSearch = {
  /** Rows loaded so far for the current search (the previous search's while a new one loads). */
  users: UserSummary[];
  total: number | undefined;
  hasMore: boolean;
  /** The first page of the current search is in flight. */
  searching: boolean;
  loadingMore: boolean;
  error: ApiError | undefined;
  /** A token that changes whenever a new search (not a next page) starts. */
  searchKey: string;
  loadMore: () => void;
  reload: () => void;
  patchUser: (username: string, patch: Partial<UserSummary>) => void;
  removeUser: (username: string) => void;
};

/**
 * Server-side search over a pool's users with keyset paging: a new search whenever the
 * parameters change, then one page of PAGE_SIZE per `loadMore`. Answers for a superseded search
 * are dropped.
 */
export function useUserSearch(params: SearchParams): UserSearch {
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<State | null>(null);
  const paramsKey = JSON.stringify(params);
  const key = `${paramsKey}#${nonce}`;

  useEffect(() => {
    let live = true;
    const input = JSON.parse(paramsKey) as SearchParams;
    call("SearchUsers", { ...input, Limit: PAGE_SIZE }).then(
      (r) => {
        if (live) {
          setState({ key, users: r.Users, total: r.TotalCount, next: r.NextToken, loadingMore: false, error: undefined });
        }
      },
      (e: unknown) => {
        if (live) {
          setState({ key, users: [], total: 0, next: undefined, loadingMore: false, error: toApiError(e) });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [key, paramsKey]);

  const current = state !== null && state.key === key;

  const loadMore = useCallback(() => {
    if (!state || state.key !== key || !state.next || state.loadingMore || state.error) return;
    const token = state.next;
    setState({ ...state, loadingMore: true });
    const input = JSON.parse(paramsKey) as SearchParams;
    call("SearchUsers", { ...input, Limit: PAGE_SIZE, NextToken: token }).then(
      (r) =>
        setState((s) =>
          s && s.key === key
            ? { ...s, users: [...s.users, ...r.Users], total: r.TotalCount, next: r.NextToken, loadingMore: false }
            : s,
        ),
      (e: unknown) =>
        setState((s) => (s && s.key === key ? { ...s, loadingMore: false, error: toApiError(e) } : s)),
    );
  }, [state, key, paramsKey]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);

  const patchUser = useCallback((username: string, patch: Partial<UserSummary>) => {
    setState((s) =>
      s ? { ...s, users: s.users.map((u) => (u.Username === username ? { ...u, ...patch } : u)) } : s,
    );
  }, []);

  const removeUser = useCallback((username: string) => {
    setState((s) => {
      if (!s) return s;
      const users = s.users.filter((u) => u.Username !== username);
      return { ...s, users, total: Math.max(0, s.total - (s.users.length - users.length)) };
    });
  }, []);

  return {
    users: state?.users ?? [],
    total: state?.total,
    hasMore: current && state.next !== undefined,
    searching: !current,
    loadingMore: current && state.loadingMore,
    error: current ? state.error : undefined,
    searchKey: paramsKey,
    loadMore,
    reload,
    patchUser,
    removeUser,
  };
}
