/**
 * The drizzle schema of every core table. Migrations in core/drizzle/ are generated from this
 * file by drizzle-kit (`npm run db:generate`); FTS5 tables and triggers live in a custom migration.
 * Times are integers in milliseconds since the epoch (UTC).
 */
import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name"),
    email: text("email"),
    phone: text("phone"),
    attributes: json<Record<string, unknown>>("attributes").notNull().default({}),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    index("contacts_email_idx").on(t.email),
    index("contacts_phone_idx").on(t.phone),
    index("contacts_name_idx").on(sql`lower(${t.name})`),
  ],
);

/**
 * How a contact is known on a channel: (channel, scope, externalId) is unique. "email" and "phone"
 * are channels too. `scope` is the inbox name for ids that mean something only inside one inbox (the
 * channel adapter declares `identityScope: "inbox"`: API integrations, web chat visitors), and ""
 * for ids global to their network (Telegram, Discord, verified emails and phones).
 */
export const identities = sqliteTable(
  "identities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    /** The inbox an inbox-scoped id belongs to; "" when the id holds across the channel (core/src/contacts/identity-scope.ts). */
    scope: text("scope").notNull().default(""),
    externalId: text("external_id").notNull(),
    verified: integer("verified", { mode: "boolean" }).notNull().default(false),
    source: text("source"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("identities_channel_scope_external_idx").on(t.channel, t.scope, t.externalId),
    index("identities_contact_idx").on(t.contactId),
  ],
);

export const agents = sqliteTable("agents", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "agent"] })
    .notNull()
    .default("agent"),
  availability: text("availability", { enum: ["online", "away", "offline"] })
    .notNull()
    .default("offline"),
  /** What routing may match this agent on (labels, languages such as "lang:de", facts). */
  skills: json<string[]>("skills").notNull().default([]),
  /** The most open conversations routing gives this agent; null takes [routing] default_capacity. */
  capacity: integer("capacity"),
  /** When an admin deactivated this agent (null: active). A deactivated agent cannot sign in; their history stays. */
  deactivatedAt: integer("deactivated_at"),
  /** The availability this agent has after signing in. */
  signInAvailability: text("sign_in_availability", { enum: ["online", "away", "offline"] })
    .notNull()
    .default("online"),
  /** The IANA time zone times are shown in for this agent ("Europe/Berlin"); null: UTC. */
  timeZone: text("time_zone"),
  /** The BCP 47 locale dates and numbers are shown in for this agent ("de-DE"); null: en-GB. */
  locale: text("locale"),
  createdAt: integer("created_at").notNull().default(now),
});

export const teams = sqliteTable("teams", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  createdAt: integer("created_at").notNull().default(now),
});

