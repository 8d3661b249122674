// {{name}} tested on a real Switchboard with a temporary database: the assistants Switchboard runs
// for the composer get its suggestions and rewrites.
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createTestHarness, type Harness } from "@switchboard/core/testing";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
});

it("suggests the canned answer for a word and signs a draft once", async () => {
  harness = await createTestHarness({ plugins: { mine: { package: PLUGIN, options: { answers: { refund: "Refunds take 5 days." }, signature: "— Acme support" } } } });
  const { assistants } = harness.switchboard;
  const messages = [{ direction: "incoming", text: "Where is my REFUND?", channel: "test", createdAt: 0 }];
  expect(await assistants.run("suggest", { conversationId: 1, messages, channel: "test" })).toEqual({ plugin: "{{name}}", value: ["Refunds take 5 days."] });
  expect(await assistants.run("suggest", { conversationId: 1, messages: [{ ...messages[0]!, text: "Hello" }], channel: "test" })).toBeNull();
  const signed = await assistants.run("rewrite", { text: "Done!", channel: "test" });
  expect(signed?.value).toBe("Done!\n\n— Acme support");
  expect(await assistants.run("rewrite", { text: signed!.value, channel: "test" })).toBeNull();
});
