/**
 * Webhook mode: Telegram POSTs each update to `/webhooks/<inbox>`. grammY's webhookCallback checks
 * X-Telegram-Bot-Api-Secret-Token and answers only after `handle` resolved, so an update is
 * acknowledged once stored; a failure answers 500 and Telegram delivers it again. Our adapter for
 * it gives every refusal a reason: a wrong secret is a 401 that names the header and the option, a
 * body that is no Telegram update (empty, not JSON, no update_id) a 400 that says what is wrong.
 */

import { ErrorCodes } from "@switchboard/core";
import { type Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { parseUpdate } from "./update-shape.ts";

const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** The update in the request's body, or a 400 that says why the body is no Telegram update. */
async function readUpdate(c: Context): Promise<Update> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch (error) {
    throw notAnUpdate(`the body is not JSON (${(error as Error).message})`);
  }
  const parsed = parseUpdate(json);
  if ("problem" in parsed) throw notAnUpdate(parsed.problem);
  return parsed.update;
}

const notAnUpdate = (problem: string) =>
  new HTTPException(400, {
    message: `The body is not a Telegram update: ${problem}. Telegram sends a JSON object with an integer update_id; only Telegram should call this URL.`,
  });

/** grammY's framework adapter for Hono, with reasons in the refusals. */
function honoWithReasons(c: Context) {
  let answer!: (response: Response) => void;
  return {
    get update() {
      return readUpdate(c);
    },
    header: c.req.header(SECRET_HEADER),
    end: () => answer(c.body("")),
    respond: (json: string) => answer(c.json(json)),
    unauthorized: () =>
      answer(
        c.json(
          {
            error: {
              code: ErrorCodes.UNAUTHORIZED,
              message: `The ${SECRET_HEADER} header is missing or wrong. Telegram sends the secret registered with setWebhook: options.webhook_secret of this inbox.`,
            },
          },
          401,
        ),
      ),
    handlerReturn: new Promise<Response>((resolve) => (answer = resolve)),
  };
}

/**
 * Mounts the webhook route on the inbox's sub-app.
 *
 * @example
 * mountWebhook(app, bot, options.webhook_secret, (update) => store(update));
 */
export function mountWebhook(app: Hono, bot: Bot, secret: string, handle: (update: Update) => Promise<void>): void {
  bot.use(async function storeUpdate(ctx) {
    await handle(ctx.update);
  });
  app.post("/", webhookCallback(bot, honoWithReasons, { secretToken: secret, onTimeout: "throw", timeoutMilliseconds: 50_000 }));
}
