/**
 * @switchboard/channel-email: the email channel. Inbound from an IMAP mailbox (imapflow, IDLE)
 * and/or an embedded SMTP server (smtp-server); parsed with mailparser; threaded by
 * In-Reply-To/References with a subject fallback; replies sent through an SMTP relay (nodemailer),
 * also to contacts who only left an email address on another channel (`reachesBy: ["email"]`).
 * Every option is documented in README.md.
 *
 * Config:
 *   [plugins.email]
 *   package = "@switchboard/channel-email"
 *   [inboxes.support]
 *   plugin = "email"
 *   [inboxes.support.options]
 *   address = "support@acme.com"
 *   name = "Acme Support"
 *   [inboxes.support.options.imap]
 *   host = "imap.acme.com"
 *   user = "support@acme.com"
 *   password = "${SUPPORT_IMAP_PASSWORD}"
 *   [inboxes.support.options.smtp]
 *   host = "smtp.acme.com"
 *   user = "support@acme.com"
 *   password = "${SUPPORT_SMTP_PASSWORD}"
 */
import { definePlugin } from "@switchboard/core";
import { createEmailAdapter, type EmailInboxes } from "./adapter.ts";
import { emailInboxOptions } from "./options.ts";
import { createThreadHook } from "./threading/hook.ts";
import { createIdentifyHook } from "./threading/identify.ts";

export { type EmailInboxOptions, emailInboxOptions } from "./options.ts";
export { type ParsedEmail, parseEmail } from "./parse/parse.ts";

export default definePlugin({
  name: "channel-email",
  version: "0.1.0",
  core: "^1.1.0",
  setup(ctx) {
    const inboxes: EmailInboxes = new Map();
    ctx.channel("email", {
      family: "email",
      options: emailInboxOptions,
      create: (inbox) => createEmailAdapter(inbox, inboxes),
    });
    ctx.identify(createIdentifyHook(inboxes));
    ctx.thread(createThreadHook(inboxes, ctx.conversations));
  },
});
