// {{name}} tested the way Switchboard runs it: a real Switchboard on a temporary database, a
// customer message POSTed to the inbox's webhook, and a reply delivered to a receiver on loopback.
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createTestHarness, json, serveLoopback, storedMessages, waitFor, type Harness, type Loopback } from "@switchboard/core/testing";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const SECRET = "a-secret-of-at-least-16-chars";
let harness: Harness | undefined;
let receiver: Loopback | undefined;
afterEach(async () => {
  await harness?.close();
  await receiver?.stop();
});

it("stores a POSTed message and delivers the agent's reply to reply_url", async () => {
  const replies: unknown[] = [];
  receiver = serveLoopback(async (request) => {
    replies.push(await request.json());
    return Response.json({ id: "r1" });
  });
  harness = await createTestHarness({
    plugins: { mine: { package: PLUGIN } },
    inboxes: { main: { plugin: "mine", channel: "{{name}}", options: { secret: SECRET, reply_url: `${receiver.url}/replies` } } },
  });
  const post = (secret: string) =>
    harness!.request("/webhooks/main/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Webhook-Secret": secret },
      body: JSON.stringify({ id: "m1", from: { id: "u1", name: "Ada" }, text: "Hello?" }),
    });
  expect((await post("wrong")).status).toBe(401);
  const { status, body } = await json(post(SECRET));
  expect(status).toBe(200);
  const [stored] = await storedMessages(harness, "main");
  expect(stored!.text).toBe("Hello?");

  await harness.switchboard.outbound.reply({ conversationId: body.conversation_id, text: "Hi Ada!", agentId: null });
  await harness.drain();
  expect(await waitFor(() => replies[0])).toMatchObject({ to: "u1", text: "Hi Ada!" });
});
