import { act } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../platform/errors";
import { renderHookWithQueries } from "../test/queries";
import { useAction, useFormAction } from "./useAction";

/** A call whose answer the test gives: `settle.ok(value)` or `settle.fail(error)`. */
function deferred<T>() {
  let ok!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    ok = res;
    fail = rej;
  });
  return { promise, ok, fail };
}

describe("useAction", () => {
  it("is busy while it runs, then hands the output to onSuccess", async () => {
    const answer = deferred<string>();
    const onSuccess = vi.fn();
    const { result } = renderHookWithQueries(() => useAction((name: string) => answer.promise.then((v) => `${v} ${name}`), { onSuccess }));
    expect(result.current.busy).toBe(false);
    act(() => result.current.run("alice"));
    expect(result.current.busy).toBe(true);
    expect(result.current.input).toBe("alice");
    await act(async () => answer.ok("created"));
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeUndefined();
    expect(onSuccess).toHaveBeenCalledWith("created alice", "alice");
  });

  it("keeps a failure as an ApiError, whatever was thrown, until the next run or reset", async () => {
    let answer = deferred<void>();
    const onError = vi.fn();
    const { result } = renderHookWithQueries(() => useAction(() => answer.promise, { onError }));
    act(() => result.current.run());
    await act(async () => answer.fail(new ApiError("UsernameExistsException", "User already exists", "Username")));
    expect(result.current.error).toMatchObject({ code: "UsernameExistsException", field: "Username" });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: "UsernameExistsException" }));

    answer = deferred<void>();
    act(() => result.current.run());
    expect(result.current.error).toBeUndefined(); // a new run starts clean
    await act(async () => answer.fail(new TypeError("Failed to fetch")));
    expect(result.current.error).toBeInstanceOf(ApiError);
    expect(result.current.error?.code).toBe("UnknownError");
    expect(result.current.error?.message).toBe("Failed to fetch");

    act(() => result.current.reset());
    expect(result.current.error).toBeUndefined();
  });

  it("reports a run's own outcome only for the latest run", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const answers = [first, second];
    const seen: string[] = [];
    const { result } = renderHookWithQueries(() => useAction(() => answers.shift()?.promise ?? Promise.resolve("none")));
    act(() => result.current.run(undefined, { onSuccess: (v) => seen.push(v) }));
    act(() => result.current.run(undefined, { onSuccess: (v) => seen.push(v) }));
    await act(async () => second.ok("second"));
    await act(async () => first.ok("first"));
    expect(seen).toEqual(["second"]);
  });

  it("runs no per-run callback of a run that was reset while in flight", async () => {
    const answer = deferred<string>();
    const onSuccess = vi.fn();
    const { result } = renderHookWithQueries(() => useAction(() => answer.promise));
    act(() => result.current.run(undefined, { onSuccess }));
    act(() => result.current.reset());
    expect(result.current.busy).toBe(false);
    await act(async () => answer.ok("late"));
    expect(onSuccess).not.toHaveBeenCalled();
  });
});

describe("useFormAction", () => {
  const FIELDS = ["GroupName", "Precedence"];

  it("shows the form's own problems and sends nothing while there are any", () => {
    const send = vi.fn(async () => "ok");
    const { result } = renderHookWithQueries(() => useFormAction(send, { fields: FIELDS }));
    let ready = true;
    act(() => {
      ready = result.current.check({ Precedence: "Enter a whole number of 0 or more." });
    });
    expect(ready).toBe(false);
    expect(result.current.errors).toEqual({ Precedence: "Enter a whole number of 0 or more." });
    act(() => {
      ready = result.current.check({});
    });
    expect(ready).toBe(true);
    expect(result.current.errors).toEqual({});
    expect(send).not.toHaveBeenCalled();
  });

  it("places the core's refusal next to the field it names, by code when it names none, else above the buttons", async () => {
    const refusals = [
      new ApiError("InvalidParameterException", "Precedence: must be 0 or more", "Precedence"),
      new ApiError("GroupExistsException", "A group with the name already exists."),
      new ApiError("LimitExceededException", "Too many groups."),
    ];
    const { result } = renderHookWithQueries(() =>
      useFormAction(async () => Promise.reject(refusals.shift()), { fields: FIELDS, byCode: { GroupExistsException: "GroupName" } }),
    );
    await act(async () => result.current.runAsync().catch(() => undefined));
    expect(result.current.errors).toEqual({ Precedence: "Must be 0 or more" });
    expect(result.current.general).toBeUndefined();

    await act(async () => result.current.runAsync().catch(() => undefined));
    expect(result.current.errors).toEqual({ GroupName: "A group with the name already exists." });

    await act(async () => result.current.runAsync().catch(() => undefined));
    expect(result.current.errors).toEqual({});
    expect(result.current.general?.code).toBe("LimitExceededException");

    act(() => result.current.discard());
    expect(result.current.general).toBeUndefined();
  });
});