export const teamMembers = sqliteTable(
  "team_members",
  {
    teamId: integer("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.agentId] })],
);

/** API tokens for the REST API. Only a SHA-256 hash of the token is stored. */
export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  agentId: integer("agent_id")
    .notNull()
    .references(() => agents.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: integer("created_at").notNull().default(now),
  lastUsedAt: integer("last_used_at"),
});

export const conversations = sqliteTable(
  "conversations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    /** The inbox name from config ([inboxes.<name>]). */
    inbox: text("inbox").notNull(),
    /** The channel kind of the inbox (api, email, telegram, ...). */
    channel: text("channel").notNull(),
    /** A channel-side thread key (an email thread, a Discord thread) when the channel has threads. */
    threadKey: text("thread_key"),
    status: text("status", { enum: ["open", "pending", "snoozed", "resolved"] })
      .notNull()
      .default("open"),
    priority: text("priority", { enum: ["none", "low", "medium", "high", "urgent"] })
      .notNull()
      .default("none"),
    assigneeId: integer("assignee_id").references(() => agents.id, { onDelete: "set null" }),
    teamId: integer("team_id").references(() => teams.id, { onDelete: "set null" }),
    subject: text("subject"),
    snoozedUntil: integer("snoozed_until"),
    firstResponseAt: integer("first_response_at"),
    lastCustomerMessageAt: integer("last_customer_message_at"),
    lastActivityAt: integer("last_activity_at").notNull().default(now),
    resolvedAt: integer("resolved_at"),
    /** The earliest due time of the conversation's running SLA clocks (null: none running); kept by core/src/sla. */
    slaDueAt: integer("sla_due_at"),
    /** Custom attributes ([attributes.conversation.<key>] in config), by key. */
    attributes: json<Record<string, unknown>>("attributes").notNull().default({}),
    /** The contact's conversation on another channel this one continues (identity.cross_channel = "link"). Not a foreign key: erasing a contact clears it. */
    linkedConversationId: integer("linked_conversation_id"),
    /** The case (cases.id, the id of its first conversation) when linked conversations form one; null for a case of one. Kept by core/src/cases. */
    caseId: integer("case_id"),
    /** The conversation this one was merged into (core/src/conversations/merge.ts); it no longer counts in reports. */
    mergedIntoId: integer("merged_into_id"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    index("conversations_contact_idx").on(t.contactId, t.lastActivityAt),
    index("conversations_status_sla_idx").on(t.status, t.slaDueAt, t.id),
    index("conversations_status_activity_idx").on(t.status, t.lastActivityAt, t.id),
    index("conversations_activity_idx").on(t.lastActivityAt, t.id),
    index("conversations_assignee_idx").on(t.assigneeId, t.status, t.lastActivityAt),
    index("conversations_inbox_thread_idx").on(t.inbox, t.threadKey),
    // The conversation a contact's next message joins (latestConversationFor): without it SQLite
    // read every unthreaded conversation of the inbox for each message (issue 22).
    index("conversations_contact_inbox_idx").on(t.contactId, t.inbox, t.threadKey),
    index("conversations_case_idx").on(t.caseId),
  ],
);

export const labels = sqliteTable("labels", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  color: text("color"),
  createdAt: integer("created_at").notNull().default(now),
});

export const conversationLabels = sqliteTable(
  "conversation_labels",
  {
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    labelId: integer("label_id")
      .notNull()
      .references(() => labels.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.labelId] }), index("conversation_labels_label_idx").on(t.labelId)],
);

export type MessageDirection = "incoming" | "outgoing" | "note" | "activity";
export type DeliveryStatus = "received" | "queued" | "sending" | "sent" | "delivered" | "read" | "failed";

export const messages = sqliteTable(
  "messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    inbox: text("inbox").notNull(),
    channel: text("channel").notNull(),
    direction: text("direction", { enum: ["incoming", "outgoing", "note", "activity"] }).notNull(),
    /** The channel's id for this message; unique per inbox (channel account), which makes re-deliveries idempotent. */
    externalId: text("external_id"),
    /** The channel message this one replies to, when the channel threads replies. */
    replyToExternalId: text("reply_to_external_id"),
    authorAgentId: integer("author_agent_id").references(() => agents.id, { onDelete: "set null" }),
    text: text("text").notNull().default(""),
    html: text("html"),
    metadata: json<Record<string, unknown>>("metadata").notNull().default({}),
    deliveryStatus: text("delivery_status").$type<DeliveryStatus>().notNull().default("received"),
    deliveryError: text("delivery_error"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("messages_inbox_external_idx").on(t.inbox, t.externalId),
    index("messages_conversation_idx").on(t.conversationId, t.id),
    index("messages_contact_idx").on(t.contactId, t.createdAt),
  ],
);

