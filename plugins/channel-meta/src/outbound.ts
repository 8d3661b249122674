/**
 * Sends an agent's reply through the Send API (`POST /{account id}/messages`): the text (with quick
 * replies when its last line is `Quick replies: A | B | C`), then each attachment (by URL when it
 * has a public one, else uploaded as multipart `filedata`). Inside the 24-hour window a message is
 * `messaging_type: "RESPONSE"`; when core hands a tag (the window's HUMAN_AGENT stage) it is
 * `MESSAGE_TAG` with that tag. Every send carries Switchboard's metadata so its echo is recognised,
 * and its mid is recorded for receipts. Graph errors become delivery errors the agent can read.
 */
import { DeliveryError, type KeyValueStore, type OutboundMessage, type OutboundTarget, type SendResult } from "@switchboard/core";
import { type GraphApiError, type GraphClient, toDeliveryError } from "@switchboard/meta-graph";
import { KINDS, type MetaKind } from "./options.ts";
import { markSending, OWN_METADATA_PREFIX, recordSent } from "./sent.ts";

export interface SendDeps {
  graph: GraphClient;
  kv: KeyValueStore;
  kind: MetaKind;
  accountId: string;
  now(): number;
}

const QUICK_REPLIES = /\n?Quick replies:\s*(.+)\s*$/i;
const MAX_QUICK_REPLIES = 13;

/**
 * Delivers one outbound message; returns the first message's mid.
 *
 * @example
 * return sendToMeta({ graph, kv, kind: "messenger", accountId: options.account_id, now: () => Date.now() }, target, message);
 */
export async function sendToMeta(deps: SendDeps, target: OutboundTarget, message: OutboundMessage): Promise<SendResult> {
  const userId = target.threadKey ?? target.contact.externalId;
  const network = KINDS[deps.kind].network;
  if (!userId)
    throw new DeliveryError(
      `This contact has never written to this ${network} account: ${network} lets a business answer only people who wrote first.`,
      {
        retryable: false,
      },
    );
  const envelope = {
    recipient: { id: userId },
    ...(message.tag ? { messaging_type: "MESSAGE_TAG", tag: message.tag } : { messaging_type: "RESPONSE" }),
  };
  const { text, quickReplies } = splitQuickReplies(message.text.trim());
  const metadata = `${OWN_METADATA_PREFIX}${message.idempotencyKey}`;
  // Each part with the text its echo will carry ("" for a file).
  const parts: { echoText: string; send(): Promise<{ message_id: string }> }[] = [];
  if (text)
    parts.push({
      echoText: text,
      send: () =>
        deps.graph.post(`/${deps.accountId}/messages`, {
          ...envelope,
          message: { text, metadata, ...(quickReplies.length ? { quick_replies: quickReplies } : {}) },
        }),
    });
  for (const file of message.attachments) parts.push({ echoText: "", send: () => sendFile(deps, envelope, file, metadata) });
  const progressKey = `progress:${message.idempotencyKey}`;
  const done = parts.length > 1 ? ((await deps.kv.get<string[]>(progressKey)) ?? []) : [];
  for (let i = done.length; i < parts.length; i++) {
    const at = deps.now();
    let sent: { message_id: string };
    // Meta may deliver the echo before it answers the send: mark it in flight first.
    const sending = await markSending(deps.kv, userId, parts[i]!.echoText);
    try {
      sent = await parts[i]!.send();
    } catch (error) {
      await sending.done();
      throw toDeliveryError(error, { network, hint: (e) => hintFor(e, network) });
    }
    await recordSent(deps.kv, userId, sent.message_id, at);
    await sending.done();
    done.push(sent.message_id);
    if (parts.length > 1) await deps.kv.set(progressKey, done, { ttlMs: 7 * 86_400_000 });
  }
  if (parts.length > 1) await deps.kv.delete(progressKey);
  return done[0] ? { externalId: done[0] } : {};
}

/** Splits a trailing "Quick replies: A | B" line off the text into Meta's quick_replies. */
export function splitQuickReplies(text: string): {
  text: string;
  quickReplies: { content_type: "text"; title: string; payload: string }[];
} {
  const match = QUICK_REPLIES.exec(text);
  if (!match) return { text, quickReplies: [] };
  const titles = match[1]!
    .split("|")
    .map((t) => t.trim())
    .filter(Boolean);
  if (titles.length === 0 || titles.length > MAX_QUICK_REPLIES || titles.some((t) => t.length > 20))
    throw new DeliveryError(`Quick replies take 1 to ${MAX_QUICK_REPLIES} choices of at most 20 characters each; shorten "${match[1]}".`, {
      retryable: false,
    });
  return {
    text: text.slice(0, match.index).trim() || titles.join(" / "),
    quickReplies: titles.map((title) => ({ content_type: "text", title, payload: title })),
  };
}

type Envelope = Record<string, unknown>;
type File = OutboundMessage["attachments"][number];

function sendFile(deps: SendDeps, envelope: Envelope, file: File, metadata: string): Promise<{ message_id: string }> {
  const type = file.contentType.startsWith("image/")
    ? "image"
    : file.contentType.startsWith("video/")
      ? "video"
      : file.contentType.startsWith("audio/")
        ? "audio"
        : "file";
  const path = `/${deps.accountId}/messages`;
  if (file.url && /^https?:\/\//.test(file.url))
    return deps.graph.post(path, {
      ...envelope,
      message: { metadata, attachment: { type, payload: { url: file.url, is_reusable: false } } },
    });
  if (!file.data)
    throw new DeliveryError(`The attachment "${file.filename}" has neither bytes nor a public http(s) URL to send.`, { retryable: false });
  const form = new FormData();
  for (const [key, value] of Object.entries(envelope)) form.set(key, typeof value === "string" ? value : JSON.stringify(value));
  form.set("message", JSON.stringify({ metadata, attachment: { type, payload: { is_reusable: false } } }));
  form.set("filedata", new Blob([Buffer.from(file.data, "base64")], { type: file.contentType }), file.filename);
  return deps.graph.post(path, form);
}

/** What Meta's refusals mean for the agent. */
function hintFor(error: GraphApiError, network: string): string | undefined {
  if ((error.code === 10 && (error.subcode === 2018278 || error.subcode === 2534022)) || error.subcode === 2018065)
    return ` The 24-hour window for standard messages has closed: the customer must write again${network === "Messenger" ? " (or enable human_agent_tag after Meta's app review)" : ""}.`;
  if (error.code === 551 || error.subcode === 1545041)
    return " The person is not available right now (they blocked the page or deactivated their account).";
  if (error.code === 100 && error.subcode === 2018001) return " No person with this id: they may have deleted their account.";
  if (error.code === 200 && error.subcode === 2018028)
    return " The page is not allowed to message this person (they never wrote, or blocked it).";
  if (error.code === 10 && error.subcode === 2018109)
    return " The HUMAN_AGENT tag is not approved for this app: turn human_agent_tag off or get it through Meta's app review.";
  return undefined;
}
