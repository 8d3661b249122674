/**
 * The plugin API, for channel authors: the customer message a channel hands to core (`emit`) and
 * what core answers.
 */
/**
 * An attachment arriving from a channel. Give `url` (fetchable) or `data`, or both. `data` is the
 * bytes themselves (a Buffer or Uint8Array: core stores them without a copy, which is what a large
 * file wants) or the same bytes in base64.
 *
 * @example
 * const photo: InboundAttachment = { filename: "photo.jpg", contentType: "image/jpeg", size: bytes.length, data: bytes };
 */
export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  data?: string | Uint8Array;
}

/** A customer message as a channel adapter hands it to core, before anything is stored. */
export interface InboundMessage {
  /** The channel's id of this message. Unique per inbox: a re-delivery with the same id is stored once. */
  externalId: string;
  /** Who wrote it, as the channel knows them. `externalId` is the stable id on this channel (chat id, address, handle). */
  contact: {
    externalId: string;
    name?: string;
    email?: string;
    phone?: string;
    /** True when the channel vouches for the identity (a signed widget user, an email's From, a Telegram private chat's user). */
    verified?: boolean;
    /**
     * The name the person goes by on the channel, when it is not `externalId` (a Telegram `@username`).
     * Kept on the contact (`attributes.handles["<channel>:<externalId>"]`) and shown beside the id.
     *
     * @example
     * contact: { externalId: "1001", name: "Ada Lovelace", handle: "@ada", verified: true }
     */
    handle?: string;
  };
  text: string;
  html?: string;
  subject?: string;
  attachments?: InboundAttachment[];
  /** A channel-side thread (a group chat, a Discord thread, an email thread root). Messages with the same key share a conversation. */
  threadKey?: string;
  /** The channel message this one replies to. */
  replyToExternalId?: string;
  /** When the customer sent it (ms since epoch); defaults to the time it arrived. */
  sentAt?: number;
  /**
   * True when this is an edit of a message already sent with the same `externalId`: the stored text is
   * replaced and the previous version kept in `metadata.edits`. An edit of an unknown message is stored as new.
   */
  edited?: boolean;
  /**
   * True when the sender deleted (unsent) the message already stored with this `externalId`: its text
   * and files are removed and the agent sees that the customer deleted it. Unknown messages are dropped.
   *
   * @example
   * await emit({ externalId: mid, contact: { externalId: psid }, text: "", deleted: true });
   */
  deleted?: boolean;
  /**
   * True when the business sent this message from outside Switchboard (the network's own app) and the
   * channel saw it (an echo): stored as an outgoing message marked `metadata.sentOutside`, in the
   * contact's latest conversation on the inbox, without reopening it. `contact` is the recipient.
   * Echoes of Switchboard's own sends must not be emitted (or carry the id `send` returned: a duplicate).
   *
   * @example
   * await emit({ externalId: echo.mid, contact: { externalId: echo.recipient }, text: echo.text, sentOutside: true });
   */
  sentOutside?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * What `emit` resolves to, once core is done with the message:
 * - "stored" (new), "duplicate" (this external id was stored before; nothing new was written) or
 *   "edited" (an edit replaced the stored text): the message is durably stored;
 * - "dropped": a normalise hook refused it (spam, a loop); nothing is stored;
 * - "invalid": core refused the message itself (`reason` says every problem, e.g. a missing
 *   `externalId`, a bad email); nothing is stored, and sending it again will not help.
 *
 * Map it in one place: a webhook answers "invalid" with a 4xx and the reason; a polling channel
 * logs it and moves on (acknowledges the source). `emit` throws only when storing failed (the
 * store is down): then do not acknowledge, so the source delivers the message again.
 *
 * @example
 * const result = await emit(toInbound(update));
 * if (result.status === "invalid") return c.json({ error: { code: ErrorCodes.INBOUND_INVALID, message: result.reason } }, 422);
 * if (result.status === "dropped") return c.json({ status: "dropped" }, 202);
 * return c.json({ conversation_id: result.conversationId }, 200);
 */
export type IngestResult =
  | {
      status: "stored" | "duplicate" | "edited";
      messageId: number;
      conversationId: number;
      contactId: number;
      /** Set when core stored the message as something other than a new request: "survey_answer" (a CSAT or CES answer). */
      storedAs?: "survey_answer";
    }
  | { status: "dropped"; reason: string }
  | { status: "invalid"; reason: string };

/**
 * Hands an inbound message to core. Resolves only after it is durably stored (or refused, see
 * `IngestResult`): acknowledge your source after that.
 *
 * @example
 * const result = await emit({ externalId: "m1", contact: { externalId: "u1", name: "Ada" }, text: "Hello" });
 * if (result.status === "invalid") log.warn({ reason: result.reason }, "message refused; skipping it");
 */
export type Emit = (message: InboundMessage) => Promise<IngestResult>;
