import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { StrictMode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DecodedToken, JsonValue, TokenCheck, Verification } from "../../api/types";
import { clearInspectorSession, openInInspector } from "../../lib/handoff";
import { OLD_HISTORY_STORAGE_KEY, rememberHistory } from "../../lib/inspector";
import type * as Platform from "../../platform";
import { ApiError } from "../../platform/errors";
import { App } from "../../App";
import { TokensScreen } from "./TokensScreen";
import { renderWithQueries } from "../../test/queries";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

const NOW = 1_800_000_000;

function decoded(payload: Record<string, JsonValue>, alg = "RS256"): DecodedToken {
  return {
    Kind: "Jws",
    Header: { alg },
    HeaderJson: JSON.stringify({ alg }, null, 2),
    Payload: payload,
    PayloadJson: JSON.stringify(payload, null, 2),
    SignatureLength: 256,
    Claims: Object.entries(payload).map(([Name, Value]) => ({ Name, Value })),
    Findings: [],
    Now: NOW,
  };
}

function verification(Verdict: string, Checks: TokenCheck[], d: DecodedToken): Verification {
  return { Verdict, Checks, KeySource: "user pool us-east-1_Pool (found by iss)", KeyNotes: [], Decoded: d };
}

type Answers = { decode?: (token: string) => DecodedToken; verify?: (req: Record<string, unknown>) => Verification | Error };

function core({ decode, verify }: Answers) {
  call.mockImplementation(async (op: string, input: Record<string, unknown>) => {
    if (op === "ListUserPools") return { UserPools: [{ Id: "us-east-1_Pool", Name: "main", CreationDate: 0, LastModifiedDate: 0, EstimatedNumberOfUsers: 0 }] };
    if (op === "DecodeToken") return decode?.(String(input.Token));
    if (op === "VerifyToken") {
      const r = verify?.(input);
      if (r instanceof Error) throw r;
      return r;
    }
    throw new Error(`unexpected ${op}`);
  });
}

const sent = (op: string) => call.mock.calls.filter(([name]) => name === op).map(([, input]) => input as Record<string, unknown>);

afterEach(() => {
  cleanup();
  clearInspectorSession();
});
beforeEach(() => {
  call.mockReset();
  localStorage.clear();
  rememberHistory([]);
});

