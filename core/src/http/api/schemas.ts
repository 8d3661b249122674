/**
 * The zod schemas of the REST API's JSON: what each resource looks like on the wire (snake_case keys,
 * times in milliseconds since the epoch), shared query and path parameters, and the error shape.
 * They validate requests and describe responses in the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import { ID_PATTERN, ID_RULE } from "../ids.ts";

export const millis = z.number().int().openapi({ description: "Milliseconds since the epoch (UTC)", example: 1767600000000 });

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string().openapi({ example: "SWB_ERR_NOT_FOUND" }), message: z.string() }) })
  .openapi("Error");

/** A path id (core/src/http/ids.ts): digits only, so "0x10" or "1e1" is refused, never read as 16 or 10. */
export const IdParams = z.object({
  id: z
    .string()
    .regex(ID_PATTERN, { message: `${ID_RULE} (at most ${Number.MAX_SAFE_INTEGER})` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .max(Number.MAX_SAFE_INTEGER, { message: `${ID_RULE} (at most ${Number.MAX_SAFE_INTEGER})` }),
    )
    .openapi({ param: { name: "id", in: "path" }, type: "integer", minimum: 1, example: 42 }),
});

export const PageQuery = z.object({
  cursor: z.string().max(512).optional().openapi({ description: "next_cursor from the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ description: "Page size (1-100, default 25)" }),
});

/**
 * `{ data: [...], next_cursor }`: next_cursor is null on the last page.
 *
 * @example
 * responses: { 200: json(pageOf(MessageSchema), "A page of messages") }
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const AttachmentSchema = z
  .object({ id: z.number().int(), filename: z.string(), content_type: z.string(), size: z.number().int(), url: z.string().nullable() })
  .openapi("Attachment");

export const MessageSchema = z
  .object({
    id: z.number().int(),
    conversation_id: z.number().int(),
    contact_id: z.number().int(),
    inbox: z.string(),
    channel: z.string(),
    direction: z.enum(["incoming", "outgoing", "note", "activity"]),
    external_id: z.string().nullable(),
    author_agent_id: z.number().int().nullable(),
    text: z.string(),
    html: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    delivery_status: z.enum(["received", "queued", "sending", "sent", "delivered", "read", "failed"]),
    delivery_error: z.string().nullable(),
    attachments: z.array(AttachmentSchema),
    created_at: millis,
    updated_at: millis,
  })
  .openapi("Message");

export const ConversationSchema = z
  .object({
    id: z.number().int(),
    contact_id: z.number().int(),
    inbox: z.string(),
    channel: z.string(),
    status: z.enum(["open", "pending", "snoozed", "resolved"]),
    priority: z.enum(["none", "low", "medium", "high", "urgent"]),
    assignee_id: z.number().int().nullable(),
    team_id: z.number().int().nullable(),
    subject: z.string().nullable(),
    snoozed_until: millis.nullable(),
    first_response_at: millis.nullable(),
    sla_due_at: millis
      .nullable()
      .openapi({ description: "When the earliest running SLA clock is due (in the past: breached); null when none runs" }),
    last_customer_message_at: millis.nullable(),
    last_activity_at: millis,
    resolved_at: millis.nullable(),
    case_id: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The case (GET /cases/{id}) when linked conversations on other channels form one; null for a case of one" }),
    merged_into_id: z.number().int().nullable().openapi({ description: "The conversation this one was merged into" }),
    created_at: millis,
    updated_at: millis,
  })
  .openapi("Conversation");

export const ConversationListItemSchema = ConversationSchema.extend({
  contact_name: z.string().nullable(),
  last_message_preview: z.string().nullable().openapi({ description: "The start of the latest message (activity entries excluded)" }),
}).openapi("ConversationListItem");

export const ContactSchema = z
  .object({
    id: z.number().int(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    created_at: millis,
    updated_at: millis,
  })
  .openapi("Contact");

export const LabelSchema = z.object({ id: z.number().int(), name: z.string(), color: z.string().nullable() }).openapi("Label");

export const ConversationDetailSchema = ConversationSchema.extend({ contact: ContactSchema, labels: z.array(LabelSchema) }).openapi(
  "ConversationDetail",
);

export const IdentitySchema = z
  .object({
    id: z.number().int(),
    channel: z.string(),
    external_id: z.string(),
    /** The inbox the id belongs to, for channels whose ids mean something only inside one inbox (API, web chat); null when it holds across the channel. */
    inbox: z.string().nullable(),
    verified: z.boolean(),
    source: z.string().nullable(),
    created_at: millis,
  })
  .openapi("Identity");

export const ContactDetailSchema = ContactSchema.extend({
  identities: z.array(IdentitySchema),
  conversations: z.array(ConversationSchema),
}).openapi("ContactDetail");

export const AgentSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(["admin", "agent"]),
    availability: z.enum(["online", "away", "offline"]),
    created_at: millis,
  })
  .openapi("Agent");

export const InboxSchema = z
  .object({
    name: z.string(),
    channel: z.string(),
    plugin: z.string(),
    display_name: z.string(),
    state: z.enum(["ready", "running", "standby", "failed", "unavailable"]),
    error: z.string().nullable(),
  })
  .openapi("Inbox");

export const SearchHitSchema = z
  .object({
    message_id: z.number().int(),
    conversation_id: z.number().int(),
    contact_id: z.number().int(),
    inbox: z.string(),
    channel: z.string(),
    direction: MessageSchema.shape.direction,
    created_at: millis,
    snippet: z.string().openapi({ description: "HTML-escaped text around the match, matches wrapped in <mark>" }),
  })
  .openapi("SearchHit");

const errorBody = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

/** Response entries for the error statuses a route can answer; `route()` (route.ts) adds them by status. */
export const errors = {
  401: errorBody("Missing or invalid API token"),
  403: errorBody("The API token's agent is not an admin"),
  404: errorBody("No such resource"),
  409: errorBody("The resource is not in a state that allows this"),
  422: errorBody("Invalid input; the message names each bad field"),
  429: errorBody("Too many requests of this kind; the message says when to retry"),
} as const;

/**
 * A JSON response entry for a route's `responses`.
 *
 * @example
 * route({ method: "get", path: "/agents/me", summary: "You", responses: { 200: json(AgentSchema, "The agent") } });
 */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export const WebhookDeliverySchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    event: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int().openapi({ description: "Attempts so far, replays included" }),
    response_status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The HTTP status of the last answer; null when none came (timeout, refused connection)" }),
    last_error: z.string().nullable(),
    created_at: millis,
    delivered_at: millis.nullable(),
  })
  .openapi("WebhookDelivery");

export const WebhookDeliveryDetailSchema = WebhookDeliverySchema.extend({
  payload: z.unknown().openapi({ description: "The JSON body that is POSTed: { id, event, at, data }" }),
}).openapi("WebhookDeliveryDetail");
