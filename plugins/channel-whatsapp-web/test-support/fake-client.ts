/**
 * An object that behaves like whatsapp-web.js's `Client`, for tests and the playground: the same
 * events (`qr`, `authenticated`, `ready`, `message`, `message_ack`, `disconnected`, `auth_failure`),
 * the same methods the channel calls, and messages in the shapes of src/structures/Message.js
 * (`id: { fromMe, remote, id, _serialized }`, `from`/`to`/`author` ids such as "447700900123@c.us",
 * "…@lid" and "…@g.us", `timestamp` in seconds, `hasMedia` with `downloadMedia()` giving a
 * MessageMedia, `_data.notifyName`). A `FakeWhatsApp` world hands one client per start of an inbox
 * (a restart after a disconnect gets a new one) and scripts the phone and the customers.
 */
import { EventEmitter } from "node:events";
import type { ClientFactory, WaMedia, WaMessage, WhatsAppClient } from "../src/client.ts";

let counter = 0;
/** A message id as WhatsApp Web makes them ("3EB0" + hex for web sends). */
const nextId = () => `3EB0${(++counter).toString(16).toUpperCase().padStart(16, "0")}`;

export interface SentRecord {
  chatId: string;
  content: string | WaMedia;
  options?: { caption?: string };
  message: WaMessage;
}

export interface IncomingSpec {
  /** The chat: "447700900123@c.us", "12345@lid" or a group "1203630…@g.us". */
  from: string;
  /** In a group: who wrote. */
  author?: string;
  body?: string;
  type?: string;
  notifyName?: string;
  media?: WaMedia;
  /** `_data.size`, as WhatsApp announces it before the download. */
  announcedSize?: number;
  location?: WaMessage["location"];
  vCards?: string[];
  quotedStanzaID?: string;
  timestamp?: number;
  isStatus?: boolean;
}

/** One client, as one start of the inbox gets it. */
export class FakeClient extends EventEmitter implements WhatsAppClient {
  info: WhatsAppClient["info"];
  initialized = false;
  destroyed = false;
  readonly sent: SentRecord[] = [];
  /** Set to make `initialize()` reject (a launch failure) or `sendMessage` throw. */
  failInitialize: unknown;
  failSend: unknown;

  constructor(
    readonly settings: Parameters<ClientFactory["create"]>[0],
    private readonly world: FakeWhatsApp,
  ) {
    super();
  }

