/**
 * Sends agent replies through the inbox's SMTP relay (nodemailer) and records each sent
 * Message-ID in the threading index (with the contact and address it went to), so the customer's
 * answer threads back and is known to come from that contact's mailbox. A contact without an email
 * identity is written at the contact's email address (the adapter declares `reachesBy: ["email"]`). Relay answers map to
 * DeliveryError: 5xx and a refused login fail at once; 4xx and network trouble are retried.
 * SMTP has no idempotency, so the adapter declares `idempotentSends: false` (see the README).
 */
import { DeliveryError, type Logger, type OutboundMessage, type OutboundTarget, type SendResult } from "@switchboard/core";
import nodemailer from "nodemailer";
import type { EmailInboxOptions, SmtpOptions } from "../options.ts";
import type { ThreadIndex } from "../threading/thread-index.ts";
import { composeReply } from "./compose.ts";
import { outgoingMessageId } from "./message-id.ts";

export interface Sender {
  send(target: OutboundTarget, message: OutboundMessage): Promise<SendResult>;
  /** Checks the relay accepts a connection (and the login). */
  verify(): Promise<void>;
  close(): void;
}

const DEFAULT_PORTS = { tls: 465, starttls: 587, none: 25 } as const;

function createTransport(smtp: SmtpOptions) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port ?? DEFAULT_PORTS[smtp.security],
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    ...(smtp.user && smtp.password ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
    connectionTimeout: smtp.timeout_ms,
    greetingTimeout: smtp.timeout_ms,
    socketTimeout: smtp.timeout_ms,
    logger: false,
  });
}

/**
 * Turns a nodemailer failure into a DeliveryError that says whether to retry.
 *
 * @example
 * deliveryErrorFrom({ responseCode: 550, response: "550 5.1.1 no such user" }, "smtp.acme.com:587").retryable; // false
 */
export function deliveryErrorFrom(error: unknown, relay: string): DeliveryError {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const said = e.response ?? e.message ?? String(error);
  if (e.code === "EAUTH")
    return new DeliveryError(`The SMTP relay ${relay} refused the login; check options.smtp.user and options.smtp.password: ${said}`, {
      retryable: false,
      cause: error,
    });
  if (typeof e.responseCode === "number" && e.responseCode >= 500)
    return new DeliveryError(`The SMTP relay ${relay} refused the reply: ${said}`, { retryable: false, cause: error });
  if (typeof e.responseCode === "number" && e.responseCode >= 400)
    return new DeliveryError(`The SMTP relay ${relay} deferred the reply: ${said}`, { cause: error });
  return new DeliveryError(`Could not send through the SMTP relay ${relay}: ${said}`, { cause: error });
}

/**
 * Creates the sender of one inbox.
 *
 * @example
 * const sender = createSender({ options: inbox.options, index, salt: () => messageIdSalt(inbox.kv), log: inbox.log, isOwnAddress });
 * const { externalId } = await sender.send(target, message); // externalId = the Message-ID, no brackets
 */
export function createSender(deps: {
  options: EmailInboxOptions;
  index: ThreadIndex;
  salt: () => Promise<string>;
  log: Logger;
  isOwnAddress(address: string): boolean;
}): Sender {
  const { options, index, log } = deps;
  const smtp = options.smtp;
  const transport = smtp ? createTransport(smtp) : undefined;
  const relay = smtp ? `${smtp.host}:${smtp.port ?? DEFAULT_PORTS[smtp.security]}` : "(none)";

  return {
    async send(target, message) {
      if (!transport) {
        throw new DeliveryError(
          `The email inbox "${target.inbox}" has no SMTP relay, so replies cannot be sent. Set [inboxes.${target.inbox}.options.smtp] in config/switchboard.toml, then retry.`,
          { retryable: false },
        );
      }
      const address = (target.contact.externalId ?? target.contact.email ?? "").trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(address)) {
        throw new DeliveryError(`The contact has no email address to reply to (got "${address || "nothing"}").`, { retryable: false });
      }
      const messageId = outgoingMessageId(message.idempotencyKey, await deps.salt(), options.address);
      const parentId = target.replyToExternalId;
      const parent = parentId ? await index.message(parentId) : undefined;
      const mail = composeReply({
        options,
        to: target.contact.name ? { address, name: target.contact.name } : { address },
        message,
        messageId,
        conversation: await index.conversation(target.conversationId),
        parentId,
        parent,
        isOwnAddress: deps.isOwnAddress,
      });
      let info: { accepted: unknown[]; rejected: unknown[]; response: string };
      try {
        info = await transport.sendMail(mail);
      } catch (error) {
        throw deliveryErrorFrom(error, relay);
      }
      if (info.rejected.length > 0)
        log.warn({ messageId, rejected: info.rejected, response: info.response }, "the relay refused some recipients of a reply");
      await index.recordMessage(messageId, {
        c: target.conversationId,
        t: target.threadKey ?? parent?.t ?? messageId,
        r: [...(parent?.r ?? []), ...(parentId ? [parentId] : [])],
        to: { contact: target.contact.id, address },
      });
      log.info({ messageId, conversationId: target.conversationId, attempt: message.attempt }, "reply sent");
      return { externalId: messageId };
    },
    async verify() {
      if (!transport) throw new DeliveryError("No SMTP relay is configured (options.smtp).", { retryable: false });
      try {
        await transport.verify();
      } catch (error) {
        throw deliveryErrorFrom(error, relay);
      }
    },
    close() {
      transport?.close();
    },
  };
}
