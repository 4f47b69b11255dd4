import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openInBrowser } from "./index";

const SIGN_IN = "http://my-app.auth.localhost:9229/oauth2/authorize?client_id=a&code_challenge_method=S256";

/** Puts the test in the desktop app: every IPC call goes to `answer`, and is recorded. */
function desktop(answer: (cmd: string, args: unknown) => unknown): { cmd: string; args: unknown }[] {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    return answer(cmd, args);
  });
  return calls;
}

describe("openInBrowser", () => {
  afterEach(() => {
    clearMocks();
    delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("opens http(s) pages in a new tab that gets no handle on the console", async () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    const opened = openInBrowser(SIGN_IN);
    // Synchronously, while the click's user activation still holds.
    expect(open).toHaveBeenCalledWith(SIGN_IN, "_blank", "noopener,noreferrer");
    await expect(opened).resolves.toBe(true);
  });

  it("opens nothing but http and https", async () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    for (const url of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "not a url"]) {
      await expect(openInBrowser(url), url).resolves.toBe(false);
    }
    expect(open).not.toHaveBeenCalled();
  });

  it("asks the opener plugin in the desktop app, for the system's default browser", async () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    const calls = desktop(() => null);
    await expect(openInBrowser(SIGN_IN)).resolves.toBe(true);
    expect(calls).toEqual([{ cmd: "plugin:opener|open_url", args: { url: SIGN_IN, with: undefined } }]);
    expect(open).not.toHaveBeenCalled();
  });

  it("reports a page the desktop window may not open, or a browser that did not start", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    // What the plugin rejects with when its scope refuses the URL.
    const refused = desktop((_cmd, args) => {
      throw `Not allowed to open url ${(args as { url: string }).url}`;
    });
    await expect(openInBrowser("https://example.com/")).resolves.toBe(false);
    expect(refused.map((c) => c.cmd)).toEqual(["plugin:opener|open_url"]);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining("https://example.com/"), expect.stringContaining("Not allowed"));
  });

  it("never asks the desktop app to open anything but http and https", async () => {
    const calls = desktop(() => null);
    for (const url of ["file:///etc/passwd", "javascript:alert(1)", "poolhouse://x", "/etc/passwd"]) {
      await expect(openInBrowser(url), url).resolves.toBe(false);
    }
    expect(calls).toEqual([]);
  });
});
