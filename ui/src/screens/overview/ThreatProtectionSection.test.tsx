import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UserPool } from "../../api/types";
import type * as Platform from "../../platform";
import { ApiError } from "../../platform/errors";
import { ThreatProtectionSection } from "./ThreatProtectionSection";
import { renderWithQueries } from "../../test/queries";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
});

const POOL = { Id: "us-east-1_Pool", Name: "prod" } as UserPool;

function core(onSet: (input: unknown) => unknown) {
  call.mockImplementation(async (op: string, input: unknown) => {
    switch (op) {
      case "DescribeRiskConfiguration":
        return { RiskConfiguration: { UserPoolId: POOL.Id } };
      case "DescribeWorkspace":
        return { Workspace: { Region: "us-east-1", AccountId: "1", RequireSignature: false, AccessKeyIds: [], StorePath: "x", SchemaVersion: 1 } };
      case "SetRiskConfiguration": {
        const r = onSet(input);
        if (r instanceof Error) throw r;
        return r;
      }
      default:
        throw new Error(`unexpected ${op}`);
    }
  });
}

function fieldError(member: string): string | null | undefined {
  return document.querySelector(`[data-field="${member}"] [data-testid="field-error"]`)?.textContent;
}

describe("ThreatProtectionSection", () => {
  it("shows the core's refusal of an IP range next to that list", async () => {
    core(
      () =>
        new ApiError(
          "InvalidParameterException",
          "RiskExceptionConfiguration.BlockedIPRangeList[1]: 'nope' is not an IP address or CIDR range",
          "RiskExceptionConfiguration.BlockedIPRangeList[1]",
        ),
    );
    renderWithQueries(<ThreatProtectionSection pool={POOL} />);
    fireEvent.change(await screen.findByTestId("risk-blocked-ips"), { target: { value: "203.0.113.0/24\nnope" } });
    fireEvent.click(screen.getByTestId("save-risk"));
    await waitFor(() =>
      expect(fieldError("RiskExceptionConfiguration.BlockedIPRangeList")).toBe("'nope' is not an IP address or CIDR range"),
    );
    expect(call).toHaveBeenCalledWith("SetRiskConfiguration", {
      UserPoolId: POOL.Id,
      CompromisedCredentialsRiskConfiguration: undefined,
      AccountTakeoverRiskConfiguration: undefined,
      RiskExceptionConfiguration: { BlockedIPRangeList: ["203.0.113.0/24", "nope"] },
    });
  });

  it("refuses checking passwords at no event before sending, and warns when nothing can match", async () => {
    core(() => {
      throw new Error("must not be sent");
    });
    renderWithQueries(<ThreatProtectionSection pool={POOL} />);
    fireEvent.change(await screen.findByTestId("risk-compromised-action"), { target: { value: "BLOCK" } });
    // The workspace has no breached-password list.
    await screen.findByTestId("no-breach-list");
    for (const name of ["Sign-in", "Password change", "Sign-up"]) fireEvent.click(screen.getByLabelText(name));
    fireEvent.click(screen.getByTestId("save-risk"));
    expect(fieldError("CompromisedCredentialsRiskConfiguration.EventFilter")).toMatch(/at least one event/);
    expect(call.mock.calls.map((c) => c[0])).not.toContain("SetRiskConfiguration");
  });

  it("saves the actions per risk level and starts clean from what the core answered", async () => {
    const saved = {
      UserPoolId: POOL.Id,
      AccountTakeoverRiskConfiguration: {
        Actions: {
          LowAction: { EventAction: "NO_ACTION", Notify: false },
          MediumAction: { EventAction: "MFA_IF_CONFIGURED", Notify: true },
          HighAction: { EventAction: "MFA_REQUIRED", Notify: true },
        },
      },
      LastModifiedDate: 1_700_000_000,
    };
    core(() => ({ RiskConfiguration: saved }));
    renderWithQueries(<ThreatProtectionSection pool={POOL} />);
    fireEvent.click(await screen.findByLabelText("Judge the risk of each password sign-in", { exact: false }));
    fireEvent.change(screen.getByLabelText("High risk action"), { target: { value: "MFA_REQUIRED" } });
    fireEvent.click(screen.getByTestId("save-risk"));
    await screen.findByText(/Last saved/);
    expect(call).toHaveBeenCalledWith(
      "SetRiskConfiguration",
      expect.objectContaining({ AccountTakeoverRiskConfiguration: saved.AccountTakeoverRiskConfiguration }),
    );
    expect(screen.getByTestId("save-risk")).toHaveProperty("disabled", true);
    expect(screen.getByLabelText("High risk action")).toHaveProperty("value", "MFA_REQUIRED");
  });
});
