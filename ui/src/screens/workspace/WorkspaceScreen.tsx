import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { workspaceQuery } from "../../api/queries";
import type { Workspace } from "../../api/types";
import { QueryStatus } from "../../components/LoadState";
import { Dialog } from "../../components/overlays";
import { Button, CopyButton, ErrorBanner, Facts, Field, Heading, Section, Switch } from "../../components/ui";
import { useAction } from "../../lib/useAction";
import {
  DEFAULT_SMTP_FROM,
  SMTP_SECURITIES,
  SMTP_SECURITY_CHOICES,
  cognitoIssuerBase,
  hasSmtpLogin,
  isSmtpSecurity,
  stopRequiringSignaturesCommand,
  type WorkspaceDraft,
  type WorkspaceSection,
} from "../../lib/workspace";
import { call, endpointOrigin, isDesktop } from "../../platform";
import { AppearanceSection } from "./AppearanceSection";
import { SectionForm, type FormApi, type SectionProps } from "./SectionForm";

const sectionId = (s: WorkspaceSection) => `workspace-${s}`;

/** The settings of the store that apply to every pool (DescribeWorkspace / UpdateWorkspace). */
export function WorkspaceScreen({ section }: { section?: WorkspaceSection | undefined }) {
  const queries = useQueryClient();
  const q = useQuery(workspaceQuery);
  const ws = q.data?.Workspace;
  const loaded = ws !== undefined;
  const reload = () => void q.refetch();
  const onSaved = (fresh: Workspace) => queries.setQueryData(workspaceQuery.queryKey, { Workspace: fresh });

  // A link to one section ("set an SMTP server") lands on it, with its first input focused.
  useEffect(() => {
    if (!section || !loaded) return;
    const el = document.getElementById(sectionId(section));
    el?.scrollIntoView?.({ block: "start" });
    el?.querySelector<HTMLElement>("input, select, button[role='switch']")?.focus({ preventScroll: true });
  }, [section, loaded]);

  return (
    <div className="screen" data-testid="workspace-screen">
      <header className="screen-header">
        <div>
          <h1>Workspace settings</h1>
          <div className="screen-subtitle">Settings of this store that apply to every pool. Each section is saved on its own.</div>
        </div>
        <div className="screen-actions">
          <Button variant="ghost" onClick={reload}>
            Refresh
          </Button>
        </div>
      </header>
      <div className="workspace">
        {/* Kept in this browser, not in the store: shown even when the store can't be read. */}
        <AppearanceSection />
        <QueryStatus query={q} errorTitle="Could not load the workspace settings." loadingLabel="Loading workspace settings…" />
        {ws && (
          <div className="workspace-sections" data-testid="workspace-sections">
            <GeneralSection ws={ws} onSaved={onSaved} />
            <TokensSection ws={ws} onSaved={onSaved} />
            <ThreatsSection ws={ws} onSaved={onSaved} />
            <EmailSection ws={ws} onSaved={onSaved} />
            <SecuritySection ws={ws} onSaved={onSaved} onKeysChanged={reload} />
          </div>
        )}
      </div>
    </div>
  );
}

function GeneralSection({ ws, onSaved }: SectionProps) {
  return (
    <Section title="General" id={sectionId("general")} testId="workspace-general">
      <Facts
        items={[
          ["Account ID", <span className="mono">{ws.AccountId}</span>],
          ["Schema version", String(ws.SchemaVersion)],
          [
            "Store",
            <span className="secret">
              <span className="mono">{ws.StorePath}</span> <CopyButton text={ws.StorePath} />
            </span>,
            "wide",
          ],
        ]}
      />
      <SectionForm section="general" ws={ws} onSaved={onSaved} saveLabel="Save region" savedToast="Region saved">
        {({ draft, set, errors }) => (
          <Field
            label="Region"
            name="Region"
            className="field-medium"
            hint={
              <>
                Used in the ids of new pools (<span className="mono">{draft.Region || "us-east-1"}_…</span>) and in their ARNs,
                for example <span className="mono">us-east-1</span> or <span className="mono">eu-west-2</span>. Pools that exist
                keep their ids.
              </>
            }
            error={errors.Region}
          >
            {(p) => (
              <input
                {...p}
                className="mono"
                spellCheck={false}
                autoComplete="off"
                value={draft.Region}
                onChange={(e) => set("Region", e.target.value)}
                data-testid="ws-region"
              />
            )}
          </Field>
        )}
      </SectionForm>
    </Section>
  );
}

