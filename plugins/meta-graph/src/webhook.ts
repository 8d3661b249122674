/**
 * A Meta webhook on a Hono (sub-)app: the `GET` verification handshake (`hub.mode=subscribe`,
 * `hub.verify_token`, `hub.challenge`: 200 with the challenge, 403 on a wrong token) and the
 * `POST` deliveries, each checked against X-Hub-Signature-256 over the raw bytes before the JSON is
 * read. Every refusal is a 4xx with a reason; the handler's work is acknowledged only after it
 * resolved (throw to make Meta deliver again).
 */
import { ErrorCodes } from "@switchboard/core";
import type { Context, Hono } from "hono";
import { META_SIGNATURE_HEADER, verifyMetaSignature } from "./signature.ts";

/** The envelope of every Meta webhook POST. `entry` holds `messaging[]` (Messenger, Instagram) or `changes[]` (WhatsApp). */
export interface MetaWebhookPayload<Entry = Record<string, unknown>> {
  /** "page" (Messenger), "instagram", "whatsapp_business_account"… */
  object: string;
  entry: Entry[];
}

export interface MetaWebhookOptions<Entry> {
  /** The token typed into the app's webhook settings ("Verify token"). */
  verifyToken: string;
  /** The app secret (App settings → Basic) that signs every POST. */
  appSecret: string;
  /** The `object` values this webhook takes (others get a 400 that names them), e.g. ["page", "instagram"]. */
  objects: readonly string[];
  /**
   * Handles one verified delivery. Resolve once what it carries is stored: the POST is answered 200
   * after that. Return a Response to answer otherwise (a 422 for a payload core refused). Throw to
   * answer 500, so Meta delivers again.
   */
  handle(payload: MetaWebhookPayload<Entry>, c: Context): Promise<Response | void>;
}

const refuse = (c: Context, status: 400 | 401 | 403, code: string, message: string) => c.json({ error: { code, message } }, status);

/**
 * Mounts `GET /` (verification) and `POST /` (deliveries) of a Meta webhook on `app`.
 *
 * @example
 * mountMetaWebhook(app, {
 *   verifyToken: options.verify_token,
 *   appSecret: options.app_secret,
 *   objects: ["page", "instagram"],
 *   async handle(payload) { for (const entry of payload.entry) await store(entry); },
 * });
 */
export function mountMetaWebhook<Entry = Record<string, unknown>>(app: Hono, options: MetaWebhookOptions<Entry>): void {
  app.get("/", function metaVerification(c) {
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token");
    const challenge = c.req.query("hub.challenge");
    if (mode !== "subscribe" || token === undefined || !challenge)
      return refuse(
        c,
        400,
        ErrorCodes.VALIDATION,
        "This is a Meta webhook: Meta verifies it with GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=….",
      );
    if (token !== options.verifyToken)
      return refuse(
        c,
        403,
        ErrorCodes.FORBIDDEN,
        "hub.verify_token does not match: type the inbox's verify_token option into the app's webhook settings.",
      );
    return c.text(challenge, 200);
  });

  app.post("/", async function metaDelivery(c) {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const check = await verifyMetaSignature(options.appSecret, c.req.header(META_SIGNATURE_HEADER), raw);
    if (!check.ok)
      return refuse(
        c,
        401,
        ErrorCodes.UNAUTHORIZED,
        `${check.reason}. Meta signs with the app secret: check the inbox's app_secret option.`,
      );
    let payload: unknown;
    try {
      payload = await c.req.json();
    } catch (error) {
      return refuse(c, 400, ErrorCodes.VALIDATION, `The body is not JSON (${(error as Error).message}).`);
    }
    const problem = envelopeProblem(payload, options.objects);
    if (problem) return refuse(c, 400, ErrorCodes.VALIDATION, `The body is not a Meta webhook delivery: ${problem}.`);
    const answer = await options.handle(payload as MetaWebhookPayload<Entry>, c);
    return answer ?? c.text("EVENT_RECEIVED", 200);
  });
}

function envelopeProblem(payload: unknown, objects: readonly string[]): string | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return "expected a JSON object";
  const { object, entry } = payload as { object?: unknown; entry?: unknown };
  if (typeof object !== "string") return 'expected a string "object"';
  if (!objects.includes(object)) return `object "${object}" is not one this webhook takes (${objects.join(", ")})`;
  if (!Array.isArray(entry)) return 'expected an "entry" array';
  if (entry.some((e) => typeof e !== "object" || e === null)) return 'every "entry" item must be an object';
  return undefined;
}
