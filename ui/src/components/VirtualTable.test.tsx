import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { VirtualTable, type Column } from "./VirtualTable";

type Row = { id: string };
const COLUMNS: Column<Row>[] = [{ id: "id", header: "ID", width: "1fr", cell: (r) => r.id }];
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `user${i}` }));

beforeAll(() => {
  // jsdom has no layout: give the scroll viewport a height of 10 rows of 34px.
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 340 });
});
afterEach(cleanup);

function renderTable(props: Partial<Parameters<typeof VirtualTable<Row>>[0]> = {}) {
  const onNeedMore = vi.fn();
  const onOpen = vi.fn();
  render(
    <VirtualTable<Row>
      rows={rows(100_000)}
      columns={COLUMNS}
      rowKey={(r) => r.id}
      hasMore={false}
      loadingMore={false}
      onNeedMore={onNeedMore}
      onOpen={onOpen}
      label="Users"
      rowTestId="row"
      {...props}
    />,
  );
  return { onNeedMore, onOpen, body: screen.getByLabelText("Users rows") };
}

describe("VirtualTable", () => {
  it("renders only the rows in view out of 100,000", () => {
    renderTable();
    const rendered = screen.getAllByTestId("row");
    expect(rendered.length).toBeLessThanOrEqual(20);
    expect(rendered[0]?.textContent).toBe("user0");
  });

  it("renders the rows at the scroll position", () => {
    const { body } = renderTable();
    act(() => {
      body.scrollTop = 34 * 50_000;
      fireEvent.scroll(body);
    });
    const ids = screen.getAllByTestId("row").map((r) => r.textContent);
    expect(ids).toContain("user50000");
    expect(ids).toContain("user50009");
    expect(ids).not.toContain("user0");
  });

  it("asks for the next page when the end of the loaded rows comes into view", () => {
    const { onNeedMore, body } = renderTable({ rows: rows(100), hasMore: true });
    expect(onNeedMore).not.toHaveBeenCalled();
    act(() => {
      body.scrollTop = 34 * 70;
      fireEvent.scroll(body);
    });
    expect(onNeedMore).toHaveBeenCalled();
  });

  it("opens the row chosen with the arrow keys on Enter", () => {
    const { onOpen, body } = renderTable();
    fireEvent.keyDown(body, { key: "ArrowDown" });
    fireEvent.keyDown(body, { key: "ArrowDown" });
    fireEvent.keyDown(body, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith({ id: "user1" });
  });

  it("marks the first row active when the body is focused, so the marker shows where Enter goes", () => {
    const { body, onOpen } = renderTable();
    expect(document.querySelector("[data-active]")).toBeNull();
    fireEvent.focus(body);
    const marked = document.querySelector("[data-active]");
    expect(marked?.getAttribute("data-key")).toBe("user0");
    expect(marked?.classList.contains("active")).toBe(true);
    fireEvent.keyDown(body, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith({ id: "user0" });
  });

  it("hides the columns marked hideBelow while the table is narrower", () => {
    let report: (w: number) => void = () => {};
    class FakeObserver {
      constructor(cb: (entries: Array<{ contentRect: { width: number } }>) => void) {
        report = (w) => cb([{ contentRect: { width: w } }]);
      }
      observe() {}
      unobserve() {}
      disconnect() {}
    }
    vi.stubGlobal("ResizeObserver", FakeObserver);
    try {
      renderTable({
        columns: [
          ...COLUMNS,
          { id: "created", header: "Created", width: "120px", hideBelow: 900, cell: () => "when" },
        ],
      });
      act(() => report(1200));
      expect(screen.queryByText("Created")).not.toBeNull();
      act(() => report(700));
      expect(screen.queryByText("Created")).toBeNull();
      expect(screen.queryAllByText("when")).toHaveLength(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