function TokensSection({ ws, onSaved }: SectionProps) {
  const own = endpointOrigin();
  return (
    <Section title="Tokens" id={sectionId("tokens")} testId="workspace-tokens">
      <SectionForm section="tokens" ws={ws} onSaved={onSaved} saveLabel="Save issuer" savedToast="Issuer saved">
        {({ draft, set, errors }) => {
          const base = draft.IssuerBaseUrl.trim().replace(/\/+$/, "");
          return (
            <>
              <Field
                label="Issuer base URL"
                name="IssuerBaseUrl"
                hint={
                  <>
                    Empty: Cognito's <span className="mono">https://cognito-idp.&lt;region&gt;.amazonaws.com</span>. Set it to
                    the endpoint's own address (for example <span className="mono">http://127.0.0.1:9229</span>) and OIDC clients
                    can discover the keys at <span className="mono">&lt;iss&gt;/.well-known/openid-configuration</span>.
                  </>
                }
                error={errors.IssuerBaseUrl}
              >
                {(p) => (
                  <div className="input-with-action">
                    <input
                      {...p}
                      className="mono"
                      spellCheck={false}
                      autoComplete="off"
                      placeholder={cognitoIssuerBase(ws.Region)}
                      value={draft.IssuerBaseUrl}
                      onChange={(e) => set("IssuerBaseUrl", e.target.value)}
                      data-testid="ws-issuer"
                    />
                    {own && base !== own && (
                      <Button onClick={() => set("IssuerBaseUrl", own)} title={own} data-testid="ws-issuer-use-endpoint">
                        Use this endpoint's address
                      </Button>
                    )}
                  </div>
                )}
              </Field>
              <p className="hint form-note" data-testid="ws-issuer-preview">
                Tokens issued from now on carry <span className="mono">iss</span>{" "}
                <span className="mono">{base ? base : cognitoIssuerBase(ws.Region)}/&lt;pool id&gt;</span>
                {!base && ", with the region of each pool's own id"}; tokens issued before keep theirs.
              </p>
            </>
          );
        }}
      </SectionForm>
    </Section>
  );
}

function ThreatsSection({ ws, onSaved }: SectionProps) {
  return (
    <Section
      title="Threat protection"
      id={sectionId("threats")}
      testId="workspace-threats"
      actions={
        ws.BreachedPasswordsFile !== undefined ? (
          <span className="pill pill-ok">List set</span>
        ) : (
          <span className="pill pill-off">No list</span>
        )
      }
    >
      <SectionForm
        section="threats"
        ws={ws}
        onSaved={onSaved}
        saveLabel="Save breached-passwords file"
        savedToast="Breached-passwords file saved"
      >
        {({ draft, set, errors }) => (
          <Field
            label="Breached-passwords file"
            name="BreachedPasswordsFile"
            hint={
              <>
                The path, on the machine running Poolhouse, of a Pwned Passwords list in SHA-1 format: one{" "}
                <span className="mono">HASH:COUNT</span> line per password, sorted by hash, as the downloads come. The file is
                checked when you save. Empty: no list, so no password is ever found. Each pool chooses whether to check
                passwords in its Overview → Threat protection.
              </>
            }
            error={errors.BreachedPasswordsFile}
          >
            {(p) => (
              <input
                {...p}
                className="mono"
                spellCheck={false}
                autoComplete="off"
                placeholder="/data/pwned-passwords-sha1-ordered-by-hash.txt"
                value={draft.BreachedPasswordsFile}
                onChange={(e) => set("BreachedPasswordsFile", e.target.value)}
                data-testid="ws-breached-file"
              />
            )}
          </Field>
        )}
      </SectionForm>
    </Section>
  );
}

