/**
 * The fake Telegram Bot API over HTTP on 127.0.0.1: `POST|GET /bot<token>/<method>` with JSON,
 * form or multipart parameters, getUpdates with offset confirmation and long polling (a newer
 * poll ends an older one with 409, as on Telegram), `GET /file/bot<token>/<path>` downloads, and
 * webhook delivery with the X-Telegram-Bot-Api-Secret-Token header.
 */
import { readForm, serveLoopback } from "@switchboard/core/testing";
import type { Update } from "grammy/types";
import { callMethod, type MethodResult, type Params, type Upload } from "./methods.ts";
import { TelegramWorld } from "./world.ts";

export interface FakeTelegramOptions {
  token?: string;
  bot?: { id: number; username: string; first_name?: string };
}

export interface FakeTelegram {
  world: TelegramWorld;
  /** The apiRoot to give grammy (no trailing slash). */
  apiRoot: string;
  token: string;
  /** POSTs pending updates to the webhook, as Telegram does; confirmed (removed) on a 2xx. Returns the HTTP statuses. */
  deliverWebhook(options?: { secret?: string }): Promise<number[]>;
  /** POSTs any body to the webhook (the registered secret unless `secret` is given), as a broken sender would. */
  postWebhook(body: string, options?: { secret?: string }): Promise<{ status: number; text: string }>;
  /** Resolves once a getUpdates call is waiting (the adapter is polling). */
  waitForPoll(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_TOKEN = "123456789:AAFakeTokenForSwitchboardTests_0123456";

/**
 * Starts a fake Telegram Bot API on a free loopback port.
 *
 * @example
 * const telegram = await startFakeTelegram();
 * const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
 * telegram.world.say(telegram.world.privateChat(ada), ada, "Hello");
 */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? DEFAULT_TOKEN;
  const world = new TelegramWorld(token, options.bot ?? { id: 900_000_001, username: "switchboard_test_bot" });
  const polls = new Set<{ resolve: (r: Response) => void; cleanup: () => void }>();
  const pollWaiters = new Set<() => void>();

  const server = serveLoopback(async (request) => {
    const url = new URL(request.url);
    const file = url.pathname.match(/^\/file\/bot([^/]+)\/(.+)$/);
    if (file) return download(world, file[1]!, decodeURIComponent(file[2]!));
    const api = url.pathname.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!api) return json({ ok: false, error_code: 404, description: "Not Found" });
    if (api[1] !== token) return json({ ok: false, error_code: 401, description: "Unauthorized" });
    const { params, uploads } = await readParams(request, url);
    const method = api[2]!;
    world.calls.push({ method, params });
    if (method === "getUpdates") return getUpdates(params, request.signal);
    return json(callMethod(world, method, params, uploads));
  });

  function getUpdates(params: Params, signal: AbortSignal): Response | Promise<Response> {
    const injected = world.takeFailure("getUpdates");
    if (injected) return json({ ok: false, ...injected });
    if (world.webhook)
      return json({
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    for (const older of polls)
      older.resolve(
        json({
          ok: false,
          error_code: 409,
          description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        }),
      );
    if (typeof params.offset === "number") world.confirm(params.offset);
    const limit = typeof params.limit === "number" ? params.limit : 100;
    const allowed =
      Array.isArray(params.allowed_updates) && params.allowed_updates.length > 0 ? (params.allowed_updates as string[]) : undefined;
    const ready = () => world.pending.filter((u) => !allowed || Object.keys(u).some((k) => allowed.includes(k))).slice(0, limit);
    const timeout = typeof params.timeout === "number" ? params.timeout : 0;
    if (ready().length > 0 || timeout <= 0) return json({ ok: true, result: ready() });
    return new Promise<Response>((resolve) => {
      const poll = {
        resolve: (response: Response) => {
          poll.cleanup();
          resolve(response);
        },
        cleanup: () => {
          polls.delete(poll);
          clearTimeout(timer);
          unsubscribe();
        },
      };
      const timer = setTimeout(() => poll.resolve(json({ ok: true, result: [] })), timeout * 1000);
      const unsubscribe = world.onUpdate(() => {
        if (ready().length > 0) poll.resolve(json({ ok: true, result: ready() }));
      });
      signal.addEventListener("abort", () => poll.cleanup(), { once: true });
      polls.add(poll);
      for (const wake of pollWaiters) wake();
    });
  }

  const apiRoot = server.url;
  return {
    world,
    apiRoot,
    token,
    async deliverWebhook({ secret } = {}) {
      const hook = world.webhook;
      if (!hook) throw new Error("No webhook is set: the adapter never called setWebhook.");
      const statuses: number[] = [];
      for (const update of [...world.pending]) {
        const response = await fetch(hook.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            ...((secret ?? hook.secret_token) ? { "X-Telegram-Bot-Api-Secret-Token": secret ?? hook.secret_token! } : {}),
          },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        statuses.push(response.status);
        if (response.ok) world.pending.splice(world.pending.indexOf(update as Update), 1);
      }
      return statuses;
    },
    async postWebhook(body, { secret } = {}) {
      const hook = world.webhook;
      if (!hook) throw new Error("No webhook is set: the adapter never called setWebhook.");
      const token = secret ?? hook.secret_token;
      const response = await fetch(hook.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token ? { "X-Telegram-Bot-Api-Secret-Token": token } : {}) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, text: await response.text() };
    },
    waitForPoll(timeoutMs = 5000) {
      if (polls.size > 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No getUpdates call arrived within ${timeoutMs} ms`)), timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          pollWaiters.delete(wake);
          resolve();
        };
        pollWaiters.add(wake);
      });
    },
    async stop() {
      for (const poll of polls) poll.resolve(json({ ok: true, result: [] }));
      await server.stop();
    },
  };
}

function json(body: MethodResult | Record<string, unknown>): Response {
  const status = body.ok === false && typeof body.error_code === "number" ? body.error_code : 200;
  return Response.json(body, { status });
}

function download(world: TelegramWorld, token: string, path: string): Response {
  if (token !== world.token) return new Response("Unauthorized", { status: 401 });
  for (const { file, bytes } of world.files.values()) {
    if (file.file_path === path)
      return new Response(Buffer.from(bytes), {
        headers: { "Content-Length": String(bytes.length), "Content-Type": "application/octet-stream" },
      });
  }
  return new Response("Not Found", { status: 404 });
}

/** Reads Bot API parameters from the query string and a JSON, urlencoded or multipart body. */
async function readParams(request: Request, url: URL): Promise<{ params: Params; uploads: Map<string, Upload> }> {
  const params: Params = {};
  const uploads = new Map<string, Upload>();
  for (const [k, v] of url.searchParams) params[k] = decodeValue(v);
  const type = request.headers.get("content-type") ?? "";
  if (request.method !== "POST") return { params, uploads };
  if (type.includes("application/json")) {
    const text = await request.text();
    if (text) Object.assign(params, JSON.parse(text) as Params);
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const { fields, files } = await readForm(request);
    for (const [k, v] of Object.entries(fields)) params[k] = decodeValue(v);
    for (const file of files) uploads.set(file.field, { filename: file.name, bytes: file.bytes });
  }
  return { params, uploads };
}

/** Form values arrive as strings; Telegram reads numbers, booleans and JSON-serialised objects from them. */
function decodeValue(value: string): unknown {
  if (/^-?\d+$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value; // Text that merely starts with a bracket, as Telegram reads it.
    }
  }
  return value;
}
