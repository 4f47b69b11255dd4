import { describe, expect, it } from "vitest";
import type { Workspace } from "../api/types";
import {
  DEFAULT_SMTP_FROM,
  SECTION_MEMBERS,
  SMTP_SECURITIES,
  SMTP_SECURITY_CHOICES,
  WORKSPACE_SECTIONS,
  cognitoIssuerBase,
  hasSmtpLogin,
  isSectionDirty,
  isSmtpSecurity,
  isWorkspaceSection,
  sectionRequest,
  stopRequiringSignaturesCommand,
  workspaceDraftOf,
  type WorkspaceDraft,
} from "./workspace";

const BARE: Workspace = {
  Region: "us-east-1",
  AccountId: "000000000000",
  RequireSignature: false,
  AccessKeyIds: [],
  StorePath: "/tmp/p.db",
  SchemaVersion: 8,
};

const FULL: Workspace = {
  ...BARE,
  Region: "eu-west-2",
  RequireSignature: true,
  AccessKeyIds: ["AKIAEXAMPLE"],
  IssuerBaseUrl: "http://127.0.0.1:9229",
  BreachedPasswordsFile: "/data/pwned.txt",
  SmtpServer: "127.0.0.1:1025",
  SmtpFrom: "Acme <no-reply@acme.test>",
  SmtpSecurity: "STARTTLS",
  SmtpUsername: "mailer",
};

describe("workspaceDraftOf", () => {
  it("shows settings the workspace lacks as empty fields", () => {
    expect(workspaceDraftOf(BARE)).toEqual({
      Region: "us-east-1",
      IssuerBaseUrl: "",
      BreachedPasswordsFile: "",
      SmtpServer: "",
      SmtpFrom: "",
      SmtpSecurity: "NONE",
      SmtpUsername: "",
      SmtpPassword: "",
      RequireSignature: false,
    });
  });

  it("reads every setting of a full workspace", () => {
    expect(workspaceDraftOf(FULL)).toEqual({
      Region: "eu-west-2",
      IssuerBaseUrl: "http://127.0.0.1:9229",
      BreachedPasswordsFile: "/data/pwned.txt",
      SmtpServer: "127.0.0.1:1025",
      SmtpFrom: "Acme <no-reply@acme.test>",
      SmtpSecurity: "STARTTLS",
      SmtpUsername: "mailer",
      SmtpPassword: "",
      RequireSignature: true,
    });
  });

  it("shows the default sender as an empty field, so an untouched field never stores it", () => {
    const d = workspaceDraftOf({ ...BARE, SmtpServer: "127.0.0.1:1025", SmtpFrom: DEFAULT_SMTP_FROM });
    expect(d.SmtpFrom).toBe("");
    expect(sectionRequest("email", d, d)).toEqual({});
  });
});

describe("sectionRequest", () => {
  const saved = workspaceDraftOf(FULL);
  const everythingChanged: WorkspaceDraft = {
    Region: "ap-south-1",
    IssuerBaseUrl: "https://auth.example.com",
    BreachedPasswordsFile: "/other.txt",
    SmtpServer: "mail.local:25",
    SmtpFrom: "ops@example.com",
    SmtpSecurity: "TLS",
    SmtpUsername: "relay",
    SmtpPassword: "n3w pass",
    RequireSignature: false,
  };

  it("sends only the members of its own section, even when others changed", () => {
    expect(sectionRequest("general", saved, everythingChanged)).toEqual({ Region: "ap-south-1" });
    expect(sectionRequest("tokens", saved, everythingChanged)).toEqual({ IssuerBaseUrl: "https://auth.example.com" });
    expect(sectionRequest("threats", saved, everythingChanged)).toEqual({ BreachedPasswordsFile: "/other.txt" });
    expect(sectionRequest("email", saved, everythingChanged)).toEqual({
      SmtpServer: "mail.local:25",
      SmtpFrom: "ops@example.com",
      SmtpSecurity: "TLS",
      SmtpUsername: "relay",
      SmtpPassword: "n3w pass",
    });
    expect(sectionRequest("security", saved, everythingChanged)).toEqual({ RequireSignature: false });
  });

  it("leaves out an unchanged member, so saving the sender does not restart delivery", () => {
    // Resending SmtpServer would make the workspace skip email not yet delivered.
    const draft = { ...saved, SmtpFrom: "ops@example.com" };
    expect(sectionRequest("email", saved, draft)).toEqual({ SmtpFrom: "ops@example.com" });
  });

  it("sends a cleared setting as the empty string, which removes it", () => {
    const draft = { ...saved, SmtpServer: "", IssuerBaseUrl: "  " };
    expect(sectionRequest("email", saved, draft)).toEqual({ SmtpServer: "" });
    expect(sectionRequest("tokens", saved, draft)).toEqual({ IssuerBaseUrl: "" });
  });

  it("trims what was typed and sees spaces alone as no change", () => {
    expect(sectionRequest("general", saved, { ...saved, Region: " eu-west-2 " })).toEqual({});
    expect(sectionRequest("threats", saved, { ...saved, BreachedPasswordsFile: " /x.txt\n" })).toEqual({
      BreachedPasswordsFile: "/x.txt",
    });
  });

  it("sends the switch when it was turned either way", () => {
    const off = workspaceDraftOf(BARE);
    expect(sectionRequest("security", off, { ...off, RequireSignature: true })).toEqual({ RequireSignature: true });
    expect(isSectionDirty("security", off, off)).toBe(false);
    expect(isSectionDirty("security", off, { ...off, RequireSignature: true })).toBe(true);
  });

  it("covers every member of UpdateWorkspaceRequest exactly once across the sections", () => {
    const all = WORKSPACE_SECTIONS.flatMap((s) => [...SECTION_MEMBERS[s]]);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(Object.keys(saved).sort());
  });
});

