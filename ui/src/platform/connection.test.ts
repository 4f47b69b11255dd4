import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  backoffMs,
  connectionState,
  learnServeFacts,
  noteAnswer,
  noteUnreachable,
  resetConnection,
  serveCommand,
  shellWord,
  subscribeConnection,
  watchEndpoint,
  HEARTBEAT_MS,
  MAX_BACKOFF_MS,
} from "./connection";
import { hintFor } from "./errors";

beforeEach(() => {
  vi.useFakeTimers();
  resetConnection();
});
afterEach(() => {
  resetConnection();
  vi.useRealTimers();
});

describe("the endpoint's connection", () => {
  it("names the command of the store and address in use, quoting what a shell would split", () => {
    expect(serveCommand({ storePath: undefined, address: undefined, uiDir: undefined })).toBe(
      "poolhouse --db <store.db> serve --addr 127.0.0.1:9229 --ui ui/dist",
    );
    learnServeFacts({ storePath: "/home/ann/My Pools/poolhouse.db", address: "127.0.0.1:41234", uiDir: "/opt/poolhouse/ui" });
    expect(hintFor("NetworkError")).toContain(
      "poolhouse --db '/home/ann/My Pools/poolhouse.db' serve --addr 127.0.0.1:41234 --ui /opt/poolhouse/ui",
    );
    expect(shellWord("/tmp/x.db")).toBe("/tmp/x.db");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });

  it("goes down on a failed connection, probes with a doubling backoff, and is up again at the first answer", async () => {
    let up = false;
    const probe = vi.fn(async () => up);
    watchEndpoint(probe);
    const seen: string[] = [];
    subscribeConnection(() => seen.push(connectionState().status));
    noteAnswer(1_000);
    expect(connectionState()).toMatchObject({ status: "up", lastAnswerAt: 1_000 });
    noteUnreachable(2_000);
    noteUnreachable(2_500); // already down: no second round of probes
    expect(connectionState()).toMatchObject({ status: "down", downSince: 2_000, lastAnswerAt: 1_000 });
    expect(probe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(backoffMs(0));
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(backoffMs(1));
    expect(probe).toHaveBeenCalledTimes(2);
    expect(connectionState().attempts).toBe(2);
    expect([0, 1, 2, 3, 4, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
    up = true;
    await vi.advanceTimersByTimeAsync(backoffMs(2));
    expect(connectionState()).toMatchObject({ status: "up", attempts: 0 });
    // A probe's answer is not data: what the screens show still dates from the last call.
    expect(connectionState().lastAnswerAt).toBe(1_000);
    expect(seen).toContain("down");
    expect(seen.at(-1)).toBe("up");
    // Up: no more probes but the heartbeat's, one every HEARTBEAT_MS.
    probe.mockClear();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 2);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it("notices a stop by its heartbeat while the page is visible, and not while hidden", async () => {
    let visible = false;
    const probe = vi.fn(async () => false);
    watchEndpoint(probe, () => visible);
    noteAnswer(1_000);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(probe).not.toHaveBeenCalled();
    visible = true;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(connectionState().status).toBe("down");
  });
});
