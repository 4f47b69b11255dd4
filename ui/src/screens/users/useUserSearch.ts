import { useCallback, useEffect, useState } from "react";
import type { SearchUsersRequest, UserSummary } from "../../api/types";
import { call, toApiError, type ApiError } from "../../platform";

export const PAGE_SIZE = 100;

export type SearchParams = Omit<SearchUsersRequest, "NextToken" | "Limit">;

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
