/**
 * A fake WhatsApp Cloud API: the shared loopback Graph fake (@switchboard/meta-graph/test-support:
 * the token, Meta's error bodies, media behind the bearer token, signed deliveries) with the
 * Cloud API's routes (`POST /{phone-number-id}/messages` and `/media`, `GET /{waba-id}/message_templates`
 * with cursor paging, `GET /{phone-number-id}`), and builders of webhook deliveries in Meta's wire
 * shapes (`entry[].changes[].value` with `metadata`, `contacts`, `messages`, `statuses`).
 */
import { type FakeGraph, type GraphCall, startFakeGraph } from "@switchboard/meta-graph/test-support";

export const WABA_ID = "102290129340398";
export const PHONE_NUMBER_ID = "106540352242922";
export const DISPLAY_NUMBER = "15550783881";
export const ada = { wa_id: "16505551234", name: "Ada Lovelace" };

/** A template as `message_templates` lists it. */
export interface FakeTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  id: string;
  parameter_format?: "POSITIONAL" | "NAMED";
  components: Record<string, unknown>[];
}

export const orderTemplate: FakeTemplate = {
  name: "order_update",
  language: "en_US",
  status: "APPROVED",
  category: "UTILITY",
  id: "594425479261596",
  parameter_format: "POSITIONAL",
  components: [
    { type: "HEADER", format: "TEXT", text: "Your order" },
    { type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped.", example: { body_text: [["Ada", "#1234"]] } },
    { type: "FOOTER", text: "Reply STOP to opt out" },
  ],
};

export interface FakeWhatsApp {
  graph: FakeGraph;
  /** The templates `message_templates` lists (a test may change them). */
  templates: FakeTemplate[];
  /** The bodies of `POST /{phone-number-id}/messages`, in order. */
  sends(): Record<string, unknown>[];
  /** The WhatsApp ids (wamid) the fake gave the messages it accepted, in order. */
  sentIds: string[];
  stop(): Promise<void>;
}

/**
 * Starts the fake on a free loopback port.
 *
 * @example
 * const wa = await startFakeWhatsApp();
 * createGraphClient({ accessToken: wa.graph.accessToken, baseUrl: wa.graph.url });
 */
export async function startFakeWhatsApp(): Promise<FakeWhatsApp> {
  const graph = await startFakeGraph();
  const templates: FakeTemplate[] = [
    orderTemplate,
    { ...orderTemplate, name: "pending_review", status: "PENDING", id: "1" },
    {
      name: "welcome_back",
      language: "de",
      status: "APPROVED",
      category: "MARKETING",
      id: "2",
      parameter_format: "NAMED",
      components: [
        {
          type: "BODY",
          text: "Hallo {{first_name}}, schön dass Sie da sind! Ihr Code: {{code}}",
          example: {
            body_text_named_params: [
              { param_name: "first_name", example: "Jörg" },
              { param_name: "code", example: "XYZ" },
            ],
          },
        },
      ],
    },
    {
      name: "media_header",
      language: "en_US",
      status: "APPROVED",
      category: "MARKETING",
      id: "3",
      components: [
        { type: "HEADER", format: "IMAGE" },
        { type: "BODY", text: "Look!" },
      ],
    },
  ];
  let counter = 0;
  const sentIds: string[] = [];
  graph.route("POST", "/:phone/messages", (call: GraphCall) => {
    const body = call.body as { to?: string; recipient?: string };
    counter += 1;
    const id = `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI${counter}`;
    sentIds.push(id);
    return {
      messaging_product: "whatsapp",
      contacts: [{ input: body.to ?? body.recipient, ...(body.to ? { wa_id: body.to } : {}) }],
      messages: [{ id, message_status: "accepted" }],
    };
  });
  graph.route("POST", "/:phone/media", () => ({ id: `${900_000 + ++counter}` }));
  graph.route("GET", "/:waba/message_templates", (call) => {
    const limit = Number(call.query.get("limit") ?? 25);
    const start = Number(call.query.get("after") ?? 0);
    const page = templates.slice(start, start + limit);
    const more = start + limit < templates.length;
    return {
      data: page,
      paging: {
        cursors: { before: String(start), after: String(start + limit) },
        ...(more ? { next: `${graph.url}/${graph.version}/${call.params.waba}/message_templates?after=${start + limit}` } : {}),
      },
    };
  });
  graph.route("GET", "/:phone", (call) => ({
    display_phone_number: "+1 555-078-3881",
    verified_name: "Switchboard Test",
    quality_rating: "GREEN",
    id: call.params.phone,
  }));
  return {
    graph,
    templates,
    sends: () => graph.callsTo(`POST /${PHONE_NUMBER_ID}/messages`).map((c) => c.body as Record<string, unknown>),
    sentIds,
    stop: () => graph.stop(),
  };
}

/** A webhook delivery with one change of `value` (messages and/or statuses) for a phone number. */
export function delivery(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: DISPLAY_NUMBER, phone_number_id: phoneNumberId },
              ...value,
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

let seq = 0;

/**
 * A customer message delivery: `type` and its object (`{ body }` for text, `{ id, mime_type }` for media…).
 *
 * @example
 * await inbox.deliver(message("text", { body: "Hi" }));
 */
export function message(
  type: string,
  content: unknown,
  options: {
    id?: string;
    from?: typeof ada;
    timestamp?: number;
    context?: Record<string, unknown>;
    userIdOnly?: string;
    phoneNumberId?: string;
  } = {},
) {
  const from = options.from ?? ada;
  const id = options.id ?? `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUI${++seq}`;
  const sender = options.userIdOnly ? { from_user_id: options.userIdOnly } : { from: from.wa_id };
  const contact = options.userIdOnly
    ? { profile: { name: from.name }, user_id: options.userIdOnly }
    : { profile: { name: from.name }, wa_id: from.wa_id };
  return delivery(
    {
      contacts: [contact],
      messages: [
        {
          ...sender,
          id,
          timestamp: String(Math.floor((options.timestamp ?? Date.now()) / 1000)),
          ...(options.context ? { context: options.context } : {}),
          type,
          [type]: content,
        },
      ],
    },
    options.phoneNumberId,
  );
}

/** A status delivery for a message we sent. */
export function status(
  id: string,
  state: string,
  options: { errors?: Record<string, unknown>[]; timestamp?: number; recipient?: string } = {},
) {
  return delivery({
    statuses: [
      {
        id,
        status: state,
        timestamp: String(Math.floor((options.timestamp ?? Date.now()) / 1000)),
        recipient_id: options.recipient ?? ada.wa_id,
        ...(state === "failed" ? { errors: options.errors ?? [] } : {}),
        ...(state !== "failed"
          ? {
              conversation: { id: "c0ffee", origin: { type: "service" } },
              pricing: { billable: true, pricing_model: "PMP", category: "service" },
            }
          : {}),
      },
    ],
  });
}
