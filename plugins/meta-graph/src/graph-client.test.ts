import { DeliveryError } from "@switchboard/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGraph, graphError, startFakeGraph } from "../test-support/index.ts";
import { toDeliveryError } from "./delivery-error.ts";
import { createGraphClient, type GraphClient } from "./graph-client.ts";
import { GraphApiError } from "./graph-error.ts";
import { downloadGraphMedia, downloadUrl } from "./media.ts";

let graph: FakeGraph;
let client: GraphClient;

beforeAll(async () => {
  graph = await startFakeGraph();
  graph.route("POST", "/me/messages", (call) => ({
    recipient_id: (call.body as { recipient: { id: string } }).recipient.id,
    message_id: "m_1",
  }));
  graph.route("GET", "/:id", (call) => ({ id: call.params.id, first_name: "Ada", fields: call.query.get("fields") }));
  client = createGraphClient({ accessToken: graph.accessToken, baseUrl: `${graph.url}/` });
});
afterAll(() => graph.stop());

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("the Graph client", () => {
  it("calls /<version>/<path> with the bearer token, JSON bodies and comma-joined fields", async () => {
    expect(await client.post("/me/messages", { recipient: { id: "42" }, message: { text: "Hi" } })).toEqual({
      recipient_id: "42",
      message_id: "m_1",
    });
    expect(await client.get("/42", { fields: ["first_name", "profile_pic"] })).toEqual({
      id: "42",
      first_name: "Ada",
      fields: "first_name,profile_pic",
    });
    expect(graph.callsTo("POST /me/messages").at(-1)?.body).toEqual({ recipient: { id: "42" }, message: { text: "Hi" } });
  });

  it("throws GraphApiError with Meta's code, subcode and message; a wrong token is code 190", async () => {
    graph.failNext("POST /me/messages", graphError(10, "This message is sent outside of allowed window.", { subcode: 2018278 }));
    const error = (await failure(client.post("/me/messages", { recipient: { id: "1" } }))) as GraphApiError;
    expect(error).toBeInstanceOf(GraphApiError);
    expect([error.status, error.code, error.subcode, error.label]).toEqual([400, 10, 2018278, "code 10, subcode 2018278"]);
    const bad = createGraphClient({ accessToken: "wrong", baseUrl: graph.url });
    expect(((await failure(bad.get("/1"))) as GraphApiError).code).toBe(190);
  });
});

describe("toDeliveryError", () => {
  const send = () => client.post("/me/messages", { recipient: { id: "1" }, message: { text: "x" } });

  it("waits retry_after on a rate limit (Retry-After, else the usage header, else the default)", async () => {
    graph.failNext("POST /me/messages", graphError(613, "Calls to this api have exceeded the rate limit.", { retryAfterSeconds: 30 }));
    const limited = toDeliveryError(await failure(send()), { network: "Messenger" });
    expect([limited.retryable, limited.retryAfterMs]).toEqual([true, 30_000]);
    expect(limited.message).toContain("code 613");
    graph.failNext("POST /me/messages", {
      ...graphError(80006, "There have been too many messenger api calls to this Page account."),
      headers: { "X-Business-Use-Case-Usage": '{"1":[{"type":"messenger","call_count":100,"estimated_time_to_regain_access":5}]}' },
    });
    expect(toDeliveryError(await failure(send()), { network: "Messenger" }).retryAfterMs).toBe(300_000);
    graph.failNext("POST /me/messages", graphError(4, "Application request limit reached"));
    expect(toDeliveryError(await failure(send()), { network: "Messenger", rateLimitWaitMs: 7_000 }).retryAfterMs).toBe(7_000);
  });

  it("is permanent for a refusal (with the channel's hint and Meta's subcode), retryable for transient errors and 5xx", async () => {
    graph.failNext("POST /me/messages", graphError(10, "This message is sent outside of allowed window.", { subcode: 2018278 }));
    const closed = toDeliveryError(await failure(send()), {
      network: "Messenger",
      hint: (e) => (e.subcode === 2018278 ? " The 24-hour window has closed." : undefined),
    });
    expect(closed).toBeInstanceOf(DeliveryError);
    expect(closed.retryable).toBe(false);
    expect(closed.message).toBe(
      "Messenger refused the message (code 10, subcode 2018278): This message is sent outside of allowed window. The 24-hour window has closed.",
    );
    graph.failNext("POST /me/messages", graphError(190, "Error validating access token: Session has expired"));
    expect(toDeliveryError(await failure(send()), { network: "Messenger" }).message).toContain("access token was refused");
    graph.failNext(
      "POST /me/messages",
      graphError(2, "An unexpected error has occurred. Please retry your request later.", { isTransient: true }),
    );
    expect(toDeliveryError(await failure(send()), { network: "Messenger" }).retryable).toBe(true);
    const offline = createGraphClient({ accessToken: "x", baseUrl: "http://127.0.0.1:9" });
    const unreachable = toDeliveryError(await failure(offline.get("/1")), { network: "Instagram" });
    expect([unreachable.retryable, unreachable.message.startsWith("Could not reach Instagram")]).toEqual([true, true]);
  });
});

describe("media", () => {
  it("downloads a media id through its short-lived URL with the bearer token", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.4 invoice");
    graph.addMedia("9001", pdf, "application/pdf");
    const { attachment, skipped } = await downloadGraphMedia(client, "9001", { maxBytes: 1_000, filename: "invoice.pdf" });
    expect(skipped).toBeUndefined();
    expect(attachment).toEqual({
      filename: "invoice.pdf",
      contentType: "application/pdf",
      size: pdf.byteLength,
      data: Buffer.from(pdf).toString("base64"),
    });
    expect(graph.downloads.at(-1)).toEqual({ id: "9001", authorization: `Bearer ${graph.accessToken}` });
  });

  it("lists a file over the size limit without its bytes, with the reason; a failed download too", async () => {
    graph.addMedia("9002", new Uint8Array(2_048), "video/mp4");
    const big = await downloadGraphMedia(client, "9002", { maxBytes: 1_024, filename: "clip.mp4" });
    expect(big.attachment.data).toBeUndefined();
    expect(big.skipped).toContain("2048 > 1024");
    const url = graph.cdnUrl("img", new Uint8Array(10), "image/png");
    expect((await downloadUrl(url, { maxBytes: 100, filename: "a.png" })).attachment).toMatchObject({ contentType: "image/png", size: 10 });
    expect((await downloadUrl(`${graph.url}/cdn/missing`, { maxBytes: 100, filename: "x" })).skipped).toContain("HTTP 404");
  });
});
