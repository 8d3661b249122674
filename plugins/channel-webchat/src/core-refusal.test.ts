// A visitor message that passes the widget's checks but that core refuses (`emit` resolves
// "invalid") is answered 422 with core's reason, and nothing is stored.

import { json, tables, writeFixturePlugin } from "@switchboard/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type Kit, newClientId, startKit } from "../test-support/kit.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe("a message core refuses", () => {
  it("is answered 422 invalid_body with core's reason, and nothing is stored", async () => {
    // A normalise hook leaves the message without a contact id, which core refuses.
    const mangler = writeFixturePlugin(`ctx.inbound((message) => ({ ...message, contact: {} }));`, { name: "mangler" });
    kit = await startKit({}, { plugins: { mangler: { package: mangler } } });
    const token = await kit.visitor();
    const refused = await json<{ error: { code: string; reason: string; message: string } }>(
      kit.call("/messages", { token, body: { client_id: newClientId(), text: "Hello" } }),
    );
    expect(refused).toEqual({
      status: 422,
      body: {
        error: {
          code: "SWB_ERR_INBOUND_INVALID",
          reason: "invalid_body",
          message: expect.stringMatching(/contact\.externalId.*the plugin "mangler"/),
        },
      },
    });
    expect(await kit.harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(0);
  });
});