describe("TokensScreen", () => {
  it("verifies a token handed over from another screen at once, and keeps it in the history", async () => {
    const d = decoded({ sub: "u-1", token_use: "id", iss: "https://idp.example/us-east-1_Pool" });
    core({ decode: () => d, verify: () => verification("Valid", [{ Name: "signature", Result: "pass", Reason: "ok", IsAttack: false }], d) });
    openInInspector("aaa.bbb.ccc");
    renderWithQueries(<TokensScreen />);
    expect((screen.getByTestId("token-input") as HTMLTextAreaElement).value).toBe("aaa.bbb.ccc");
    expect((await screen.findByTestId("verdict")).getAttribute("data-verdict")).toBe("Valid");
    // The core found the pool: no keys were sent.
    expect(sent("VerifyToken")[0]).toMatchObject({ Token: "aaa.bbb.ccc", SkewSeconds: 0 });
    expect(sent("VerifyToken")[0]).not.toHaveProperty("UserPoolId");
    await waitFor(() => expect(screen.getAllByTestId("history-item")).toHaveLength(1));
    // The history is in memory only: nothing (no raw bearer token) reaches localStorage, and
    // it is still there when the inspector is opened again.
    expect(localStorage.length).toBe(0);
    cleanup();
    renderWithQueries(<TokensScreen />);
    expect(screen.getAllByTestId("history-item")).toHaveLength(1);
    expect(screen.getByTestId("history-item").textContent).toContain("u-1");
    expect(localStorage.length).toBe(0);
  });

  it("removes the history an earlier version stored in localStorage, raw tokens included", () => {
    localStorage.setItem(OLD_HISTORY_STORAGE_KEY, JSON.stringify([{ token: "old.bearer.token", at: 1, kind: "Jws" }]));
    renderWithQueries(<TokensScreen />);
    expect(localStorage.getItem(OLD_HISTORY_STORAGE_KEY)).toBeNull();
    expect(screen.getByTestId("history-empty")).toBeTruthy();
  });

  it("reads an attack as an attack, not a failure", async () => {
    const d = decoded({ sub: "u-1" }, "HS256");
    core({
      decode: () => d,
      verify: () =>
        verification(
          "Attack",
          [
            { Name: "algorithm", Result: "fail", Reason: "ALGORITHM CONFUSION: …", IsAttack: true },
            { Name: "signature", Result: "fail", Reason: "refused", IsAttack: false },
          ],
          d,
        ),
    });
    renderWithQueries(<TokensScreen />);
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "hhh.ppp.sss" } });
    await screen.findByTestId("claims-table");
    fireEvent.click(screen.getByTestId("verify-source-key"));
    fireEvent.change(screen.getByTestId("verify-key"), { target: { value: "-----BEGIN PUBLIC KEY-----" } });
    fireEvent.click(screen.getByTestId("verify-submit"));
    const banner = await screen.findByTestId("verdict");
    expect(banner.textContent).toContain("Attack: algorithm confusion");
    const rows = screen.getAllByTestId("check-row");
    expect(within(rows[0] as HTMLElement).getByText("Attack")).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText("Fail")).toBeTruthy();
    expect(sent("VerifyToken")[0]).toMatchObject({ Key: "-----BEGIN PUBLIC KEY-----" });
  });

  it("shows the core's refusal of a key next to the key, and a skew that is not a number before sending", async () => {
    const d = decoded({ sub: "u-1" });
    core({ decode: () => d, verify: () => new ApiError("InvalidParameterException", "Key: not a key: expected `{`", "Key") });
    renderWithQueries(<TokensScreen />);
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "hhh.ppp.sss" } });
    fireEvent.click(screen.getByTestId("verify-source-key"));
    fireEvent.change(screen.getByTestId("verify-key"), { target: { value: "nope" } });
    fireEvent.click(screen.getByTestId("verify-submit"));
    const keyError = await waitFor(() => {
      const e = document.querySelector('[data-field="Key"] [data-testid="field-error"]');
      if (!e) throw new Error("no key error yet");
      return e;
    });
    expect(keyError.textContent).toBe("Not a key: expected {");
    const before = sent("VerifyToken").length;
    fireEvent.change(screen.getByTestId("verify-skew"), { target: { value: "soon" } });
    fireEvent.click(screen.getByTestId("verify-submit"));
    expect(document.querySelector('[data-field="SkewSeconds"] [data-testid="field-error"]')?.textContent).toMatch(/whole number/);
    expect(sent("VerifyToken")).toHaveLength(before);
  });

  it("says where reading stopped for input that is not a token, and keeps it out of the history", async () => {
    core({
      decode: () => ({
        Kind: "NotAToken",
        Claims: [],
        Findings: [],
        Problem: { Code: "PartCount", Message: "the input has no dots, so it is not a compact JWT" },
        Now: NOW,
      }),
    });
    renderWithQueries(<TokensScreen />);
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "hello" } });
    const problem = await screen.findByTestId("token-problem");
    expect(problem.textContent).toContain("Not a token.");
    expect(problem.textContent).toContain("The input has no dots");
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId("history-empty")).toBeTruthy();
  });

  it("opens the handed-over token however often the inspector is mounted: a second mount is not blank", async () => {
    // The cause of a blank inspector after Inspect: the token sat in a one-shot slot that the
    // first mount emptied, so any later mount (a remount as the route settles, React's double
    // mount, a Suspense retry) opened empty and unverified. Each mount now reads the same.
    const d = decoded({ sub: "u-1", token_use: "id" });
    core({ decode: () => d, verify: () => verification("Valid", [{ Name: "signature", Result: "pass", Reason: "ok", IsAttack: false }], d) });
    openInInspector("aaa.bbb.ccc");
    renderWithQueries(<TokensScreen />);
    expect((screen.getByTestId("token-input") as HTMLTextAreaElement).value).toBe("aaa.bbb.ccc");
    cleanup();
    renderWithQueries(<TokensScreen />);
    expect((screen.getByTestId("token-input") as HTMLTextAreaElement).value).toBe("aaa.bbb.ccc");
    const top = await waitFor(() => {
      const v = screen.getByTestId("inspector-verdict");
      if (v.getAttribute("data-verdict") !== "Valid") throw new Error(`verdict ${v.getAttribute("data-verdict")}`);
      return v;
    });
    // The verdict is the first thing on the inspector, and nothing above contradicts it.
    const inspector = document.querySelector(".inspector");
    expect(inspector?.firstElementChild).toBe(top);
    expect(top.textContent).toContain("Valid");
    expect(screen.queryByText("Decoded, not verified")).toBeNull();
  });

  it("opens the handed-over token from a fresh start at / through the app's lazy route, in StrictMode", async () => {
    const d = decoded({ sub: "u-1", token_use: "id" });
    core({ decode: () => d, verify: () => verification("Valid", [{ Name: "signature", Result: "pass", Reason: "ok", IsAttack: false }], d) });
    window.location.hash = "";
    render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
    await act(async () => {
      openInInspector("aaa.bbb.ccc");
      await new Promise((r) => setTimeout(r, 0));
    });
    const input = (await screen.findByTestId("token-input", {}, { timeout: 5000 })) as HTMLTextAreaElement;
    expect(input.value).toBe("aaa.bbb.ccc");
    await waitFor(() => expect(screen.getByTestId("inspector-verdict").getAttribute("data-verdict")).toBe("Valid"));
    expect(sent("VerifyToken").length).toBeGreaterThan(0);
    window.location.hash = "";
  });

  it("says 'not verified yet' first for a pasted token, and garbage is not a token to verify", async () => {
    const d = decoded({ sub: "u-1" });
    core({
      decode: (t) =>
        t === "hello"
          ? { Kind: "NotAToken", Claims: [], Findings: [], Problem: { Code: "PartCount", Message: "no dots" }, Now: NOW }
          : d,
    });
    renderWithQueries(<TokensScreen />);
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "hhh.ppp.sss" } });
    await screen.findByTestId("claims-table");
    expect(screen.getByTestId("inspector-verdict").getAttribute("data-verdict")).toBe("none");
    expect(screen.getByTestId("inspector-verdict").textContent).toContain("Not verified yet");
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "hello" } });
    await screen.findByTestId("token-problem");
    expect(screen.getByTestId("inspector-verdict").getAttribute("data-verdict")).toBe("NotAToken");
    expect(sent("VerifyToken")).toHaveLength(0);
  });

  it("keeps the token in the box when the inspector is left and opened again; Clear forgets it", async () => {
    const d = decoded({ sub: "u-1" });
    core({ decode: () => d });
    renderWithQueries(<TokensScreen />);
    fireEvent.change(screen.getByTestId("token-input"), { target: { value: "hhh.ppp.sss" } });
    cleanup();
    renderWithQueries(<TokensScreen />);
    expect((screen.getByTestId("token-input") as HTMLTextAreaElement).value).toBe("hhh.ppp.sss");
    fireEvent.click(screen.getByTestId("token-clear"));
    cleanup();
    renderWithQueries(<TokensScreen />);
    expect((screen.getByTestId("token-input") as HTMLTextAreaElement).value).toBe("");
  });
});
