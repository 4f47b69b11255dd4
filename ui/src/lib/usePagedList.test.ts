import { act, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../platform/errors";
import { renderHookWithQueries } from "../test/queries";
import { usePagedList, type Page } from "./usePagedList";

/** Pages asked for and not yet answered, in order: the key and token of each. */
type Asked = { key: string; token: string | undefined; answer: (p: Page<string>) => void; fail: (e: ApiError) => void };
const asked: Asked[] = [];

function fetchPage(key: string) {
  return (token: string | undefined) =>
    new Promise<Page<string>>((answer, fail) => {
      asked.push({ key, token, answer, fail });
    });
}

/** A list of `key`, as a screen holds it; `keepPrevious` as usePagedList takes it. */
function renderList(key: string, keepPrevious = false) {
  return renderHookWithQueries((p: { k: string }) => usePagedList(["test", p.k], fetchPage(p.k), { keepPrevious }), {
    initialProps: { k: key },
  });
}

beforeEach(() => {
  asked.length = 0;
});

describe("usePagedList", () => {
  it("loads the first page, then appends the next one with its token, one request at a time", async () => {
    const { result } = renderList("a");
    expect(result.current.loading).toBe(true);
    expect(result.current.loaded).toBe(false);
    await act(async () => asked[0]?.answer({ items: ["1", "2"], next: "t1" }));
    expect(result.current.items).toEqual(["1", "2"]);
    expect(result.current.hasMore).toBe(true);

    act(() => result.current.loadMore());
    act(() => result.current.loadMore()); // a second call while the page is in flight asks nothing
    expect(asked.map((a) => a.token)).toEqual([undefined, "t1"]);
    expect(result.current.loadingMore).toBe(true);
    expect(result.current.loading).toBe(false); // the first page is not being reloaded

    await act(async () => asked[1]?.answer({ items: ["3"], next: undefined }));
    expect(result.current.items).toEqual(["1", "2", "3"]);
    expect(result.current.hasMore).toBe(false);
  });

  it("drops the answer for a key that is no longer current", async () => {
    const { result, rerender } = renderList("a");
    rerender({ k: "b" });
    await act(async () => asked[1]?.answer({ items: ["b1"], next: undefined }));
    await act(async () => asked[0]?.answer({ items: ["a1"], next: undefined }));
    expect(result.current.items).toEqual(["b1"]);
  });

  it("starts a new key empty, or shows the previous rows until it answers with keepPrevious", async () => {
    const plain = renderList("a");
    await act(async () => asked[0]?.answer({ items: ["a1"], next: "more" }));
    plain.rerender({ k: "b" });
    expect(plain.result.current.items).toEqual([]);
    expect(plain.result.current.loaded).toBe(false);

    asked.length = 0;
    const kept = renderList("c", true);
    await act(async () => asked[0]?.answer({ items: ["c1"], next: "more" }));
    kept.rerender({ k: "d" });
    expect(kept.result.current.items).toEqual(["c1"]);
    expect(kept.result.current.loading).toBe(true);
    // The previous key's next page is not this key's.
    expect(kept.result.current.hasMore).toBe(false);
    await act(async () => asked[1]?.answer({ items: ["d1"], next: undefined }));
    expect(kept.result.current.items).toEqual(["d1"]);
  });

  it("tells a failed first page from a failed next page, and retries the next page alone", async () => {
    const { result } = renderList("a");
    await act(async () => asked[0]?.fail(new ApiError("AccessDeniedException", "No.")));
    expect(result.current.error?.code).toBe("AccessDeniedException");
    expect(result.current.loaded).toBe(false);

    act(() => result.current.reload());
    expect(result.current.error).toBeUndefined();
    await act(async () => asked[1]?.answer({ items: ["1"], next: "t1" }));
    act(() => result.current.loadMore());
    await act(async () => asked[2]?.fail(new ApiError("TooManyRequestsException", "Slow down.")));
    expect(result.current.error).toBeUndefined();
    expect(result.current.moreError?.code).toBe("TooManyRequestsException");
    expect(result.current.items).toEqual(["1"]);

    act(() => result.current.loadMore());
    expect(asked[3]?.token).toBe("t1");
    expect(result.current.moreError).toBeUndefined();
    await act(async () => asked[3]?.answer({ items: ["2"], next: undefined }));
    expect(result.current.items).toEqual(["1", "2"]);
  });

  it("reloads the first page alone, keeping its rows on screen meanwhile", async () => {
    const { result } = renderList("a");
    await act(async () => asked[0]?.answer({ items: ["1"], next: "t1" }));
    act(() => result.current.loadMore());
    await act(async () => asked[1]?.answer({ items: ["2"], next: "t2" }));

    act(() => result.current.reload());
    expect(asked.map((a) => a.token)).toEqual([undefined, "t1", undefined]);
    expect(result.current.items).toEqual(["1"]);
    expect(result.current.loading).toBe(true);
    await act(async () => asked[2]?.answer({ items: ["0", "1"], next: "t1" }));
    expect(result.current.items).toEqual(["0", "1"]);
    expect(result.current.hasMore).toBe(true);
  });

  it("rewrites loaded rows in place, and reports the last page's total", async () => {
    const { result } = renderList("a");
    await act(async () => asked[0]?.answer({ items: ["x", "y"], next: "t1", total: 3 }));
    act(() => result.current.loadMore());
    await act(async () => asked[1]?.answer({ items: ["z"], next: undefined, total: 3 }));
    expect(result.current.total).toBe(3);
    act(() => result.current.update((p) => ({ ...p, items: p.items.filter((i) => i !== "y"), total: 2 })));
    await waitFor(() => expect(result.current.items).toEqual(["x", "z"]));
    expect(result.current.total).toBe(2);
  });

  it("keeps the rows, marked stale, when a reload cannot reach the endpoint: not an empty list, not an error", async () => {
    const { result } = renderList("s");
    await act(async () => asked[0]?.answer({ items: ["1", "2"], next: undefined, total: 2 }));
    act(() => result.current.reload());
    await act(async () => asked[1]?.fail(new ApiError("NetworkError", "Cannot reach the Poolhouse endpoint.")));
    await waitFor(() => expect(result.current.stale).toBe(true));
    expect(result.current.items).toEqual(["1", "2"]);
    expect(result.current.total).toBe(2);
    expect(result.current.error).toBeUndefined();
    // Back: the next reload answers and the rows are fresh again.
    act(() => result.current.reload());
    await act(async () => asked[2]?.answer({ items: ["1", "2", "3"], next: undefined, total: 3 }));
    expect(result.current.stale).toBe(false);
    expect(result.current.items).toEqual(["1", "2", "3"]);
  });

  it("still reports a refusal of a reload, and a first page that could not be reached", async () => {
    const { result } = renderList("r");
    await act(async () => asked[0]?.fail(new ApiError("NetworkError", "Cannot reach the Poolhouse endpoint.")));
    await waitFor(() => expect(result.current.error?.code).toBe("NetworkError"));
    expect(result.current.stale).toBe(false);
    expect(result.current.loaded).toBe(false);
  });
});
