import { useState } from "react";
import type { ClientSettings, ExplicitAuthFlow, OAuthFlow, TimeUnit } from "../../api/types";
import { Check, Field } from "../../components/ui";
import { lines } from "../../lib/forms";
import { useUnsavedGuard } from "../../lib/useUnsavedGuard";
import "../../styles/clients.css";

export const AUTH_FLOWS: ReadonlyArray<{ value: ExplicitAuthFlow; label: string }> = [
  { value: "ALLOW_USER_SRP_AUTH", label: "SRP (USER_SRP_AUTH)" },
  { value: "ALLOW_USER_PASSWORD_AUTH", label: "Username and password (USER_PASSWORD_AUTH)" },
  { value: "ALLOW_ADMIN_USER_PASSWORD_AUTH", label: "Admin username and password (ADMIN_USER_PASSWORD_AUTH)" },
  { value: "ALLOW_USER_AUTH", label: "Choice-based sign-in (USER_AUTH)" },
  { value: "ALLOW_CUSTOM_AUTH", label: "Custom challenges (CUSTOM_AUTH)" },
  { value: "ALLOW_REFRESH_TOKEN_AUTH", label: "Refresh tokens (REFRESH_TOKEN_AUTH)" },
];

const UNITS: TimeUnit[] = ["seconds", "minutes", "hours", "days"];

/** Cognito's defaults for a new app client. */
export const DEFAULT_CLIENT: ClientDraft = {
  ClientName: "",
  AccessTokenValidity: "60",
  IdTokenValidity: "60",
  RefreshTokenValidity: "30",
  TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
  ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
  CallbackURLs: "",
  LogoutURLs: "",
  AllowedOAuthFlowsUserPoolClient: false,
  AllowedOAuthFlows: [],
  AllowedOAuthScopes: [],
  PreventUserExistenceErrors: true,
  EnableTokenRevocation: true,
  RotateRefreshTokens: false,
  RetryGracePeriodSeconds: "0",
};

/** What the form edits; numbers and URL lists are text while being typed. */
export type ClientDraft = {
  ClientName: string;
  AccessTokenValidity: string;
  IdTokenValidity: string;
  RefreshTokenValidity: string;
  TokenValidityUnits: Required<NonNullable<ClientSettings["TokenValidityUnits"]>>;
  ExplicitAuthFlows: ExplicitAuthFlow[];
  CallbackURLs: string;
  LogoutURLs: string;
  AllowedOAuthFlowsUserPoolClient: boolean;
  AllowedOAuthFlows: OAuthFlow[];
  AllowedOAuthScopes: string[];
  PreventUserExistenceErrors: boolean;
  EnableTokenRevocation: boolean;
  /** RefreshTokenRotation: Feature ENABLED, and its grace period in seconds (0–60). */
  RotateRefreshTokens: boolean;
  RetryGracePeriodSeconds: string;
};

/** A described client as the form edits it; members the core left out show Cognito's defaults. */
export function draftOfClient(name: string, s: ClientSettings): ClientDraft {
  const d = DEFAULT_CLIENT;
  return {
    ClientName: name,
    AccessTokenValidity: s.AccessTokenValidity === undefined ? d.AccessTokenValidity : String(s.AccessTokenValidity),
    IdTokenValidity: s.IdTokenValidity === undefined ? d.IdTokenValidity : String(s.IdTokenValidity),
    RefreshTokenValidity: s.RefreshTokenValidity === undefined ? d.RefreshTokenValidity : String(s.RefreshTokenValidity),
    TokenValidityUnits: { ...d.TokenValidityUnits, ...s.TokenValidityUnits },
    ExplicitAuthFlows: [...(s.ExplicitAuthFlows ?? [])],
    CallbackURLs: (s.CallbackURLs ?? []).join("\n"),
    LogoutURLs: (s.LogoutURLs ?? []).join("\n"),
    AllowedOAuthFlowsUserPoolClient: s.AllowedOAuthFlowsUserPoolClient ?? false,
    AllowedOAuthFlows: [...(s.AllowedOAuthFlows ?? [])],
    AllowedOAuthScopes: [...(s.AllowedOAuthScopes ?? [])],
    PreventUserExistenceErrors: (s.PreventUserExistenceErrors ?? "ENABLED") === "ENABLED",
    EnableTokenRevocation: s.EnableTokenRevocation ?? true,
    RotateRefreshTokens: s.RefreshTokenRotation?.Feature === "ENABLED",
    RetryGracePeriodSeconds: String(s.RefreshTokenRotation?.RetryGracePeriodSeconds ?? 0),
  };
}

