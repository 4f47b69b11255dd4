// The threat protection form: a pool's RiskConfigurationType as editable fields, and back to the
// SetRiskConfiguration request (which replaces the whole configuration, so everything is resent).

import type {
  CompromisedAction,
  EventFilter,
  Operations,
  RiskConfiguration,
  TakeoverAction,
} from "../api/types";
import { lines } from "./forms";

export type SetRiskConfigurationRequest = Operations["SetRiskConfiguration"]["input"];

export type RiskLevel = "Low" | "Medium" | "High";
export const RISK_LEVELS: readonly RiskLevel[] = ["Low", "Medium", "High"];

/** The request member of each level's action. */
export const LEVEL_MEMBER: Record<RiskLevel, "LowAction" | "MediumAction" | "HighAction"> = {
  Low: "LowAction",
  Medium: "MediumAction",
  High: "HighAction",
};

export const EVENT_FILTERS: ReadonlyArray<{ value: EventFilter; label: string }> = [
  { value: "SIGN_IN", label: "Sign-in" },
  { value: "PASSWORD_CHANGE", label: "Password change" },
  { value: "SIGN_UP", label: "Sign-up" },
];

/** "off" leaves `CompromisedCredentialsRiskConfiguration` out: passwords are not checked at all. */
export type CompromisedChoice = "off" | CompromisedAction;

export type LevelDraft = { action: TakeoverAction; notify: boolean };

export type RiskDraft = {
  compromised: CompromisedChoice;
  events: EventFilter[];
  takeover: boolean;
  levels: Record<RiskLevel, LevelDraft>;
  /** The notification templates, which the form doesn't edit but must resend. */
  notifyConfiguration: unknown;
  /** One CIDR range per line, as typed. */
  blocked: string;
  skipped: string;
};

/** What a level does when account-takeover checks are first turned on. */
const DEFAULT_LEVELS: Record<RiskLevel, LevelDraft> = {
  Low: { action: "NO_ACTION", notify: false },
  Medium: { action: "MFA_IF_CONFIGURED", notify: true },
  High: { action: "BLOCK", notify: true },
};

const ALL_EVENTS: EventFilter[] = EVENT_FILTERS.map((e) => e.value);

/** The form's fields for a configuration (undefined: none yet). */
export function riskDraftOf(config: RiskConfiguration | undefined): RiskDraft {
  const cc = config?.CompromisedCredentialsRiskConfiguration;
  const at = config?.AccountTakeoverRiskConfiguration;
  const ex = config?.RiskExceptionConfiguration;
  const level = (l: RiskLevel): LevelDraft => {
    const a = at?.Actions[LEVEL_MEMBER[l]];
    // A level the configuration leaves out is not acted on.
    if (at) return a ? { action: a.EventAction, notify: a.Notify } : { action: "NO_ACTION", notify: false };
    return { ...DEFAULT_LEVELS[l] };
  };
  return {
    compromised: cc ? cc.Actions.EventAction : "off",
    // An absent or empty filter means every event, and the form says so by ticking them all.
    events: cc?.EventFilter && cc.EventFilter.length > 0 ? ALL_EVENTS.filter((e) => cc.EventFilter?.includes(e)) : [...ALL_EVENTS],
    takeover: at !== undefined,
    levels: { Low: level("Low"), Medium: level("Medium"), High: level("High") },
    notifyConfiguration: at?.NotifyConfiguration,
    blocked: (ex?.BlockedIPRangeList ?? []).join("\n"),
    skipped: (ex?.SkippedIPRangeList ?? []).join("\n"),
  };
}

export const RISK_FIELDS = [
  "CompromisedCredentialsRiskConfiguration",
  "CompromisedCredentialsRiskConfiguration.Actions",
  "CompromisedCredentialsRiskConfiguration.EventFilter",
  "AccountTakeoverRiskConfiguration",
  "AccountTakeoverRiskConfiguration.Actions.LowAction",
  "AccountTakeoverRiskConfiguration.Actions.MediumAction",
  "AccountTakeoverRiskConfiguration.Actions.HighAction",
  "RiskExceptionConfiguration",
  "RiskExceptionConfiguration.BlockedIPRangeList",
  "RiskExceptionConfiguration.SkippedIPRangeList",
] as const;

/**
 * The SetRiskConfiguration request for the form, or the fields the core would take in a sense
 * the form doesn't show: an empty event filter means "every event" to the core, so checking
 * passwords at no event at all is refused here. IP ranges are sent as typed (one per line or
 * comma separated, blanks dropped) for the core to validate, which names the entry at fault;
 * an empty list is left out.
 */
export function riskRequestOf(
  poolId: string,
  d: RiskDraft,
): { ok: true; request: SetRiskConfigurationRequest } | { ok: false; errors: Record<string, string> } {
  if (d.compromised !== "off" && d.events.length === 0) {
    return {
      ok: false,
      errors: {
        "CompromisedCredentialsRiskConfiguration.EventFilter":
          "Choose at least one event to check passwords at, or stop checking them.",
      },
    };
  }
  const blocked = lines(d.blocked);
  const skipped = lines(d.skipped);
  const action = (l: RiskLevel) => ({ EventAction: d.levels[l].action, Notify: d.levels[l].notify });
  return {
    ok: true,
    request: {
      UserPoolId: poolId,
      CompromisedCredentialsRiskConfiguration:
        d.compromised === "off"
          ? undefined
          : { EventFilter: ALL_EVENTS.filter((e) => d.events.includes(e)), Actions: { EventAction: d.compromised } },
      AccountTakeoverRiskConfiguration: d.takeover
        ? {
            ...(d.notifyConfiguration !== undefined ? { NotifyConfiguration: d.notifyConfiguration } : {}),
            Actions: { LowAction: action("Low"), MediumAction: action("Medium"), HighAction: action("High") },
          }
        : undefined,
      RiskExceptionConfiguration:
        blocked.length > 0 || skipped.length > 0
          ? {
              ...(blocked.length > 0 ? { BlockedIPRangeList: blocked } : {}),
              ...(skipped.length > 0 ? { SkippedIPRangeList: skipped } : {}),
            }
          : undefined,
    },
  };
}
