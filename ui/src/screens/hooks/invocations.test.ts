import { describe, expect, it } from "vitest";
import { formatMs, invocationPerson, outcomeView, prettyBody } from "./invocations";

describe("prettyBody", () => {
  it("indents JSON", () => {
    expect(prettyBody('{"a":1,"b":[true]}')).toEqual({ text: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}', isJson: true });
  });

  it("shows what is not JSON exactly as received", () => {
    expect(prettyBody("Bad Gateway\n")).toEqual({ text: "Bad Gateway\n", isJson: false });
    // A body cut off at the size limit is no longer JSON.
    expect(prettyBody('{"a": "unfinish')).toEqual({ text: '{"a": "unfinish', isJson: false });
  });

  it("treats a missing or blank body as empty, not as JSON", () => {
    expect(prettyBody(undefined)).toEqual({ text: "", isJson: false });
    expect(prettyBody("  ")).toEqual({ text: "  ", isJson: false });
  });
});

describe("formatMs", () => {
  it("reads in milliseconds below a second and in seconds above", () => {
    expect(formatMs(0)).toBe("0 ms");
    expect(formatMs(830)).toBe("830 ms");
    expect(formatMs(1_234)).toBe("1.2 s");
    expect(formatMs(5_000)).toBe("5.0 s");
    expect(formatMs(9_999)).toBe("9.9 s");
    expect(formatMs(12_500)).toBe("12 s");
  });

  it("shows a dash for nonsense", () => {
    expect(formatMs(-1)).toBe("—");
    expect(formatMs(Number.NaN)).toBe("—");
  });
});

describe("outcomeView", () => {
  it("gives each outcome its tone", () => {
    expect(outcomeView("Succeeded").tone).toBe("ok");
    expect(outcomeView("Rejected").tone).toBe("warn");
    expect(outcomeView("Failed").tone).toBe("bad");
  });

  it("greys an outcome a newer core might add", () => {
    expect(outcomeView("Skipped")).toEqual({ tone: "off", hint: undefined });
  });
});

describe("invocationPerson", () => {
  it("names the user of a call by the event's attributes, the username kept", () => {
    const inv = {
      Username: "b2953453-0000-4000-8000-000000000000",
      Request: JSON.stringify({ request: { userAttributes: { email: "ada@acme.example", name: "Ada Lovelace" } } }),
    };
    expect(invocationPerson(inv)).toMatchObject({ Username: inv.Username, Email: "ada@acme.example", Name: "Ada Lovelace" });
  });

  it("falls back to the username when the event names nothing, and names nobody for a call about no user", () => {
    expect(invocationPerson({ Username: "grace", Request: "not json" })).toEqual({ Username: "grace" });
    expect(invocationPerson({ Request: "{}" })).toBeUndefined();
  });
});