const VALIDITY_FIELDS = ["AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity"] as const;

/** Local checks before sending: validities must be whole numbers (ranges are the core's). */
export function clientDraftErrors(d: ClientDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const k of VALIDITY_FIELDS) {
    if (!/^\s*\d+\s*$/.test(d[k])) errors[k] = "Enter a whole number.";
  }
  if (d.RotateRefreshTokens && !/^\s*\d+\s*$/.test(d.RetryGracePeriodSeconds)) {
    errors["RefreshTokenRotation.RetryGracePeriodSeconds"] = "Enter a whole number of seconds.";
  }
  if (d.ClientName.trim() === "") errors.ClientName = "Enter a name for the app client.";
  return errors;
}

/** The draft's members in request form (call only when clientDraftErrors is empty). */
export function settingsFromDraft(d: ClientDraft) {
  return {
    ClientName: d.ClientName.trim(),
    AccessTokenValidity: Number(d.AccessTokenValidity),
    IdTokenValidity: Number(d.IdTokenValidity),
    RefreshTokenValidity: Number(d.RefreshTokenValidity),
    TokenValidityUnits: d.TokenValidityUnits,
    ExplicitAuthFlows: d.ExplicitAuthFlows,
    CallbackURLs: lines(d.CallbackURLs),
    LogoutURLs: lines(d.LogoutURLs),
    AllowedOAuthFlowsUserPoolClient: d.AllowedOAuthFlowsUserPoolClient,
    AllowedOAuthFlows: d.AllowedOAuthFlows,
    AllowedOAuthScopes: d.AllowedOAuthScopes,
    PreventUserExistenceErrors: d.PreventUserExistenceErrors ? ("ENABLED" as const) : ("LEGACY" as const),
    EnableTokenRevocation: d.EnableTokenRevocation,
    RefreshTokenRotation: d.RotateRefreshTokens
      ? { Feature: "ENABLED" as const, RetryGracePeriodSeconds: Number(d.RetryGracePeriodSeconds) }
      : { Feature: "DISABLED" as const },
  };
}

export const CLIENT_FIELDS = [
  "ClientName",
  "GenerateSecret",
  "ExplicitAuthFlows",
  "AccessTokenValidity",
  "IdTokenValidity",
  "RefreshTokenValidity",
  "TokenValidityUnits",
  "CallbackURLs",
  "LogoutURLs",
  "DefaultRedirectURI",
  "AllowedOAuthFlows",
  "AllowedOAuthScopes",
  "AllowedOAuthFlowsUserPoolClient",
  "PreventUserExistenceErrors",
  "EnableTokenRevocation",
  "RefreshTokenRotation",
  "RefreshTokenRotation.RetryGracePeriodSeconds",
] as const;

function toggle<T>(list: T[], v: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== v), v] : list.filter((x) => x !== v);
}

function GroupError({ text }: { text: string | undefined }) {
  return text ? (
    <div className="field-error" role="alert" data-testid="field-error">
      {text}
    </div>
  ) : null;
}

