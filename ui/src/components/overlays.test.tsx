import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Dialog, Drawer } from "./overlays";
import { Section } from "./ui";

afterEach(cleanup);

/** A button that opens `overlay`, which closes itself through the `close` it is given. */
function Opener({ overlay }: { overlay: (close: () => void) => React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open && overlay(() => setOpen(false))}
    </>
  );
}

function open(overlay: (close: () => void) => React.ReactNode) {
  render(<Opener overlay={overlay} />);
  const opener = screen.getByRole("button", { name: "Open" });
  opener.focus();
  fireEvent.click(opener);
  return opener;
}

const tab = (shiftKey = false) => fireEvent.keyDown(document.activeElement as Element, { key: "Tab", shiftKey });

describe("Dialog focus", () => {
  it("opens on the first field, not on Close, and gives focus back on close", () => {
    const opener = open((close) => (
      <Dialog title="New group" onClose={close}>
        <p>Groups hold users.</p>
        <input aria-label="Name" />
        <select aria-label="Role">
          <option>a</option>
        </select>
        <button type="button" onClick={close}>
          Done
        </button>
      </Dialog>
    ));
    expect(document.activeElement).toBe(screen.getByLabelText("Name"));
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByLabelText("Name")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("skips disabled and read-only fields, and keeps a field that focused itself", () => {
    open((close) => (
      <Dialog title="Edit" onClose={close}>
        <input aria-label="Id" readOnly value="x" />
        <input aria-label="Off" disabled />
        <input aria-label="First" />
        <textarea aria-label="Second" />
      </Dialog>
    ));
    expect(document.activeElement).toBe(screen.getByLabelText("First"));
    cleanup();
    open((close) => (
      <Dialog title="Edit" onClose={close}>
        <input aria-label="First" />
        <textarea aria-label="Second" autoFocus />
      </Dialog>
    ));
    expect(document.activeElement).toBe(screen.getByLabelText("Second"));
  });

  it("opens on the primary button when there is no field", () => {
    open((close) => (
      <Dialog title="Secret" onClose={close}>
        <p>Shown once.</p>
        <button type="button" className="btn btn-primary" onClick={close}>
          I have copied it
        </button>
      </Dialog>
    ));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "I have copied it" }));
  });

  it("keeps Tab inside, wrapping both ways", () => {
    open((close) => (
      <Dialog title="New group" onClose={close}>
        <input aria-label="Name" />
        <button type="button">Save</button>
      </Dialog>
    ));
    const close = screen.getByRole("button", { name: "Close" });
    const save = screen.getByRole("button", { name: "Save" });
    save.focus();
    tab();
    expect(document.activeElement).toBe(close);
    tab(true);
    expect(document.activeElement).toBe(save);
  });

  it("titles its sections one level under its own title", () => {
    open((close) => (
      <Dialog title="New group" onClose={close}>
        <Section title="Members">
          <Section title="Admins">x</Section>
        </Section>
      </Dialog>
    ));
    expect(screen.getByRole("heading", { name: "New group" }).tagName).toBe("H2");
    expect(screen.getByRole("heading", { name: "Members" }).tagName).toBe("H3");
    expect(screen.getByRole("heading", { name: "Admins" }).tagName).toBe("H4");
  });
});

describe("Drawer focus", () => {
  it("opens on its first field, keeps Tab inside, and gives focus back on Escape", () => {
    const onClose = vi.fn();
    const opener = open((close) => (
      <Drawer
        title="alice"
        onClose={() => {
          onClose();
          close();
        }}
      >
        <input aria-label="Email" />
        <button type="button">Save</button>
      </Drawer>
    ));
    const email = screen.getByLabelText("Email");
    expect(document.activeElement).toBe(email);
    screen.getByRole("button", { name: "Save" }).focus();
    tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close" }));
    fireEvent.keyDown(email, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(opener);
  });

  it("opens on itself, its title read out, when it has no field", () => {
    open((close) => (
      <Drawer title="alice" onClose={close}>
        <p>Facts only.</p>
      </Drawer>
    ));
    expect(document.activeElement).toBe(screen.getByRole("dialog", { name: "alice" }));
  });
});

describe("Section heading levels", () => {
  it("is h2 on a screen and one deeper when nested", () => {
    render(
      <>
        <h1>Screen</h1>
        <Section title="Outer">
          <Section title="Inner">x</Section>
        </Section>
      </>,
    );
    expect(screen.getByRole("heading", { name: "Outer" }).tagName).toBe("H2");
    expect(screen.getByRole("heading", { name: "Inner" }).tagName).toBe("H3");
  });
});

describe("Tab order inside an overlay", () => {
  it("wraps past elements out of the Tab order (inactive tabs, unchecked radios)", () => {
    open((close) => (
      <Drawer title="alice" onClose={close}>
        <input aria-label="Email" />
        <label>
          <input type="radio" name="theme" defaultChecked /> System
        </label>
        <label>
          <input type="radio" name="theme" /> Dark
        </label>
        <button type="button" tabIndex={-1}>
          Inactive tab
        </button>
      </Drawer>
    ));
    screen.getByLabelText("System").focus();
    tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close" }));
    tab(true);
    expect(document.activeElement).toBe(screen.getByLabelText("System"));
  });
});

describe("focus on a radio group", () => {
  it("opens on the checked radio, and a read-only field stays in the Tab wrap", () => {
    open((close) => (
      <Dialog title="Theme" onClose={close}>
        <label>
          <input type="radio" name="t" /> System
        </label>
        <label>
          <input type="radio" name="t" defaultChecked /> Dark
        </label>
        <input aria-label="Secret" readOnly value="s3cr3t" />
      </Dialog>
    ));
    expect(document.activeElement).toBe(screen.getByLabelText("Dark"));
    screen.getByLabelText("Secret").focus();
    tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close" }));
  });
});
