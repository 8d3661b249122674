/**
 * What an inbox stored: `storedMessages` reads the messages of one inbox from the harness's real
 * database, and `waitForMessages` waits until enough have arrived.
 */
import { asc, eq } from "drizzle-orm";
import type { Database } from "../store/index.ts";
import { messages } from "../store/schema.ts";
import { waitFor } from "./wait.ts";

/** What `storedMessages` needs of a harness (a `Harness` or anything holding its store). */
export interface HasStore {
  switchboard: { store: { db: Database } };
}

/**
 * The stored messages of one inbox ("test" by default), oldest first.
 *
 * @example
 * import { createTestHarness, storedMessages } from "@switchboard/core/testing";
 *
 * await harness.inject({ externalId: "m1", contact: { externalId: "u1" }, text: "Hello" });
 * const [first] = await storedMessages(harness);
 * expect(first.text).toBe("Hello");
 */
export function storedMessages(harness: HasStore, inbox = "test") {
  return harness.switchboard.store.db.select().from(messages).where(eq(messages.inbox, inbox)).orderBy(asc(messages.id));
}

/**
 * Waits until `inbox` holds at least `count` messages (5 s by default), and returns them all.
 *
 * @example
 * import { waitForMessages } from "@switchboard/core/testing";
 *
 * telegram.world.say(chat, ada, "Hello?");
 * const [hello] = await waitForMessages(harness, "tg", 1);
 * expect(hello.text).toBe("Hello?");
 */
export async function waitForMessages(harness: HasStore, inbox: string, count: number, timeoutMs = 5000) {
  return waitFor(async () => {
    const rows = await storedMessages(harness, inbox);
    return rows.length >= count ? rows : undefined;
  }, timeoutMs);
}
