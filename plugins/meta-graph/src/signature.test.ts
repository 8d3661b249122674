import { describe, expect, it } from "vitest";
import { metaJson, signMetaBody, verifyMetaSignature } from "./signature.ts";

const secret = "app-secret-for-tests";
const bytes = (text: string) => new TextEncoder().encode(text);

describe("X-Hub-Signature-256", () => {
  const payload = { object: "instagram", entry: [{ messaging: [{ message: { text: "Olá 👋 café ñandú / ok" } }] }] };

  it("verifies Meta's escaped serialisation of emoji and accented text over the raw bytes", async () => {
    const body = metaJson(payload);
    expect(body).toContain("Ol\\u00e1 \\ud83d\\udc4b caf\\u00e9");
    expect(body).toContain("\\/ ok");
    expect(JSON.parse(body)).toEqual(payload);
    const header = await signMetaBody(secret, body);
    expect(await verifyMetaSignature(secret, header, bytes(body))).toEqual({ ok: true });
  });

  it("fails when the JSON is re-serialised before checking (the bytes Meta signed differ)", async () => {
    const body = metaJson(payload);
    const header = await signMetaBody(secret, body);
    const reserialised = JSON.stringify(JSON.parse(body));
    expect(reserialised).not.toBe(body);
    const check = await verifyMetaSignature(secret, header, bytes(reserialised));
    expect(check).toMatchObject({ ok: false, reason: expect.stringContaining("does not match") });
  });

  it("refuses a wrong secret, a missing header and a malformed header with a reason", async () => {
    const body = metaJson(payload);
    expect((await verifyMetaSignature("other", await signMetaBody(secret, body), bytes(body))).ok).toBe(false);
    expect(await verifyMetaSignature(secret, undefined, bytes(body))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("missing"),
    });
    expect(await verifyMetaSignature(secret, "sha1=abc", bytes(body))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("sha256="),
    });
  });
});
