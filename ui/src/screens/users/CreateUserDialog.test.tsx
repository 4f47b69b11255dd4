import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UserPool } from "../../api/types";
import { ToastProvider } from "../../components/toast";
import { policyProblems } from "../../lib/passwords";
import type * as Platform from "../../platform";
import { ApiError } from "../../platform/errors";
import { renderWithQueries } from "../../test/queries";
import { CreateUserDialog } from "./CreateUserDialog";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
});

const POLICY = { MinimumLength: 20, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true };
const POOL = { Id: "us-east-1_P", Name: "people", Policies: { PasswordPolicy: POLICY } } as unknown as UserPool;

function open() {
  const onCreated = vi.fn();
  call.mockImplementation(async (op: string, input: { Username: string }) => {
    if (op !== "AdminCreateUser") throw new Error(`unexpected ${op}`);
    return { User: { Username: input.Username, Attributes: [], Enabled: true, UserStatus: "FORCE_CHANGE_PASSWORD" } };
  });
  renderWithQueries(
    <ToastProvider>
      <CreateUserDialog pool={POOL} onClose={vi.fn()} onCreated={onCreated} />
    </ToastProvider>,
  );
  return onCreated;
}

const sent = () => (call.mock.calls[0] as [string, Record<string, unknown>])[1];

describe("CreateUserDialog", () => {
  it("makes up a password when nobody will be invited, and shows it once before going on", async () => {
    const onCreated = open();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "carol" } });
    fireEvent.click(screen.getByTestId("create-user-submit"));
    const shown = await screen.findByTestId("generated-password");
    const request = sent();
    expect(request.MessageAction).toBe("SUPPRESS");
    expect(typeof request.TemporaryPassword).toBe("string");
    expect(policyProblems(request.TemporaryPassword as string, POLICY)).toEqual([]);
    expect(shown.textContent).toBe(request.TemporaryPassword);
    expect(screen.getByTestId("shown-once-notice").textContent).toContain("shown only now");
    expect(onCreated).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("generated-password-done"));
    expect(onCreated).toHaveBeenCalledWith("carol");
  });

  it("lets the invitation carry the core's password when one goes out", async () => {
    const onCreated = open();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "dana" } });
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "dana@example.com" } });
    fireEvent.click(screen.getByText("Don't send an invitation"));
    fireEvent.click(screen.getByTestId("create-user-submit"));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith("dana"));
    expect(sent().TemporaryPassword).toBeUndefined();
    expect(sent().MessageAction).toBeUndefined();
    expect(sent().DesiredDeliveryMediums).toEqual(["EMAIL"]);
    expect(screen.queryByTestId("generated-password")).toBeNull();
  });

  it("sends no invitation and shows the password when there is nowhere to send one", async () => {
    open();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "erin" } });
    fireEvent.click(screen.getByText("Don't send an invitation"));
    fireEvent.click(screen.getByTestId("create-user-submit"));
    await screen.findByTestId("generated-password");
    expect(sent().MessageAction).toBe("SUPPRESS");
  });

  it("keeps a typed password as it is, and shows the core's refusal with the policy", async () => {
    open();
    call.mockRejectedValueOnce(
      new ApiError("InvalidPasswordException", "Password did not conform with policy: Password not long enough", "TemporaryPassword"),
    );
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "finn" } });
    fireEvent.change(screen.getByTestId("new-temp-password"), { target: { value: "Short-1a" } });
    expect(screen.getByTestId("password-problems").textContent).toContain("8 of at least 20 characters");
    fireEvent.click(screen.getByTestId("create-user-submit"));
    const error = await screen.findByRole("alert");
    expect(error.textContent).toBe(
      "Password did not conform with policy: Password not long enough. This pool's password policy: at least 20 characters, with an uppercase letter, a lowercase letter, a number and a symbol.",
    );
    expect(sent().TemporaryPassword).toBe("Short-1a");
    // Editing the password hands over to the live hint.
    fireEvent.change(screen.getByTestId("new-temp-password"), { target: { value: "Short-1ab" } });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("password-problems").textContent).toContain("9 of at least 20 characters");
  });
});
