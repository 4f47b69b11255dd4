// The Workspace settings screen: the workspace's settings as one draft, saved a section at a
// time. UpdateWorkspace changes only the members it is given (for a string setting the empty
// string removes it), so a section sends its own members, and of those only the ones that
// changed: resending an unchanged SMTP server would restart delivery from the newest message
// and skip email still waiting to be sent.

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
  email: ["SmtpServer", "SmtpFrom"],
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
    RequireSignature: ws.RequireSignature,
  };
}

function normalized<V>(v: V): V {
  return (typeof v === "string" ? v.trim() : v) as V;
}

/**
 * The UpdateWorkspace request that saves one section: its members whose value differs from the
 * saved one, strings trimmed (the workspace would trim them too). A cleared string setting is
 * sent as "", which removes it. Empty when the section has nothing to save.
 */
export function sectionRequest(section: WorkspaceSection, saved: WorkspaceDraft, draft: WorkspaceDraft): UpdateWorkspaceRequest {
  const out: UpdateWorkspaceRequest = {};
  const take = <K extends SectionMember>(k: K) => {
    const v = normalized(draft[k]);
    if (v !== normalized(saved[k])) out[k] = v;
  };
  for (const k of SECTION_MEMBERS[section]) take(k);
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
