/**
 * The fake Discord's state: the bot and its application flags, guilds with text and forum
 * channels, threads, DM channels, every message, what the bot sent and the REST errors a test asks
 * for. Customer actions (`say`, `dm`, `startThread`, `edit`) build real API payloads and hand
 * gateway dispatches (MESSAGE_CREATE, THREAD_CREATE…) to whoever listens (the gateway sessions).
 */
import { FailureQueue, Listeners } from "@switchboard/core/testing";
import {
  type APIAttachment,
  type APIChannel,
  type APIEmbed,
  type APIGuild,
  type APIMessage,
  type APIUser,
  ApplicationFlags,
  ChannelType,
  MessageType,
} from "discord-api-types/v10";

/** A REST error as Discord sends it: status, JSON body, headers. */
export interface RestError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface FakeGuild {
  id: string;
  name: string;
  channels: APIChannel[];
  threads: APIChannel[];
}

export type Dispatch = { t: string; d: unknown };

const DISCORD_EPOCH = 1_420_070_400_000n;

export class DiscordWorld {
  readonly token: string;
  readonly bot: APIUser;
  /** The application's flags: without a message content flag, IDENTIFY with MessageContent is closed with 4014. */
  applicationFlags: number;
  readonly applicationId: string;
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, APIChannel>();
  readonly messages = new Map<string, APIMessage>();
  /** Every message the bot POSTed, with its uploaded files. */
  readonly sent: { channelId: string; body: Record<string, unknown>; files: { name: string; bytes: Uint8Array }[]; message: APIMessage }[] =
    [];
  /** Every REST call: method, path (after /api/v10) and JSON body. */
  readonly calls: { method: string; path: string; body: unknown }[] = [];
  /** Files served at /attachments/<id>/<name>, as Discord's CDN would. */
  readonly cdn = new Map<string, { bytes: Uint8Array; contentType: string }>();
  /** Users who do not accept DMs from the bot (403, code 50007). */
  readonly closedDms = new Set<string>();
  readonly joinedThreads = new Set<string>();
  readonly #failures = new FailureQueue<RestError>((route, call) => call.startsWith(route));
  readonly #listeners = new Listeners<Dispatch>();
  #sequence = 0n;
  /** Set by the server once it knows its port: the base of CDN URLs. */
  baseUrl = "";

  constructor(token: string, options: { messageContent: boolean }) {
    this.token = token;
    this.applicationId = this.snowflake();
    this.bot = { id: this.applicationId, username: "Switchboard", discriminator: "0", global_name: null, avatar: null, bot: true };
    this.applicationFlags = options.messageContent ? ApplicationFlags.GatewayMessageContentLimited : 0;
  }