function EmailSection({ ws, onSaved }: SectionProps) {
  return (
    <Section
      title="Email delivery"
      id={sectionId("email")}
      testId="workspace-email"
      actions={
        ws.SmtpServer !== undefined ? (
          <span className="pill pill-ok" data-testid="email-delivery-state">
            Sending email
          </span>
        ) : (
          <span className="pill pill-off" data-testid="email-delivery-state">
            Not sending
          </span>
        )
      }
    >
      <p className="hint section-intro">
        Invitations, verification codes and password reset codes always land in each pool's Messages tab. When an SMTP server
        is set, email is also sent through it within a few seconds, and the Messages tab shows whether each one was sent.
        Setting a server does not send the messages already there. SMS is never sent.
      </p>
      <SectionForm section="email" ws={ws} onSaved={onSaved} saveLabel="Save email delivery" savedToast="Email delivery saved">
        {({ draft, set, errors, resetKey }) => {
          const hasServer = draft.SmtpServer.trim() !== "";
          const security = isSmtpSecurity(draft.SmtpSecurity) ? draft.SmtpSecurity : undefined;
          const login = hasSmtpLogin(ws);
          return (
            <div className="grid-2">
              <Field
                label="SMTP server"
                name="SmtpServer"
                hint={
                  <>
                    <span className="mono">host:port</span>, for example <span className="mono">127.0.0.1:1025</span> for a local
                    mail catcher or <span className="mono nowrap">smtp.example.com:587</span> for a provider. Empty: nothing is
                    sent.
                  </>
                }
                error={errors.SmtpServer}
              >
                {(p) => (
                  <input
                    {...p}
                    className="mono"
                    spellCheck={false}
                    autoComplete="off"
                    placeholder="127.0.0.1:1025"
                    value={draft.SmtpServer}
                    onChange={(e) => set("SmtpServer", e.target.value)}
                    data-testid="ws-smtp-server"
                  />
                )}
              </Field>
              <Field
                label="Security"
                name="SmtpSecurity"
                hint={
                  !hasServer
                    ? "How the connection to the server is protected; set a server first."
                    : security
                      ? SMTP_SECURITY_CHOICES[security].hint
                      : undefined
                }
                error={errors.SmtpSecurity}
              >
                {(p) => (
                  <select
                    {...p}
                    disabled={!hasServer}
                    value={draft.SmtpSecurity}
                    onChange={(e) => set("SmtpSecurity", e.target.value)}
                    data-testid="ws-smtp-security"
                  >
                    {SMTP_SECURITIES.map((s) => (
                      <option key={s} value={s}>
                        {SMTP_SECURITY_CHOICES[s].label}
                      </option>
                    ))}
                    {!security && <option value={draft.SmtpSecurity}>{draft.SmtpSecurity}</option>}
                  </select>
                )}
              </Field>
              <Field
                label="User name"
                name="SmtpUsername"
                hint={
                  !hasServer
                    ? "The login, when the server wants one; set a server first."
                    : login
                      ? "Empty removes the login, password included."
                      : "When the server wants a login, with its password. Empty: no login."
                }
                error={errors.SmtpUsername}
              >
                {(p) => (
                  <input
                    {...p}
                    spellCheck={false}
                    autoComplete="off"
                    disabled={!hasServer}
                    value={draft.SmtpUsername}
                    onChange={(e) => set("SmtpUsername", e.target.value)}
                    data-testid="ws-smtp-username"
                  />
                )}
              </Field>
              <SmtpPasswordField
                key={resetKey}
                savedUsername={ws.SmtpUsername}
                draft={draft}
                set={set}
                error={errors.SmtpPassword}
                enabled={hasServer}
              />
              <Field
                label="From address"
                name="SmtpFrom"
                hint={
                  hasServer ? (
                    <>
                      An address, or <span className="mono">Name &lt;address&gt;</span>. Empty:{" "}
                      <span className="mono nowrap">no-reply@poolhouse.localhost</span>.
                    </>
                  ) : (
                    "The sender of delivered email; set a server first."
                  )
                }
                error={errors.SmtpFrom}
              >
                {(p) => (
                  <input
                    {...p}
                    spellCheck={false}
                    autoComplete="off"
                    placeholder={DEFAULT_SMTP_FROM}
                    disabled={!hasServer}
                    value={draft.SmtpFrom}
                    onChange={(e) => set("SmtpFrom", e.target.value)}
                    data-testid="ws-smtp-from"
                  />
                )}
              </Field>
            </div>
          );
        }}
      </SectionForm>
    </Section>
  );
}

/**
 * The SMTP login's password, which is never shown. With a login saved it reads "Set", with
 * "Change password" (a field for the new one; "" keeps the current) and "Remove login" (an
 * empty user name, which removes the password with it: the workspace has no login without
 * both). Without one it is a plain password field.
 */