describe("the SMTP login", () => {
  const saved = workspaceDraftOf(FULL);

  it("knows a login by its user name, and never has a password to show", () => {
    expect(hasSmtpLogin(FULL)).toBe(true);
    expect(hasSmtpLogin(BARE)).toBe(false);
    expect(saved.SmtpPassword).toBe("");
    expect(sectionRequest("email", saved, saved)).toEqual({});
  });

  it("sends a new password exactly as typed, spaces and all, and nothing else", () => {
    expect(sectionRequest("email", saved, { ...saved, SmtpPassword: " pass phrase " })).toEqual({ SmtpPassword: " pass phrase " });
  });

  it("keeps the password when only the user name or the protection changes", () => {
    expect(sectionRequest("email", saved, { ...saved, SmtpUsername: " ops " })).toEqual({ SmtpUsername: "ops" });
    expect(sectionRequest("email", saved, { ...saved, SmtpSecurity: "TLS" })).toEqual({ SmtpSecurity: "TLS" });
  });

  it("removes the login by sending an empty user name", () => {
    expect(sectionRequest("email", saved, { ...saved, SmtpUsername: "" })).toEqual({ SmtpUsername: "" });
  });

  it("sends a new login whole when delivery is turned on with one", () => {
    const off = workspaceDraftOf(BARE);
    const draft = { ...off, SmtpServer: "smtp.example.com:465", SmtpSecurity: "TLS", SmtpUsername: "me", SmtpPassword: "pw" };
    expect(sectionRequest("email", off, draft)).toEqual({
      SmtpServer: "smtp.example.com:465",
      SmtpSecurity: "TLS",
      SmtpUsername: "me",
      SmtpPassword: "pw",
    });
  });

  it("does not send the login when the server is cleared", () => {
    const draft = { ...saved, SmtpServer: "", SmtpSecurity: "TLS", SmtpUsername: "", SmtpPassword: "pw" };
    expect(sectionRequest("email", saved, draft)).toEqual({ SmtpServer: "" });
  });

  it("names each protection with its usual port", () => {
    expect(Object.keys(SMTP_SECURITY_CHOICES)).toEqual([...SMTP_SECURITIES]);
    expect(SMTP_SECURITY_CHOICES.STARTTLS.hint).toMatch(/587/);
    expect(SMTP_SECURITY_CHOICES.TLS.hint).toMatch(/465/);
    expect(SMTP_SECURITY_CHOICES.NONE.hint).toMatch(/25/);
    expect(isSmtpSecurity("STARTTLS")).toBe(true);
    expect(isSmtpSecurity("SSL")).toBe(false);
  });
});

describe("helpers", () => {
  it("knows the sections a link may name", () => {
    expect(isWorkspaceSection("email")).toBe(true);
    expect(isWorkspaceSection("smtp")).toBe(false);
    expect(isWorkspaceSection(undefined)).toBe(false);
  });

  it("spells Cognito's issuer for a region", () => {
    expect(cognitoIssuerBase("eu-west-2")).toBe("https://cognito-idp.eu-west-2.amazonaws.com");
  });
});

describe("stopRequiringSignaturesCommand", () => {
  it("names the store, so it works whatever the default store is", () => {
    expect(stopRequiringSignaturesCommand("/var/lib/poolhouse/p.db")).toBe(
      "poolhouse --db /var/lib/poolhouse/p.db update-workspace --require-signature false",
    );
  });

  it("quotes a path the shell would split or expand", () => {
    expect(stopRequiringSignaturesCommand("/Users/ann/Library/Application Support/Poolhouse/poolhouse.db")).toBe(
      "poolhouse --db '/Users/ann/Library/Application Support/Poolhouse/poolhouse.db' update-workspace --require-signature false",
    );
    expect(stopRequiringSignaturesCommand("/tmp/it's $HOME.db")).toBe(
      "poolhouse --db '/tmp/it'\\''s $HOME.db' update-workspace --require-signature false",
    );
  });
});
