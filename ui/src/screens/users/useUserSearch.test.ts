import { act, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SearchUsersRequest, UserSummary } from "../../api/types";
import type * as Platform from "../../platform";
import { renderHookWithQueries } from "../../test/queries";
import type { SignInFilter } from "./useUserSearch";

type Answer = { Users: UserSummary[]; TotalCount: number; NextToken?: string };
const pending: Array<{ input: SearchUsersRequest; resolve: (a: Answer) => void }> = [];

vi.mock("../../platform", async (importOriginal) => ({
  ...(await importOriginal<typeof Platform>()),
  call: (_op: string, input: SearchUsersRequest) =>
    new Promise<Answer>((resolve) => {
      pending.push({ input, resolve });
    }),
}));

const { NO_FILTERS, isFiltered, providerFilter, searchParamsOf, useUserSearch } = await import("./useUserSearch");

function user(name: string): UserSummary {
  return { Username: name, Sub: name, UserStatus: "CONFIRMED", Enabled: true, Groups: [], MFA: [], FailedSignIns: 0, UserCreateDate: 0, UserLastModifiedDate: 0 };
}

beforeEach(() => {
  pending.length = 0;
});

describe("useUserSearch", () => {
  it("drops the answer of a search the user has already replaced", async () => {
    const { result, rerender } = renderHookWithQueries((p: { q: string }) => useUserSearch({ UserPoolId: "p", Query: p.q }), {
      initialProps: { q: "al" },
    });
    rerender({ q: "bo" });
    expect(pending.map((p) => p.input.Query)).toEqual(["al", "bo"]);
    // The newer search answers first, then the stale one.
    await act(async () => pending[1]?.resolve({ Users: [user("bob")], TotalCount: 1 }));
    await act(async () => pending[0]?.resolve({ Users: [user("alice")], TotalCount: 1 }));
    expect(result.current.users.map((u) => u.Username)).toEqual(["bob"]);
    expect(result.current.searching).toBe(false);
  });

  it("appends the next page with the keyset token and keeps the total", async () => {
    const { result } = renderHookWithQueries(() => useUserSearch({ UserPoolId: "p" }));
    await act(async () => pending[0]?.resolve({ Users: [user("a"), user("b")], TotalCount: 3, NextToken: "t1" }));
    expect(result.current.hasMore).toBe(true);
    act(() => result.current.loadMore());
    act(() => result.current.loadMore()); // a second call while the page is in flight does nothing
    expect(pending).toHaveLength(2);
    expect(pending[1]?.input).toMatchObject({ NextToken: "t1", Limit: 100 });
    await act(async () => pending[1]?.resolve({ Users: [user("c")], TotalCount: 3 }));
    await waitFor(() => expect(result.current.users.map((u) => u.Username)).toEqual(["a", "b", "c"]));
    expect(result.current.hasMore).toBe(false);
    expect(result.current.total).toBe(3);
  });

  it("patches and removes rows in place after a change in the drawer", async () => {
    const { result } = renderHookWithQueries(() => useUserSearch({ UserPoolId: "p" }));
    await act(async () => pending[0]?.resolve({ Users: [user("a"), user("b")], TotalCount: 2 }));
    act(() => result.current.patchUser("a", { Enabled: false }));
    expect(result.current.users[0]?.Enabled).toBe(false);
    act(() => result.current.removeUser("b"));
    expect(result.current.users.map((u) => u.Username)).toEqual(["a"]);
    expect(result.current.total).toBe(1);
  });
});

describe("searchParamsOf", () => {
  const sort = { by: "username" as const, descending: false };

  it("leaves every filter set to any out of the request", () => {
    expect(searchParamsOf("p", NO_FILTERS, sort)).toEqual({
      UserPoolId: "p",
      Query: undefined,
      Status: undefined,
      Enabled: undefined,
      GroupName: undefined,
      MfaEnabled: undefined,
      Locked: undefined,
      IdentityProvider: undefined,
      SortBy: "username",
      SortDescending: false,
    });
    expect(isFiltered(NO_FILTERS)).toBe(false);
  });

  it("asks for users with or without an MFA factor", () => {
    expect(searchParamsOf("p", { ...NO_FILTERS, mfa: "with" }, sort).MfaEnabled).toBe(true);
    expect(searchParamsOf("p", { ...NO_FILTERS, mfa: "without" }, sort).MfaEnabled).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, mfa: "without" })).toBe(true);
  });

  it("asks for locked-out users or the others", () => {
    expect(searchParamsOf("p", { ...NO_FILTERS, locked: "locked" }, sort).Locked).toBe(true);
    expect(searchParamsOf("p", { ...NO_FILTERS, locked: "unlocked" }, sort).Locked).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, locked: "locked" })).toBe(true);
  });

  it("asks for the pool's own users, any provider's, or one provider's by its name", () => {
    const via = (signIn: SignInFilter) => searchParamsOf("p", { ...NO_FILTERS, signIn }, sort).IdentityProvider;
    expect(via("cognito")).toBe("COGNITO");
    expect(via("provider")).toBe("*");
    expect(via(providerFilter("Okta"))).toBe("Okta");
    expect(via("any")).toBeUndefined();
    // The status filter is its own: a linked user of a provider has any status.
    expect(searchParamsOf("p", { ...NO_FILTERS, signIn: providerFilter("Okta"), status: "CONFIRMED" }, sort)).toMatchObject({
      Status: ["CONFIRMED"],
      IdentityProvider: "Okta",
    });
    expect(isFiltered({ ...NO_FILTERS, signIn: "cognito" })).toBe(true);
  });

  it("carries the other filters as SearchUsers names them", () => {
    expect(
      searchParamsOf(
        "p",
        { query: "al", status: "CONFIRMED", enabled: "disabled", group: "support", mfa: "any", locked: "any", signIn: "any" },
        { by: "created", descending: true },
      ),
    ).toMatchObject({ Query: "al", Status: ["CONFIRMED"], Enabled: false, GroupName: "support", SortBy: "created", SortDescending: true });
  });
});
