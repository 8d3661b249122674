/**
 * The part of whatsapp-web.js's `Client` this channel uses, typed: its events, its methods and the
 * message shapes it hands over (src/structures/Message.js, MessageMedia.js). The adapter depends on
 * this and nothing else, so tests and the playground drive it with an object that behaves the same.
 */

/** A message id as whatsapp-web.js gives it (`message.id`). */
export interface WaMessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

/** Media as `message.downloadMedia()` returns it and `sendMessage` takes it (MessageMedia). */
export interface WaMedia {
  mimetype: string;
  /** Base64. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** A message (whatsapp-web.js `Message`), with the fields this channel reads. */
export interface WaMessage {
  id: WaMessageId;
  /** The chat: "<number>@c.us", "<id>@lid" (a hidden number), "<id>@g.us" (a group), "status@broadcast". */
  from: string;
  to: string;
  /** In a group: who wrote it. */
  author?: string;
  body: string;
  /** "chat", "image", "video", "audio", "ptt", "document", "sticker", "location", "vcard", "multi_vcard", "revoked", ... */
  type: string;
  /** Seconds since the epoch. */
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  isStatus: boolean;
  broadcast?: boolean;
  ack?: number;
  location?: { latitude: number | string; longitude: number | string; description?: string; name?: string; address?: string; url?: string };
  vCards?: string[];
  /** The raw model; `notifyName` is the sender's WhatsApp name, `quotedStanzaID` the id of a quoted message. */
  _data?: { notifyName?: string; quotedStanzaID?: string; filename?: string; size?: number; mimetype?: string };
  downloadMedia(): Promise<WaMedia | undefined | null>;
}

/** `client.info` once ready (ClientInfo). */
export interface WaClientInfo {
  wid: { user: string; server: string; _serialized: string };
  pushname?: string;
  platform?: string;
}

export interface WaClientEvents {
  qr: (qr: string) => void;
  authenticated: (session?: unknown) => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  message: (message: WaMessage) => void;
  message_ack: (message: WaMessage, ack: number) => void;
  /** A `WAState` ("CONFLICT", "UNPAIRED", "TOS_BLOCK", ...) or "LOGOUT". */
  disconnected: (reason: string) => void;
  change_state: (state: string) => void;
}

/** whatsapp-web.js `Client`, as this channel uses it. */
export interface WhatsAppClient {
  info?: WaClientInfo;
  on<E extends keyof WaClientEvents>(event: E, listener: WaClientEvents[E]): unknown;
  removeAllListeners(event?: string): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string | WaMedia, options?: { caption?: string; quotedMessageId?: string }): Promise<WaMessage>;
  /** `{ lid, pn }` for each id ("<id>@lid" → "<number>@c.us"). */
  getContactLidAndPhone(ids: string[]): Promise<{ lid?: string; pn?: string }[]>;
  /** The WhatsApp id of a phone number (digits only), or null when it has no WhatsApp. */
  getNumberId(number: string): Promise<{ _serialized: string } | null>;
}

/** How the adapter gets a client; called again for each restart (a new pairing). */
export interface ClientFactory {
  create(settings: {
    inbox: string;
    sessionDir: string;
    executablePath: string;
    chromiumArgs: string[];
    authTimeoutMs: number;
  }): WhatsAppClient;
  /** Makes the media object `sendMessage` takes (whatsapp-web.js wants its own MessageMedia class). */
  media(mimetype: string, data: string, filename: string): WaMedia;
}

/** whatsapp-web.js's `MessageAck`. */
export const Ack = { ERROR: -1, PENDING: 0, SERVER: 1, DEVICE: 2, READ: 3, PLAYED: 4 } as const;
