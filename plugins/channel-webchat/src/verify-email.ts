/**
 * `verify_prechat_email`: the email a visitor types into the pre-chat or offline form is only a
 * claim. With this option on, the inbox asks core to have it proved (ctx.conversations.verify, core's
 * verified linking: a code and a one-click link go to the address from an email inbox, and the
 * visitor types the code into the chat). Nothing here knows how: the plugin only says when.
 */
import { describeError } from "@switchboard/core";
import type { WebchatInbox } from "./inbox.ts";

/**
 * Asks core to verify the visitor's form email on `conversationId`, when the inbox's option says so.
 * It runs after the visitor's request is answered and never fails it: a refusal (no email inbox,
 * rate-limited) is logged with core's reason.
 *
 * @example
 * verifyFormEmail(inbox, result.conversationId);
 */
export function verifyFormEmail(inbox: WebchatInbox, conversationId: number): void {
  if (!inbox.options.verify_prechat_email) return;
  inbox.conversations.verify(conversationId, "email").then(
    (verification) => inbox.log.info({ conversationId, verification: verification.id }, "asked the visitor to verify the form's email"),
    (error) => inbox.log.warn({ conversationId, error: describeError(error) }, "could not ask the visitor to verify the form's email"),
  );
}
