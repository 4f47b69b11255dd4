import { afterEach, describe, expect, it, vi } from "vitest";
import { openInBrowser } from "./index";

describe("openInBrowser", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("opens http(s) pages in a new tab that gets no handle on the console", () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    expect(openInBrowser("http://my-app.auth.localhost:9229/oauth2/authorize?client_id=a")).toBe(true);
    expect(open).toHaveBeenCalledWith("http://my-app.auth.localhost:9229/oauth2/authorize?client_id=a", "_blank", "noopener,noreferrer");
  });

  it("opens nothing but http and https", () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    for (const url of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "not a url"]) {
      expect(openInBrowser(url), url).toBe(false);
    }
    expect(open).not.toHaveBeenCalled();
  });

  it("opens nothing in the desktop app, which then offers the address to copy", () => {
    const open = vi.spyOn(window, "open").mockReturnValue(null);
    vi.stubGlobal("__TAURI_INTERNALS__", {});
    expect(openInBrowser("https://example.com/")).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });
});
