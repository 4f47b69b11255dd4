import { describe, expect, it } from "vitest";
import { deliveryOf } from "./delivery";

describe("deliveryOf", () => {
  it("shows nothing for a message with no delivery (SMS, or written with no server set)", () => {
    expect(deliveryOf({})).toBeUndefined();
    expect(deliveryOf({ Delivery: "" })).toBeUndefined();
  });

  it("marks sent and sending email", () => {
    expect(deliveryOf({ Delivery: "Sent" })).toMatchObject({ label: "Sent", tone: "ok", reason: undefined });
    expect(deliveryOf({ Delivery: "Sending" })).toMatchObject({ label: "Sending", tone: "info" });
  });

  it("gives the reason of a failure, on hover and as text", () => {
    const v = deliveryOf({ Delivery: "Failed", DeliveryDetail: "the SMTP server refused or could not be reached: connection refused" });
    expect(v).toMatchObject({ label: "Failed", tone: "bad", reason: "the SMTP server refused or could not be reached: connection refused" });
    expect(v?.title).toBe("Not delivered: the SMTP server refused or could not be reached: connection refused");
  });

  it("says so when a failure came without a reason", () => {
    expect(deliveryOf({ Delivery: "Failed" })?.reason).toBe("The SMTP server gave no reason.");
  });

  it("shows a state a newer Poolhouse might add as it is, in grey", () => {
    expect(deliveryOf({ Delivery: "Deferred", DeliveryDetail: "try later" })).toMatchObject({
      label: "Deferred",
      tone: "off",
      title: "try later",
    });
  });
});
