// Visitor messages over real HTTP: stored in core once (a retry with the same client id is not a
// second message), attachments checked by size, type and content, size limits and rate limits with
// clear reasons, and token-scoped access: another visitor's conversation or file is a 404.

import { json, tables } from "@switchboard/core/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type Kit, newClientId, startKit } from "../test-support/kit.ts";

let kit: Kit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

type ErrorBody = { error: { code: string; reason: string; message: string } };
type Sent = { status: string; message: { seq: number; conversation_id: number; attachments: { index: number; filename: string }[] } };

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex").toString("base64");

describe("visitor messages", () => {
  it("are stored in core once, even when the widget retries the same client id", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const clientId = newClientId();
    const first = await json<Sent>(kit.say(token, "  Where is my order?  ", clientId));
    expect(first).toMatchObject({
      status: 201,
      body: { status: "stored", message: { seq: 1, text: "Where is my order?", author: "visitor" } },
    });
    const retry = await json<Sent>(kit.say(token, "Where is my order?", clientId));
    expect(retry).toMatchObject({ status: 200, body: { status: "duplicate", message: { seq: 1 } } });

    const rows = await kit.harness.switchboard.store.db.select().from(tables.messages);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "webchat", inbox: "site", direction: "incoming", text: "Where is my order?" });
    const history = await json<{ messages: unknown[] }>(kit.call("/messages", { token }));
    expect(history.body.messages).toHaveLength(1);
  });

  it("carry checked attachments to core as data, and the visitor can fetch them back", async () => {
    kit = await startKit();
    const token = await kit.visitor();
    const sent = await json<Sent>(
      kit.call("/messages", {
        token,
        body: { client_id: newClientId(), text: "", attachments: [{ filename: "../../shot.png", content_type: "image/png", data: PNG }] },
      }),
    );
    expect(sent.status).toBe(201);
    expect(sent.body.message.attachments).toEqual([expect.objectContaining({ index: 0, filename: "shot.png", content_type: "image/png" })]);
    const [stored] = await kit.harness.switchboard.store.db.select().from(tables.attachments);
    expect(stored).toMatchObject({ filename: "shot.png", contentType: "image/png", size: Buffer.from(PNG, "base64").length });

    const file = await kit.call(`/files/${sent.body.message.seq}/0`, { token });
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer()).toString("base64")).toBe(PNG);
  });

  it("refuses oversize text, files, types and bodies with 413/415/422 and the reason", async () => {
    kit = await startKit({ max_text_length: 100, attachments: { max_bytes: 1024, types: ["image/png", "application/pdf"] } });
    const token = await kit.visitor();
    const post = (body: Record<string, unknown>) =>
      json<ErrorBody>(kit!.call("/messages", { token, body: { client_id: newClientId(), text: "", ...body } }));

    expect(await post({ text: "x".repeat(101) })).toMatchObject({
      status: 413,
      body: { error: { reason: "text_too_long", message: expect.stringContaining("at most 100") } },
    });
    expect((await post({ text: "x".repeat(100) })).status).toBe(201);
    expect(await post({ text: "   " })).toMatchObject({ status: 422, body: { error: { reason: "text_empty" } } });
    const big = Buffer.concat([Buffer.from(PNG, "base64"), Buffer.alloc(2000)]).toString("base64");
    expect(await post({ attachments: [{ filename: "big.png", content_type: "image/png", data: big }] })).toMatchObject({
      status: 413,
      body: { error: { reason: "attachment_too_large" } },
    });
    expect(await post({ attachments: [{ filename: "a.exe", content_type: "application/x-msdownload", data: "TVqQ" }] })).toMatchObject({
      status: 415,
      body: { error: { reason: "attachment_type" } },
    });
    const script = Buffer.from("<script>alert(1)</script>").toString("base64");
    expect(await post({ attachments: [{ filename: "cat.png", content_type: "image/png", data: script }] })).toMatchObject({
      status: 415,
      body: { error: { reason: "attachment_content_mismatch" } },
    });
    expect(await post({ client_id: "bad id!" })).toMatchObject({
      status: 422,
      body: { error: { reason: "invalid_body", message: expect.stringContaining("client_id") } },
    });
    const garbled = await json<ErrorBody>(kit.call("/messages", { token, body: "{not json" }));
    expect(garbled).toMatchObject({ status: 400, body: { error: { reason: "invalid_body" } } });
    const huge = await json<ErrorBody>(kit.call("/messages", { token, body: { client_id: newClientId(), text: "y".repeat(200_000) } }));
    expect(huge).toMatchObject({ status: 413, body: { error: { reason: "body_too_large" } } });
    expect(await kit.harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(1);
  });

  it("refuses files when the inbox takes none", async () => {
    kit = await startKit({ attachments: { enabled: false } });
    const token = await kit.visitor();
    const refused = await json<ErrorBody>(
      kit.call("/messages", {
        token,
        body: { client_id: newClientId(), text: "see file", attachments: [{ filename: "a.png", content_type: "image/png", data: PNG }] },
      }),
    );
    expect(refused).toMatchObject({ status: 422, body: { error: { reason: "attachments_disabled" } } });
  });
});

