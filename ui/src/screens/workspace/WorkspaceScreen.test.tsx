import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Workspace } from "../../api/types";
import type * as Platform from "../../platform";
import { ApiError } from "../../platform/errors";
import { WorkspaceScreen } from "./WorkspaceScreen";
import { renderWithQueries } from "../../test/queries";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({
  ...(await original<typeof Platform>()),
  call,
  isDesktop: () => false,
  endpointOrigin: () => "http://127.0.0.1:9229",
}));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
});

const WORKSPACE: Workspace = {
  Region: "us-east-1",
  AccountId: "000000000000",
  RequireSignature: false,
  AccessKeyIds: [],
  IssuerBaseUrl: "http://127.0.0.1:9229",
  StorePath: "/tmp/poolhouse.db",
  SchemaVersion: 8,
};

/** A workspace that answers DescribeWorkspace from `state` and hands other calls to `on`. */
function core(on: (op: string, input: Record<string, unknown>) => unknown, state: { ws: Workspace } = { ws: WORKSPACE }) {
  call.mockImplementation(async (op: string, input: Record<string, unknown>) => {
    if (op === "DescribeWorkspace") return { Workspace: state.ws };
    const r = on(op, input);
    if (r instanceof Error) throw r;
    return r;
  });
  return state;
}

function fieldError(member: string): string | null | undefined {
  return document.querySelector(`[data-field="${member}"] [data-testid="field-error"]`)?.textContent;
}

const sent = (op: string) => call.mock.calls.filter((c) => c[0] === op).map((c) => c[1] as unknown);