  async initialize(): Promise<void> {
    this.initialized = true;
    if (this.failInitialize !== undefined) throw this.failInitialize;
    // Real clients show a QR code (or restore the session) once the page has loaded.
    queueMicrotask(() => (this.world.paired ? this.#becomeReady() : this.emit("qr", this.world.nextQr())));
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  /** The phone scans the code: authenticated, then ready. */
  scan(): void {
    this.world.paired = true;
    this.emit("authenticated");
    this.#becomeReady();
  }

  #becomeReady(): void {
    const user = this.world.phone;
    this.info = { wid: { user, server: "c.us", _serialized: `${user}@c.us` }, pushname: this.world.pushname, platform: "android" };
    this.emit("ready");
  }

  /** WhatsApp drops the session ("LOGOUT", "CONFLICT", "UNPAIRED"...). */
  drop(reason: string): void {
    if (reason === "LOGOUT" || reason === "UNPAIRED") this.world.paired = false;
    this.emit("disconnected", reason);
  }

  /** A customer writes; resolves with the message as the client handed it over. */
  receive(spec: IncomingSpec): WaMessage {
    const me = `${this.world.phone}@c.us`;
    const id = nextId();
    const message = makeMessage({
      id: { fromMe: false, remote: spec.from, id, _serialized: `false_${spec.from}_${id}${spec.author ? `_${spec.author}` : ""}` },
      from: spec.from,
      to: me,
      author: spec.author,
      body: spec.media ? "" : (spec.body ?? ""),
      caption: spec.media ? spec.body : undefined,
      type: spec.type ?? (spec.media ? "image" : "chat"),
      timestamp: spec.timestamp ?? Math.floor(Date.now() / 1000),
      media: spec.media,
      data: {
        notifyName: spec.notifyName,
        quotedStanzaID: spec.quotedStanzaID,
        size: spec.announcedSize ?? spec.media?.filesize ?? undefined,
        mimetype: spec.media?.mimetype,
        filename: spec.media?.filename ?? undefined,
      },
      location: spec.location,
      vCards: spec.vCards,
      isStatus: spec.isStatus ?? spec.from === "status@broadcast",
    });
    this.emit("message", message);
    return message;
  }

  /** An ack for a message this account sent (2 delivered, 3 read, -1 error). */
  ack(message: WaMessage, ack: number): void {
    this.emit("message_ack", { ...message, ack }, ack);
  }

  async sendMessage(chatId: string, content: string | WaMedia, options?: { caption?: string }): Promise<WaMessage> {
    if (this.failSend !== undefined) throw this.failSend;
    if (!/@(c\.us|g\.us|lid)$/.test(chatId)) throw new Error("wid error: invalid wid");
    const id = nextId();
    const media = typeof content === "string" ? undefined : content;
    const message = makeMessage({
      id: { fromMe: true, remote: chatId, id, _serialized: `true_${chatId}_${id}` },
      from: `${this.world.phone}@c.us`,
      to: chatId,
      body: typeof content === "string" ? content : "",
      caption: options?.caption,
      type: media ? (media.mimetype.startsWith("image/") ? "image" : "document") : "chat",
      timestamp: Math.floor(Date.now() / 1000),
      media,
      data: {},
      isStatus: false,
    });
    this.sent.push({ chatId, content, ...(options ? { options } : {}), message });
    this.world.onSent?.(this, this.sent.at(-1)!);
    return message;
  }

  async getContactLidAndPhone(ids: string[]): Promise<{ lid?: string; pn?: string }[]> {
    return ids.map((lid) => ({ lid, pn: this.world.lids.get(lid) }));
  }

  async getNumberId(number: string): Promise<{ _serialized: string } | null> {
    return this.world.unregistered.has(number) ? null : { _serialized: `${number}@c.us` };
  }
}

/** Builds a Message-shaped object (the fields whatsapp-web.js's Message sets from its model). */
function makeMessage(m: {
  id: WaMessage["id"];
  from: string;
  to: string;
  author?: string;
  body: string;
  caption?: string;
  type: string;
  timestamp: number;
  media?: WaMedia;
  data: NonNullable<WaMessage["_data"]>;
  location?: WaMessage["location"];
  vCards?: string[];
  isStatus: boolean;
}): WaMessage {
  return {
    id: m.id,
    ack: m.id.fromMe ? 0 : undefined,
    hasMedia: Boolean(m.media),
    // Message.js: body is the caption for media, else the text.
    body: m.media ? (m.caption ?? "") : m.body,
    type: m.type,
    timestamp: m.timestamp,
    from: m.from,
    to: m.to,
    author: m.author,
    fromMe: m.id.fromMe,
    hasQuotedMsg: Boolean(m.data.quotedStanzaID),
    isStatus: m.isStatus,
    broadcast: m.from.endsWith("@broadcast"),
    location: m.location,
    vCards: m.vCards ?? [],
    _data: m.data,
    downloadMedia: async () => m.media,
  };
}

/**
 * The phone, WhatsApp's servers and the customers, for one inbox.
 *
 * @example
 * const world = registerFakeWhatsApp("wa");   // before the harness starts the inbox "wa"
 * await waitFor(() => world.latest?.initialized);
 * world.latest!.scan();
 * world.latest!.receive({ from: "447700900123@c.us", body: "Hello", notifyName: "Ada" });
 */
export class FakeWhatsApp {
  readonly clients: FakeClient[] = [];
  /** The business number the phone pairs as. */
  phone = "447700900999";
  pushname = "Acme Support";
  paired = false;
  /** lid → "<number>@c.us" for customers whose number WhatsApp hides behind a lid. */
  readonly lids = new Map<string, string>();
  readonly unregistered = new Set<string>();
  /** Called on every send (the playground answers through it). */
  onSent?: (client: FakeClient, sent: SentRecord) => void;
  #qr = 0;

  get latest(): FakeClient | undefined {
    return this.clients.at(-1);
  }

  nextQr(): string {
    return `2@fake-qr-${++this.#qr},${"A".repeat(43)}=,${"B".repeat(43)}=,${"C".repeat(43)}=`;
  }
}

const WORLDS_KEY = Symbol.for("switchboard.whatsapp-web.fake-worlds");
const worlds = ((globalThis as Record<symbol, unknown>)[WORLDS_KEY] ??= new Map<string, FakeWhatsApp>()) as Map<string, FakeWhatsApp>;

/** Registers the fake world of the inbox named `inbox` (the plugin in fake-plugin.ts finds it by name). */
export function registerFakeWhatsApp(inbox: string, world = new FakeWhatsApp()): FakeWhatsApp {
  worlds.set(inbox, world);
  return world;
}

/** The client factory of the fake worlds: each inbox gets clients of the world registered under its name. */
export const fakeClients: ClientFactory = {
  create(settings) {
    const world = worlds.get(settings.inbox);
    if (!world) throw new Error(`No fake WhatsApp registered for the inbox "${settings.inbox}": call registerFakeWhatsApp first.`);
    const client = new FakeClient(settings, world);
    world.clients.push(client);
    return client;
  },
  media: (mimetype, data, filename) => ({ mimetype, data, filename }),
};
