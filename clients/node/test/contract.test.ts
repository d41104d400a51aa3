import { after, describe } from "node:test";
import { errorTests } from "./contract/errors.js";
import { otherPathTests } from "./contract/other-paths.js";
import { paymentTests } from "./contract/payments.js";
import { Gateway } from "./support/gateway.js";

// One real gateway for the whole contract suite. A gateway that cannot start fails this file, loudly: never a skip.
const gateway = await Gateway.start();
after(() => gateway.stop());

describe("payments over gRPC", () => paymentTests(gateway));
describe("errors, decoded from the status details", () => errorTests(gateway));
describe("REST/JSON, gRPC-Web and webhooks", () => otherPathTests(gateway));
