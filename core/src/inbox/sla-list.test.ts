// The inbox list with SLAs: a countdown on each conversation, breached ones marked, and the list
// sorted by time due (breached first, conversations without a running clock last).
import { afterEach, describe, expect, it } from "vitest";
import { updateConversation } from "../conversations/update.ts";
import type { Harness } from "../testing/index.ts";
import { inboxHarness, signIn } from "./fixtures.ts";
import { countdownText } from "./views/sla.tsx";

let harness: Harness;
afterEach(() => harness?.close());

describe("inbox SLA countdowns", () => {
  it("show time left or overdue, mark breaches, and sort by time due", async () => {
    const setup = await inboxHarness({ now: Date.UTC(2025, 0, 7, 10, 0) }); // a Tuesday, open 09-17 UTC
    harness = setup.harness;
    const write = async (contact: string, at: number) => {
      harness.clock.set(at);
      const stored = await harness.inject({
        externalId: `${contact}-${at}`,
        contact: { externalId: contact, name: contact },
        text: "Hello",
      });
      await harness.drain();
      return stored.status === "stored" ? stored.conversationId : Number.NaN;
    };
    const early = await write("Early", Date.UTC(2025, 0, 7, 10, 0)); // due 10:30
    const late = await write("Late", Date.UTC(2025, 0, 7, 10, 20)); // due 10:50
    const paused = await write("Paused", Date.UTC(2025, 0, 7, 10, 25));
    await updateConversation(harness.switchboard, { id: setup.admin.id, name: "Ada" }, paused, { status: "pending" });
    await harness.drain();
    await updateConversation(harness.switchboard, { id: setup.admin.id, name: "Ada" }, paused, { status: "open" }); // resumed at 10:25: due 10:55
    await harness.drain();
    const reopened = await write("Done", Date.UTC(2025, 0, 7, 10, 30));
    await updateConversation(harness.switchboard, { id: setup.admin.id, name: "Ada" }, reopened, { status: "resolved" });
    await updateConversation(harness.switchboard, { id: setup.admin.id, name: "Ada" }, reopened, { status: "open" }); // reopened: only a resolution clock (24 h)
    harness.clock.set(Date.UTC(2025, 0, 7, 10, 40));
    await harness.drain();

    const browser = await signIn(harness, "ada@example.com", setup.password);
    const html = await (await browser.get("/inbox?view=all&sort=due")).text();
    const order = [...html.matchAll(/data-conversation="(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).toEqual([early, late, paused, reopened]);
    expect(html).toMatch(new RegExp(`data-conversation="${early}" class="breached"`));
    expect(html).toContain("overdue 10m");
    expect(html).toContain("10m left");
    expect(html).toContain('aria-current="page">SLA due first');

    const byActivity = await (await browser.get("/inbox?view=all")).text();
    expect([...byActivity.matchAll(/data-conversation="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([reopened, paused, late, early]);
  });

  it("writes due times briefly", () => {
    const now = Date.UTC(2025, 0, 7, 10, 0);
    expect(countdownText(now + 90_000, now)).toBe("1m 30s left");
    expect(countdownText(now + 2 * 3_600_000, now)).toBe("2h left");
    expect(countdownText(now - 3 * 60_000, now)).toBe("overdue 3m");
    expect(countdownText(now, now)).toBe("overdue 0s");
  });
});
