import { describe, expect, it } from "vitest";
import { parseRoute, routeHref, type Route } from "./router";

describe("routes", () => {
  it("reads the workspace screen, with or without a section", () => {
    expect(parseRoute("#/workspace")).toEqual({ screen: "workspace" });
    expect(parseRoute("#/workspace/email")).toEqual({ screen: "workspace", section: "email" });
  });

  it("ignores a section the screen does not have", () => {
    expect(parseRoute("#/workspace/nope")).toEqual({ screen: "workspace" });
  });

  it("writes every route so that it reads back the same", () => {
    const routes: Route[] = [
      { screen: "pools" },
      { screen: "audit" },
      { screen: "tokens" },
      { screen: "workspace" },
      { screen: "workspace", section: "security" },
      { screen: "pool", poolId: "us-east-1_Ab/c", tab: "messages" },
    ];
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
  });

  it("has no place for a token in the inspector's route: tokens are secrets", () => {
    expect(parseRoute("#/tokens/eyJhbGciOiJub25lIn0.e30.")).toEqual({ screen: "tokens" });
  });

  it("falls back to the pool list for anything else", () => {
    expect(parseRoute("")).toEqual({ screen: "pools" });
    expect(parseRoute("#/elsewhere")).toEqual({ screen: "pools" });
  });
});
