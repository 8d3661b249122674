/**
 * One email inbox, alive: its receiving side (IMAP poller and/or embedded SMTP server, both feeding
 * the same ingest path), its sender (SMTP relay), its threading index, and its health.
 */
import type { ChannelAdapter, ChannelHealth, InboxContext } from "@switchboard/core";
import { addressMatcher } from "./addresses.ts";
import { describeError } from "./describe-error.ts";
import { ImapPoller } from "./inbound/imap-poller.ts";
import { probeImap } from "./inbound/imap-probe.ts";
import { createIngest } from "./inbound/ingest.ts";
import { Originals } from "./inbound/originals.ts";
import { type InboundSmtpServer, startInboundSmtp } from "./inbound/smtp-server.ts";
import type { EmailInboxOptions } from "./options.ts";
import { messageIdSalt } from "./outbound/message-id.ts";
import { createSender } from "./outbound/send.ts";
import { ThreadIndex } from "./threading/thread-index.ts";

/** The plugin's email inboxes by name, shared with the thread hook. */
export type EmailInboxes = Map<string, { options: EmailInboxOptions; index: ThreadIndex }>;

/** How often kept originals past keep_original_days are deleted. */
const SWEEP_EVERY_MS = 6 * 3_600_000;

/** Core's limit on a message's text (email itself has none). */
const MAX_TEXT_LENGTH = 100_000;

/**
 * Creates the adapter of one email inbox and registers it with the thread hook.
 *
 * @example
 * ctx.channel("email", { options: emailInboxOptions, create: (inbox) => createEmailAdapter(inbox, inboxes) });
 */
export function createEmailAdapter(inbox: InboxContext<EmailInboxOptions>, inboxes: EmailInboxes): ChannelAdapter {
  const { options, log } = inbox;
  const index = new ThreadIndex(inbox.kv);
  inboxes.set(inbox.name, { options, index });
  const isOwnAddress = addressMatcher([options.address, ...(options.inbound_smtp?.accept ?? [])]);
  let salt: Promise<string> | undefined;
  const loadSalt = () =>
    (salt ??= messageIdSalt(inbox.kv).catch((error: unknown) => {
      salt = undefined;
      throw error;
    }));
  // Made again after a stop: a process on standby (another one receives) still sends.
  let sender: ReturnType<typeof createSender> | undefined;
  const senderNow = () => (sender ??= createSender({ options, index, salt: loadSalt, log, isOwnAddress }));
  let poller: ImapPoller | undefined;
  let smtpServer: InboundSmtpServer | undefined;
  const originals = new Originals(inbox.kv, options.keep_original_days, log);
  let sweeper: ReturnType<typeof setInterval> | undefined;
  const sweep = () =>
    void originals
      .sweep()
      .catch((error: unknown) =>
        log.warn({ error: describeError(error) }, "could not delete expired email originals; the next sweep tries again"),
      );

  return {
    idempotentSends: false,
    limits: { maxTextLength: MAX_TEXT_LENGTH },
    // A contact with no email identity (a webchat visitor who left an address) is written at contact.email.
    reachesBy: ["email"],
    // An email address is the same person whichever mailbox they write to.
    identityScope: "channel",
    // One process polls the mailbox and listens for inbound SMTP; every process sends.
    exclusive: "receive",
    async start(emit, signal) {
      const ingest = createIngest({ inbox, index, emit, isOwnAddress, originals });
      sweep();
      sweeper = setInterval(sweep, SWEEP_EVERY_MS);
      sweeper.unref?.();
      if (options.imap) {
        poller = new ImapPoller({ options: options.imap, kv: inbox.kv, log, maxBytes: options.max_message_bytes, ingest });
        poller.start(signal);
      }
      if (options.inbound_smtp) {
        smtpServer = await startInboundSmtp(options.inbound_smtp, {
          maxBytes: options.max_message_bytes,
          log,
          ingest,
          accepts: addressMatcher(options.inbound_smtp.accept),
        });
      }
      if (!options.imap && !options.inbound_smtp)
        log.warn({ inbox: inbox.name }, "no inbound way is configured (options.imap or options.inbound_smtp): this inbox can only send");
    },
    send: (target, message) => senderNow().send(target, message),
    // The raw source, for admins only (core's GET /inbox/messages/:id/original), while keep_original_days lasts.
    async original(externalId) {
      const data = await originals.get(externalId);
      return data ? { filename: "original.eml", contentType: "message/rfc822", data } : undefined;
    },
    async stop() {
      clearInterval(sweeper);
      await poller?.stop();
      await smtpServer?.close();
      sender?.close();
      sender = undefined;
    },
    async health(): Promise<ChannelHealth> {
      const parts: ChannelHealth[] = [];
      if (poller) parts.push(poller.health());
      else if (options.imap) parts.push(await probeImap(options.imap));
      if (smtpServer) parts.push({ ok: true, message: `inbound SMTP listening on port ${smtpServer.port}` });
      if (options.smtp) {
        try {
          await senderNow().verify();
          parts.push({ ok: true, message: `SMTP relay ${options.smtp.host} reachable` });
        } catch (error) {
          parts.push({ ok: false, message: describeError(error).message });
        }
      } else {
        parts.push({ ok: true, attention: true, message: "no SMTP relay (options.smtp): replies cannot be sent" });
      }
      return {
        ok: parts.every((p) => p.ok),
        attention: parts.some((p) => p.attention),
        message: parts
          .map((p) => p.message)
          .filter(Boolean)
          .join("; "),
      };
    },
  };
}
