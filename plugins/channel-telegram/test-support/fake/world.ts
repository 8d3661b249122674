/**
 * The fake Telegram's state: the bot, the people and chats it knows, every message in both
 * directions, the queue of unconfirmed updates, uploaded and downloadable files, the webhook, and
 * errors a test asks the next calls to fail with. Customer actions (`say`, `edit`, `shareContact`…)
 * create messages and updates here the way Telegram's servers would, entities included.
 */
import { FailureQueue, Listeners } from "@switchboard/core/testing";
import type { Chat, File, Message, MessageEntity, Update, User, UserFromGetMe } from "grammy/types";

/** A Bot API error, exactly as Telegram sends it (the HTTP status equals `error_code`). */
export interface ApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A file the bot can download through getFile and /file/bot<token>/<path>. */
export interface StoredFile {
  file: File;
  bytes: Uint8Array;
}

/** A message the bot sent, with the files it uploaded (name and bytes). */
export interface SentMessage {
  method: string;
  message: Message;
  params: Record<string, unknown>;
  uploads: { field: string; filename: string; bytes: Uint8Array }[];
}

type Content = Partial<Omit<Message, "message_id" | "date" | "chat" | "from" | "reply_to_message">> & { reply_to_message?: Message };

export class TelegramWorld {
  readonly bot: UserFromGetMe;
  readonly token: string;
  /** Updates not yet confirmed by a getUpdates offset (or a 2xx webhook answer). */
  readonly pending: Update[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly sent: SentMessage[] = [];
  /** Every Bot API call, in order (method and parsed parameters). */
  readonly calls: { method: string; params: Record<string, unknown> }[] = [];
  /** Chats whose user blocked the bot: sends there answer 403. */
  readonly blocked = new Set<number>();
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | null = null;
  readonly #failures = new FailureQueue<ApiError>();
  readonly #messages = new Map<string, Message>();
  readonly #lastMessageId = new Map<number, number>();
  readonly #chats = new Map<number, Chat>();
  readonly #listeners = new Listeners();
  #nextUpdateId = 1;
  #nextFile = 1;

  constructor(token: string, bot: { id: number; username: string; first_name?: string }) {
    this.token = token;
    this.bot = {
      id: bot.id,
      is_bot: true,
      first_name: bot.first_name ?? "Support",
      username: bot.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
    } as UserFromGetMe;
  }

  /* ---------- what a test does ---------- */

  /** A private chat with this person (the chat id is the user id, as on Telegram). */
  privateChat(user: User): Chat.PrivateChat {
    return this.#chat({
      id: user.id,
      type: "private",
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
    }) as Chat.PrivateChat;
  }

  /** A group (negative id) the bot is a member of. */
  group(id: number, title: string): Chat.SupergroupChat {
    return this.#chat({ id, type: "supergroup", title }) as Chat.SupergroupChat;
  }

  /** `user` writes `text` (or other content) in `chat`. Mentions and commands get their entities. */
  say(chat: Chat, user: User, content: string | Content): Message {
    const body: Content = typeof content === "string" ? { text: content } : content;
    const entities = body.text !== undefined && !body.entities ? parseEntities(body.text) : undefined;
    const message = this.#store({
      ...body,
      ...(entities?.length ? { entities } : {}),
      message_id: this.#nextMessageId(chat.id),
      date: now(),
      chat,
      from: user,
    } as Message);
    this.#push({ message } as Update);
    return message;
  }

  /** `user` edits a message they wrote. */
  edit(message: Message, text: string): Message {
    const edited = {
      ...message,
      edit_date: now(),
      ...(message.caption !== undefined ? { caption: text } : { text, entities: parseEntities(text) }),
    } as Message;
    this.#messages.set(key(message.chat.id, message.message_id), edited);
    this.#push({ edited_message: edited } as Update);
    return edited;
  }

  /** `user` shares a phone number: their own (through a request_contact button) unless `owner` says otherwise. */
  shareContact(chat: Chat, user: User, phone: string, owner: User = user): Message {
    return this.say(chat, user, { contact: { phone_number: phone, first_name: owner.first_name, user_id: owner.id } });
  }

  /** Puts a file on the server for a later getFile. */
  addFile(bytes: Uint8Array, path: string): { file_id: string; file_unique_id: string; file_size: number } {
    const n = this.#nextFile++;
    const file: File = { file_id: `file-${n}-${"x".repeat(20)}`, file_unique_id: `uniq${n}`, file_size: bytes.length, file_path: path };
    this.files.set(file.file_id, { file, bytes });
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: bytes.length };
  }

  /** Makes the next calls of `method` fail with these errors, in order; `null` lets that call succeed. */
  failNext(method: string, ...errors: (ApiError | null)[]): void {
    this.#failures.failNext(method, ...errors);
  }

  /** Calls `fn` whenever an update is queued (the server wakes long polls with it). */
  onUpdate(fn: () => void): () => void {
    return this.#listeners.add(fn);
  }

  /** Queues an update again, as Telegram does when a webhook answer or getUpdates confirmation was lost. */
  redeliver(update: { update_id: number; message?: Message; edited_message?: Message }): Update {
    const again = { ...update, update_id: this.#nextUpdateId++ } as Update;
    this.#push(again, false);
    return again;
  }

  /* ---------- what the Bot API methods use ---------- */

  takeFailure(method: string): ApiError | undefined {
    return this.#failures.take(method);
  }

  /** Forgets updates below `offset` (getUpdates' confirmation). */
  confirm(offset: number): void {
    while (this.pending.length > 0 && this.pending[0]!.update_id < offset) this.pending.shift();
  }

  chat(id: number | string): Chat | undefined {
    return this.#chats.get(Number(id));
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.#messages.get(key(chatId, messageId));
  }

  /** Records a message from the bot in `chat` and returns it. */
  botMessage(chat: Chat, content: Content): Message {
    const from: User = { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
    return this.#store({ ...content, message_id: this.#nextMessageId(chat.id), date: now(), chat, from } as Message);
  }

  #chat(chat: Chat): Chat {
    const existing = this.#chats.get(chat.id);
    if (existing) return existing;
    this.#chats.set(chat.id, chat);
    return chat;
  }

  #nextMessageId(chatId: number): number {
    const next = (this.#lastMessageId.get(chatId) ?? 0) + 1;
    this.#lastMessageId.set(chatId, next);
    return next;
  }

  #store(message: Message): Message {
    this.#messages.set(key(message.chat.id, message.message_id), message);
    return message;
  }

  #push(update: Update, assignId = true): void {
    this.pending.push(assignId ? { ...update, update_id: this.#nextUpdateId++ } : update);
    this.#listeners.emit();
  }
}

const now = () => Math.floor(Date.now() / 1000);
const key = (chatId: number, messageId: number) => `${chatId}:${messageId}`;

/** The entities Telegram's servers find in plain text: @mentions and /commands. */
export function parseEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(/(^|\s)(@[A-Za-z0-9_]{5,32}|\/[A-Za-z0-9_]+(@[A-Za-z0-9_]{5,32})?)/g)) {
    const token = match[2]!;
    const offset = match.index + match[1]!.length;
    entities.push({ type: token.startsWith("@") ? "mention" : "bot_command", offset, length: token.length });
  }
  return entities;
}
