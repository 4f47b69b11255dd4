import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { navigate, useRoute } from "./router";
import { useUnsavedGuard } from "./useUnsavedGuard";

afterEach(cleanup);
beforeEach(() => {
  window.history.replaceState(null, "", "#/pools/p1/overview");
});

/** A settings form (its edits make it dirty) and the route the app would show. */
function Screen() {
  const route = useRoute();
  const [value, setValue] = useState("");
  const { prompt } = useUnsavedGuard(value !== "", "the pool's settings");
  return (
    <div>
      <div data-testid="route">{route.screen === "pool" ? route.tab : route.screen}</div>
      <input aria-label="setting" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="button" onClick={() => setValue("")}>
        Save
      </button>
      {prompt}
    </div>
  );
}

function beforeUnloadCancelled(): boolean {
  const e = new Event("beforeunload", { cancelable: true });
  window.dispatchEvent(e);
  return e.defaultPrevented;
}

describe("useUnsavedGuard", () => {
  it("lets navigation through while nothing is edited", async () => {
    render(<Screen />);
    act(() => navigate({ screen: "pool", poolId: "p1", tab: "users" }));
    await waitFor(() => expect(screen.getByTestId("route").textContent).toBe("users"));
    expect(screen.queryByTestId("unsaved-dialog")).toBeNull();
    expect(beforeUnloadCancelled()).toBe(false);
  });

  it("holds a tab switch over unsaved edits until Discard, which goes on", async () => {
    render(<Screen />);
    fireEvent.change(screen.getByLabelText("setting"), { target: { value: "edited" } });
    act(() => navigate({ screen: "pool", poolId: "p1", tab: "groups" }));
    const dialog = await screen.findByTestId("unsaved-dialog");
    expect(dialog.textContent).toContain("Discard unsaved changes?");
    expect(dialog.textContent).toContain("Your changes to the pool's settings have not been saved.");
    // The choice that loses nothing has the focus.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("keep-editing")));
    // The screen stayed, and so did the address.
    expect(screen.getByTestId("route").textContent).toBe("overview");
    expect(window.location.hash).toBe("#/pools/p1/overview");
    fireEvent.click(screen.getByTestId("discard-changes"));
    await waitFor(() => expect(screen.getByTestId("route").textContent).toBe("groups"));
    expect(window.location.hash).toBe("#/pools/p1/groups");
    expect(screen.queryByTestId("unsaved-dialog")).toBeNull();
  });

  it("stays on Keep editing, with the edits, and asks again next time", async () => {
    render(<Screen />);
    fireEvent.change(screen.getByLabelText("setting"), { target: { value: "edited" } });
    act(() => {
      window.location.hash = "#/audit";
    });
    await screen.findByTestId("unsaved-dialog");
    fireEvent.click(screen.getByTestId("keep-editing"));
    expect(screen.queryByTestId("unsaved-dialog")).toBeNull();
    expect(screen.getByTestId("route").textContent).toBe("overview");
    expect(window.location.hash).toBe("#/pools/p1/overview");
    expect((screen.getByLabelText("setting") as HTMLInputElement).value).toBe("edited");
    act(() => navigate({ screen: "tokens" }));
    await screen.findByTestId("unsaved-dialog");
    expect(screen.getByTestId("route").textContent).toBe("overview");
  });

  it("asks before the window closes only while there are unsaved edits", () => {
    render(<Screen />);
    expect(beforeUnloadCancelled()).toBe(false);
    fireEvent.change(screen.getByLabelText("setting"), { target: { value: "edited" } });
    expect(beforeUnloadCancelled()).toBe(true);
    fireEvent.click(screen.getByText("Save"));
    expect(beforeUnloadCancelled()).toBe(false);
  });

  it("stops guarding once the form is gone", async () => {
    const { unmount } = render(<Screen />);
    fireEvent.change(screen.getByLabelText("setting"), { target: { value: "edited" } });
    unmount();
    expect(beforeUnloadCancelled()).toBe(false);
    function Route() {
      const r = useRoute();
      return <div data-testid="route">{r.screen}</div>;
    }
    render(<Route />);
    act(() => navigate({ screen: "audit" }));
    await waitFor(() => expect(screen.getByTestId("route").textContent).toBe("audit"));
  });
});