  snowflake(): string {
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (this.#sequence++ & 0xfffn));
  }

  /* ---------- what a test does ---------- */

  user(username: string, globalName?: string): APIUser {
    return { id: this.snowflake(), username, discriminator: "0", global_name: globalName ?? null, avatar: null };
  }

  /** A guild the bot is in, with one text and one forum channel. Sends GUILD_CREATE to connected sessions. */
  guild(name: string): { guild: FakeGuild; text: APIChannel; forum: APIChannel } {
    const id = this.snowflake();
    const text = {
      id: this.snowflake(),
      type: ChannelType.GuildText,
      guild_id: id,
      name: "support",
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
    } as APIChannel;
    const forum = {
      id: this.snowflake(),
      type: ChannelType.GuildForum,
      guild_id: id,
      name: "help-forum",
      position: 1,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      available_tags: [],
      default_reaction_emoji: null,
      default_sort_order: null,
      default_forum_layout: 0,
      flags: 0,
    } as unknown as APIChannel;
    const guild: FakeGuild = { id, name, channels: [text, forum], threads: [] };
    this.guilds.set(id, guild);
    this.channels.set(text.id, text);
    this.channels.set(forum.id, forum);
    this.#emit({ t: "GUILD_CREATE", d: this.guildPayload(guild) });
    return { guild, text, forum };
  }

  /** `owner` opens a thread in a text or forum channel (a forum post starts with `firstMessage`). */
  startThread(parent: APIChannel, owner: APIUser, name: string, firstMessage?: string): { thread: APIChannel; message?: APIMessage } {
    const guildId = (parent as { guild_id: string }).guild_id;
    const id = this.snowflake();
    const thread = {
      id,
      type: ChannelType.PublicThread,
      guild_id: guildId,
      parent_id: parent.id,
      owner_id: owner.id,
      name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      total_message_sent: 0,
      flags: 0,
      applied_tags: [],
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    } as unknown as APIChannel;
    this.guilds.get(guildId)!.threads.push(thread);
    this.channels.set(id, thread);
    this.#emit({ t: "THREAD_CREATE", d: { ...thread, newly_created: true } });
    // A forum post's first message has the thread's id.
    const message = firstMessage === undefined ? undefined : this.say(thread, owner, firstMessage, id);
    return { thread, ...(message ? { message } : {}) };
  }

  /** `author` writes in a guild channel or thread. */
  say(
    channel: APIChannel,
    author: APIUser,
    content: string | { content?: string; attachments?: APIAttachment[]; embeds?: APIEmbed[] },
    id = this.snowflake(),
  ): APIMessage {
    const body = typeof content === "string" ? { content } : content;
    const guildId = (channel as { guild_id?: string }).guild_id;
    const message = this.#message(id, channel.id, author, body, guildId);
    const member = guildId ? { member: { roles: [], joined_at: message.timestamp, deaf: false, mute: false, flags: 0 } } : {};
    this.#emit({ t: "MESSAGE_CREATE", d: { ...message, ...this.#where(channel.id), ...member } });
    return message;
  }

  /** `author` writes to the bot in their DM channel (created on first use). */
  dm(author: APIUser, content: string | { content?: string; attachments?: APIAttachment[]; embeds?: APIEmbed[] }): APIMessage {
    return this.say(this.dmChannel(author), author, content);
  }

  /** `message`'s author edits it. */
  edit(message: APIMessage, content: string): APIMessage {
    const edited = { ...message, content, edited_timestamp: new Date().toISOString() };
    this.messages.set(message.id, edited);
    this.#emit({ t: "MESSAGE_UPDATE", d: { ...edited, ...this.#where(message.channel_id) } });
    return edited;
  }

  /** A file on the fake CDN, as an attachment object for `say`. */
  attachment(filename: string, contentType: string, bytes: Uint8Array): APIAttachment {
    const id = this.snowflake();
    this.cdn.set(`${id}/${filename}`, { bytes, contentType });
    const url = `${this.baseUrl}/attachments/${id}/${encodeURIComponent(filename)}`;
    return { id, filename, size: bytes.length, url, proxy_url: url, content_type: contentType };
  }

  /** Makes the next REST calls whose "METHOD /path" starts with `route` fail, in order. */
  failNext(route: string, ...errors: RestError[]): void {
    this.#failures.failNext(route, ...errors);
  }

  /** A 429 as Discord sends it: retry_after in the body (seconds, float) and rate limit headers. */
  static rateLimited(retryAfterSeconds: number): RestError {
    return {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
      headers: {
        "Retry-After": String(Math.ceil(retryAfterSeconds)),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": String(retryAfterSeconds),
        "X-RateLimit-Bucket": "fake-bucket-messages",
        "X-RateLimit-Scope": "user",
      },
    };
  }

  onDispatch(fn: (dispatch: Dispatch) => void): () => void {
    return this.#listeners.add(fn);
  }

  /* ---------- what the REST API and gateway use ---------- */

  takeFailure(method: string, path: string): RestError | undefined {
    return this.#failures.take(`${method} ${path}`);
  }

  dmChannel(user: APIUser): APIChannel {
    const existing = [...this.channels.values()].find(
      (c) => c.type === ChannelType.DM && (c as { recipients?: APIUser[] }).recipients?.[0]?.id === user.id,
    );
    if (existing) return existing;
    const channel = { id: this.snowflake(), type: ChannelType.DM, recipients: [user], last_message_id: null } as unknown as APIChannel;
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A message the bot posted (REST); it comes back over the gateway too, as on Discord. */
  botMessage(
    channel: APIChannel,
    body: { content?: string; attachments?: APIAttachment[]; message_reference?: { message_id: string } },
  ): APIMessage {
    const message = this.#message(this.snowflake(), channel.id, this.bot, body, (channel as { guild_id?: string }).guild_id);
    this.#emit({ t: "MESSAGE_CREATE", d: { ...message, ...this.#where(channel.id) } });
    return message;
  }

  guildPayload(guild: FakeGuild): APIGuild & Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.snowflake(),
      afk_channel_id: null,
      afk_timeout: 60,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      preferred_locale: "en-US",
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      application_id: null,
      hub_type: null,
      incidents_data: null,
      features: [],
      emojis: [],
      stickers: [],
      roles: [
        {
          id: guild.id,
          name: "@everyone",
          color: 0,
          colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
          hoist: false,
          icon: null,
          unicode_emoji: null,
          position: 0,
          permissions: "1071698660929",
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 3,
      voice_states: [],
      members: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      channels: guild.channels,
      threads: guild.threads,
    } as unknown as APIGuild & Record<string, unknown>;
  }

  #message(
    id: string,
    channelId: string,
    author: APIUser,
    body: { content?: string; attachments?: APIAttachment[]; embeds?: APIEmbed[]; message_reference?: { message_id: string } },
    guildId: string | undefined,
  ): APIMessage {
    const reference = body.message_reference
      ? {
          message_reference: {
            message_id: body.message_reference.message_id,
            channel_id: channelId,
            ...(guildId ? { guild_id: guildId } : {}),
          },
        }
      : {};
    const message = {
      id,
      channel_id: channelId,
      author,
      content: body.content ?? "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: body.attachments ?? [],
      embeds: body.embeds ?? [],
      pinned: false,
      type: body.message_reference ? MessageType.Reply : MessageType.Default,
      flags: 0,
      ...reference,
    } as unknown as APIMessage;
    this.messages.set(id, message);
    const channel = this.channels.get(channelId);
    if (channel) (channel as { last_message_id?: string }).last_message_id = id;
    return message;
  }

  /** The guild_id and channel_type that message dispatches carry. */
  #where(channelId: string): { guild_id?: string; channel_type?: number } {
    const channel = this.channels.get(channelId) as { guild_id?: string; type: number } | undefined;
    if (!channel) return {};
    return { channel_type: channel.type, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) };
  }

  #emit(dispatch: Dispatch): void {
    this.#listeners.emit(dispatch);
  }
}
