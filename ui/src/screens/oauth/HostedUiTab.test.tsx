import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UserPoolClient } from "../../api/types";
import type * as Platform from "../../platform";
import { ApiError } from "../../platform/errors";
import { renderWithQueries } from "../../test/queries";
import { HostedUiTab } from "./HostedUiTab";

const call = vi.hoisted(() => vi.fn());
const openInBrowser = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call, openInBrowser }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
  openInBrowser.mockReset();
});

const CLIENT: UserPoolClient = {
  UserPoolId: "us-east-1_Pool",
  ClientName: "web",
  ClientId: "client1",
  CreationDate: 0,
  LastModifiedDate: 1,
  AccessTokenValidity: 30,
  ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: ["code"],
  AllowedOAuthScopes: ["openid", "https://api.example.com/read"],
  CallbackURLs: ["https://app.example.com/cb", "https://app.example.com/other"],
  DefaultRedirectURI: "https://app.example.com/other",
  SupportedIdentityProviders: ["COGNITO"],
};

/** The core: the pool, one resource server, and UpdateUserPoolClient answering `update`. */
function core(update: (input: Record<string, unknown>) => unknown) {
  call.mockImplementation(async (op: string, input: Record<string, unknown>) => {
    switch (op) {
      case "DescribeUserPool":
        return { UserPool: { Id: "us-east-1_Pool", Name: "shop", Domain: "shop" } };
      case "ListResourceServers":
        return {
          ResourceServers: [
            { UserPoolId: "us-east-1_Pool", Identifier: "https://api.example.com", Name: "API", Scopes: [{ ScopeName: "read", ScopeDescription: "Read" }] },
          ],
        };
      case "ListBackends":
        return { Backends: [{ Name: "built-in", Region: "us-east-1", BuiltIn: true, Url: "http://127.0.0.1:9229" }] };
      case "UpdateUserPoolClient":
        return update(input);
      default:
        throw new Error(`unexpected ${op}`);
    }
  });
}

function updates() {
  return call.mock.calls.filter(([op]) => op === "UpdateUserPoolClient").map(([, input]) => input as Record<string, unknown>);
}

const rowOf = (field: string) => document.querySelector<HTMLElement>(`[data-field="${field}"]`);

describe("HostedUiTab", () => {
  it("marks a URL the core would refuse on its row and sends nothing", async () => {
    core(() => ({ UserPoolClient: CLIENT }));
    renderWithQueries(<HostedUiTab client={CLIENT} onSaved={() => {}} />);
    await screen.findByRole("group", { name: "Scopes of API" });
    const second = within(rowOf("CallbackURLs[1]")!).getByRole("textbox");
    fireEvent.change(second, { target: { value: "http://app.example.com/cb" } });
    fireEvent.click(screen.getByTestId("save-hosted-ui"));
    expect(within(rowOf("CallbackURLs[1]")!).getByTestId("field-error").textContent).toMatch(/https/);
    expect(updates()).toEqual([]);
  });

  it("puts the core's refusal next to the member it names", async () => {
    core(() => {
      throw new ApiError("ScopeDoesNotExistException", "Invalid scope requested: https://api.example.com/read", "AllowedOAuthScopes[1]");
    });
    renderWithQueries(<HostedUiTab client={CLIENT} onSaved={() => {}} />);
    await screen.findByRole("group", { name: "Scopes of API" });
    fireEvent.click(screen.getByRole("checkbox", { name: /^email/ }));
    fireEvent.click(screen.getByTestId("save-hosted-ui"));
    await waitFor(() =>
      expect(within(rowOf("AllowedOAuthScopes")!).getByTestId("field-error").textContent).toMatch(/Invalid scope requested/),
    );
  });

  it("keeps the default redirect among the callbacks and sends the client's other settings as they were", async () => {
    core((input) => ({ UserPoolClient: { ...CLIENT, ...input, LastModifiedDate: 2 } }));
    const saved = vi.fn();
    renderWithQueries(<HostedUiTab client={CLIENT} onSaved={saved} />);
    await screen.findByRole("group", { name: "Scopes of API" });
    expect((screen.getByTestId("default-redirect") as HTMLSelectElement).value).toBe("https://app.example.com/other");
    fireEvent.click(within(rowOf("CallbackURLs")!).getByRole("button", { name: "Remove https://app.example.com/other" }));
    expect((screen.getByTestId("default-redirect") as HTMLSelectElement).value).toBe("");
    fireEvent.click(screen.getByTestId("save-hosted-ui"));
    await waitFor(() => expect(saved).toHaveBeenCalled());
    const [sent] = updates();
    expect(sent).toMatchObject({
      ClientId: "client1",
      ClientName: "web",
      AccessTokenValidity: 30,
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"],
      CallbackURLs: ["https://app.example.com/cb"],
      AllowedOAuthScopes: ["openid", "https://api.example.com/read"],
    });
    expect(sent?.DefaultRedirectURI).toBeUndefined();
  });

  it("offers the authorize URL on the pool's domain with a PKCE challenge", async () => {
    core(() => ({ UserPoolClient: CLIENT }));
    renderWithQueries(<HostedUiTab client={CLIENT} onSaved={() => {}} />);
    const url = new URL((await screen.findByTestId("authorize-url-text")).textContent ?? "");
    expect(url.hostname).toBe("shop.auth.localhost");
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.example.com/other");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBe(screen.getByTestId("authorize-state").textContent);
  });

  it("opens the sign-in page and offers the URL to copy only when it could not be opened", async () => {
    core(() => ({ UserPoolClient: CLIENT }));
    renderWithQueries(<HostedUiTab client={CLIENT} onSaved={() => {}} />);
    const url = (await screen.findByTestId("authorize-url-text")).textContent;
    const note = () => screen.queryByText(/could not be opened in your browser/);

    openInBrowser.mockResolvedValueOnce(true);
    fireEvent.click(screen.getByTestId("open-signin"));
    await waitFor(() => expect(openInBrowser).toHaveBeenCalledTimes(1));
    expect(openInBrowser).toHaveBeenLastCalledWith(url);
    await Promise.resolve();
    expect(note()).toBeNull();

    openInBrowser.mockResolvedValueOnce(false);
    fireEvent.click(screen.getByTestId("open-signin"));
    expect(await screen.findByText(/could not be opened in your browser/)).toBeTruthy();
    expect(openInBrowser).toHaveBeenCalledTimes(2);

    // A later success takes the note away.
    openInBrowser.mockResolvedValueOnce(true);
    fireEvent.click(screen.getByTestId("open-signin"));
    await waitFor(() => expect(note()).toBeNull());
    expect(openInBrowser).toHaveBeenCalledTimes(3);
  });
});
