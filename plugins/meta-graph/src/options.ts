/**
 * The inbox options every Meta channel shares (zod shapes to spread into a channel's own schema):
 * the app secret and verify token of the webhook, and the Graph API's URL and version. The
 * messages say the fix.
 */
import { z } from "zod";

/**
 * `app_secret`, `verify_token`, `graph_url` (no trailing slash) and `graph_version`.
 *
 * @example
 * const options = z.object({ ...metaAppOptions, phone_number_id: z.string() }).strict();
 */
export const metaAppOptions = {
  /** The app secret (App settings → Basic) that signs every webhook POST. */
  app_secret: z.string().min(8, { message: 'expected the app secret (write app_secret = "${META_APP_SECRET}")' }),
  /** The verify token typed into the app's webhook settings. */
  verify_token: z
    .string()
    .min(8, { message: "choose a verify token of at least 8 characters and type the same into Meta's webhook settings" }),
  /** The Graph API server: Meta's, "https://graph.instagram.com" for Instagram Login tokens, or a test fake. */
  graph_url: z
    .url({ message: 'expected a URL such as "https://graph.facebook.com"' })
    .default("https://graph.facebook.com")
    .transform((url) => url.replace(/\/+$/, "")),
  /** The Graph API version in every path. */
  graph_version: z
    .string()
    .regex(/^v\d+\.\d+$/, { message: 'expected a version like "v23.0"' })
    .default("v23.0"),
};