export const attachments = sqliteTable(
  "attachments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    /** Where the bytes are: a URL on the channel, or a path under the data folder. */
    url: text("url"),
    /** The bytes, when Switchboard keeps them (downloaded media, uploads); kept in the database so a backup is whole. */
    data: blob("data", { mode: "buffer" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("attachments_message_idx").on(t.messageId)],
);

/** Outbound deliveries, written in the same transaction as their message. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    messageId: integer("message_id")
      .notNull()
      .unique()
      .references(() => messages.id, { onDelete: "cascade" }),
    inbox: text("inbox").notNull(),
    status: text("status", { enum: ["pending", "sending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(8),
    nextAttemptAt: integer("next_attempt_at").notNull().default(now),
    /** While status is "sending": when the claim lapses (a crashed worker's claim). */
    claimedUntil: integer("claimed_until"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("outbox_due_idx").on(t.status, t.nextAttemptAt)],
);

/** Durable timers: a due time, an atomic claim, retries. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    /** An optional unique key: scheduling the same key again replaces the pending job. */
    key: text("key").unique(),
    payload: json<unknown>("payload").notNull().default({}),
    status: text("status", { enum: ["pending", "running", "done", "failed"] })
      .notNull()
      .default("pending"),
    dueAt: integer("due_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    claimedUntil: integer("claimed_until"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("jobs_due_idx").on(t.status, t.dueAt)],
);

/** Namespaced key-value storage for plugins (ctx.kv). */
export const pluginKv = sqliteTable(
  "plugin_kv",
  {
    plugin: text("plugin").notNull(),
    key: text("key").notNull(),
    value: json<unknown>("value").notNull(),
    expiresAt: integer("expires_at"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.plugin, t.key] })],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** "agent:<id>", "plugin:<name>", "system" or "api-token:<id>". */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    data: json<Record<string, unknown>>("data").notNull().default({}),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("audit_subject_idx").on(t.subjectType, t.subjectId)],
);

/** One row per outgoing webhook delivery, with its attempts and the last result. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    url: text("url").notNull(),
    event: text("event").notNull(),
    /** The logged event it delivers (`domain_events.seq`): one delivery per event and webhook. */
    eventSeq: integer("event_seq"),
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    responseStatus: integer("response_status"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull().default(now),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [index("webhook_deliveries_created_idx").on(t.createdAt), uniqueIndex("webhook_deliveries_event_url_idx").on(t.eventSeq, t.url)],
);

/** Browser sessions of agents in the inbox. Only a SHA-256 hash of the session token is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull().unique(),
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    /** The CSRF token every form and htmx request of this session must carry. */
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull().default(now),
  },
  (t) => [index("sessions_agent_idx").on(t.agentId)],
);

