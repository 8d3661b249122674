// SSE streams under a real Bun.serve: an idle stream outlives the server's idle timeout (Bun closes
// idle connections after 10 s by default; a live stream is idle between events).
import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../auth/agents.ts";
import { createApiToken } from "../auth/tokens.ts";
import { createTestHarness, type Harness } from "../testing/index.ts";

let harness: Harness | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  server?.stop(true);
  await harness?.close();
  harness = undefined;
});

describe("event streams", () => {
  it("stay open past the server's idle timeout and still deliver events", async () => {
    harness = await createTestHarness();
    const { agent } = await createAgent(harness.switchboard.store, { email: "ada@example.com", name: "Ada" });
    const { token } = await createApiToken(harness.switchboard.store, agent.id, "test");
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 2, fetch: harness.switchboard.app.fetch });
    const response = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, { headers: { Authorization: `Bearer ${token}` } });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain(": connected");
    await Bun.sleep(5000);
    await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "still there?" });
    const deadline = Date.now() + 3000;
    while (!text.includes("still there?") && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => ({ done: true, value: undefined }))]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(text).toContain("event: message.created");
    expect(text).toContain("still there?");
    await reader.cancel();
  });
});
