/**
 * "Recover account": what support does for a caller who lost their phone or is locked out, as
 * one checklist run in order. This file decides which steps apply to the user (and why the
 * others don't), and runs the chosen ones one after the other, stopping at the first failure.
 */

/** The steps, in the order they run. */
export const STEP_ORDER = ["reset-mfa", "unlock", "sign-out", "password"] as const;
export type StepId = (typeof STEP_ORDER)[number];

/** How the password step gets the user a new password. */
export type PasswordMode = "send-code" | "temporary";

/** What is known of the user when the dialog opens. */
export type RecoveryFacts = {
  /** Enabled MFA factors (`UserMFASettingList`). */
  mfa: readonly string[];
  /** ms; present while locked out. */
  lockedUntil?: number | undefined;
  /** ms. */
  now: number;
  failedSignIns: number;
  activeSessions: number;
  /** Verified email and phone a reset code can reach. */
  contacts: readonly string[];
  enabled: boolean;
};

export type StepPlan = {
  id: StepId;
  label: string;
  /** Checked when the dialog opens. */
  checked: boolean;
  /** Why the step can't be chosen; absent when it can. */
  disabledReason?: string;
  /** Why it is (or isn't) preselected, in words. */
  why: string;
};

export type RecoveryPlan = {
  steps: StepPlan[];
  passwordMode: PasswordMode;
  /** Why "send a reset code" can't be chosen; absent when it can. */
  sendCodeDisabledReason?: string;
};

export const STEP_LABELS: Record<StepId, string> = {
  "reset-mfa": "Reset MFA",
  unlock: "Unlock",
  "sign-out": "Sign out everywhere",
  password: "Reset password",
};

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Which steps apply to this user and which are checked to begin with. */
export function planRecovery(f: RecoveryFacts): RecoveryPlan {
  const locked = f.lockedUntil !== undefined && f.lockedUntil > f.now;
  const steps: StepPlan[] = [];

  steps.push(
    f.mfa.length > 0
      ? {
          id: "reset-mfa",
          label: STEP_LABELS["reset-mfa"],
          checked: true,
          why: "Removes the authenticator app and turns off every MFA factor, so a lost phone can't sign in and the user sets MFA up again.",
        }
      : {
          id: "reset-mfa",
          label: STEP_LABELS["reset-mfa"],
          checked: false,
          disabledReason: "No MFA factor is turned on.",
          why: "",
        },
  );

  if (locked) {
    steps.push({
      id: "unlock",
      label: STEP_LABELS.unlock,
      checked: true,
      why: `Locked out after ${count(f.failedSignIns, "failed sign-in", "failed sign-ins")} in a row; lifts the lockout and starts the count again.`,
    });
  } else if (f.failedSignIns > 0) {
    steps.push({
      id: "unlock",
      label: STEP_LABELS.unlock,
      checked: false,
      why: `Not locked out, but ${count(f.failedSignIns, "failed sign-in", "failed sign-ins")} in a row; unlocking starts the count again.`,
    });
  } else {
    steps.push({
      id: "unlock",
      label: STEP_LABELS.unlock,
      checked: false,
      disabledReason: "Not locked out, and no failed sign-ins.",
      why: "",
    });
  }

  steps.push(
    f.activeSessions > 0
      ? {
          id: "sign-out",
          label: STEP_LABELS["sign-out"],
          checked: true,
          why: `Ends ${count(f.activeSessions, "active session", "active sessions")} on every app client, in case the lost device is still signed in.`,
        }
      : {
          id: "sign-out",
          label: STEP_LABELS["sign-out"],
          checked: false,
          disabledReason: "No active sessions to end.",
          why: "",
        },
  );

  const sendCodeDisabledReason =
    f.contacts.length === 0 ? "No verified email address or phone number a code could reach." : undefined;
  steps.push(
    f.enabled
      ? {
          id: "password",
          label: STEP_LABELS.password,
          // A lockout comes from wrong passwords: the user most likely forgot theirs.
          checked: locked || f.failedSignIns > 0,
          why:
            locked || f.failedSignIns > 0
              ? "Wrong passwords led here: the user most likely needs a new one."
              : "The current password stops working.",
        }
      : {
          id: "password",
          label: STEP_LABELS.password,
          checked: false,
          disabledReason: "The user is disabled: enable them first.",
          why: "",
        },
  );

  return {
    steps,
    passwordMode: sendCodeDisabledReason ? "temporary" : "send-code",
    ...(sendCodeDisabledReason ? { sendCodeDisabledReason } : {}),
  };
}

export type StepState = "waiting" | "running" | "done" | "failed" | "not-run";

export type StepResult = { id: StepId; state: StepState; error?: string };

/** One chosen step and the calls that make it. */
export type RunnableStep = { id: StepId; run: () => Promise<unknown> };

/**
 * Runs the steps one after the other; the first failure stops the run, the steps after it are
 * not run. `onChange` hears every state change (for the dialog's progress list).
 */
export async function runRecovery(
  steps: readonly RunnableStep[],
  onChange: (results: StepResult[]) => void,
): Promise<StepResult[]> {
  const results: StepResult[] = steps.map((s) => ({ id: s.id, state: "waiting" }));
  const set = (i: number, r: StepResult) => {
    results[i] = r;
    onChange([...results]);
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!step) continue;
    set(i, { id: step.id, state: "running" });
    try {
      await step.run();
      set(i, { id: step.id, state: "done" });
    } catch (e) {
      const message = e instanceof Error ? e.message : typeof e === "object" && e && "message" in e ? String(e.message) : String(e);
      set(i, { id: step.id, state: "failed", error: message });
      for (let j = i + 1; j < steps.length; j++) {
        const rest = steps[j];
        if (rest) results[j] = { id: rest.id, state: "not-run" };
      }
      onChange([...results]);
      break;
    }
  }
  return results;
}

/** One sentence on how a run ended: what was done, and where and why it stopped. */
export function summarize(results: readonly StepResult[]): string {
  const done = results.filter((r) => r.state === "done").map((r) => STEP_LABELS[r.id]);
  const failed = results.find((r) => r.state === "failed");
  const notRun = results.filter((r) => r.state === "not-run").map((r) => STEP_LABELS[r.id]);
  if (!failed) return done.length > 0 ? `Done: ${done.join(", ")}.` : "Nothing was done.";
  const before = done.length > 0 ? ` Done before it: ${done.join(", ")}.` : " Nothing was changed before it.";
  const after = notRun.length > 0 ? ` Not run: ${notRun.join(", ")}.` : "";
  const reason = (failed.error ?? "unknown error").replace(/\.$/, "");
  return `“${STEP_LABELS[failed.id]}” failed: ${reason}.${before}${after}`;
}
