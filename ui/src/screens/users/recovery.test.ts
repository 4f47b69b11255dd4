import { describe, expect, it } from "vitest";
import { planRecovery, runRecovery, summarize, type RecoveryFacts, type StepResult } from "./recovery";

const NOW = 1_000_000;
const base: RecoveryFacts = { mfa: [], now: NOW, failedSignIns: 0, activeSessions: 0, contacts: [], enabled: true };

const byId = (facts: RecoveryFacts) => Object.fromEntries(planRecovery(facts).steps.map((s) => [s.id, s]));

describe("planRecovery", () => {
  it("preselects everything for a locked-out user with MFA and sessions who lost their phone", () => {
    const plan = planRecovery({
      ...base,
      mfa: ["SOFTWARE_TOKEN_MFA"],
      lockedUntil: NOW + 60_000,
      failedSignIns: 11,
      activeSessions: 2,
      contacts: ["ada@acme.example"],
    });
    expect(plan.steps.map((s) => [s.id, s.checked, s.disabledReason])).toEqual([
      ["reset-mfa", true, undefined],
      ["unlock", true, undefined],
      ["sign-out", true, undefined],
      ["password", true, undefined],
    ]);
    expect(plan.passwordMode).toBe("send-code");
    expect(plan.sendCodeDisabledReason).toBeUndefined();
    expect(plan.steps[1]?.why).toContain("11 failed sign-ins");
  });

  it("disables what does not apply and says why", () => {
    const s = byId(base);
    expect(s["reset-mfa"]).toMatchObject({ checked: false, disabledReason: "No MFA factor is turned on." });
    expect(s.unlock).toMatchObject({ checked: false, disabledReason: "Not locked out, and no failed sign-ins." });
    expect(s["sign-out"]).toMatchObject({ checked: false, disabledReason: "No active sessions to end." });
    expect(s.password).toMatchObject({ checked: false });
    expect(s.password?.disabledReason).toBeUndefined();
  });

  it("treats a lockout that has ended as failures only: unlock offered, not checked", () => {
    const s = byId({ ...base, lockedUntil: NOW - 1, failedSignIns: 6 });
    expect(s.unlock).toMatchObject({ checked: false });
    expect(s.unlock?.disabledReason).toBeUndefined();
    expect(s.unlock?.why).toContain("Not locked out, but 6 failed sign-ins");
    expect(s.password?.checked).toBe(true);
  });

  it("falls back to a temporary password when no code can reach the user", () => {
    const plan = planRecovery({ ...base, lockedUntil: NOW + 1 });
    expect(plan.passwordMode).toBe("temporary");
    expect(plan.sendCodeDisabledReason).toMatch(/No verified email/);
  });

  it("does not offer a password for a disabled user", () => {
    const s = byId({ ...base, enabled: false, contacts: ["a@b.c"] });
    expect(s.password).toMatchObject({ checked: false, disabledReason: "The user is disabled: enable them first." });
  });
});

describe("runRecovery", () => {
  it("runs the steps in order and reports each", async () => {
    const order: string[] = [];
    const seen: StepResult[][] = [];
    const results = await runRecovery(
      [
        { id: "reset-mfa", run: async () => order.push("mfa") },
        { id: "unlock", run: async () => order.push("unlock") },
      ],
      (r) => seen.push(r),
    );
    expect(order).toEqual(["mfa", "unlock"]);
    expect(results.map((r) => r.state)).toEqual(["done", "done"]);
    expect(seen[0]?.map((r) => r.state)).toEqual(["running", "waiting"]);
    expect(summarize(results)).toBe("Done: Reset MFA, Unlock.");
  });

  it("stops at the first failure and says what failed, what was done and what was not run", async () => {
    const ran: string[] = [];
    const results = await runRecovery(
      [
        { id: "reset-mfa", run: async () => ran.push("mfa") },
        {
          id: "unlock",
          run: async () => {
            throw { code: "UserNotFoundException", message: "User does not exist." };
          },
        },
        { id: "sign-out", run: async () => ran.push("sign-out") },
        { id: "password", run: async () => ran.push("password") },
      ],
      () => {},
    );
    expect(ran).toEqual(["mfa"]);
    expect(results.map((r) => r.state)).toEqual(["done", "failed", "not-run", "not-run"]);
    expect(summarize(results)).toBe(
      "“Unlock” failed: User does not exist. Done before it: Reset MFA. Not run: Sign out everywhere, Reset password.",
    );
  });
});
