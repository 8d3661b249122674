/**
 * The access matrix's world: a real Switchboard on a temporary libSQL file with two teams, Alpha and
 * Bravo, each serving its own inbox with its own customers, conversations, messages (text, HTML and
 * an attachment), merge suggestions, merges, scheduled replies and webhook deliveries. Every piece
 * of a team's data carries the marker `SECRET-<team>`, so a leak shows up in any answer's bytes.
 * One admin, one agent per team; each has an API token and an inbox session.
 */

import { eq } from "drizzle-orm";
import { createSession } from "../../auth/sessions.ts";
import { caseForLink } from "../../cases/store.ts";
import { mergeContacts } from "../../contacts/merge.ts";
import { mergeConversations } from "../../conversations/merge.ts";
import { SYSTEM_ACTOR } from "../../conversations/update.ts";
import {
  cannedResponses,
  contactSuggestions,
  conversations,
  knowledgeArticles,
  labels,
  teams,
  webhookDeliveries,
} from "../../store/schema.ts";
import {
  createTestAgent,
  createTestHarness,
  createTestTeam,
  type Harness,
  type HarnessOptions,
  type TestAgent,
} from "../../testing/index.ts";

export const TEAMS = ["alpha", "bravo"] as const;
export type Team = (typeof TEAMS)[number];
export type Role = "admin" | Team | "anonymous";

/** The marker every piece of a team's data carries. */
export const secretOf = (team: Team) => `SECRET-${team}`;

/** The ids of one team's seeded objects, for filling in route parameters. */
export interface TeamSeed {
  contactId: number;
  conversationId: number;
  /** Another conversation of the same customer, to merge conversations into. */
  otherConversationId: number;
  incomingMessageId: number;
  outgoingMessageId: number;
  attachmentId: number;
  /** Suggestions of `contactId`: one to accept, one to dismiss (REST), and one each for the inbox's forms. */
  suggestions: { accept: number; dismiss: number; acceptInInbox: number; dismissInInbox: number };
  /** A conversation of two messages, and the second one, to split off. */
  split: { conversationId: number; messageId: number };
  /** A case of two linked conversations of this team's customer. */
  caseId: number;
  /** A conversation merged into `conversationId` (a conversation_moves row), to read and undo. */
  conversationMoveId: number;
  /** Merges into `contactId`: one to undo over REST, one in the inbox. */
  merges: { rest: number; inbox: number };
  /** Contacts of this team to merge into `contactId` (REST, inbox form), and one to erase. */
  mergeableContactIds: { rest: number; inbox: number };
  erasableContactId: number;
  scheduledMessageId: number;
}

export interface AdminSeed {
  agentId: number;
  teamId: number;
  cannedId: number;
  labelId: number;
  /** An outgoing webhook delivery (to a receiver nobody listens on, so it failed). */
  webhookDeliveryId: number;
  /** A published knowledge-base article, and two more to delete (over REST, on the admin page). */
  articleId: number;
  deletableArticleIds: { rest: number; page: number };
}

export interface MatrixWorld {
  harness: Harness;
  teams: Record<Team, TeamSeed>;
  admin: AdminSeed;
  /** API tokens and inbox sessions of each signed-in role. */
  credentials: Record<Exclude<Role, "anonymous">, { agent: TestAgent; cookie: string; csrf: string }>;
}

const SESSION_MS = 3_600_000;

async function customer(h: Harness, team: Team, key: string, text: string, extra: Record<string, unknown> = {}) {
  const secret = secretOf(team);
  const stored = await h.inject(
    {
      externalId: `${team}-${key}-${Math.random()}`,
      contact: { externalId: `${team}-${key}`, name: `${key} ${secret}`, email: `${key}.${team}@example.com` },
      text: `${text} ${secret}`,
      ...extra,
    },
    team,
  );
  if (stored.status !== "stored") throw new Error(`seeding ${team}/${key} failed: ${stored.status}`);
  return stored;
}