describe("WorkspaceScreen", () => {
  it("shows the workspace's refusal of an SMTP server next to that field", async () => {
    core(() => new ApiError("InvalidParameterException", "SmtpServer: 'nope' is not host:port (for example 127.0.0.1:1025)", "SmtpServer"));
    renderWithQueries(<WorkspaceScreen />);
    fireEvent.change(await screen.findByTestId("ws-smtp-server"), { target: { value: "nope" } });
    fireEvent.click(screen.getByTestId("save-email"));
    await waitFor(() => expect(fieldError("SmtpServer")).toBe("'nope' is not host:port (for example 127.0.0.1:1025)"));
    expect(sent("UpdateWorkspace")).toEqual([{ SmtpServer: "nope" }]);
    expect(document.activeElement).toBe(screen.getByTestId("ws-smtp-server"));
  });

  it("saves one section without sending, or losing, what was typed in another", async () => {
    const state = core((_op, input) => {
      state.ws = { ...state.ws, SmtpServer: input.SmtpServer as string, SmtpFrom: "Poolhouse <no-reply@poolhouse.localhost>" };
      return { Workspace: state.ws };
    });
    renderWithQueries(<WorkspaceScreen />);
    fireEvent.change(await screen.findByTestId("ws-region"), { target: { value: "eu-west-2" } });
    fireEvent.change(screen.getByTestId("ws-smtp-server"), { target: { value: "127.0.0.1:1025" } });
    fireEvent.click(screen.getByTestId("save-email"));
    await waitFor(() => expect(screen.getByTestId("email-delivery-state").textContent).toBe("Sending email"));
    expect(sent("UpdateWorkspace")).toEqual([{ SmtpServer: "127.0.0.1:1025" }]);
    // The default sender shows as the placeholder, not as a value to save.
    expect((screen.getByTestId("ws-smtp-from") as HTMLInputElement).value).toBe("");
    expect((screen.getByTestId("save-email") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("ws-region") as HTMLInputElement).value).toBe("eu-west-2");
    expect((screen.getByTestId("save-general") as HTMLButtonElement).disabled).toBe(false);
  });

  it("asks before requiring signatures from a browser, and shows the refusal next to the switch", async () => {
    core(() => new ApiError("InvalidParameterException", "RequireSignature: create an access key first (CreateAccessKey), or no client could sign", "RequireSignature"));
    renderWithQueries(<WorkspaceScreen />);
    const sw = await screen.findByRole("switch", { name: "Require SigV4 signatures" });
    fireEvent.click(sw);
    expect(sw.getAttribute("aria-checked")).toBe("true");
    fireEvent.click(screen.getByTestId("save-security"));
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(within(dialog).getByTestId("recovery-command").textContent).toMatch(
      /^poolhouse --db \/tmp\/poolhouse\.db update-workspace --require-signature false/,
    );
    expect(sent("UpdateWorkspace")).toEqual([]);
    fireEvent.click(within(dialog).getByTestId("confirm-button"));
    await waitFor(() => expect(fieldError("RequireSignature")).toMatch(/^Create an access key first/));
    expect(sent("UpdateWorkspace")).toEqual([{ RequireSignature: true }]);
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });

  it("shows a new access key's secret once, and lists the key", async () => {
    const state = core((op) => {
      expect(op).toBe("CreateAccessKey");
      state.ws = { ...state.ws, AccessKeyIds: ["AKIANEWKEY"] };
      return { AccessKeyId: "AKIANEWKEY", SecretAccessKey: "s3cr3t/Key+value" };
    });
    renderWithQueries(<WorkspaceScreen />);
    await screen.findByTestId("no-access-keys");
    fireEvent.click(screen.getByTestId("create-access-key"));
    const dialog = await screen.findByTestId("access-key-dialog");
    expect(within(dialog).getByTestId("access-key-secret").textContent).toBe("s3cr3t/Key+value");
    expect(dialog.textContent).toMatch(/only this once/);
    await waitFor(() => expect(screen.getByTestId("access-keys").textContent).toContain("AKIANEWKEY"));
    fireEvent.click(within(dialog).getByTestId("access-key-done"));
    expect(screen.queryByTestId("access-key-dialog")).toBeNull();
    expect(document.body.textContent).not.toContain("s3cr3t/Key+value");
  });

  it("offers this endpoint's address as the issuer only when it is not already set", async () => {
    core(() => new Error("nothing is saved"));
    renderWithQueries(<WorkspaceScreen />);
    const issuer = (await screen.findByTestId("ws-issuer")) as HTMLInputElement;
    expect(screen.queryByTestId("ws-issuer-use-endpoint")).toBeNull();
    fireEvent.change(issuer, { target: { value: "" } });
    fireEvent.click(screen.getByTestId("ws-issuer-use-endpoint"));
    expect(issuer.value).toBe("http://127.0.0.1:9229");
    expect((screen.getByTestId("save-tokens") as HTMLButtonElement).disabled).toBe(true);
  });

  describe("SMTP login", () => {
    const WITH_LOGIN: Workspace = {
      ...WORKSPACE,
      SmtpServer: "smtp.example.com:587",
      SmtpFrom: "Poolhouse <no-reply@poolhouse.localhost>",
      SmtpSecurity: "STARTTLS",
      SmtpUsername: "mailer",
    };
    const passwordState = () => screen.queryByTestId("ws-smtp-password-state")?.textContent;

    it("waits for a server before the protection and login can be set", async () => {
      core(() => new Error("nothing is saved"));
      renderWithQueries(<WorkspaceScreen />);
      const security = (await screen.findByLabelText("Security")) as HTMLSelectElement;
      expect(security.disabled).toBe(true);
      expect((screen.getByLabelText("User name") as HTMLInputElement).disabled).toBe(true);
      expect((screen.getByLabelText("Password") as HTMLInputElement).disabled).toBe(true);
      fireEvent.change(screen.getByTestId("ws-smtp-server"), { target: { value: "smtp.example.com:465" } });
      expect(security.disabled).toBe(false);
      fireEvent.change(security, { target: { value: "TLS" } });
      expect(security.closest("[data-field]")?.textContent).toMatch(/port 465/);
      expect([...security.options].map((o) => o.value)).toEqual(["NONE", "STARTTLS", "TLS"]);
    });

    it("says a password is set without showing it, and sends a new one only once typed", async () => {
      const state = core((_op, input) => {
        expect(input).toEqual({ SmtpPassword: " new pass phrase " });
        return { Workspace: state.ws };
      }, { ws: WITH_LOGIN });
      renderWithQueries(<WorkspaceScreen />);
      await waitFor(() => expect(passwordState()).toBe("Set"));
      expect(screen.queryByTestId("ws-smtp-password")).toBeNull();
      expect((screen.getByLabelText("Security") as HTMLSelectElement).value).toBe("STARTTLS");
      expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("mailer");

      fireEvent.click(screen.getByRole("button", { name: "Change password" }));
      const input = screen.getByLabelText("New password") as HTMLInputElement;
      expect(input.type).toBe("password");
      expect(input.value).toBe("");
      expect(document.activeElement).toBe(input);
      expect((screen.getByTestId("save-email") as HTMLButtonElement).disabled).toBe(true);

      // Keeping the current one goes back to "Set" with nothing to save.
      fireEvent.change(input, { target: { value: "typo" } });
      fireEvent.click(screen.getByRole("button", { name: "Keep current" }));
      expect(passwordState()).toBe("Set");
      expect(document.activeElement).toBe(screen.getByRole("button", { name: "Change password" }));
      expect((screen.getByTestId("save-email") as HTMLButtonElement).disabled).toBe(true);

      fireEvent.click(screen.getByRole("button", { name: "Change password" }));
      fireEvent.change(screen.getByLabelText("New password"), { target: { value: " new pass phrase " } });
      fireEvent.click(screen.getByTestId("save-email"));
      await waitFor(() => expect(passwordState()).toBe("Set"));
      expect(sent("UpdateWorkspace")).toEqual([{ SmtpPassword: " new pass phrase " }]);
      expect(screen.queryByTestId("ws-smtp-password")).toBeNull();
    });

    it("removes the login, password included, by saving an empty user name", async () => {
      const state = core(() => {
        state.ws = { ...WITH_LOGIN, SmtpUsername: undefined };
        return { Workspace: state.ws };
      }, { ws: WITH_LOGIN });
      renderWithQueries(<WorkspaceScreen />);
      fireEvent.click(await screen.findByRole("button", { name: "Remove login" }));
      expect(passwordState()).toBe("Will be removed");
      expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("");
      expect(document.activeElement).toBe(screen.getByRole("button", { name: "Keep login" }));

      // Keep login undoes it.
      fireEvent.click(screen.getByRole("button", { name: "Keep login" }));
      expect((screen.getByLabelText("User name") as HTMLInputElement).value).toBe("mailer");
      expect((screen.getByTestId("save-email") as HTMLButtonElement).disabled).toBe(true);

      fireEvent.click(screen.getByRole("button", { name: "Remove login" }));
      fireEvent.click(screen.getByTestId("save-email"));
      await waitFor(() => expect(passwordState()).toBeUndefined());
      expect(sent("UpdateWorkspace")).toEqual([{ SmtpUsername: "" }]);
      const password = screen.getByLabelText("Password") as HTMLInputElement;
      expect(password.value).toBe("");
      expect(password.disabled).toBe(false);
    });

    it("shows a refusal naming SmtpSecurity next to the protection, and focuses it", async () => {
      core(
        () =>
          new ApiError(
            "InvalidParameterException",
            "SmtpSecurity: a password would cross the network in clear to smtp.example.com:587: use STARTTLS or TLS (a plain login goes only to a server on this machine)",
            "SmtpSecurity",
          ),
        { ws: { ...WORKSPACE, SmtpServer: "smtp.example.com:587", SmtpSecurity: "NONE" } },
      );
      renderWithQueries(<WorkspaceScreen />);
      fireEvent.change(await screen.findByLabelText("User name"), { target: { value: "mailer" } });
      fireEvent.change(screen.getByLabelText("Password"), { target: { value: "s3cret" } });
      fireEvent.click(screen.getByTestId("save-email"));
      await waitFor(() => expect(fieldError("SmtpSecurity")).toMatch(/^A password would cross the network in clear/));
      expect(sent("UpdateWorkspace")).toEqual([{ SmtpUsername: "mailer", SmtpPassword: "s3cret" }]);
      const security = screen.getByLabelText("Security");
      expect(document.activeElement).toBe(security);
      expect(security.getAttribute("aria-invalid")).toBe("true");
      fireEvent.change(security, { target: { value: "STARTTLS" } });
      expect(fieldError("SmtpSecurity")).toBeUndefined();
    });

    it("shows a refusal naming SmtpPassword next to the password", async () => {
      core(
        () => new ApiError("InvalidParameterException", "SmtpPassword: a login needs a password with its SmtpUsername", "SmtpPassword"),
        { ws: { ...WORKSPACE, SmtpServer: "127.0.0.1:1025", SmtpSecurity: "NONE" } },
      );
      renderWithQueries(<WorkspaceScreen />);
      fireEvent.change(await screen.findByLabelText("User name"), { target: { value: "mailer" } });
      fireEvent.click(screen.getByTestId("save-email"));
      await waitFor(() => expect(fieldError("SmtpPassword")).toBe("A login needs a password with its SmtpUsername"));
      expect(document.activeElement).toBe(screen.getByLabelText("Password"));
    });
  });
});
