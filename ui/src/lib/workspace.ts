// The Workspace settings screen: the workspace's settings as one draft, saved a section at a
// time. UpdateWorkspace changes only the members it is given (for a string setting the empty
// string removes it), so a section sends its own members, and of those only the ones that
// changed: resending an unchanged SMTP server would restart delivery from the newest message
// and skip email still waiting to be sent.
//
// The SMTP password is never shown: DescribeWorkspace says only whether there is a login (its
// user name; the workspace keeps user name and password together). The draft's password is ""
// for "keep the current one", and holds a new one once typed. Removing the password alone
// cannot be asked for: the login goes as a whole, by saving an empty user name.

import type { UpdateWorkspaceRequest, Workspace } from "../api/types";

export const WORKSPACE_SECTIONS = ["general", "tokens", "threats", "email", "security"] as const;
export type WorkspaceSection = (typeof WORKSPACE_SECTIONS)[number];

export function isWorkspaceSection(s: string | undefined): s is WorkspaceSection {
  return s !== undefined && (WORKSPACE_SECTIONS as readonly string[]).includes(s);
}

/** The UpdateWorkspace members each section saves. */
export const SECTION_MEMBERS = {
  general: ["Region"],
  tokens: ["IssuerBaseUrl"],
  threats: ["BreachedPasswordsFile"],
  email: ["SmtpServer", "SmtpFrom", "SmtpSecurity", "SmtpUsername", "SmtpPassword"],
  security: ["RequireSignature"],
} as const satisfies Record<WorkspaceSection, ReadonlyArray<keyof UpdateWorkspaceRequest>>;

type SectionMember = (typeof SECTION_MEMBERS)[WorkspaceSection][number];
type Missing = Exclude<keyof UpdateWorkspaceRequest, SectionMember>;
// If this line fails to compile, UpdateWorkspaceRequest gained a member no section saves: give
// it to one in SECTION_MEMBERS (and a field on the screen).
const sectionsComplete: [Missing] extends [never] ? true : Missing = true;
void sectionsComplete;

/** Every setting as the screen edits it: a string setting the workspace lacks is "". */
export type WorkspaceDraft = Required<UpdateWorkspaceRequest>;

/**
 * The sender DescribeWorkspace reports while a server is set and no From address is. The
 * screen shows it as an empty field (with this as the placeholder), so that leaving the field
 * alone never stores the default as if someone had chosen it.
 */
export const DEFAULT_SMTP_FROM = "Poolhouse <no-reply@poolhouse.localhost>";

/** How the connection to the SMTP server is protected, as UpdateWorkspace spells it. */
export const SMTP_SECURITIES = ["NONE", "STARTTLS", "TLS"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITIES)[number];

export function isSmtpSecurity(s: string): s is SmtpSecurity {
  return (SMTP_SECURITIES as readonly string[]).includes(s);
}

/** Each protection as the screen names it, with the port it usually goes with. */
export const SMTP_SECURITY_CHOICES: Record<SmtpSecurity, { label: string; hint: string }> = {
  NONE: {
    label: "None (plain SMTP)",
    hint: "No encryption: usually port 25, or 1025 for a local mail catcher. A password goes only to a server on this machine.",
  },
  STARTTLS: {
    label: "STARTTLS",
    hint: "Connects in plain and switches to TLS, which the server must offer: usually port 587.",
  },
  TLS: {
    label: "TLS",
    hint: "TLS from the first byte (SMTPS): usually port 465.",
  },
};

/**
 * Whether the workspace has an SMTP login, and so a password (hidden). DescribeWorkspace
 * gives the user name only while a server is set, and never the password.
 */
export function hasSmtpLogin(ws: Workspace): boolean {
  return ws.SmtpUsername !== undefined;
}

/** The issuer base of a region when the workspace sets none, as Cognito's. */
export function cognitoIssuerBase(region: string): string {
  return `https://cognito-idp.${region}.amazonaws.com`;
}

export function workspaceDraftOf(ws: Workspace): WorkspaceDraft {
  return {
    Region: ws.Region,
    IssuerBaseUrl: ws.IssuerBaseUrl ?? "",
    BreachedPasswordsFile: ws.BreachedPasswordsFile ?? "",
    SmtpServer: ws.SmtpServer ?? "",
    SmtpFrom: ws.SmtpFrom === undefined || ws.SmtpFrom === DEFAULT_SMTP_FROM ? "" : ws.SmtpFrom,
    SmtpSecurity: ws.SmtpSecurity ?? "NONE",
    SmtpUsername: ws.SmtpUsername ?? "",
    // Never shown: "" keeps the current password.
    SmtpPassword: "",
    RequireSignature: ws.RequireSignature,
  };
}

/** A member's value as sent: strings trimmed, but a password exactly as typed. */
function normalized<K extends keyof WorkspaceDraft>(k: K, v: WorkspaceDraft[K]): WorkspaceDraft[K] {
  return (typeof v === "string" && k !== "SmtpPassword" ? v.trim() : v) as WorkspaceDraft[K];
}

/**
 * The UpdateWorkspace request that saves one section: its members whose value differs from the
 * saved one, strings trimmed (the workspace would trim them too). A cleared string setting is
 * sent as "", which removes it (a cleared SMTP user name removes the login, password included).
 * A password is sent only when one was typed, as typed. With the SMTP server cleared, the
 * login fields are not sent: the workspace keeps them for when a server is set again. Empty
 * when the section has nothing to save.
 */
export function sectionRequest(section: WorkspaceSection, saved: WorkspaceDraft, draft: WorkspaceDraft): UpdateWorkspaceRequest {
  const out: UpdateWorkspaceRequest = {};
  const take = <K extends SectionMember>(k: K) => {
    const v = normalized(k, draft[k]);
    if (v !== normalized(k, saved[k])) out[k] = v;
  };
  for (const k of SECTION_MEMBERS[section]) take(k);
  if (section === "email" && draft.SmtpServer.trim() === "") {
    delete out.SmtpSecurity;
    delete out.SmtpUsername;
    delete out.SmtpPassword;
  }
  return out;
}

/** Whether a section has changes to save. */
export function isSectionDirty(section: WorkspaceSection, saved: WorkspaceDraft, draft: WorkspaceDraft): boolean {
  return Object.keys(sectionRequest(section, saved, draft)).length > 0;
}

/** A path as one POSIX shell word: as it is when that is safe, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that turns the signature requirement off again from this machine's shell, for
 * when the browser console can no longer reach an endpoint that requires signatures.
 */
export function stopRequiringSignaturesCommand(storePath: string): string {
  return `poolhouse --db ${shellWord(storePath)} update-workspace --require-signature false`;
}