/** Which teams may see an inbox. An inbox no team is given to is visible to every agent. */
export const teamInboxes = sqliteTable(
  "team_inboxes",
  {
    teamId: integer("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    inbox: text("inbox").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.inbox] }), index("team_inboxes_inbox_idx").on(t.inbox)],
);

/** How far each agent has read each conversation (for unread counts). */
export const conversationReads = sqliteTable(
  "conversation_reads",
  {
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    lastReadMessageId: integer("last_read_message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.conversationId] })],
);

/** An agent's unsent reply in a conversation, kept across navigation until sent or cleared. */
export const conversationDrafts = sqliteTable(
  "conversation_drafts",
  {
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.conversationId] })],
);

/** Saved replies agents insert with /shortcut. */
export const cannedResponses = sqliteTable("canned_responses", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  shortcut: text("shortcut").notNull().unique(),
  text: text("text").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/**
 * Weak identifiers: an email or phone a contact typed without proof (a pre-chat form), or an
 * account/order number from enrichment ("fact:<key>"). Never unique and never used to join a
 * contact automatically (so nobody can claim someone else's email); merge suggestions read them.
 */
export const identityClaims = sqliteTable(
  "identity_claims",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** "email", "phone" or "fact:<key>". */
    kind: text("kind").notNull(),
    /** Normalised: lower-case email, E.164 phone, a fact as text. */
    value: text("value").notNull(),
    /** Where it came from: "inbox:<name>", "plugin:<name>". */
    source: text("source"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("identity_claims_contact_kind_value_idx").on(t.contactId, t.kind, t.value),
    index("identity_claims_kind_value_idx").on(t.kind, t.value),
  ],
);

/** One piece of evidence that two contacts are the same person. */
export interface SuggestionEvidence {
  /**
   * same_reference: the same order/account/invoice/ticket number in both contacts' messages;
   * mentioned_email / mentioned_phone: written in a message body, held by the other contact;
   * same_name_active: the same folded name, active on another channel within the window;
   * names_channel: the customer names the other contact's channel (only next to another signal).
   */
  reason:
    | "same_email"
    | "same_phone"
    | "same_name"
    | "same_fact"
    | "same_reference"
    | "mentioned_email"
    | "mentioned_phone"
    | "same_name_active"
    | "names_channel";
  /** How much this evidence counts (0-1); a suggestion from message text needs its evidence to add up to the threshold. */
  weight?: number;
  /** The shared value (an email, a phone, "name + example.com", an account number). */
  value: string;
  /** A sentence for agents ("Both gave ann@example.com: verified on #3, typed unverified on #7"). */
  detail: string;
  at: number;
}

/** A suggested merge of two contacts (contactId < otherContactId), from weaker signals than a verified identity. */
export const contactSuggestions = sqliteTable(
  "contact_suggestions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    otherContactId: integer("other_contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["open", "dismissed"] })
      .notNull()
      .default("open"),
    evidence: json<SuggestionEvidence[]>("evidence").notNull().default([]),
    /** Who dismissed it: "agent:<id>", "system". */
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("contact_suggestions_pair_idx").on(t.contactId, t.otherContactId),
    index("contact_suggestions_other_idx").on(t.otherContactId),
  ],
);

/**
 * A merge of two contacts, with exactly what moved (the record), so that it can be undone. Not
 * foreign keys: the merged contact no longer exists while the merge stands.
 */
export const contactMerges = sqliteTable(
  "contact_merges",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    survivorId: integer("survivor_id").notNull(),
    mergedId: integer("merged_id").notNull(),
    /** "agent:<id>", "system". */
    actor: text("actor").notNull(),
    /** What moved and what was there before (core/src/contacts/merge-record.ts). */
    record: json<Record<string, unknown>>("record").notNull(),
    createdAt: integer("created_at").notNull().default(now),
    undoneAt: integer("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [index("contact_merges_survivor_idx").on(t.survivorId), index("contact_merges_merged_idx").on(t.mergedId)],
);

/* ---------- SLAs, automations, send-later (core/src/sla, core/src/automations) ---------- */

export type SlaTarget = "first_response" | "next_response" | "resolution";

/**
 * One SLA clock of a conversation: its target in business milliseconds, the business time used so
 * far, and when it is due while running. A stopped clock keeps its outcome, for reporting.
 */
export const slaClocks = sqliteTable(
  "sla_clocks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    target: text("target").$type<SlaTarget>().notNull(),
    /** The target, in business milliseconds. */
    targetMs: integer("target_ms").notNull(),
    startedAt: integer("started_at").notNull(),
    /** Business milliseconds counted before the current run (pauses keep it). */
    elapsedMs: integer("elapsed_ms").notNull().default(0),
    /** When the current run began; null while paused or stopped. */
    runningSince: integer("running_since"),
    /** When the target is reached if the clock keeps running; null while paused or stopped. */
    dueAt: integer("due_at"),
    warnedAt: integer("warned_at"),
    breachedAt: integer("breached_at"),
    stoppedAt: integer("stopped_at"),
    /** "hit", "miss" (breached), or "cancelled" (stopped without the event it waited for). */
    outcome: text("outcome", { enum: ["hit", "miss", "cancelled"] }),
  },
  (t) => [
    index("sla_clocks_conversation_idx").on(t.conversationId, t.target, t.stoppedAt),
    index("sla_clocks_outcome_idx").on(t.target, t.outcome, t.startedAt),
  ],
);

