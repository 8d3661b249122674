/**
 * The fake Discord REST API (`/api/v10`): GET /gateway/bot (the fake gateway's URL), GET
 * /applications/@me and /users/@me, POST /users/@me/channels (open a DM), GET /channels/:id and
 * its /messages?after=…, POST /channels/:id/messages (JSON or multipart with payload_json and
 * files[n]), PUT /channels/:id/thread-members/@me, and the CDN at /attachments/…. Errors use
 * Discord's codes (10003 Unknown Channel, 50007 Cannot send messages to this user, 50035 Invalid
 * Form Body); a test can queue any error, such as a 429 with retry_after and rate limit headers.
 */
import { readForm } from "@switchboard/core/testing";
import { type APIChannel, type APIUser, ChannelType } from "discord-api-types/v10";
import type { DiscordWorld, RestError } from "./world.ts";

const CONTENT_LIMIT = 2000;

const error = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): RestError => ({
  status,
  body: { message, code, ...extra },
});
const reply = (e: RestError) => Response.json(e.body, { status: e.status, ...(e.headers ? { headers: e.headers } : {}) });

/** Answers one REST request, or undefined when the path is not REST or CDN. */
export async function handleRest(world: DiscordWorld, request: Request, gatewayUrl: string): Promise<Response | undefined> {
  const url = new URL(request.url);
  const cdn = url.pathname.match(/^\/attachments\/(\d+)\/(.+)$/);
  if (cdn) {
    const file = world.cdn.get(`${cdn[1]}/${decodeURIComponent(cdn[2]!)}`);
    return file
      ? new Response(Buffer.from(file.bytes), { headers: { "Content-Type": file.contentType } })
      : new Response("Not Found", { status: 404 });
  }
  const match = url.pathname.match(/^\/api\/v10(\/.*)$/);
  if (!match) return undefined;
  const path = decodeURIComponent(match[1]!);
  if (request.headers.get("authorization") !== `Bot ${world.token}`) return reply(error(401, 0, "401: Unauthorized"));
  const { body, files } = await readBody(request);
  world.calls.push({ method: request.method, path, body });
  const injected = world.takeFailure(request.method, path);
  if (injected) return reply(injected);
  const ok = (data: unknown, status = 200) =>
    status === 204
      ? new Response(null, { status })
      : Response.json(data, {
          status,
          headers: {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset-After": "5",
            "X-RateLimit-Bucket": "fake-bucket-messages",
          },
        });

  const route = `${request.method} ${path.replace(/\d{5,}/g, ":id")}`;
  switch (route) {
    case "GET /gateway/bot":
      return ok({ url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    case "GET /applications/@me":
      return ok({
        id: world.applicationId,
        name: "Switchboard",
        icon: null,
        description: "",
        bot_public: false,
        bot_require_code_grant: false,
        verify_key: "0",
        flags: world.applicationFlags,
        bot: world.bot,
      });
    case "GET /users/@me":
      return ok(world.bot);
    case "POST /users/@me/channels": {
      const recipient = (body as { recipient_id?: string }).recipient_id ?? "";
      const user = findUser(world, recipient);
      return user ? ok(world.dmChannel(user)) : reply(error(400, 50033, "Invalid Recipient(s)"));
    }
    case "PUT /channels/:id/thread-members/@me": {
      const id = path.split("/")[2]!;
      if (!world.channels.has(id)) return reply(error(404, 10003, "Unknown Channel"));
      world.joinedThreads.add(id);
      return ok(null, 204);
    }
    case "POST /channels/:id/messages":
      return postMessage(world, path.split("/")[2]!, body as Record<string, unknown>, files, ok);
    case "GET /channels/:id/messages": {
      const id = path.split("/")[2]!;
      if (!world.channels.has(id)) return reply(error(404, 10003, "Unknown Channel"));
      const after = BigInt(url.searchParams.get("after") ?? "0");
      const limit = Number(url.searchParams.get("limit") ?? "50");
      const newer = [...world.messages.values()]
        .filter((m) => m.channel_id === id && BigInt(m.id) > after)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      return ok(newer.slice(0, limit).reverse());
    }
    case "GET /channels/:id": {
      const channel = world.channels.get(path.split("/")[2]!);
      return channel ? ok(channel) : reply(error(404, 10003, "Unknown Channel"));
    }
    default:
      return reply(error(404, 0, "404: Not Found"));
  }
}

function postMessage(
  world: DiscordWorld,
  channelId: string,
  body: Record<string, unknown>,
  files: { name: string; bytes: Uint8Array; contentType: string }[],
  ok: (data: unknown) => Response,
): Response {
  const channel = world.channels.get(channelId);
  if (!channel) return reply(error(404, 10003, "Unknown Channel"));
  if (channel.type === ChannelType.DM && world.closedDms.has((channel as { recipients: APIUser[] }).recipients[0]!.id))
    return reply(error(403, 50007, "Cannot send messages to this user"));
  const content = typeof body.content === "string" ? body.content : "";
  if (content.length > CONTENT_LIMIT) {
    return reply(
      error(400, 50035, "Invalid Form Body", {
        errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${CONTENT_LIMIT} or fewer in length.` }] } },
      }),
    );
  }
  if (content === "" && files.length === 0) return reply(error(400, 50006, "Cannot send an empty message"));
  const attachments = files.map((f) => world.attachment(f.name, f.contentType, f.bytes));
  const reference = body.message_reference as { message_id: string } | undefined;
  const message = world.botMessage(channel as APIChannel, { content, attachments, ...(reference ? { message_reference: reference } : {}) });
  world.sent.push({ channelId, body, files: files.map(({ name, bytes }) => ({ name, bytes })), message });
  return ok(message);
}

function findUser(world: DiscordWorld, id: string): APIUser | undefined {
  for (const message of world.messages.values()) if (message.author.id === id) return message.author;
  return undefined;
}

/** JSON, or multipart with `payload_json` and `files[n]` parts, as discord.js sends them. */
async function readBody(request: Request): Promise<{ body: unknown; files: { name: string; bytes: Uint8Array; contentType: string }[] }> {
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) return { body: await request.json(), files: [] };
  if (!type.includes("multipart/form-data")) return { body: undefined, files: [] };
  const { fields, files } = await readForm(request);
  const payload = fields.payload_json;
  return { body: payload !== undefined ? JSON.parse(payload) : {}, files: files.filter((f) => f.field.startsWith("files[")) };
}
