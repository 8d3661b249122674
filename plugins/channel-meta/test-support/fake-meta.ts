/**
 * The fake Messenger Platform on loopback: meta-graph's fake Graph API extended with the Send API
 * (`POST /{account id}/messages`, JSON or multipart, answering `{ recipient_id, message_id }`),
 * user profiles (`GET /{psid}`), the accounts themselves, and builders of real webhook payloads
 * (`entry[].messaging[]`) for messages, echoes, edits, unsends, reactions, receipts and stories.
 */
import { type FakeGraph, startFakeGraph } from "@switchboard/meta-graph/test-support";

export interface SentMessage {
  accountId: string;
  recipient: string;
  body: Record<string, unknown>;
  mid: string;
}

export interface FakeMeta {
  graph: FakeGraph;
  /** Profiles served at GET /{id}. */
  profiles: Map<string, Record<string, string>>;
  /** What the Send API accepted, in order. */
  sent: SentMessage[];
  /** POSTs `{ object, entry: [{ id: accountId, time, messaging: events }] }` signed to the webhook. */
  deliver(
    webhookUrl: string,
    object: "page" | "instagram",
    accountId: string,
    events: unknown[],
  ): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the fake.
 *
 * @example
 * const meta = await startFakeMeta();
 * meta.profiles.set("2001", { first_name: "Ada", last_name: "Lovelace", profile_pic: "https://…" });
 * await meta.deliver(`${url}/webhooks/fb`, "page", PAGE, [customerText("2001", PAGE, "Hi")]);
 */
export async function startFakeMeta(): Promise<FakeMeta> {
  const graph = await startFakeGraph();
  const profiles = new Map<string, Record<string, string>>();
  const sent: SentMessage[] = [];
  let next = 0;
  graph.route("POST", "/:account/messages", (call) => {
    const body = (typeof call.body === "object" && call.body ? call.body : {}) as Record<string, unknown>;
    const recipientField = body.recipient;
    const recipient = (typeof recipientField === "string" ? JSON.parse(recipientField) : recipientField) as { id?: string } | undefined;
    if (!recipient?.id)
      return Response.json(
        { error: { message: "(#100) The parameter recipient is required", type: "OAuthException", code: 100 } },
        { status: 400 },
      );
    const mid = `m_sent_${++next}`;
    sent.push({ accountId: call.params.account!, recipient: recipient.id, body, mid });
    return { recipient_id: recipient.id, message_id: mid };
  });
  graph.route("GET", "/:id", (call) => {
    const profile = profiles.get(call.params.id!);
    if (!profile)
      return Response.json(
        {
          error: {
            message: `Unsupported get request. Object with ID '${call.params.id}' does not exist`,
            type: "GraphMethodException",
            code: 100,
            error_subcode: 33,
          },
        },
        { status: 400 },
      );
    const fields = call.query.get("fields")?.split(",") ?? Object.keys(profile);
    return { ...Object.fromEntries(fields.filter((f) => f in profile).map((f) => [f, profile[f]])), id: call.params.id };
  });
  return {
    graph,
    profiles,
    sent,
    deliver: (webhookUrl, object, accountId, events) =>
      graph.deliver(webhookUrl, { object, entry: [{ id: accountId, time: Date.now(), messaging: events }] }),
    stop: () => graph.stop(),
  };
}

let seq = 0;
const mid = () => `m_${(++seq).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/** A customer's message event (sender = the customer, recipient = the page or account). */
export function customerMessage(from: string, to: string, message: Record<string, unknown>, timestamp = Date.now()) {
  return { sender: { id: from }, recipient: { id: to }, timestamp, message: { mid: mid(), ...message } };
}

/** A message the page sent, as its echo arrives (sender = the page). */
export function echo(page: string, to: string, message: Record<string, unknown>, timestamp = Date.now()) {
  return { sender: { id: page }, recipient: { id: to }, timestamp, message: { mid: mid(), is_echo: true, ...message } };
}

/** Any other event (`read`, `delivery`, `reaction`, `message_edit`, `postback`) from the customer. */
export function customerEvent(from: string, to: string, fields: Record<string, unknown>, timestamp = Date.now()) {
  return { sender: { id: from }, recipient: { id: to }, timestamp, ...fields };
}