export function ClientFormFields({
  value: d,
  onChange,
  errors,
  autoFocusName = false,
}: {
  value: ClientDraft;
  onChange: (next: ClientDraft) => void;
  errors: Record<string, string>;
  autoFocusName?: boolean;
}) {
  const set = <K extends keyof ClientDraft>(k: K, v: ClientDraft[K]) => onChange({ ...d, [k]: v });
  // The form is remounted after a save (keyed by the client's modification time), so the value
  // it was first shown with is the saved one: anything else is an unsaved edit.
  const [first] = useState(d);
  const unsaved = useUnsavedGuard(JSON.stringify(d) !== JSON.stringify(first), "this app client");
  const legacyFlows = d.ExplicitAuthFlows.filter((f) => !AUTH_FLOWS.some((a) => a.value === f));

  const validity = (k: (typeof VALIDITY_FIELDS)[number], unitKey: keyof ClientDraft["TokenValidityUnits"], label: string, hint: string) => (
    <Field label={label} name={k} hint={hint} error={errors[k] ?? errors[`TokenValidityUnits.${unitKey}`]}>
      {(p) => (
        <div className="input-group">
          <input {...p} className="input-narrow" inputMode="numeric" value={d[k]} onChange={(e) => set(k, e.target.value)} />
          <select
            aria-label={`${label} unit`}
            value={d.TokenValidityUnits[unitKey]}
            onChange={(e) => set("TokenValidityUnits", { ...d.TokenValidityUnits, [unitKey]: e.target.value as TimeUnit })}
          >
            {UNITS.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </div>
      )}
    </Field>
  );

  return (
    <>
      {unsaved.prompt}
      <Field label="App client name" name="ClientName" error={errors.ClientName}>
        {(p) => (
          <input
            {...p}
            autoFocus={autoFocusName}
            value={d.ClientName}
            onChange={(e) => set("ClientName", e.target.value)}
            data-testid="client-name"
          />
        )}
      </Field>

      <fieldset className="fieldset">
        <legend>Authentication flows</legend>
        <div className="checks checks-column">
          {AUTH_FLOWS.map((f) => (
            <Check
              key={f.value}
              label={f.label}
              checked={d.ExplicitAuthFlows.includes(f.value)}
              disabled={f.value === "ALLOW_REFRESH_TOKEN_AUTH" && d.RotateRefreshTokens}
              hint={f.value === "ALLOW_REFRESH_TOKEN_AUTH" && d.RotateRefreshTokens ? "(off while refresh tokens rotate)" : undefined}
              onChange={(on) => set("ExplicitAuthFlows", toggle(d.ExplicitAuthFlows, f.value, on))}
            />
          ))}
          {legacyFlows.map((f) => (
            <Check
              key={f}
              label={<span className="mono">{f}</span>}
              hint="(legacy)"
              checked
              onChange={() => set("ExplicitAuthFlows", d.ExplicitAuthFlows.filter((x) => x !== f))}
            />
          ))}
        </div>
        <GroupError text={errors.ExplicitAuthFlows} />
      </fieldset>

      <fieldset className="fieldset">
        <legend>Token lifetimes</legend>
        <div className="row">
          {validity("AccessTokenValidity", "AccessToken", "Access token", "5 minutes – 1 day")}
          {validity("IdTokenValidity", "IdToken", "ID token", "5 minutes – 1 day")}
          {validity("RefreshTokenValidity", "RefreshToken", "Refresh token", "1 hour – 10 years")}
        </div>
        <GroupError text={errors.TokenValidityUnits} />
        <div className="rotation-row">
          <Check
            label="Rotate refresh tokens"
            hint="(each refresh answers a new refresh token; clients refresh with GetTokensFromRefreshToken)"
            checked={d.RotateRefreshTokens}
            onChange={(on) =>
              onChange({
                ...d,
                RotateRefreshTokens: on,
                // Cognito refuses REFRESH_TOKEN_AUTH beside rotation.
                ExplicitAuthFlows: on ? d.ExplicitAuthFlows.filter((f) => f !== "ALLOW_REFRESH_TOKEN_AUTH") : d.ExplicitAuthFlows,
              })
            }
          />
          {d.RotateRefreshTokens && (
            <Field
              label="Grace period"
              name="RefreshTokenRotation.RetryGracePeriodSeconds"
              hint="0–60 seconds the replaced token still works, for retries"
              error={errors["RefreshTokenRotation.RetryGracePeriodSeconds"]}
            >
              {(p) => (
                <div className="input-group">
                  <input
                    {...p}
                    className="input-narrow"
                    inputMode="numeric"
                    value={d.RetryGracePeriodSeconds}
                    onChange={(e) => set("RetryGracePeriodSeconds", e.target.value)}
                    data-testid="rotation-grace"
                  />
                  <span className="input-suffix">seconds</span>
                </div>
              )}
            </Field>
          )}
        </div>
        <GroupError text={errors.RefreshTokenRotation} />
        <Check
          label="Enable token revocation"
          checked={d.EnableTokenRevocation}
          onChange={(v) => set("EnableTokenRevocation", v)}
        />
        <Check
          label="Prevent user existence errors"
          hint="(sign-in failures don't reveal whether a user exists)"
          checked={d.PreventUserExistenceErrors}
          onChange={(v) => set("PreventUserExistenceErrors", v)}
        />
      </fieldset>

      <p className="hint">
        Callback URLs, OAuth flows and scopes, identity providers and a ready-made sign-in URL are on the app client&apos;s
        Hosted UI tab.
      </p>
    </>
  );
}
