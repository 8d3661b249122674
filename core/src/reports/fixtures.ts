/**
 * The hand-computed reports dataset (tests only): five customers in Europe/Berlin around the spring
 * DST change of 29 March 2026, with automated and bot messages, a note, a survey answer, a case
 * across web chat and email, a reopen, a merge and a repeat contact. reports.test.ts lists the value
 * every KPI must have, worked out by hand from the times below.
 */
import { zonedInstant } from "../business-hours/zone.ts";
import type { Queryable } from "../store/index.ts";
import { agents, contacts, conversations, csatResponses, messages, slaClocks } from "../store/schema.ts";

export const TZ = "Europe/Berlin";
/** A local time in Berlin: berlin(3, 24, 10, 0) is Tuesday 24 March 2026, 10:00. */
export const berlin = (month: number, day: number, hour: number, minute = 0, second = 0) =>
  zonedInstant(2026, month, day, hour * 60 + minute, TZ) + second * 1000;

export const ANN = 1;
export const BOB = 2;
const INBOX = { webchat: "chat", email: "mail", telegram: "tg" } as const;
type Channel = keyof typeof INBOX;

type Msg = [
  at: number,
  direction: "incoming" | "outgoing" | "note" | "activity",
  author: number | null,
  metadata?: Record<string, unknown>,
  conversationId?: number,
];
const status = (from: string, to: string) => ({ activity: "status", from, to });

/**
 * Writes the dataset into a migrated store.
 *
 * @example
 * await seedReportsDataset(kernel.store.db);
 */
