import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ExplicitAuthFlow, UserPoolClient } from "../../../api/types";
import type * as Platform from "../../../platform";
import { clearInspectorSession, peekHandedOffToken } from "../../../lib/handoff";
import { ApiError } from "../../../platform/errors";
import { forgetAllTrySignIns, forgetTrySignIn, keepSignIn as keepSignInFor, keptSignIn, openTrySignIn, rememberOpenTrySignIn } from "./session";
import { TrySignInDrawer } from "./TrySignInDrawer";
import { renderWithQueries } from "../../../test/queries";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
  forgetAllTrySignIns();
});

function client(flows: ExplicitAuthFlow[], secret?: string): UserPoolClient {
  return {
    UserPoolId: "us-east-1_Pool",
    ClientName: "mobile",
    ClientId: "client1",
    ClientSecret: secret,
    CreationDate: 0,
    LastModifiedDate: 0,
    ExplicitAuthFlows: flows,
  };
}

function jwt(payload: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "RS256", kid: "k1" })}.${part(payload)}.sig`;
}

/** Answers DescribeUserPoolClient with `c`, and each sign-in call with the next of `answers`. */
function core(c: UserPoolClient, ...answers: Array<unknown>) {
  call.mockImplementation(async (op: string) => {
    if (op === "DescribeUserPoolClient") return { UserPoolClient: c };
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return next;
  });
}

function open(onClose: () => void = () => {}) {
  renderWithQueries(<TrySignInDrawer poolId="us-east-1_Pool" clientId="client1" onClose={onClose} onEditClient={() => {}} />);
}

describe("TrySignInDrawer", () => {
  it("does not offer a sign-in it cannot sign: a client with a secret needs SECRET_HASH", async () => {
    core(client(["ALLOW_USER_PASSWORD_AUTH"], "s3cret"));
    open();
    expect(await screen.findByTestId("try-signin-secret")).toHaveProperty("textContent", expect.stringContaining("SECRET_HASH"));
    expect(screen.queryByTestId("try-username")).toBeNull();
  });

  it("says so when the client allows neither password flow", async () => {
    core(client(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]));
    open();
    expect((await screen.findByTestId("try-signin-no-flow")).textContent).toContain(
      "allows neither USER_PASSWORD_AUTH nor ADMIN_USER_PASSWORD_AUTH",
    );
  });

  it("shows a refusal that names a member next to that field", async () => {
    core(
      client(["ALLOW_USER_PASSWORD_AUTH"]),
      new ApiError("InvalidParameterException", "AuthParameters.USERNAME: is required", "AuthParameters.USERNAME"),
    );
    open();
    fireEvent.click(await screen.findByTestId("try-submit"));
    const field = await waitFor(() => {
      const f = document.querySelector('[data-field="AuthParameters.USERNAME"] [data-testid="field-error"]');
      if (!f) throw new Error("no field error yet");
      return f;
    });
    expect(field.textContent).toBe("Is required");
  });

  it("runs the admin flow through the new-password challenge to decoded tokens", async () => {
    core(
      client(["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
      {
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: "sess-1",
        ChallengeParameters: { USER_ID_FOR_SRP: "alice", requiredAttributes: '["userAttributes.name"]' },
      },
      {
        AuthenticationResult: {
          IdToken: jwt({ token_use: "id", "cognito:username": "alice", exp: 4_000_000_000 }),
          AccessToken: jwt({ token_use: "access", exp: 4_000_000_000 }),
          RefreshToken: "opaque",
          ExpiresIn: 3600,
          TokenType: "Bearer",
        },
      },
    );
    open();
    const user = await screen.findByRole("radio", { name: /USER_PASSWORD_AUTH \(not allowed/ });
    expect(user).toHaveProperty("disabled", true);
    expect(screen.getByRole("radio", { name: /ADMIN_USER_PASSWORD_AUTH/ })).toHaveProperty("checked", true);

    fireEvent.change(screen.getByTestId("try-username"), { target: { value: "alice" } });
    fireEvent.change(screen.getByTestId("try-password"), { target: { value: "Temp-Passw0rd!" } });
    fireEvent.click(screen.getByTestId("try-submit"));
    await screen.findByTestId("try-new-password");
    expect(call).toHaveBeenCalledWith("AdminInitiateAuth", {
      UserPoolId: "us-east-1_Pool",
      ClientId: "client1",
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "alice", PASSWORD: "Temp-Passw0rd!" },
    });

    fireEvent.change(screen.getByTestId("try-new-password-input"), { target: { value: "N3w-Passw0rd!" } });
    fireEvent.change(screen.getByLabelText("name"), { target: { value: "Alice" } });
    fireEvent.click(screen.getByTestId("try-respond"));
    const tokens = await screen.findByTestId("try-tokens");
    expect(call).toHaveBeenLastCalledWith("AdminRespondToAuthChallenge", {
      UserPoolId: "us-east-1_Pool",
      ClientId: "client1",
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: "sess-1",
      ChallengeResponses: { USERNAME: "alice", NEW_PASSWORD: "N3w-Passw0rd!", "userAttributes.name": "Alice" },
    });
    expect(JSON.parse(within(tokens).getByTestId("id-token-payload").textContent ?? "")).toMatchObject({
      token_use: "id",
      "cognito:username": "alice",
    });
    expect(within(tokens).getAllByText("Decoded, not verified")).toHaveLength(2);

    // Inspect opens the token inspector with the token handed over in memory, not in the URL.
    const idToken = jwt({ token_use: "id", "cognito:username": "alice", exp: 4_000_000_000 });
    fireEvent.click(within(tokens).getByRole("button", { name: "Inspect ID token" }));
    expect(window.location.hash).toBe("#/tokens");
    expect(peekHandedOffToken()).toBe(idToken);
    clearInspectorSession();
  });

  it("sets up an authenticator at MFA_SETUP: QR code and secret, verify, then the challenge with the verified session", async () => {
    const tokens = {
      AuthenticationResult: {
        IdToken: jwt({ token_use: "id", "cognito:username": "dana", exp: 4_000_000_000 }),
        AccessToken: jwt({ token_use: "access", exp: 4_000_000_000 }),
        RefreshToken: "opaque",
        ExpiresIn: 3600,
        TokenType: "Bearer",
      },
    };
    core(
      client(["ALLOW_USER_PASSWORD_AUTH"]),
      { ChallengeName: "MFA_SETUP", Session: "setup-1", ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } },
      { SecretCode: "JBSWY3DPEHPK3PXP", Session: "setup-2", OtpauthUri: "" },
      new ApiError("EnableSoftwareTokenMFAException", "Code mismatch", "UserCode"),
      { Status: "SUCCESS", Session: "setup-3" },
      tokens,
    );
    open();
    fireEvent.change(await screen.findByTestId("try-username"), { target: { value: "dana" } });
    fireEvent.change(screen.getByTestId("try-password"), { target: { value: "Corr3ct-Horse!" } });
    fireEvent.click(screen.getByTestId("try-submit"));

    const step = await screen.findByTestId("try-mfa-setup");
    expect(call).toHaveBeenCalledWith("AssociateSoftwareToken", { Session: "setup-1" });
    expect((await within(step).findByTestId("try-mfa-secret")).textContent).toBe("JBSW Y3DP EHPK 3PXP");
    // The core sent no link, so the panel built one from the secret.
    expect(within(step).getByTitle(/^otpauth:/).textContent).toBe(
      "otpauth://totp/us-east-1_Pool:dana?secret=JBSWY3DPEHPK3PXP&issuer=us-east-1_Pool&algorithm=SHA1&digits=6&period=30",
    );
    const qr = await within(step).findByTestId("qr-code");
    expect(qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    const calls = () => call.mock.calls.map((c) => c[0] as string);
    expect(calls().filter((op) => op === "AssociateSoftwareToken")).toHaveLength(1);

    // A malformed code is caught before it is sent.
    fireEvent.change(within(step).getByTestId("try-mfa-setup-code"), { target: { value: "12ab" } });
    fireEvent.click(within(step).getByTestId("try-mfa-verify"));
    expect((await within(step).findByTestId("field-error")).textContent).toMatch(/6 digits/);
    expect(calls()).not.toContain("VerifySoftwareToken");

    // A wrong code is shown next to the code field.
    fireEvent.change(within(step).getByTestId("try-mfa-setup-code"), { target: { value: "123 456" } });
    fireEvent.click(within(step).getByTestId("try-mfa-verify"));
    await waitFor(() => expect(within(step).getByTestId("field-error").textContent).toMatch(/^Code mismatch: enter the code the app shows now/));
    expect(call).toHaveBeenLastCalledWith("VerifySoftwareToken", { Session: "setup-2", UserCode: "123456" });

    fireEvent.change(within(step).getByTestId("try-mfa-setup-code"), { target: { value: "654321" } });
    fireEvent.click(within(step).getByTestId("try-mfa-verify"));
    await screen.findByTestId("try-tokens");
    expect(call).toHaveBeenLastCalledWith("RespondToAuthChallenge", {
      ClientId: "client1",
      ChallengeName: "MFA_SETUP",
      Session: "setup-3",
      ChallengeResponses: { USERNAME: "dana" },
    });
  });

  it("sets up email codes at MFA_SETUP when the pool offers them: the address, then the emailed code", async () => {
    const tokens = {
      AuthenticationResult: {
        IdToken: jwt({ token_use: "id", "cognito:username": "erin", exp: 4_000_000_000 }),
        AccessToken: jwt({ token_use: "access", exp: 4_000_000_000 }),
        RefreshToken: "opaque",
        ExpiresIn: 3600,
        TokenType: "Bearer",
      },
    };
    core(
      client(["ALLOW_USER_PASSWORD_AUTH"]),
      { ChallengeName: "MFA_SETUP", Session: "setup-1", ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]' } },
      { ChallengeName: "EMAIL_OTP", Session: "otp-1", ChallengeParameters: { CODE_DELIVERY_DESTINATION: "e***@e***" } },
      tokens,
    );
    open();
    fireEvent.change(await screen.findByTestId("try-username"), { target: { value: "erin" } });
    fireEvent.change(screen.getByTestId("try-password"), { target: { value: "Corr3ct-Horse!" } });
    fireEvent.click(screen.getByTestId("try-submit"));

    const step = await screen.findByTestId("try-mfa-setup");
    expect(step.querySelector("h3")?.textContent).toBe("2. Set up MFA");
    fireEvent.click(within(step).getByLabelText(/\(EMAIL_OTP\)/));
    // Choosing email makes no authenticator secret.
    expect(call.mock.calls.map((c) => c[0] as string)).not.toContain("AssociateSoftwareToken");
    fireEvent.change(within(step).getByTestId("try-mfa-email"), { target: { value: "erin" } });
    fireEvent.click(within(step).getByTestId("try-mfa-email-send"));
    expect((await within(step).findByTestId("field-error")).textContent).toMatch(/not an email address/);

    fireEvent.change(within(step).getByTestId("try-mfa-email"), { target: { value: "erin@example.com" } });
    fireEvent.click(within(step).getByTestId("try-mfa-email-send"));
    const code = await screen.findByTestId("try-mfa-code");
    expect(call).toHaveBeenLastCalledWith("RespondToAuthChallenge", {
      ClientId: "client1",
      ChallengeName: "MFA_SETUP",
      Session: "setup-1",
      ChallengeResponses: { USERNAME: "erin", EMAIL: "erin@example.com" },
    });
    fireEvent.change(within(code).getByTestId("try-mfa-code-input"), { target: { value: "123456" } });
    fireEvent.click(within(code).getByTestId("try-mfa-code-submit"));
    await screen.findByTestId("try-tokens");
    expect(call).toHaveBeenLastCalledWith("RespondToAuthChallenge", {
      ClientId: "client1",
      ChallengeName: "EMAIL_OTP",
      Session: "otp-1",
      ChallengeResponses: { USERNAME: "erin", EMAIL_OTP_CODE: "123456" },
    });
  });

  it("answers an authenticator code challenge and places a wrong code next to its field", async () => {
    core(
      client(["ALLOW_ADMIN_USER_PASSWORD_AUTH"]),
      { ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "mfa-1", ChallengeParameters: { USER_ID_FOR_SRP: "dana" } },
      new ApiError("CodeMismatchException", "Invalid code received for user"),
    );
    open();
    fireEvent.change(await screen.findByTestId("try-username"), { target: { value: "dana" } });
    fireEvent.change(screen.getByTestId("try-password"), { target: { value: "Corr3ct-Horse!" } });
    fireEvent.click(screen.getByTestId("try-submit"));
    const step = await screen.findByTestId("try-mfa-code");
    expect(step.querySelector("h3")?.textContent).toBe("2. Enter the authenticator code");
    fireEvent.change(within(step).getByTestId("try-mfa-code-input"), { target: { value: "000000" } });
    fireEvent.click(within(step).getByTestId("try-mfa-code-submit"));
    await waitFor(() => expect(within(step).getByTestId("field-error").textContent).toBe("Invalid code received for user"));
    expect(call).toHaveBeenLastCalledWith("AdminRespondToAuthChallenge", {
      UserPoolId: "us-east-1_Pool",
      ClientId: "client1",
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: "mfa-1",
      ChallengeResponses: { USERNAME: "dana", SOFTWARE_TOKEN_MFA_CODE: "000000" },
    });
  });

  it("keeps the signed-in tokens while the person is in the inspector, and forgets them on Close", async () => {
    const idToken = jwt({ token_use: "id", "cognito:username": "alice", exp: 4_000_000_000 });
    core(client(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]), {
      AuthenticationResult: { IdToken: idToken, AccessToken: jwt({ token_use: "access" }), RefreshToken: "opaque", ExpiresIn: 3600, TokenType: "Bearer" },
    });
    open();
    fireEvent.change(await screen.findByTestId("try-username"), { target: { value: "alice" } });
    fireEvent.change(screen.getByTestId("try-password"), { target: { value: "Passw0rd!" } });
    fireEvent.click(screen.getByTestId("try-submit"));
    fireEvent.click(within(await screen.findByTestId("try-tokens")).getByRole("button", { name: "Inspect ID token" }));
    // The route changes: the drawer goes, and comes back with the same tokens, not a sign-in form.
    cleanup();
    expect(keptSignIn("us-east-1_Pool", "client1")?.stage.kind).toBe("tokens");
    const onClose = vi.fn();
    open(onClose);
    const tokens = await screen.findByTestId("try-tokens");
    expect(JSON.parse(within(tokens).getByTestId("id-token-payload").textContent ?? "")).toMatchObject({ "cognito:username": "alice" });
    expect(screen.queryByTestId("try-password")).toBeNull();
    // Only one sign-in went out: nothing was signed in again.
    expect(call.mock.calls.filter(([op]) => op === "InitiateAuth")).toHaveLength(1);
    // Close signs the panel out: opened again, it asks for credentials (the username is gone too).
    fireEvent.click(within(screen.getByTestId("try-signin")).getByRole("button", { name: "Close" }));
    expect(onClose).toHaveBeenCalled();
    expect(keptSignIn("us-east-1_Pool", "client1")).toBeUndefined();
    cleanup();
    open();
    expect(((await screen.findByTestId("try-username")) as HTMLInputElement).value).toBe("");
    clearInspectorSession();
  });

  it("Start over forgets the tokens kept", async () => {
    core(client(["ALLOW_USER_PASSWORD_AUTH"]), {
      AuthenticationResult: { IdToken: jwt({ token_use: "id" }), AccessToken: jwt({ token_use: "access" }), ExpiresIn: 3600, TokenType: "Bearer" },
    });
    open();
    fireEvent.change(await screen.findByTestId("try-username"), { target: { value: "bob" } });
    fireEvent.change(screen.getByTestId("try-password"), { target: { value: "Passw0rd!" } });
    fireEvent.click(screen.getByTestId("try-submit"));
    fireEvent.click(within(await screen.findByTestId("try-tokens")).getByRole("button", { name: "Start over" }));
    await screen.findByTestId("try-password");
    expect(keptSignIn("us-east-1_Pool", "client1")).toMatchObject({ stage: { kind: "credentials" }, username: "bob" });
  });
});

describe("Try sign-in's memory", () => {
  it("keeps which client's Try sign-in is open per pool, and one per pool: opening another forgets the first", () => {
    const kept = { stage: { kind: "credentials" as const }, username: "a", flow: undefined };
    rememberOpenTrySignIn("p1", "c1");
    rememberOpenTrySignIn("p2", "c9");
    expect(openTrySignIn("p1")).toBe("c1");
    expect(openTrySignIn("p2")).toBe("c9");
    keepSignInFor("p1", "c1", kept);
    rememberOpenTrySignIn("p1", "c2");
    expect(keptSignIn("p1", "c1")).toBeUndefined();
    keepSignInFor("p1", "c2", kept);
    forgetTrySignIn("p1");
    expect(openTrySignIn("p1")).toBeUndefined();
    expect(keptSignIn("p1", "c2")).toBeUndefined();
    expect(openTrySignIn("p2")).toBe("c9");
  });
});