describe("rate limits", () => {
  it("limit messages per visitor with 429 and Retry-After, without touching other visitors", async () => {
    kit = await startKit({ rate_limit: { visitor_messages_per_minute: 3 } });
    const [ann, ben] = [await kit.visitor(), await kit.visitor()];
    for (let i = 0; i < 3; i++) expect((await kit.say(ann, `message ${i}`)).status).toBe(201);
    const limited = await kit.say(ann, "one too many");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as ErrorBody).error).toMatchObject({
      reason: "rate_limited_visitor",
      message: expect.stringContaining("3 per minute"),
    });
    expect((await kit.say(ben, "I am someone else")).status).toBe(201);
    expect(await kit.harness.switchboard.store.db.select().from(tables.messages)).toHaveLength(4);
  });

  it("limit requests per IP, whoever the visitor", async () => {
    kit = await startKit({ rate_limit: { ip_requests_per_minute: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await kit.call("/config")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await json<ErrorBody>(kit.call("/session", { body: {} }));
    expect(refused).toMatchObject({ status: 429, body: { error: { reason: "rate_limited_ip" } } });
  });

  it("limit open live connections per visitor", async () => {
    kit = await startKit({ rate_limit: { streams_per_visitor: 1 } });
    const token = await kit.visitor();
    const first = await kit.stream(token);
    await first.waitFor((e) => e.event === "ready");
    const second = await json<ErrorBody>(kit.call("/stream", { token }));
    expect(second).toMatchObject({ status: 429, body: { error: { reason: "too_many_streams" } } });
    first.close();
    await first.ended;
    await Bun.sleep(50);
    const third = await kit.stream(token);
    await third.waitFor((e) => e.event === "ready");
    third.close();
  });
});

describe("token-scoped access", () => {
  it("answers 404 for another visitor's conversation, rating and files, exactly as for one that does not exist", async () => {
    kit = await startKit();
    const [ann, mallory] = [await kit.visitor(), await kit.visitor()];
    const sent = await json<Sent>(
      kit.call("/messages", {
        token: ann,
        body: {
          client_id: newClientId(),
          text: "my private order 4411",
          attachments: [{ filename: "id.png", content_type: "image/png", data: PNG }],
        },
      }),
    );
    const id = sent.body.message.conversation_id;
    expect((await kit.call(`/conversations/${id}`, { token: ann })).status).toBe(200);

    const forged = await json<ErrorBody>(kit.call(`/conversations/${id}`, { token: mallory }));
    expect(forged).toMatchObject({ status: 404, body: { error: { code: "SWB_ERR_NOT_FOUND", reason: "conversation_not_found" } } });
    const missing = await json<ErrorBody>(kit.call("/conversations/99999", { token: mallory }));
    expect(missing.body.error.reason).toBe(forged.body.error.reason);
    expect((await kit.call("/conversations/abc", { token: mallory })).status).toBe(404);
    expect((await kit.call(`/conversations/${id}/rating`, { token: mallory, body: { rating: 1 } })).status).toBe(404);
    expect((await kit.call(`/files/${sent.body.message.seq}/0`, { token: mallory })).status).toBe(404);

    const own = await json<{ messages: { text: string }[] }>(kit.call("/messages", { token: mallory }));
    expect(own.body.messages).toEqual([]);
    expect((await json<{ conversations: unknown[] }>(kit.call("/conversations", { token: mallory }))).body.conversations).toEqual([]);
    const [conversation] = await kit.harness.switchboard.store.db
      .select()
      .from(tables.conversations)
      .where(eq(tables.conversations.id, id));
    expect(conversation!.status).toBe("open");
  });
});
