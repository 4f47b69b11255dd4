import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UserPool } from "../../api/types";
import type * as Platform from "../../platform";
import { ApiError } from "../../platform/errors";
import { HooksForm } from "./HooksForm";
import { renderWithQueries } from "../../test/queries";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
});

const POOL = {
  Id: "us-east-1_Pool",
  Name: "prod",
  MfaConfiguration: "OFF",
  LambdaConfig: { PreSignUp: "http://127.0.0.1:9000/pre" },
} as UserPool;

function core(onUpdate: (input: unknown) => unknown, described: UserPool = POOL) {
  call.mockImplementation(async (op: string, input: unknown) => {
    switch (op) {
      case "DescribeUserPool":
        return { UserPool: described };
      case "UpdateUserPool": {
        const r = onUpdate(input);
        if (r instanceof Error) throw r;
        return {};
      }
      default:
        throw new Error(`unexpected ${op}`);
    }
  });
}

function row(member: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-field="LambdaConfig.${member}"]`);
  if (!el) throw new Error(`no row for ${member}`);
  return el;
}

function fieldError(member: string): string | null | undefined {
  return row(member).querySelector('[data-testid="field-error"]')?.textContent;
}

function type(member: string, value: string) {
  fireEvent.change(row(member).querySelector("input") as HTMLInputElement, { target: { value } });
}

describe("HooksForm", () => {
  it("shows the pool's hooks and keeps Save off until something changes", () => {
    renderWithQueries(<HooksForm pool={POOL} onSaved={() => {}} />);
    expect((row("PreSignUp").querySelector("input") as HTMLInputElement).value).toBe("http://127.0.0.1:9000/pre");
    expect(screen.getByTestId("save-hooks")).toHaveProperty("disabled", true);
    type("PostConfirmation", "http://127.0.0.1:9000/post");
    expect(screen.getByTestId("save-hooks")).toHaveProperty("disabled", false);
  });

  it("refuses a URL that is not http(s):// on its row without calling the core", () => {
    renderWithQueries(<HooksForm pool={POOL} onSaved={() => {}} />);
    type("PostAuthentication", "arn:aws:lambda:us-east-1:1:function:post");
    fireEvent.click(screen.getByTestId("save-hooks"));
    expect(fieldError("PostAuthentication")).toMatch(/not a Lambda ARN/);
    expect(call).not.toHaveBeenCalled();
    // Editing the row answers the complaint.
    type("PostAuthentication", "http://127.0.0.1:9000/post");
    expect(fieldError("PostAuthentication")).toBeUndefined();
  });

  it("saves the hooks over the pool as it is now, keeping settings changed elsewhere", async () => {
    const updates: unknown[] = [];
    // Someone turned MFA on since this screen loaded the pool: saving hooks must not undo it.
    core((input) => updates.push(input), { ...POOL, MfaConfiguration: "OPTIONAL" });
    const onSaved = vi.fn();
    renderWithQueries(<HooksForm pool={POOL} onSaved={onSaved} />);
    type("PreSignUp", "");
    type("PreTokenGeneration", "http://127.0.0.1:9000/tokens");
    fireEvent.change(screen.getByTestId("token-hook-version"), { target: { value: "V2_0" } });
    fireEvent.click(screen.getByTestId("save-hooks"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(JSON.parse(JSON.stringify(updates))).toEqual([
      {
        UserPoolId: POOL.Id,
        MfaConfiguration: "OPTIONAL",
        LambdaConfig: {
          PreTokenGeneration: "http://127.0.0.1:9000/tokens",
          PreTokenGenerationConfig: { LambdaVersion: "V2_0", LambdaArn: "http://127.0.0.1:9000/tokens" },
        },
      },
    ]);
  });

  it("shows the core's field error on the row it names", async () => {
    core(
      () =>
        new ApiError(
          "InvalidParameterException",
          "LambdaConfig.PreTokenGenerationConfig.LambdaArn: has no host",
          "LambdaConfig.PreTokenGenerationConfig.LambdaArn",
        ),
    );
    const onSaved = vi.fn();
    renderWithQueries(<HooksForm pool={POOL} onSaved={onSaved} />);
    type("PreTokenGeneration", "http://");
    fireEvent.click(screen.getByTestId("save-hooks"));
    await waitFor(() => expect(fieldError("PreTokenGeneration")).toBe("Has no host"));
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(onSaved).not.toHaveBeenCalled();
  });
});
