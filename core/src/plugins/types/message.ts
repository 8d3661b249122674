/**
 * The plugin API, for channel authors: the customer message a channel hands to core (`emit`) and
 * what core answers.
 */
/** An attachment arriving from a channel. Give `url` (fetchable) or `data` (base64), or both. */
export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  url?: string;
  data?: string;
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
    /** True when the channel vouches for the identity (a signed widget user, an email's From). */
    verified?: boolean;
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
  metadata?: Record<string, unknown>;
}

/**
 * What `emit` resolves to, once the message is durably stored: "stored" (new), "duplicate" (this
 * external id was stored before; nothing new was written), "edited" (an edit replaced the stored
 * text) or "dropped" (a normalise hook refused it).
 */
export type IngestResult =
  | { status: "stored" | "duplicate" | "edited"; messageId: number; conversationId: number; contactId: number }
  | { status: "dropped"; reason: string };

/** Hands an inbound message to core. Resolves only after it is durably stored: acknowledge your source after that. */
export type Emit = (message: InboundMessage) => Promise<IngestResult>;