/** Each time an automation rule fired on a conversation (the per-conversation limit counts these). */
export const automationFires = sqliteTable(
  "automation_fires",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    rule: text("rule").notNull(),
    event: text("event").notNull(),
    firedAt: integer("fired_at").notNull(),
  },
  (t) => [index("automation_fires_conversation_idx").on(t.conversationId, t.rule)],
);

/** A satisfaction survey sent after resolution: the CSAT score (1-5) with a comment, then the CES answer. */
/**
 * Verified linking (issue 16): an agent asked the customer on a conversation to prove an email or
 * phone. Only a hash of the code is kept; the row is read by the inbound step while it is pending.
 */
export const identityVerifications = sqliteTable(
  "identity_verifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    contactId: integer("contact_id").notNull(),
    /** The inbox of the conversation: the customer's answers are read there. */
    inbox: text("inbox").notNull(),
    /** A contact field a channel reaches by (`ContactReachField`): "email" or "phone". */
    kind: text("kind").notNull(),
    /** The address the customer gave (normalised), once given. */
    value: text("value"),
    /** sha256 of the salted code, once sent. */
    codeHash: text("code_hash"),
    /** sha256 of the one-click link's single-use token, once sent (the token itself is only in the message). */
    tokenHash: text("token_hash"),
    status: text("status", { enum: ["awaiting_value", "awaiting_code", "verified", "locked", "expired", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    index("identity_verifications_pending_idx").on(t.inbox, t.contactId, t.status),
    index("identity_verifications_value_idx").on(t.value, t.createdAt),
    uniqueIndex("identity_verifications_token_idx").on(t.tokenHash),
  ],
);

export const csatResponses = sqliteTable(
  "csat_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** The inbox the survey was sent on; answers are read there. */
    inbox: text("inbox").notNull(),
    status: text("status", { enum: ["awaiting_score", "awaiting_ces", "awaiting_nps", "complete"] })
      .notNull()
      .default("awaiting_score"),
    score: integer("score"),
    comment: text("comment"),
    ces: integer("ces"),
    /** The NPS answer (0-10), when the survey asks it. */
    nps: integer("nps"),
    sentAt: integer("sent_at").notNull(),
    answeredAt: integer("answered_at"),
  },
  (t) => [
    index("csat_responses_contact_idx").on(t.contactId, t.status, t.sentAt),
    index("csat_responses_conversation_idx").on(t.conversationId),
  ],
);

/** Replies an agent wrote to go out later; cancelled when the customer writes first. */
export const scheduledMessages = sqliteTable(
  "scheduled_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    agentId: integer("agent_id").references(() => agents.id, { onDelete: "set null" }),
    text: text("text").notNull(),
    sendAt: integer("send_at").notNull(),
    status: text("status", { enum: ["scheduled", "sent", "cancelled"] })
      .notNull()
      .default("scheduled"),
    /** The message it became once sent. */
    messageId: integer("message_id").references(() => messages.id, { onDelete: "set null" }),
    cancelReason: text("cancel_reason"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("scheduled_messages_conversation_idx").on(t.conversationId, t.status)],
);

/* ---------- The durable event log (core/src/events) ---------- */

/**
 * Every domain event, written in the same transaction as the change it describes. Subscribers
 * read it in `seq` order from their cursor (`event_cursors`); old rows are pruned on a schedule.
 */
export const domainEvents = sqliteTable(
  "domain_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    /** The event's data as JSON. */
    data: text("data").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("domain_events_at_idx").on(t.at)],
);

