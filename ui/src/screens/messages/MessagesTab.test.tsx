import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboxMessage } from "../../api/types";
import type * as Platform from "../../platform";
import { MessagesTab } from "./MessagesTab";
import { renderWithQueries } from "../../test/queries";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

afterEach(cleanup);
beforeEach(() => {
  call.mockReset();
});

const POOL = "us-east-1_Pool";
const base = { UserPoolId: POOL, Medium: "EMAIL" as const, Kind: "Invitation", Body: "Your password is {####}", Time: 1_700_000_000 };
const MESSAGES: OutboxMessage[] = [
  { ...base, MessageId: 3, Username: "carol", Destination: "carol@example.com", Delivery: "Failed", DeliveryDetail: "connection refused" },
  { ...base, MessageId: 2, Username: "bob", Destination: "bob@example.com", Delivery: "Sent" },
  { ...base, MessageId: 1, Username: "alice", Destination: "+15550100", Medium: "SMS" },
];

function core(smtpServer: string | undefined, state = { smtpServer }) {
  call.mockImplementation(async (op: string) => {
    switch (op) {
      case "ListOutboxMessages":
        return { Messages: MESSAGES };
      case "DescribeWorkspace":
        return {
          Workspace: { Region: "us-east-1", AccountId: "1", RequireSignature: false, AccessKeyIds: [], StorePath: "x", SchemaVersion: 8, SmtpServer: state.smtpServer },
        };
      default:
        throw new Error(`unexpected ${op}`);
    }
  });
  return state;
}

function row(username: string): HTMLElement {
  const r = screen.getAllByTestId("message-row").find((el) => el.textContent?.includes(username));
  if (!r) throw new Error(`no row for ${username}`);
  return r;
}

describe("MessagesTab", () => {
  it("marks each email's delivery, and says why one failed", async () => {
    core("127.0.0.1:1025");
    renderWithQueries(<MessagesTab poolId={POOL} />);
    await screen.findAllByTestId("message-row");
    expect(within(row("bob")).getByTestId("message-delivery").textContent).toBe("Sent");
    const failed = within(row("carol")).getByTestId("message-delivery");
    expect(failed.textContent).toBe("Failed");
    expect(failed.getAttribute("title")).toBe("Not delivered: connection refused");
    expect(within(row("carol")).getByTestId("message-delivery-failure").textContent).toBe("Not delivered: connection refused");
    expect(within(row("alice")).queryByTestId("message-delivery")).toBeNull();
    expect(screen.queryByTestId("no-smtp-note")).toBeNull();
  });

  it("says messages go nowhere when the workspace has no SMTP server, with a link to set one", async () => {
    core(undefined);
    renderWithQueries(<MessagesTab poolId={POOL} />);
    const note = await screen.findByTestId("no-smtp-note");
    expect(note.textContent).toMatch(/not sent anywhere/);
    expect(within(note).getByRole("link").getAttribute("href")).toBe("#/workspace/email");
  });

  it("reads the workspace again on Refresh, so a server set meanwhile shows", async () => {
    const state = core(undefined);
    renderWithQueries(<MessagesTab poolId={POOL} />);
    await screen.findByTestId("no-smtp-note");
    state.smtpServer = "127.0.0.1:1025";
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(screen.queryByTestId("no-smtp-note")).toBeNull());
    expect(screen.getByTestId("messages-tab").textContent).toContain("email is also sent through 127.0.0.1:1025");
  });
});