function SmtpPasswordField({
  savedUsername,
  draft,
  set,
  error,
  enabled,
}: {
  savedUsername: string | undefined;
  draft: WorkspaceDraft;
  set: FormApi["set"];
  error: string | undefined;
  enabled: boolean;
}) {
  const [changing, setChanging] = useState(false);
  // Where focus goes once the buttons that had it are gone.
  const focusNext = useRef<string>(undefined);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusNext.current) return;
    box.current?.querySelector<HTMLElement>(`[data-testid="${focusNext.current}"]`)?.focus();
    focusNext.current = undefined;
  });
  const saved = savedUsername !== undefined;
  const removing = saved && draft.SmtpUsername.trim() === "";

  if (saved && !changing && draft.SmtpPassword === "") {
    return (
      <div ref={box}>
        <Field
          label="Password"
          name="SmtpPassword"
          hint={
            removing
              ? "Removed with the user name when you save."
              : "Stored sealed and never shown. It stays as it is unless you change it."
          }
          error={error}
        >
          {(p) => (
            <div className="input-with-action password-state">
              <output id={p.id} aria-describedby={p["aria-describedby"]} data-testid="ws-smtp-password-state">
                {removing ? "Will be removed" : "Set"}
              </output>
              {removing ? (
                <Button
                  onClick={() => {
                    focusNext.current = "ws-smtp-login-remove";
                    set("SmtpUsername", savedUsername);
                  }}
                  data-testid="ws-smtp-login-keep"
                >
                  Keep login
                </Button>
              ) : (
                <>
                  <Button
                    disabled={!enabled}
                    onClick={() => {
                      focusNext.current = "ws-smtp-password";
                      setChanging(true);
                    }}
                    data-testid="ws-smtp-password-change"
                  >
                    Change password
                  </Button>
                  <Button
                    disabled={!enabled}
                    title="Removes the user name and the password"
                    onClick={() => {
                      focusNext.current = "ws-smtp-login-keep";
                      set("SmtpUsername", "");
                    }}
                    data-testid="ws-smtp-login-remove"
                  >
                    Remove login
                  </Button>
                </>
              )}
            </div>
          )}
        </Field>
      </div>
    );
  }

  return (
    <div ref={box}>
      <Field
        label={saved ? "New password" : "Password"}
        name="SmtpPassword"
        hint={
          !enabled
            ? "The login's password; set a server first."
            : saved
              ? "Replaces the current password when you save. Stored sealed, never shown again."
              : "With the user name. Stored sealed, never shown again."
        }
        error={error}
      >
        {(p) => (
          <div className="input-with-action">
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              disabled={!enabled}
              value={draft.SmtpPassword}
              onChange={(e) => set("SmtpPassword", e.target.value)}
              data-testid="ws-smtp-password"
            />
            {saved && (
              <Button
                onClick={() => {
                  focusNext.current = "ws-smtp-password-change";
                  set("SmtpPassword", "");
                  setChanging(false);
                }}
                data-testid="ws-smtp-password-keep"
              >
                Keep current
              </Button>
            )}
          </div>
        )}
      </Field>
    </div>
  );
}