/** How far each durable subscriber has read the event log: every event up to `position` is handled. */
export const eventCursors = sqliteTable("event_cursors", {
  subscriber: text("subscriber").primaryKey(),
  position: integer("position").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Each contact's reports refresh stamp: every refresh moves it on in its write, and a refresh that
 * measured in a snapshot writes only if the stamp is still the one it read (core/src/reports/rollups.ts).
 */
export const reportRefreshStamps = sqliteTable("report_refresh_stamps", {
  contactId: integer("contact_id").primaryKey(),
  stamp: integer("stamp").notNull(),
});

/**
 * The one row (id 1) of reports rebuilds: how many have started (`generation`) and, while one runs,
 * until when its lease holds (core/src/reports/rollups.ts, rebuildAll).
 */
export const reportRebuilds = sqliteTable("report_rebuilds", {
  id: integer("id").primaryKey(),
  generation: integer("generation").notNull(),
  leaseUntil: integer("lease_until"),
});

/** How far a full-text index goes ("messages": the last message id in messages_fts; see store/search-index.ts). */
export const searchProgress = sqliteTable("search_progress", {
  name: text("name").primaryKey(),
  indexedUpto: integer("indexed_upto").notNull(),
});

/**
 * A knowledge-base article: a Markdown body with a title, tags and a locale. Only published ones
 * are read by agents, the FAQ automation and the assistants; FTS5 (knowledge_fts) indexes title,
 * body and tags.
 */
export const knowledgeArticles = sqliteTable(
  "knowledge_articles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    /** Markdown. */
    body: text("body").notNull(),
    tags: json<string[]>("tags").notNull().default([]),
    /** A BCP 47 language tag, lower-case ("en", "de-at"). */
    locale: text("locale").notNull().default("en"),
    status: text("status", { enum: ["draft", "published"] })
      .notNull()
      .default("draft"),
    authorAgentId: integer("author_agent_id").references(() => agents.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("knowledge_articles_status_idx").on(t.status, t.updatedAt)],
);

/* ---------- Cases, conversation merges and splits (core/src/cases, core/src/conversations) ---------- */

/**
 * A case: conversations of one contact linked across channels about one matter. Its id is the id
 * of its first conversation (where the customer first wrote; its contact is the case's, so a
 * contact merge needs nothing here). One status for reports: resolved
 * when every conversation of the case is; the first agent reply on any of them is its first response.
 */
export const cases = sqliteTable(
  "cases",
  {
    /** The id of the case's first conversation. */
    id: integer("id").primaryKey(),
    /** The channel of the first conversation: first response is counted there. */
    channel: text("channel").notNull(),
    status: text("status", { enum: ["open", "resolved"] })
      .notNull()
      .default("open"),
    /** The case's first customer message. */
    openedAt: integer("opened_at").notNull(),
    /** The first agent reply on any of its conversations. */
    firstResponseAt: integer("first_response_at"),
    /** When its last open conversation was resolved (null while any is not). */
    resolvedAt: integer("resolved_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("cases_status_opened_idx").on(t.status, t.openedAt)],
);

/**
 * A merge of two conversations or a split of messages into a new one, with exactly what changed
 * (the record), so that it can be undone. Not foreign keys: undo may remove a split's conversation.
 */
export const conversationMoves = sqliteTable(
  "conversation_moves",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ["merge", "split"] }).notNull(),
    /** Merge: the conversation merged away. Split: the conversation the messages left. */
    sourceId: integer("source_id").notNull(),
    /** Merge: the conversation that took them. Split: the new conversation. */
    targetId: integer("target_id").notNull(),
    /** "agent:<id>", "system". */
    actor: text("actor").notNull(),
    record: json<Record<string, unknown>>("record").notNull(),
    createdAt: integer("created_at").notNull(),
    undoneAt: integer("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [index("conversation_moves_source_idx").on(t.sourceId), index("conversation_moves_target_idx").on(t.targetId)],
);

/* ---------- Reports (core/src/reports, docs/kpis.md) ---------- */

/**
 * One measured value of a KPI (a wait, a resolution, a survey answer, a handle time...), derived from
 * raw rows per case by core/src/reports and replaced whole whenever the case changes. `value` is clock
 * time (or the score), `businessValue` the same duration in business time (null for scores and counts).
 */
export const reportSamples = sqliteTable(
  "report_samples",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The contact whose cases were measured (samples are replaced per contact). */
    contactId: integer("contact_id").notNull(),
    /** The case (its first conversation's id) the sample belongs to. */
    caseId: integer("case_id").notNull(),
    conversationId: integer("conversation_id").notNull(),
    metric: text("metric").notNull(),
    /** When it counts (a wait's start, a resolution, an answer). */
    at: integer("at").notNull(),
    inbox: text("inbox").notNull(),
    channel: text("channel").notNull(),
    /** 0: no team. */
    teamId: integer("team_id").notNull().default(0),
    /** 0: no agent. */
    agentId: integer("agent_id").notNull().default(0),
    value: integer("value").notNull(),
    businessValue: integer("business_value"),
    /** What the sample is about, for drill-down and pairs ("email>telegram"). */
    detail: text("detail"),
  },
  (t) => [index("report_samples_contact_idx").on(t.contactId), index("report_samples_at_idx").on(t.at)],
);

/**
 * Samples pre-aggregated per hour (UTC) or per local day (the reports time zone): the count, the sums
 * and the values themselves (sorted, as JSON), so medians and p90 stay exact.
 */
export const reportRollups = sqliteTable(
  "report_rollups",
  {
    grain: text("grain", { enum: ["hour", "day"] }).notNull(),
    bucket: integer("bucket").notNull(),
    metric: text("metric").notNull(),
    inbox: text("inbox").notNull(),
    channel: text("channel").notNull(),
    teamId: integer("team_id").notNull(),
    agentId: integer("agent_id").notNull(),
    n: integer("n").notNull(),
    sum: integer("sum").notNull(),
    businessSum: integer("business_sum").notNull(),
    values: json<number[]>("values").notNull(),
    businessValues: json<number[]>("business_values").notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.bucket, t.metric, t.inbox, t.teamId, t.agentId] })],
);

