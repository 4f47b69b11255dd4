import { useState } from "react";
import type { SearchUsersRequest, UserSortKey, UserStatus, UserSummary } from "../../api/types";
import { mfaEnabledParam, type MfaFilter } from "../../lib/mfa";
import { usePagedList } from "../../lib/usePagedList";
import { call, type ApiError } from "../../platform";

export const PAGE_SIZE = 100;

export type SearchParams = Omit<SearchUsersRequest, "NextToken" | "Limit">;

export type EnabledFilter = "any" | "enabled" | "disabled";

/**
 * How users sign in: with the pool's own sign-in (Cognito), through any identity provider, or
 * through one (`provider:<ProviderName>`). A user linked to a provider signs in both ways, so
 * it is found under Cognito and under that provider.
 */
export type SignInFilter = "any" | "cognito" | "provider" | `provider:${string}`;

/** The sign-in filter for one provider of the pool. */
export function providerFilter(name: string): SignInFilter {
  return `provider:${name}`;
}

/** SearchUsers' IdentityProvider for a sign-in filter: COGNITO, "*" (any provider) or a name. */
export function identityProviderOf(signIn: SignInFilter): string | undefined {
  if (signIn === "any") return undefined;
  if (signIn === "cognito") return "COGNITO";
  if (signIn === "provider") return "*";
  return signIn.slice("provider:".length);
}

/** Locked out after failed sign-ins, or not. */
export type LockedFilter = "any" | "locked" | "unlocked";

/** How the query text matched: at the start of a field, or (when that found nobody) inside one. */
export type MatchKind = "Prefix" | "Contains";

/** The users table's search box and filters, as the toolbar holds them. */
export type UserFilters = {
  /** Trimmed and debounced. */
  query: string;
  status: UserStatus | "";
  enabled: EnabledFilter;
  group: string;
  mfa: MfaFilter;
  locked: LockedFilter;
  signIn: SignInFilter;
};

export const NO_FILTERS: UserFilters = { query: "", status: "", enabled: "any", group: "", mfa: "any", locked: "any", signIn: "any" };

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
    IdentityProvider: identityProviderOf(f.signIn),
    Enabled: f.enabled === "any" ? undefined : f.enabled === "enabled",
    GroupName: f.group || undefined,
    MfaEnabled: mfaEnabledParam(f.mfa),
    Locked: f.locked === "any" ? undefined : f.locked === "locked",
    SortBy: sort.by,
    SortDescending: sort.descending,
  };
}

/** Whether any filter narrows the search (the empty state then offers to clear them). */
export function isFiltered(f: UserFilters): boolean {
  return (Object.keys(NO_FILTERS) as Array<keyof UserFilters>).some((k) => f[k] !== NO_FILTERS[k]);
}

export type UserSearch = {
  /** Rows loaded so far for the current search (the previous search's while a new one loads). */
  users: UserSummary[];
  total: number | undefined;
  /** How the current search's text matched (absent without text, or while it loads). */
  matchKind: MatchKind | undefined;
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
 * are dropped. The table asks for pages by itself as it scrolls, so after a failed page it
 * asks no more until the search is run again (Retry).
 */
export function useUserSearch(params: SearchParams): UserSearch {
  const searchKey = JSON.stringify(params);
  // The match kind of the first page, for the search it answered.
  const [match, setMatch] = useState<{ key: string; kind: MatchKind | undefined }>();
  const list = usePagedList(
    ["users", params],
    async (token) => {
      const r = await call("SearchUsers", { ...params, Limit: PAGE_SIZE, NextToken: token });
      if (token === undefined) setMatch({ key: JSON.stringify(params), kind: r.MatchKind });
      return { items: r.Users, next: r.NextToken, total: r.TotalCount };
    },
    { keepPrevious: true },
  );
  const error = list.error ?? list.moreError;

  const removeUser = (username: string) => {
    const removed = list.items.filter((u) => u.Username === username).length;
    list.update((p) => ({
      ...p,
      items: p.items.filter((u) => u.Username !== username),
      total: p.total === undefined ? undefined : Math.max(0, p.total - removed),
    }));
  };

  return {
    users: list.error ? [] : list.items,
    // After a failed search the count is unknown, not zero.
    total: list.error ? undefined : list.total,
    matchKind: match?.key === searchKey && !list.loading ? match.kind : undefined,
    hasMore: list.hasMore,
    searching: list.loading,
    loadingMore: list.loadingMore,
    error,
    searchKey,
    loadMore: () => {
      if (!error) list.loadMore();
    },
    reload: list.reload,
    patchUser: (username, patch) =>
      list.update((p) => ({ ...p, items: p.items.map((u) => (u.Username === username ? { ...u, ...patch } : u)) })),
    removeUser,
  };
}
