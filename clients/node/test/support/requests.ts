import type { MessageInitShape } from "@bufbuild/protobuf";
import { Customer_Type, type CreatePaymentRequestSchema } from "../../src/index.js";

export type CreateRequest = MessageInitShape<typeof CreatePaymentRequestSchema>;

/** A CNY checkout paid by scanning an Alipay (or WeChat Pay) QR code. */
export function qrCheckout(channel: "alipay" | "wechatpay" = "alipay", amountMinor = 8888n): CreateRequest {
  return {
    amountMinor,
    currency: "CNY",
    description: "Cloud server, 1 month",
    customer: { type: Customer_Type.PERSONAL, country: "CN", device: "pc" },
    paymentMethod: { channel },
  };
}

/** Approved and settled at once by the simulated issuer. */
export const approvedCard = "4242424242424242";
/** Declined by the simulated issuer: do not honor (`05`). */
export const declinedCard = "4000000000000002";

/** A USD card payment of an enterprise customer (the card channel's minimum is 100.00). */
export function cardPayment(number = approvedCard, amountMinor = 12_000n): CreateRequest {
  return {
    amountMinor,
    currency: "USD",
    description: "Cloud server, 1 year",
    customer: { type: Customer_Type.ENTERPRISE, country: "US" },
    paymentMethod: { card: { number, expMonth: 12, expYear: 2031, cvc: "123" } },
  };
}