export async function seedReportsDataset(db: Queryable): Promise<void> {
  // Agents 1 and 2: created here unless the test made them already (an inbox harness's two agents).
  await db
    .insert(agents)
    .values([
      { id: ANN, email: "ann@example.com", name: "Ann", passwordHash: "x", role: "admin" },
      { id: BOB, email: "bob.reports@example.com", name: "Bob", passwordHash: "x" },
    ])
    .onConflictDoNothing();
  await db.insert(contacts).values([1, 2, 3, 4, 5].map((id) => ({ id, name: `Customer ${id}` })));
  const conversation = async (id: number, contactId: number, channel: Channel, at: number, extra: Record<string, unknown> = {}) =>
    db.insert(conversations).values({ id, contactId, inbox: INBOX[channel], channel, createdAt: at, lastActivityAt: at, ...extra });
  const write = async (conversationId: number, contactId: number, channel: Channel, list: Msg[]) => {
    await db.insert(messages).values(
      list.map(([at, direction, author, metadata = {}, moved]) => ({
        conversationId: moved ?? conversationId,
        contactId,
        inbox: INBOX[channel],
        channel,
        direction,
        authorAgentId: author,
        text: direction,
        metadata,
        createdAt: at,
        updatedAt: at,
      })),
    );
  };

  // Contact 1: one case across web chat (#10) and email (#11), answered across channels.
  await conversation(10, 1, "webchat", berlin(3, 24, 10), { caseId: 10, status: "resolved" });
  await conversation(11, 1, "email", berlin(3, 24, 11), { caseId: 10, linkedConversationId: 10, status: "resolved" });
  await write(10, 1, "webchat", [
    [berlin(3, 24, 10), "incoming", null],
    [berlin(3, 24, 10, 0, 30), "outgoing", null, { automation: "greeting" }],
    [berlin(3, 24, 10, 1), "outgoing", null, { bot: true }],
    [berlin(3, 24, 10, 5), "incoming", null],
    [berlin(3, 24, 12, 40), "outgoing", ANN],
    [berlin(3, 24, 13), "activity", ANN, status("open", "resolved")],
  ]);
  await write(11, 1, "email", [
    [berlin(3, 24, 11), "incoming", null],
    [berlin(3, 24, 11, 30), "outgoing", ANN],
    [berlin(3, 24, 12), "incoming", null],
    [berlin(3, 24, 12, 4), "note", BOB],
    [berlin(3, 24, 13, 10), "activity", ANN, status("open", "resolved")],
    [berlin(3, 24, 13, 30), "incoming", null, { survey: "csat" }],
  ]);

  // Contact 2: Telegram on Friday afternoon, answered Monday after the DST change, resolved, reopened.
  await conversation(20, 2, "telegram", berlin(3, 27, 16), { status: "resolved" });
  await write(20, 2, "telegram", [
    [berlin(3, 27, 16), "incoming", null],
    [berlin(3, 30, 9, 30), "outgoing", BOB],
    [berlin(3, 30, 10), "activity", BOB, status("open", "resolved")],
    [berlin(3, 30, 11), "incoming", null],
    [berlin(3, 30, 11, 15), "outgoing", BOB],
    [berlin(3, 30, 11, 20), "activity", BOB, status("open", "resolved")],
  ]);

  // Contact 3: web chat on Wednesday, then email on Thursday (a repeat contact, not linked), with a
  // duplicate email thread (#32) merged into #31 and a vacation auto-reply.
  await conversation(30, 3, "webchat", berlin(3, 25, 9), { status: "resolved" });
  await write(30, 3, "webchat", [
    [berlin(3, 25, 9), "incoming", null],
    [berlin(3, 25, 9, 10), "outgoing", ANN],
    [berlin(3, 25, 9, 20), "activity", ANN, status("open", "resolved")],
  ]);
  await conversation(31, 3, "email", berlin(3, 26, 14), { status: "resolved" });
  await conversation(32, 3, "email", berlin(3, 26, 14, 5), { status: "resolved", mergedIntoId: 31 });
  await write(31, 3, "email", [
    [berlin(3, 26, 14), "incoming", null],
    [berlin(3, 26, 14, 1), "incoming", null, { autoReply: true }],
    [berlin(3, 26, 14, 5), "incoming", null],
    [berlin(3, 26, 14, 6), "activity", ANN, { activity: "merge", source: 32, target: 31 }],
    [berlin(3, 26, 14, 6), "activity", ANN, { activity: "merge", source: 32, target: 31 }, 32],
    [berlin(3, 26, 14, 30), "outgoing", BOB],
    [berlin(3, 26, 15), "activity", BOB, status("open", "resolved")],
    [berlin(3, 26, 15, 30), "incoming", null, { survey: "csat" }],
  ]);

  // Contact 4: Sunday 29 March (a 23-hour day), not answered yet.
  await conversation(40, 4, "telegram", berlin(3, 29, 10));
  await write(40, 4, "telegram", [[berlin(3, 29, 10), "incoming", null]]);

  // Contact 5: the week before.
  await conversation(50, 5, "webchat", berlin(3, 18, 10), { status: "resolved" });
  await write(50, 5, "webchat", [
    [berlin(3, 18, 10), "incoming", null],
    [berlin(3, 18, 10, 6), "outgoing", ANN],
    [berlin(3, 18, 10, 10), "activity", ANN, status("open", "resolved")],
  ]);

  await db.insert(csatResponses).values([
    {
      conversationId: 11,
      contactId: 1,
      inbox: "mail",
      status: "complete",
      score: 5,
      ces: 6,
      sentAt: berlin(3, 24, 13, 15),
      answeredAt: berlin(3, 24, 13, 30),
    },
    {
      conversationId: 31,
      contactId: 3,
      inbox: "mail",
      status: "complete",
      score: 2,
      ces: 3,
      sentAt: berlin(3, 26, 15, 5),
      answeredAt: berlin(3, 26, 15, 30),
    },
  ]);
  const clock = (
    conversationId: number,
    target: "first_response" | "resolution",
    startedAt: number,
    outcome: "hit" | "miss" | "cancelled",
  ) => ({
    conversationId,
    target,
    targetMs: 3_600_000,
    startedAt,
    stoppedAt: startedAt + 60_000,
    outcome,
  });
  await db
    .insert(slaClocks)
    .values([
      clock(10, "first_response", berlin(3, 24, 10), "hit"),
      clock(20, "first_response", berlin(3, 27, 16), "miss"),
      clock(20, "resolution", berlin(3, 27, 16), "cancelled"),
    ]);
}
