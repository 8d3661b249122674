/**
 * The fake Telegram's Bot API methods: each takes the parsed parameters and answers a result or an
 * ApiError with Telegram's own codes and descriptions (400 chat not found, 403 blocked, 400 message
 * is too long, 409 conflict with a webhook…). getUpdates' waiting lives in server.ts.
 */
import type { Chat, Message, ReplyParameters } from "grammy/types";
import type { ApiError, SentMessage, TelegramWorld } from "./world.ts";

export type Params = Record<string, unknown>;
export type Upload = { filename: string; bytes: Uint8Array };
export type MethodResult = { ok: true; result: unknown } | ({ ok: false } & ApiError);

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const GET_FILE_LIMIT = 20 * 1024 * 1024;

const fail = (error_code: number, description: string, parameters?: ApiError["parameters"]): MethodResult => ({
  ok: false,
  error_code,
  description,
  ...(parameters ? { parameters } : {}),
});
const ok = (result: unknown): MethodResult => ({ ok: true, result });

/** Runs one Bot API method (not getUpdates' wait). `uploads` are the multipart files by part name. */
export function callMethod(world: TelegramWorld, method: string, params: Params, uploads: Map<string, Upload>): MethodResult {
  const injected = world.takeFailure(method);
  if (injected) return { ok: false, ...injected };
  switch (method) {
    case "getMe":
      return ok(world.bot);
    case "setWebhook":
      return setWebhook(world, params);
    case "deleteWebhook":
      world.webhook = null;
      if (params.drop_pending_updates === true) world.pending.splice(0);
      return ok(true);
    case "getWebhookInfo":
      return ok({
        url: world.webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: world.pending.length,
        ...(world.webhook?.allowed_updates ? { allowed_updates: world.webhook.allowed_updates } : {}),
      });
    case "getFile":
      return getFile(world, params);
    case "sendMessage":
      return send(world, method, params, uploads);
    case "sendPhoto":
    case "sendDocument":
      return send(world, method, params, uploads);
    default:
      return fail(404, "Not Found");
  }
}

function setWebhook(world: TelegramWorld, params: Params): MethodResult {
  const url = String(params.url ?? "");
  if (url === "") {
    world.webhook = null;
    return ok(true);
  }
  // Real Telegram demands HTTPS on ports 443, 80, 88 or 8443; the fake accepts loopback HTTP so tests can receive it.
  if (!/^https?:\/\//.test(url)) return fail(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
  const secret = params.secret_token === undefined ? undefined : String(params.secret_token);
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    return fail(400, "Bad Request: secret token contains unallowed characters");
  world.webhook = {
    url,
    ...(secret ? { secret_token: secret } : {}),
    ...(Array.isArray(params.allowed_updates) ? { allowed_updates: params.allowed_updates as string[] } : {}),
  };
  if (params.drop_pending_updates === true) world.pending.splice(0);
  return ok(true);
}

function getFile(world: TelegramWorld, params: Params): MethodResult {
  const stored = world.files.get(String(params.file_id ?? ""));
  if (!stored) return fail(400, "Bad Request: invalid file_id");
  if (stored.bytes.length > GET_FILE_LIMIT) return fail(400, "Bad Request: file is too big");
  return ok(stored.file);
}

function send(world: TelegramWorld, method: string, params: Params, uploads: Map<string, Upload>): MethodResult {
  const chat = world.chat(params.chat_id as number);
  if (!chat) return fail(400, "Bad Request: chat not found");
  if (world.blocked.has(chat.id)) return fail(403, "Forbidden: bot was blocked by the user");
  const reply = params.reply_parameters as ReplyParameters | undefined;
  const replyTo = reply ? world.message(chat.id, Number(reply.message_id)) : undefined;
  if (reply && !replyTo && !reply.allow_sending_without_reply) return fail(400, "Bad Request: message to be replied not found");
  const common = {
    ...(replyTo ? { reply_to_message: replyTo } : {}),
    ...(params.message_thread_id ? { message_thread_id: Number(params.message_thread_id), is_topic_message: true } : {}),
  };

  if (method === "sendMessage") {
    const text = String(params.text ?? "");
    if (text.trim() === "") return fail(400, "Bad Request: message text is empty");
    if (text.length > TEXT_LIMIT) return fail(400, "Bad Request: message is too long");
    return record(world, chat, { method, params, uploads: [] }, { ...common, text });
  }
  const field = method === "sendPhoto" ? "photo" : "document";
  const caption = params.caption === undefined ? undefined : String(params.caption);
  if (caption && caption.length > CAPTION_LIMIT) return fail(400, "Bad Request: message caption is too long");
  const file = resolveFile(world, params[field], uploads);
  if ("error_code" in file) return { ok: false, ...file };
  const stored = world.addFile(file.bytes, `${field === "photo" ? "photos" : "documents"}/${file.filename}`);
  const media =
    field === "photo" ? { photo: [{ ...stored, width: 320, height: 240 }] } : { document: { ...stored, file_name: file.filename } };
  return record(
    world,
    chat,
    { method, params, uploads: file.uploaded ? [{ field, filename: file.filename, bytes: file.bytes }] : [] },
    { ...common, ...media, ...(caption ? { caption } : {}) },
  );
}

/** A file parameter: `attach://<part>` (an upload), a URL (Telegram would fetch it) or a known file_id. */
function resolveFile(world: TelegramWorld, value: unknown, uploads: Map<string, Upload>): (Upload & { uploaded: boolean }) | ApiError {
  const ref = String(value ?? "");
  if (ref.startsWith("attach://")) {
    const upload = uploads.get(ref.slice("attach://".length));
    return upload ? { ...upload, uploaded: true } : { error_code: 400, description: "Bad Request: file must be non-empty" };
  }
  if (/^https?:\/\//.test(ref))
    return { filename: ref.split("/").pop() || "file", bytes: new TextEncoder().encode(`fetched from ${ref}`), uploaded: false };
  const known = world.files.get(ref);
  return known
    ? { filename: known.file.file_path ?? "file", bytes: known.bytes, uploaded: false }
    : { error_code: 400, description: "Bad Request: wrong remote file identifier specified" };
}

function record(world: TelegramWorld, chat: Chat, sent: Omit<SentMessage, "message">, content: Record<string, unknown>): MethodResult {
  const message = world.botMessage(chat, content as Partial<Message>);
  world.sent.push({ ...sent, message });
  return ok(message);
}