async function seedTeam(h: Harness, admin: TestAgent, team: Team): Promise<TeamSeed> {
  const secret = secretOf(team);
  const sb = h.switchboard;
  const main = await customer(h, team, "main", "Where is my order", {
    html: `<p>Where is my order <b>${secret}</b></p>`,
    attachments: [
      { filename: `${secret}.txt`, contentType: "text/plain", size: 16, data: Buffer.from(`file ${secret}`).toString("base64") },
    ],
  });
  const again = await customer(h, team, "main", "A second matter", { threadKey: `${team}-second` });
  const third = await customer(h, team, "main", "A third matter", { threadKey: `${team}-third` });
  const { moveId } = await mergeConversations(sb, SYSTEM_ACTOR, third.conversationId, main.conversationId);
  await customer(h, team, "main", "First topic", { threadKey: `${team}-split` });
  const splitOff = await customer(h, team, "main", "A new topic in the old thread", { threadKey: `${team}-split` });
  const caseFirst = await customer(h, team, "main", "A matter on two channels", { threadKey: `${team}-case-1` });
  const caseSecond = await customer(h, team, "main", "The same matter again", { threadKey: `${team}-case-2` });
  const caseId = await sb.store.write(async (tx) => {
    const id = (await caseForLink(tx, caseFirst.conversationId, h.clock.now()))!;
    await tx.update(conversations).set({ caseId: id }).where(eq(conversations.id, caseSecond.conversationId));
    return id;
  });
  const reply = await sb.outbound.reply({ conversationId: main.conversationId, text: `We are on it ${secret}`, agentId: null });
  const others = [];
  for (const key of ["sugg1", "sugg2", "sugg3", "sugg4", "merged1", "merged2", "mergeable1", "mergeable2", "erasable"])
    others.push(await customer(h, team, key, "Hello"));
  const [s1, s2, s3, s4, m1, m2, x1, x2, erasable] = others.map((o) => o.contactId) as number[];
  const suggestionIds = await sb.store.write(async (tx) => {
    const ids: number[] = [];
    for (const other of [s1, s2, s3, s4]) {
      const evidence = [{ reason: "same_name" as const, value: secret, detail: `Both are called ${secret}`, at: h.clock.now() }];
      const [row] = await tx
        .insert(contactSuggestions)
        .values({ contactId: main.contactId, otherContactId: other!, evidence })
        .returning({ id: contactSuggestions.id });
      ids.push(row!.id);
    }
    return ids;
  });
  const restMerge = await mergeContacts(sb, SYSTEM_ACTOR, main.contactId, m1!);
  const inboxMerge = await mergeContacts(sb, SYSTEM_ACTOR, main.contactId, m2!);
  const scheduled = await h.request(`/api/v1/conversations/${main.conversationId}/scheduled-messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ text: `Later ${secret}`, send_at: h.clock.now() + 86_400_000 }),
  });
  if (scheduled.status !== 201) throw new Error(`seeding a scheduled message failed: ${scheduled.status} ${await scheduled.text()}`);
  const attachments = await sb.store.client.execute({ sql: "SELECT id FROM attachments WHERE message_id = ?", args: [main.messageId] });
  return {
    contactId: main.contactId,
    conversationId: main.conversationId,
    otherConversationId: again.conversationId,
    conversationMoveId: moveId,
    split: { conversationId: splitOff.conversationId, messageId: splitOff.messageId },
    caseId,
    incomingMessageId: main.messageId,
    outgoingMessageId: reply.id,
    attachmentId: Number(attachments.rows[0]!.id),
    suggestions: {
      accept: suggestionIds[0]!,
      dismiss: suggestionIds[1]!,
      acceptInInbox: suggestionIds[2]!,
      dismissInInbox: suggestionIds[3]!,
    },
    merges: { rest: restMerge.mergeId, inbox: inboxMerge.mergeId },
    mergeableContactIds: { rest: x1!, inbox: x2! },
    erasableContactId: erasable!,
    scheduledMessageId: ((await scheduled.json()) as { id: number }).id,
  };
}

/**
 * Builds the matrix's world, with `extra` plugins and inboxes beside the two teams' (the fuzz adds
 * the channel plugins' webhooks). Close it with `world.harness.close()`.
 *
 * @example
 * const world = await createMatrixWorld();
 */
export async function createMatrixWorld(extra: Pick<HarnessOptions, "plugins" | "inboxes" | "config"> = {}): Promise<MatrixWorld> {
  const harness = await createTestHarness({
    plugins: extra.plugins,
    inboxes: {
      alpha: { plugin: "test-channel", display_name: `Desk ${secretOf("alpha")}` },
      bravo: { plugin: "test-channel", display_name: `Desk ${secretOf("bravo")}` },
      ...extra.inboxes,
    },
    config: {
      ...extra.config,
      attributes: { contact: { plan: { type: "text" } }, conversation: { order: { type: "text" } } },
      // A receiver nobody listens on: deliveries are recorded (and fail), so they exist to be shown.
      webhooks: [{ url: "http://127.0.0.1:9/hooks", secret: "matrix-webhook-secret-0123456789", events: ["*"], max_attempts: 1 }],
    },
  });
  const admin = await createTestAgent(harness, { name: "Ada Admin", role: "admin" });
  const alpha = await createTestAgent(harness, { name: "Alan Alpha" });
  const bravo = await createTestAgent(harness, { name: "Bea Bravo" });
  await createTestTeam(harness, "Alpha", { members: [alpha.id], inboxes: ["alpha"] });
  await createTestTeam(harness, "Bravo", { members: [bravo.id], inboxes: ["bravo"] });
  // The harness's own "test" inbox is served by a third team, so neither agent sees it.
  await createTestTeam(harness, "Others", { inboxes: ["test"] });
  const seeded = { alpha: await seedTeam(harness, admin, "alpha"), bravo: await seedTeam(harness, admin, "bravo") };
  await harness.drain();
  const spare = await createTestAgent(harness, { name: "Spare Agent" });
  const adminSeed = await harness.switchboard.store.write(async (tx) => {
    const [team] = await tx.insert(teams).values({ name: "Spare team" }).returning({ id: teams.id });
    const [canned] = await tx
      .insert(cannedResponses)
      .values({ shortcut: "spare", text: "Spare text" })
      .returning({ id: cannedResponses.id });
    const [label] = await tx.insert(labels).values({ name: "spare" }).returning({ id: labels.id });
    const [delivery] = await tx.select({ id: webhookDeliveries.id }).from(webhookDeliveries).limit(1);
    const articles = await tx
      .insert(knowledgeArticles)
      .values(
        ["Refunds", "Old refunds", "Older refunds"].map((title) => ({
          title,
          body: "We refund within 14 days.",
          status: "published" as const,
          createdAt: 1,
          updatedAt: 1,
        })),
      )
      .returning({ id: knowledgeArticles.id });
    return {
      agentId: spare.id,
      teamId: team!.id,
      cannedId: canned!.id,
      labelId: label!.id,
      webhookDeliveryId: delivery!.id,
      articleId: articles[0]!.id,
      deletableArticleIds: { rest: articles[1]!.id, page: articles[2]!.id },
    };
  });
  const signIn = async (agent: TestAgent) => {
    const session = await createSession(harness.switchboard.store, harness.clock, agent.id, SESSION_MS);
    return { agent, cookie: `swb_session=${session.token}`, csrf: session.csrfToken };
  };
  return {
    harness,
    teams: seeded,
    admin: adminSeed,
    credentials: { admin: await signIn(admin), alpha: await signIn(alpha), bravo: await signIn(bravo) },
  };
}

/**
 * Every stored row but sessions and API tokens (signing in and using a token touch those): a
 * request that was refused must leave this unchanged.
 *
 * @example
 * const before = await storedRows(world.harness);
 */
export async function storedRows(harness: Harness): Promise<string> {
  const client = harness.switchboard.store.client;
  const tables = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' AND name NOT IN ('sessions', 'api_tokens', '__drizzle_migrations') ORDER BY name",
  );
  const parts: string[] = [];
  for (const row of tables.rows)
    parts.push(`${row.name}:${JSON.stringify((await client.execute(`SELECT * FROM "${row.name}" ORDER BY rowid`)).rows)}`);
  return parts.join("\n");
}
