import type { ClientSettings, PoolSettings, UserPool, UserPoolClient } from "../api/types";

/**
 * Every member of PoolSettings. UpdateUserPool resets an absent member to its default (as in
 * Cognito), so an update must send all of them; the type check below fails the build when the
 * generated PoolSettings gains a member this list lacks.
 */
export const POOL_SETTINGS_KEYS = [
  "Policies",
  "DeletionProtection",
  "AutoVerifiedAttributes",
  "SmsVerificationMessage",
  "EmailVerificationMessage",
  "EmailVerificationSubject",
  "VerificationMessageTemplate",
  "SmsAuthenticationMessage",
  "UserAttributeUpdateSettings",
  "MfaConfiguration",
  "DeviceConfiguration",
  "EmailConfiguration",
  "UserPoolTags",
  "AdminCreateUserConfig",
  "AccountRecoverySetting",
  "UserPoolTier",
  "LambdaConfig",
] as const satisfies ReadonlyArray<keyof PoolSettings>;

type Missing = Exclude<keyof PoolSettings, (typeof POOL_SETTINGS_KEYS)[number]>;
// If this line fails to compile, add the members named in the error to POOL_SETTINGS_KEYS.
const settingsKeysComplete: [Missing] extends [never] ? true : Missing = true;
void settingsKeysComplete;

/** The mutable settings of a described pool, exactly as the core sent them. */
export function settingsOf(pool: UserPool): PoolSettings {
  const out: Record<string, unknown> = {};
  for (const k of POOL_SETTINGS_KEYS) {
    if (pool[k] !== undefined) out[k] = pool[k];
  }
  return out as PoolSettings;
}

/** Every member of ClientSettings; UpdateUserPoolClient resets absent ones, like UpdateUserPool. */
export const CLIENT_SETTINGS_KEYS = [
  "AccessTokenValidity",
  "IdTokenValidity",
  "RefreshTokenValidity",
  "TokenValidityUnits",
  "ReadAttributes",
  "WriteAttributes",
  "ExplicitAuthFlows",
  "SupportedIdentityProviders",
  "CallbackURLs",
  "LogoutURLs",
  "DefaultRedirectURI",
  "AllowedOAuthFlows",
  "AllowedOAuthScopes",
  "AllowedOAuthFlowsUserPoolClient",
  "PreventUserExistenceErrors",
  "EnableTokenRevocation",
  "EnablePropagateAdditionalUserContextData",
  "AuthSessionValidity",
  "RefreshTokenRotation",
] as const satisfies ReadonlyArray<keyof ClientSettings>;

type MissingClient = Exclude<keyof ClientSettings, (typeof CLIENT_SETTINGS_KEYS)[number]>;
// If this line fails to compile, add the members named in the error to CLIENT_SETTINGS_KEYS.
const clientKeysComplete: [MissingClient] extends [never] ? true : MissingClient = true;
void clientKeysComplete;

/** The mutable settings of a described app client, exactly as the core sent them. */
export function clientSettingsOf(client: UserPoolClient): ClientSettings {
  const out: Record<string, unknown> = {};
  for (const k of CLIENT_SETTINGS_KEYS) {
    if (client[k] !== undefined) out[k] = client[k];
  }
  return out as ClientSettings;
}
