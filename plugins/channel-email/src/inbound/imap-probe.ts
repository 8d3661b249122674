/**
 * A one-off IMAP check for when the poller is not running (`switchboard doctor` creates the inbox
 * without starting it): log in, open the mailbox read-only, log out. Answers in the server's words
 * with the fix, as the running poller's health does.
 */
import type { ChannelHealth } from "@switchboard/core";
import { ImapFlow } from "imapflow";
import type { ImapOptions } from "../options.ts";
import { DEFAULT_PORTS } from "./imap-poller.ts";
import { describeImapProblem } from "./imap-problem.ts";

/**
 * Checks that the mailbox can be reached, logged in to and opened.
 *
 * @example
 * const health = await probeImap(options.imap); // { ok: false, message: 'IMAP imap.acme.com:993, mailbox "INBOX": the login as "support" was refused ... Fix: ...' }
 */
export async function probeImap(options: ImapOptions, timeoutMs = 8_000): Promise<ChannelHealth> {
  const port = options.port ?? DEFAULT_PORTS[options.security];
  const client = new ImapFlow({
    host: options.host,
    port,
    secure: options.security === "tls",
    doSTARTTLS: options.security === "starttls" ? true : options.security === "none" ? false : undefined,
    auth: { user: options.user, pass: options.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
  });
  client.on("error", () => undefined); // reported through the rejected command below
  try {
    await client.connect();
    try {
      await client.mailboxOpen(options.mailbox, { readOnly: true });
    } catch (error) {
      const answered = typeof (error as { responseText?: unknown }).responseText === "string";
      throw Object.assign(error as object, answered ? { mailboxMissing: true } : {});
    }
    return {
      ok: true,
      message: `IMAP ${options.host}:${port}, mailbox "${options.mailbox}": reachable (checked once; the poller is not running here)`,
    };
  } catch (error) {
    return { ok: false, message: describeImapProblem(error, options, port) };
  } finally {
    client.close();
  }
}
