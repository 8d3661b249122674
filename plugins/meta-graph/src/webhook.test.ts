import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { metaJson, signMetaBody } from "./signature.ts";
import { type MetaWebhookPayload, mountMetaWebhook } from "./webhook.ts";

const secret = "app-secret-for-tests";

function app(received: MetaWebhookPayload[] = [], fail = false) {
  const hono = new Hono();
  mountMetaWebhook(hono, {
    verifyToken: "verify-me",
    appSecret: secret,
    objects: ["page", "instagram"],
    async handle(payload) {
      if (fail) throw new Error("store down");
      received.push(payload);
    },
  });
  return hono;
}

async function post(hono: Hono, body: string, signature?: string | null) {
  const header = signature === undefined ? await signMetaBody(secret, body) : signature;
  return hono.request("/", { method: "POST", body, headers: header === null ? {} : { "X-Hub-Signature-256": header } });
}

describe("mountMetaWebhook", () => {
  it("answers the verification handshake with the challenge, 403 on a wrong token, 400 without hub params", async () => {
    const hono = app();
    const ok = await hono.request("/?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const wrong = await hono.request("/?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1");
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("verify_token");
    expect((await hono.request("/")).status).toBe(400);
  });

  it("hands a signed delivery (emoji included) to the handler and answers 200 after it", async () => {
    const received: MetaWebhookPayload[] = [];
    const payload = { object: "page", entry: [{ id: "1", time: 1, messaging: [{ message: { text: "😀 ça va" } }] }] };
    const res = await post(app(received), metaJson(payload));
    expect(res.status).toBe(200);
    expect(received).toEqual([payload]);
  });

  it("refuses bad signatures (401), non-JSON (400), unknown objects (400) with reasons; a failing handler is a 500", async () => {
    const hono = app();
    const body = metaJson({ object: "page", entry: [] });
    const unsigned = await post(hono, body, null);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).toContain("app_secret");
    expect((await post(hono, body, await signMetaBody("wrong", body))).status).toBe(401);
    const notJson = await post(hono, "{nope");
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toContain("not JSON");
    const other = await post(hono, metaJson({ object: "whatsapp_business_account", entry: [] }));
    expect(other.status).toBe(400);
    expect(await other.text()).toContain("whatsapp_business_account");
    expect((await post(hono, metaJson({ object: "page" }))).status).toBe(400);
    expect((await post(app([], true), body)).status).toBe(500);
  });
});
