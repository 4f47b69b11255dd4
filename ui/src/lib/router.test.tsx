import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { addNavigationGuard, navigate, parseRoute, routeHref, useRoute, type Route } from "./router";

describe("routes", () => {
  it("reads the workspace screen, with or without a section", () => {
    expect(parseRoute("#/workspace")).toEqual({ screen: "workspace" });
    expect(parseRoute("#/workspace/email")).toEqual({ screen: "workspace", section: "email" });
  });

  it("ignores a section the screen does not have", () => {
    expect(parseRoute("#/workspace/nope")).toEqual({ screen: "workspace" });
  });

  it("opens an identity pool on its overview when the tab is unknown", () => {
    expect(parseRoute("#/identity-pools/us-east-1:x/nope")).toEqual({ screen: "identity-pool", poolId: "us-east-1:x", tab: "overview" });
  });

  it("writes every route so that it reads back the same", () => {
    const routes: Route[] = [
      { screen: "pools" },
      { screen: "audit" },
      { screen: "tokens" },
      { screen: "workspace" },
      { screen: "workspace", section: "security" },
      { screen: "pool", poolId: "us-east-1_Ab/c", tab: "messages" },
      { screen: "pool", poolId: "us-east-1_Abc", tab: "sign-in", section: "managed-login" },
      { screen: "identity-pools" },
      { screen: "identity-pool", poolId: "us-east-1:4f1e7c2a-93b5-4d0e-8a61-0c2d9e8b7f35", tab: "roles" },
      { screen: "identity-pool", poolId: "us-east-1:x", tab: "principal-tags" },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
  });

  it("opens the sections that were pool tabs in the Sign-in experience tab", () => {
    for (const section of ["oauth", "idps", "branding"] as const) {
      expect(parseRoute(`#/pools/us-east-1_Abc/${section}`)).toEqual({ screen: "pool", poolId: "us-east-1_Abc", tab: "sign-in", section });
    }
    expect(parseRoute("#/pools/us-east-1_Abc/sign-in")).toEqual({ screen: "pool", poolId: "us-east-1_Abc", tab: "sign-in", section: "oauth" });
    expect(parseRoute("#/pools/us-east-1_Abc/sign-in/nope")).toEqual({ screen: "pool", poolId: "us-east-1_Abc", tab: "sign-in", section: "oauth" });
  });

  it("has no place for a token in the inspector's route: tokens are secrets", () => {
    expect(parseRoute("#/tokens/eyJhbGciOiJub25lIn0.e30.")).toEqual({ screen: "tokens" });
  });

  it("falls back to the pool list for anything else", () => {
    expect(parseRoute("")).toEqual({ screen: "pools" });
    expect(parseRoute("#/elsewhere")).toEqual({ screen: "pools" });
  });
});

describe("old addresses", () => {
  function Shown() {
    const r = useRoute();
    return <div data-testid="shown">{routeHref(r)}</div>;
  }

  it("are replaced by where the section lives now, without a history entry", async () => {
    window.history.replaceState(null, "", "#/pools/us-east-1_Abc/idps");
    const before = window.history.length;
    render(<Shown />);
    await waitFor(() => expect(window.location.hash).toBe("#/pools/us-east-1_Abc/sign-in/idps"));
    expect(screen.getByTestId("shown").textContent).toBe("#/pools/us-east-1_Abc/sign-in/idps");
    expect(window.history.length).toBe(before);
    cleanup();
  });
});

describe("navigation guards", () => {
  function Shown() {
    const r = useRoute();
    return <div data-testid="shown">{routeHref(r)}</div>;
  }
  const shown = () => screen.getByTestId("shown").textContent;

  it("hold a navigation until proceed, then let it through once", async () => {
    window.history.replaceState(null, "", "#/audit");
    render(<Shown />);
    let proceed: (() => void) | undefined;
    const asked = vi.fn((go: () => void) => {
      proceed = go;
      return true;
    });
    const remove = addNavigationGuard(asked);
    act(() => navigate({ screen: "tokens" }));
    await waitFor(() => expect(asked).toHaveBeenCalledTimes(1));
    expect(shown()).toBe("#/audit");
    expect(window.location.hash).toBe("#/audit");
    act(() => proceed?.());
    await waitFor(() => expect(shown()).toBe("#/tokens"));
    // Proceeding was not asked about again.
    expect(asked).toHaveBeenCalledTimes(1);
    remove();
    act(() => navigate({ screen: "pools" }));
    await waitFor(() => expect(shown()).toBe("#/pools"));
    expect(asked).toHaveBeenCalledTimes(1);
    cleanup();
  });

  it("let a navigation through when the guard does not hold it", async () => {
    window.history.replaceState(null, "", "#/audit");
    render(<Shown />);
    const remove = addNavigationGuard(() => false);
    act(() => navigate({ screen: "workspace" }));
    await waitFor(() => expect(shown()).toBe("#/workspace"));
    remove();
    cleanup();
  });
});
