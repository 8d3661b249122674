// After a contact merge or its undo from the inbox sidebar, htmx gets the whole conversation pane
// (retargeted at #main): the timeline and the "Send on" list follow the merge without a reload.
// A conversation merge moves the page to the target conversation.
import { afterEach, describe, expect, it } from "vitest";
import { contactMerges } from "../../core/src/store/schema.ts";
import { type IdentityWorld, identityWorld } from "./fixtures.ts";

let world: IdentityWorld;
afterEach(async () => world?.harness.close());

const sendOn = (html: string) => [...html.matchAll(/<option value="([\w-]+)" data-/g)].map((m) => m[1]);

describe("merge and undo from the inbox", () => {
  it("answer htmx with the fresh pane: timeline and Send on channels in step", async () => {
    world = await identityWorld();
    const chat = await world.chat({ externalId: "tg-1", name: "Fay" }, "hi from chat");
    const shop = await world.shop({ id: "s-9", name: "Fay Shop" }, "hi from the shop");
    const browser = await world.browser();
    const base = `/inbox/conversations/${chat.conversationId}`;
    const before = await (await browser.get(base, { "HX-Request": "true", "HX-Target": "main" })).text();
    expect(sendOn(before)).toEqual(["test"]);

    const merged = await browser.post(`${base}/merge-contact`, { other: `#${shop.contact_id}` }, { htmx: true });
    expect(merged.status).toBe(200);
    expect(merged.headers.get("HX-Retarget")).toBe("#main");
    expect(merged.headers.get("HX-Reswap")).toBe("outerHTML");
    const after = await merged.text();
    expect(after).toContain('id="timeline"');
    expect(after).toContain("hi from the shop");
    expect(after).toContain("Undo merge");
    expect(sendOn(after)).toEqual(["test", "shop"]);

    const [merge] = await world.harness.switchboard.store.db.select().from(contactMerges);
    const undone = await browser.post(`${base}/merges/${merge!.id}/undo`, {}, { htmx: true });
    expect(undone.headers.get("HX-Retarget")).toBe("#main");
    const restored = await undone.text();
    expect(restored).toContain("hi from chat");
    expect(restored).not.toContain("hi from the shop");
    expect(sendOn(restored)).toEqual(["test"]);
  });

  it("a conversation merge moves the page to the target conversation", async () => {
    world = await identityWorld();
    const browser = await world.browser();
    const first = await world.shop({ id: "s-1", name: "Gil" }, "first thread");
    await browser.post(`/inbox/conversations/${first.conversation_id}/actions/status`, { status: "resolved" }, { htmx: true });
    const second = await world.shop({ id: "s-1", name: "Gil" }, "second thread");
    expect(second.conversation_id).not.toBe(first.conversation_id);
    const res = await browser.post(
      `/inbox/conversations/${second.conversation_id}/actions/merge`,
      { into: String(first.conversation_id) },
      { htmx: true },
    );
    expect(res.headers.get("HX-Retarget")).toBe("#main");
    expect(res.headers.get("HX-Push-Url")).toBe(`/inbox/conversations/${first.conversation_id}`);
    expect(await res.text()).toContain(`aria-label="Conversation #${first.conversation_id}"`);
  });
});
