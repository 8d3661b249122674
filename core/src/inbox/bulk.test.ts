// Issue 21.9 through the inbox's routes: select rows in the list, then assign, change the status,
// add a label or set the priority of all of them at once; all or nothing, and only on
// conversations the agent may see.

import { inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { conversationLabels, conversations } from "../store/schema.ts";
import type { Harness } from "../testing/index.ts";
import { inboxHarness, signIn } from "./fixtures.ts";

const PASSWORD = "correct-horse-battery";
let harness: Harness;
afterEach(async () => harness?.close());

async function customerWrites(user: string): Promise<number> {
  const stored = await harness.inject({ externalId: `m-${user}`, contact: { externalId: user, name: `Customer ${user}` }, text: "Hello" });
  if (stored.status !== "stored") throw new Error("not stored");
  return stored.conversationId;
}

const rows = (ids: number[]) => harness.switchboard.store.db.select().from(conversations).where(inArray(conversations.id, ids));

describe("bulk actions on the list", () => {
  it("shows a checkbox per row and applies assign, status, label and priority to every selected conversation", async () => {
    let bobId: number;
    ({
      harness,
      agent: { id: bobId },
    } = await inboxHarness());
    const ada = await signIn(harness, "ada@example.com", PASSWORD);
    const [a, b, c] = [await customerWrites("u1"), await customerWrites("u2"), await customerWrites("u3")];
    await ada.post("/admin/labels", { name: "billing" });

    const list = await (await ada.get("/inbox?view=all")).text();
    expect(list).toContain('<form id="bulk-form" class="bulk" method="post" action="/inbox/bulk"');
    expect(list).toContain(
      `<input type="checkbox" class="row-select" name="ids" value="${a}" form="bulk-form" aria-label="Select Customer u1"/>`,
    );

    const back = "/inbox?view=all&status=open";
    const assigned = await ada.post("/inbox/bulk", { op: "assign", ids: [String(a), String(b)], assignee: String(bobId), back });
    expect(assigned.status).toBe(303);
    expect(assigned.headers.get("Location")).toBe(back);
    expect((await rows([a, b, c])).map((r) => r.assigneeId)).toEqual([bobId, bobId, null]);

    await ada.post("/inbox/bulk", { op: "priority", ids: [String(b), String(c)], priority: "urgent" });
    await ada.post("/inbox/bulk", { op: "label", ids: [String(a), String(c)], label: "billing" });
    await ada.post("/inbox/bulk", {
      op: "status",
      ids: [String(a), String(b), String(c)],
      status: "resolved",
      back: "https://evil.example/",
    });
    const after = await rows([a, b, c]);
    expect(after.map((r) => r.priority)).toEqual(["none", "urgent", "urgent"]);
    expect(after.map((r) => r.status)).toEqual(["resolved", "resolved", "resolved"]);
    const labelled = await harness.switchboard.store.db.select().from(conversationLabels);
    expect(labelled.map((l) => l.conversationId).sort()).toEqual([a, c].sort());
  });

  it("refuses bad input with the reason, and changes nothing when one conversation is not visible", async () => {
    ({ harness } = await inboxHarness());
    const ada = await signIn(harness, "ada@example.com", PASSWORD);
    const bob = await signIn(harness, "bob@example.com", PASSWORD);
    const a = await customerWrites("u1");
    const bad = async (form: Record<string, string | string[]>, reason: string) => {
      const res = await ada.post("/inbox/bulk", form, { htmx: true });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(reason);
    };
    await bad({ op: "priority", priority: "high" }, "select at least one conversation");
    await bad({ op: "explode", ids: String(a) }, "pick what to do");
    await bad({ op: "status", ids: String(a), status: "snoozed" }, "pick open, pending or resolved");
    await bad({ op: "priority", ids: Array.from({ length: 101 }, (_, i) => String(i + 1)), priority: "high" }, "at most 100");
    await bad({ op: "label", ids: String(a), label: "nope" }, "nope");

    // One unknown (or hidden) conversation among the selected: 404, and the visible one is untouched.
    const hidden = await ada.post("/inbox/bulk", { op: "priority", ids: [String(a), "9999"], priority: "high" });
    expect(hidden.status).toBe(404);
    expect((await rows([a]))[0]!.priority).toBe("none");
    expect((await bob.post("/inbox/bulk", { op: "priority", ids: String(a), priority: "high" }, { csrf: false })).status).toBe(403);
  });
});