/** Every change of an agent's availability (for utilisation: time online). */
export const agentAvailabilityLog = sqliteTable(
  "agent_availability_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    availability: text("availability", { enum: ["online", "away", "offline"] }).notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("agent_availability_log_agent_idx").on(t.agentId, t.at)],
);

/** The weekly context-continuity review: a sampled cross-channel case and a lead's yes/no answer. */
export const continuityReviews = sqliteTable(
  "continuity_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id").notNull().unique(),
    /** The later conversation, where the agent should have acknowledged the earlier one. */
    conversationId: integer("conversation_id").notNull(),
    /** The week's start (Monday 00:00 in the reports time zone). */
    week: integer("week").notNull(),
    answer: text("answer", { enum: ["yes", "no"] }),
    reviewerId: integer("reviewer_id").references(() => agents.id, { onDelete: "set null" }),
    reviewedAt: integer("reviewed_at"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("continuity_reviews_week_idx").on(t.week)],
);

export type AssistantSuggestionKind = "suggest" | "draft" | "rewrite" | "translate" | "summary";
export type AssistantSuggestionOutcome = "shown" | "used" | "edited" | "ignored";

/**
 * Each piece of text an assistant offered an agent, and what became of it: shown (not decided
 * yet), used as is, edited before sending, or ignored (a reply went out without it). The reports
 * read the acceptance rate from it.
 */
export const assistantSuggestions = sqliteTable(
  "assistant_suggestions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    agentId: integer("agent_id").references(() => agents.id, { onDelete: "set null" }),
    plugin: text("plugin").notNull(),
    kind: text("kind").$type<AssistantSuggestionKind>().notNull(),
    text: text("text").notNull(),
    outcome: text("outcome").$type<AssistantSuggestionOutcome>().notNull().default("shown"),
    /** The message sent with (or despite) it. */
    messageId: integer("message_id").references(() => messages.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
    decidedAt: integer("decided_at"),
  },
  (t) => [
    index("assistant_suggestions_conversation_idx").on(t.conversationId, t.outcome),
    index("assistant_suggestions_created_idx").on(t.createdAt),
  ],
);
