/**
 * The options of one Messenger page or Instagram account inbox (`[inboxes.<name>.options]`),
 * checked by zod; the messages say the fix. One Meta app can serve several pages and accounts:
 * give each its own inbox with the same app_secret and verify_token.
 */
import { metaAppOptions } from "@switchboard/meta-graph";
import { z } from "zod";

export const metaInboxOptions = z
  .object({
    ...metaAppOptions,
    /** The Facebook Page id (Messenger) or the Instagram professional account id (Instagram): `entry[].id` in webhooks. */
    account_id: z
      .string()
      .regex(/^\d{5,25}$/, { message: "expected the numeric page or Instagram account id (Meta Business Suite → Settings)" }),
    /** The page access token (Messenger, and Instagram through Facebook Login) or the Instagram user token. */
    access_token: z.string().min(8, { message: 'expected the page access token (write access_token = "${META_PAGE_TOKEN}")' }),
    /** The app's id: echoes carrying it were sent by Switchboard and are not stored twice. */
    app_id: z.string().regex(/^\d+$/, { message: "expected the numeric app id (App settings → Basic)" }).optional(),
    /**
     * After the 24-hour window, reply for 7 days with the HUMAN_AGENT tag. Needs the "Human Agent"
     * permission from Meta's app review; off by default.
     */
    human_agent_tag: z.boolean().default(false),
    /** Media larger than this (bytes) is listed but not downloaded. */
    max_file_bytes: z
      .number()
      .int()
      .nonnegative()
      .default(25 * 1024 * 1024),
  })
  .strict();

export type MetaOptions = z.output<typeof metaInboxOptions>;

/** The two channel kinds this plugin registers. */
export type MetaKind = "messenger" | "instagram";

/** What is different between the kinds. */
export const KINDS: Record<MetaKind, { object: string; network: string; maxText: number; profileFields: string[] }> = {
  messenger: { object: "page", network: "Messenger", maxText: 2000, profileFields: ["first_name", "last_name", "profile_pic"] },
  instagram: { object: "instagram", network: "Instagram", maxText: 1000, profileFields: ["name", "username", "profile_pic"] },
};
