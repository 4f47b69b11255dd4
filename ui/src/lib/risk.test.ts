import { describe, expect, it } from "vitest";
import type { RiskConfiguration } from "../api/types";
import { riskDraftOf, riskRequestOf } from "./risk";

const FULL: RiskConfiguration = {
  UserPoolId: "p1",
  CompromisedCredentialsRiskConfiguration: { EventFilter: ["SIGN_UP", "SIGN_IN"], Actions: { EventAction: "BLOCK" } },
  AccountTakeoverRiskConfiguration: {
    NotifyConfiguration: { SourceArn: "arn:aws:ses:us-east-1:123:identity/a@example.com" },
    Actions: {
      LowAction: { EventAction: "NO_ACTION", Notify: false },
      MediumAction: { EventAction: "MFA_REQUIRED", Notify: true },
      HighAction: { EventAction: "BLOCK", Notify: true },
    },
  },
  RiskExceptionConfiguration: { BlockedIPRangeList: ["203.0.113.0/24", "198.51.100.7"], SkippedIPRangeList: ["10.0.0.0/8"] },
  LastModifiedDate: 1_700_000_000,
};

describe("riskDraftOf", () => {
  it("shows a pool without threat protection as off, with suggested actions ready", () => {
    const d = riskDraftOf({ UserPoolId: "p1" });
    expect(d.compromised).toBe("off");
    expect(d.events).toEqual(["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"]);
    expect(d.takeover).toBe(false);
    expect(d.levels.High).toEqual({ action: "BLOCK", notify: true });
    expect(d.blocked).toBe("");
    expect(riskDraftOf(undefined)).toEqual(d);
  });

  it("reads every member of a full configuration", () => {
    const d = riskDraftOf(FULL);
    expect(d.compromised).toBe("BLOCK");
    // In the form's order, whatever order the core sent.
    expect(d.events).toEqual(["SIGN_IN", "SIGN_UP"]);
    expect(d.takeover).toBe(true);
    expect(d.levels).toEqual({
      Low: { action: "NO_ACTION", notify: false },
      Medium: { action: "MFA_REQUIRED", notify: true },
      High: { action: "BLOCK", notify: true },
    });
    expect(d.blocked).toBe("203.0.113.0/24\n198.51.100.7");
    expect(d.skipped).toBe("10.0.0.0/8");
  });

  it("ticks every event when the filter is absent or empty, as the core applies it", () => {
    const cc = { Actions: { EventAction: "NO_ACTION" as const } };
    expect(riskDraftOf({ UserPoolId: "p", CompromisedCredentialsRiskConfiguration: cc }).events).toHaveLength(3);
    expect(
      riskDraftOf({ UserPoolId: "p", CompromisedCredentialsRiskConfiguration: { ...cc, EventFilter: [] } }).events,
    ).toHaveLength(3);
  });

  it("shows a level the configuration leaves out as allowed, since the core doesn't act on it", () => {
    const d = riskDraftOf({
      UserPoolId: "p",
      AccountTakeoverRiskConfiguration: { Actions: { HighAction: { EventAction: "BLOCK", Notify: false } } },
    });
    expect(d.levels.Low).toEqual({ action: "NO_ACTION", notify: false });
    expect(d.levels.High).toEqual({ action: "BLOCK", notify: false });
  });
});

describe("riskRequestOf", () => {
  it("round-trips a full configuration, keeping the notification templates it doesn't edit", () => {
    const r = riskRequestOf("p1", riskDraftOf(FULL));
    expect(r).toEqual({
      ok: true,
      request: {
        UserPoolId: "p1",
        CompromisedCredentialsRiskConfiguration: FULL.CompromisedCredentialsRiskConfiguration && {
          EventFilter: ["SIGN_IN", "SIGN_UP"],
          Actions: { EventAction: "BLOCK" },
        },
        AccountTakeoverRiskConfiguration: FULL.AccountTakeoverRiskConfiguration,
        RiskExceptionConfiguration: FULL.RiskExceptionConfiguration,
      },
    });
  });

  it("leaves out what is turned off, and an empty range list", () => {
    const d = { ...riskDraftOf(FULL), compromised: "off" as const, takeover: false, blocked: " \n", skipped: "" };
    expect(riskRequestOf("p1", d)).toEqual({
      ok: true,
      request: {
        UserPoolId: "p1",
        CompromisedCredentialsRiskConfiguration: undefined,
        AccountTakeoverRiskConfiguration: undefined,
        RiskExceptionConfiguration: undefined,
      },
    });
    const onlySkipped = riskRequestOf("p1", { ...d, skipped: "10.0.0.0/8" });
    expect(onlySkipped.ok && onlySkipped.request.RiskExceptionConfiguration).toEqual({ SkippedIPRangeList: ["10.0.0.0/8"] });
  });

  it("sends IP ranges as typed, one per line, for the core to judge", () => {
    const r = riskRequestOf("p1", { ...riskDraftOf(undefined), blocked: " 203.0.113.0/24 \n\nnot-an-ip\n2001:db8::/32" });
    expect(r.ok && r.request.RiskExceptionConfiguration?.BlockedIPRangeList).toEqual([
      "203.0.113.0/24",
      "not-an-ip",
      "2001:db8::/32",
    ]);
  });

  it("refuses checking passwords at no event, which the core would read as every event", () => {
    const r = riskRequestOf("p1", { ...riskDraftOf(FULL), events: [] });
    expect(r).toEqual({
      ok: false,
      errors: { "CompromisedCredentialsRiskConfiguration.EventFilter": expect.stringContaining("at least one event") },
    });
    // Not checking at all needs no event.
    expect(riskRequestOf("p1", { ...riskDraftOf(FULL), compromised: "off", events: [] }).ok).toBe(true);
  });
});
