/**
 * Store rows → the API's snake_case JSON (the shapes in schemas.ts). Secrets never leave here:
 * agents lose their password hash, attachments their inline bytes, inboxes their options.
 */

import type { z } from "@hono/zod-openapi";
import { inArray } from "drizzle-orm";
import type { Agent } from "../../auth/agents.ts";
import type { InboxHandle } from "../../pipeline/inboxes.ts";
import type { Contact, Identity } from "../../store/contacts.ts";
import type { Conversation } from "../../store/conversations.ts";
import type { Queryable } from "../../store/index.ts";
import type { Message } from "../../store/messages.ts";
import { attachments } from "../../store/schema.ts";
import type { WebhookDelivery } from "../../webhooks/deliveries.ts";
import type {
  AgentSchema,
  AttachmentSchema,
  ContactSchema,
  ConversationSchema,
  IdentitySchema,
  InboxSchema,
  MessageSchema,
  WebhookDeliveryDetailSchema,
  WebhookDeliverySchema,
} from "./schemas.ts";

type Json<S extends z.ZodType> = z.infer<S>;

/**
 * The API JSON of one row.
 *
 * @example
 * conversationJson(await findConversation(store.db, 42));
 */
export function conversationJson(c: Conversation): Json<typeof ConversationSchema> {
  return {
    id: c.id,
    contact_id: c.contactId,
    inbox: c.inbox,
    channel: c.channel,
    status: c.status,
    priority: c.priority,
    assignee_id: c.assigneeId,
    team_id: c.teamId,
    subject: c.subject,
    snoozed_until: c.snoozedUntil,
    first_response_at: c.firstResponseAt,
    sla_due_at: c.slaDueAt,
    last_customer_message_at: c.lastCustomerMessageAt,
    last_activity_at: c.lastActivityAt,
    resolved_at: c.resolvedAt,
    case_id: c.caseId,
    merged_into_id: c.mergedIntoId,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

/**
 * The API JSON of one row.
 *
 * @example
 * contactJson(contact);
 */
export function contactJson(c: Contact): Json<typeof ContactSchema> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    attributes: c.attributes,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

/**
 * The API JSON of one row.
 *
 * @example
 * identities.map(identityJson);
 */
export function identityJson(i: Identity): Json<typeof IdentitySchema> {
  return {
    id: i.id,
    channel: i.channel,
    external_id: i.externalId,
    inbox: i.scope || null,
    verified: i.verified,
    source: i.source,
    created_at: i.createdAt,
  };
}

/**
 * The API JSON of one row.
 *
 * @example
 * agentJson(c.get("agent"));
 */
export function agentJson(a: Agent): Json<typeof AgentSchema> {
  return { id: a.id, email: a.email, name: a.name, role: a.role, availability: a.availability, created_at: a.createdAt };
}

/**
 * The API JSON of one row.
 *
 * @example
 * switchboard.inboxes.list().map(inboxJson);
 */
export function inboxJson(i: InboxHandle): Json<typeof InboxSchema> {
  return { name: i.name, channel: i.channel, plugin: i.plugin, display_name: i.displayName, state: i.state, error: i.error ?? null };
}

type AttachmentJson = Json<typeof AttachmentSchema>;

/**
 * The API JSON of one row.
 *
 * @example
 * messageJson(await outbound.reply(input));
 */
export function messageJson(m: Message, files: AttachmentJson[] = []): Json<typeof MessageSchema> {
  return {
    id: m.id,
    conversation_id: m.conversationId,
    contact_id: m.contactId,
    inbox: m.inbox,
    channel: m.channel,
    direction: m.direction,
    external_id: m.externalId,
    author_agent_id: m.authorAgentId,
    text: m.text,
    html: m.html,
    metadata: m.metadata,
    delivery_status: m.deliveryStatus,
    delivery_error: m.deliveryError,
    attachments: files,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

/**
 * Messages as JSON, each with its attachments (fetched in one query).
 *
 * @example
 * return c.json({ data: await messagesJson(store.db, rows), next_cursor }, 200);
 */
export async function messagesJson(db: Queryable, rows: Message[]): Promise<Json<typeof MessageSchema>[]> {
  if (rows.length === 0) return [];
  const files = await db
    .select({
      id: attachments.id,
      messageId: attachments.messageId,
      filename: attachments.filename,
      contentType: attachments.contentType,
      size: attachments.size,
      url: attachments.url,
    })
    .from(attachments)
    .where(
      inArray(
        attachments.messageId,
        rows.map((m) => m.id),
      ),
    )
    .orderBy(attachments.id);
  const byMessage = new Map<number, AttachmentJson[]>();
  for (const f of files) {
    const list = byMessage.get(f.messageId) ?? [];
    list.push({ id: f.id, filename: f.filename, content_type: f.contentType, size: f.size, url: f.url });
    byMessage.set(f.messageId, list);
  }
  return rows.map((m) => messageJson(m, byMessage.get(m.id)));
}

/**
 * A webhook delivery for the list; `webhookDeliveryDetailJson` adds the payload.
 *
 * @example
 * webhookDeliveryJson(await findWebhookDelivery(store.db, 7));
 */
export function webhookDeliveryJson(d: WebhookDelivery): Json<typeof WebhookDeliverySchema> {
  return {
    id: d.id,
    url: d.url,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    response_status: d.responseStatus,
    last_error: d.lastError,
    created_at: d.createdAt,
    delivered_at: d.deliveredAt,
  };
}

/** A webhook delivery with the JSON body it sends. */
export function webhookDeliveryDetailJson(d: WebhookDelivery): Json<typeof WebhookDeliveryDetailSchema> {
  return { ...webhookDeliveryJson(d), payload: JSON.parse(d.payload) as unknown };
}