function SecuritySection({ ws, onSaved, onKeysChanged }: SectionProps & { onKeysChanged: () => void }) {
  const desktop = isDesktop();
  const [created, setCreated] = useState<{ id: string; secret: string }>();
  const create = useAction(() => call("CreateAccessKey", {}), {
    onSuccess: (r) => {
      setCreated({ id: r.AccessKeyId, secret: r.SecretAccessKey });
      onKeysChanged();
    },
  });

  return (
    <Section
      title="Endpoint security"
      id={sectionId("security")}
      testId="workspace-security"
      actions={
        ws.RequireSignature ? (
          <span className="pill pill-ok">Signatures required</span>
        ) : (
          <span className="pill pill-off">Signatures not required</span>
        )
      }
    >
      <p className="hint section-intro">
        By default the endpoint takes admin operations (AdminCreateUser, UpdateUserPool, …) unsigned, or signed with any key.
        Requiring signatures makes it accept them only when SigV4-signed with one of these access keys. Sign-in, sign-up and
        the other operations apps call without credentials stay open, as in Cognito.
      </p>

      <div className="subsection">
        <div className="subsection-header">
          <Heading className="subsection-title">Access keys</Heading>
          <Button onClick={() => create.run()} busy={create.busy} data-testid="create-access-key">
            Create access key
          </Button>
        </div>
        {create.error && <ErrorBanner error={create.error} title="Could not create an access key." />}
        {ws.AccessKeyIds.length === 0 ? (
          <p className="muted" data-testid="no-access-keys">
            No access keys yet. Create one before requiring signatures, so that SDKs and the AWS CLI can sign.
          </p>
        ) : (
          <ul className="key-list" data-testid="access-keys">
            {ws.AccessKeyIds.map((id) => (
              <li key={id}>
                <span className="mono">{id}</span> <CopyButton text={id} label="Copy ID" />
              </li>
            ))}
          </ul>
        )}
      </div>

      <SectionForm
        section="security"
        ws={ws}
        onSaved={onSaved}
        saveLabel="Save endpoint security"
        savedToast="Endpoint security saved"
        confirmation={(r) =>
          r.RequireSignature === true && !desktop
            ? {
                title: "Require signatures and lock out this browser console?",
                confirmLabel: "Require signatures",
                body: (
                  <>
                    <p>
                      This console runs in a browser and sends its requests to the endpoint <strong>unsigned</strong>. Once
                      signatures are required, it can no longer load or change anything here, including this setting.
                    </p>
                    <p>To turn the requirement off again, use the desktop app, or run this where Poolhouse runs:</p>
                    <div className="command" data-testid="recovery-command">
                      <code>{stopRequiringSignaturesCommand(ws.StorePath)}</code>
                      <CopyButton text={stopRequiringSignaturesCommand(ws.StorePath)} />
                    </div>
                  </>
                ),
              }
            : undefined
        }
      >
        {({ draft, set, errors }) => (
          <div className={`field switch-field${errors.RequireSignature ? " field-invalid" : ""}`} data-field="RequireSignature">
            <div className="switch-row">
              <Switch
                id="ws-require-signature"
                checked={draft.RequireSignature}
                onChange={(on) => set("RequireSignature", on)}
                aria-invalid={errors.RequireSignature ? true : undefined}
                aria-describedby={errors.RequireSignature ? "ws-require-signature-error" : "ws-require-signature-hint"}
                data-testid="ws-require-signature"
              />
              <label htmlFor="ws-require-signature">Require SigV4 signatures</label>
            </div>
            {errors.RequireSignature ? (
              <div className="field-error" id="ws-require-signature-error" role="alert" data-testid="field-error">
                {errors.RequireSignature}
              </div>
            ) : (
              <div className="hint" id="ws-require-signature-hint">
                {desktop ? (
                  "The desktop app calls Poolhouse directly and is not affected."
                ) : (
                  <span className="warn-text-inline">
                    This browser console does not sign its requests: with signatures required it stops working. Use the
                    desktop app to manage a workspace that requires them.
                  </span>
                )}
              </div>
            )}
          </div>
        )}
      </SectionForm>

      {created && (
        <Dialog title="Access key created" onClose={() => setCreated(undefined)} testId="access-key-dialog">
          <div className="dialog-body">
            <div className="notice notice-warn" role="note">
              <div>
                <strong>Copy the secret access key now.</strong>
                <div className="notice-text">
                  Poolhouse shows it only this once and cannot show it again. If it is lost, create another key.
                </div>
              </div>
            </div>
            <Facts
              items={[
                [
                  "Access key ID",
                  <span className="secret">
                    <span className="mono" data-testid="access-key-id">
                      {created.id}
                    </span>{" "}
                    <CopyButton text={created.id} />
                  </span>,
                  "wide",
                ],
                [
                  "Secret access key",
                  <span className="secret">
                    <span className="mono" data-testid="access-key-secret">
                      {created.secret}
                    </span>{" "}
                    <CopyButton text={created.secret} />
                  </span>,
                  "wide",
                ],
              ]}
            />
            <p className="hint">
              Give both to an SDK or the AWS CLI as its credentials (for example <span className="mono">AWS_ACCESS_KEY_ID</span>{" "}
              and <span className="mono">AWS_SECRET_ACCESS_KEY</span>).
            </p>
            <footer className="dialog-footer">
              <Button variant="primary" autoFocus onClick={() => setCreated(undefined)} data-testid="access-key-done">
                I have copied the secret
              </Button>
            </footer>
          </div>
        </Dialog>
      )}
    </Section>
  );
}
