import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../platform/errors";
import { ConfirmDialog } from "./overlays";
import { renderWithQueries } from "../test/queries";

afterEach(cleanup);

function renderConfirm(onConfirm: () => Promise<void>, onClose = vi.fn()) {
  renderWithQueries(
    <ConfirmDialog title="Delete pool prod?" confirmLabel="Delete pool" typeToConfirm="prod" onConfirm={onConfirm} onClose={onClose}>
      <p>This can't be undone.</p>
    </ConfirmDialog>,
  );
  return { input: screen.getByTestId("confirm-input"), button: screen.getByTestId("confirm-button"), onClose };
}

describe("ConfirmDialog", () => {
  it("enables the destructive button only once the exact name is typed", async () => {
    const onConfirm = vi.fn(async () => {});
    const { input, button, onClose } = renderConfirm(onConfirm);
    expect(button).toHaveProperty("disabled", true);
    fireEvent.change(input, { target: { value: "Prod" } });
    expect(button).toHaveProperty("disabled", true);
    fireEvent.submit(button.closest("form") as HTMLFormElement);
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: "prod" } });
    expect(button).toHaveProperty("disabled", false);
    fireEvent.click(button);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it("stays open and shows the core's error when the action fails", async () => {
    const onConfirm = vi.fn(async () => {
      throw new ApiError("InvalidParameterException", "Deletion protection is active.", "DeletionProtection");
    });
    const { input, button, onClose } = renderConfirm(onConfirm);
    fireEvent.change(input, { target: { value: "prod" } });
    fireEvent.click(button);
    await screen.findByText("Deletion protection is active.");
    expect(onClose).not.toHaveBeenCalled();
  });
});

describe("ConfirmDialog focus", () => {
  it("opens on the typed confirmation, not on Close or the destructive button", () => {
    const { input } = renderConfirm(vi.fn(async () => {}));
    expect(document.activeElement).toBe(input);
  });

  it("opens on Cancel before a destructive action with nothing to type (Enter must not destroy)", () => {
    renderWithQueries(
      <ConfirmDialog title="Sign out everywhere?" confirmLabel="Sign out" onConfirm={vi.fn(async () => {})} onClose={vi.fn()}>
        <p>Ends every session.</p>
      </ConfirmDialog>,
    );
    expect(document.activeElement).toBe(screen.getByTestId("confirm-cancel"));
  });

  it("opens on the confirm button when the action only helps", () => {
    renderWithQueries(
      <ConfirmDialog title="Unlock?" confirmLabel="Unlock" tone="primary" onConfirm={vi.fn(async () => {})} onClose={vi.fn()}>
        <p>Lets the user sign in again.</p>
      </ConfirmDialog>,
    );
    expect(document.activeElement).toBe(screen.getByTestId("confirm-button"));
  });
});
