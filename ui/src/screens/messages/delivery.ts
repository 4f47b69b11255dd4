import type { OutboxMessage } from "../../api/types";

export type DeliveryView = {
  label: string;
  tone: "ok" | "info" | "bad" | "off";
  /** What the badge says on hover. */
  title: string;
  /** Why it failed, shown in the row as well (Failed only). */
  reason: string | undefined;
};

/**
 * How a message's SMTP delivery reads, or undefined when it has none: SMS, email written while
 * the workspace had no server (or before one was set), or email the next delivery pass (within
 * a few seconds) has not reached yet.
 */
export function deliveryOf(m: Pick<OutboxMessage, "Delivery" | "DeliveryDetail">): DeliveryView | undefined {
  switch (m.Delivery) {
    case undefined:
    case "":
      return undefined;
    case "Sending":
      return { label: "Sending", tone: "info", title: "Being handed to the SMTP server", reason: undefined };
    case "Sent":
      return { label: "Sent", tone: "ok", title: "Accepted by the SMTP server", reason: undefined };
    case "Failed": {
      const reason = m.DeliveryDetail?.trim() || "The SMTP server gave no reason.";
      return { label: "Failed", tone: "bad", title: `Not delivered: ${reason}`, reason };
    }
    default:
      // A state a newer Poolhouse might add: shown as it is rather than hidden.
      return { label: m.Delivery, tone: "off", title: m.DeliveryDetail ?? m.Delivery, reason: undefined };
  }
}
