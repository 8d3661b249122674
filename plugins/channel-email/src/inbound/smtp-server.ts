/**
 * The embedded inbound SMTP server (smtp-server) that a forward or an MX record points at. It
 * accepts mail only for the configured addresses and domains (550 otherwise), refuses mail over
 * the size limit (552), and answers 250 only once the message is durably stored; when storing
 * fails it answers 451 so the sending server tries again later. No AUTH: this is a receiving MX.
 */
import { readFileSync } from "node:fs";
import type { Logger } from "@switchboard/core";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { describeError } from "../describe-error.ts";
import type { InboundSmtpOptions } from "../options.ts";
import type { Ingest } from "./ingest.ts";

export interface InboundSmtpServer {
  /** The port it listens on (useful when configured as 0). */
  port: number;
  close(): Promise<void>;
}

/** An SMTP reply with a code, for smtp-server's callbacks. */
function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Reads the DATA stream, keeping at most `limit` bytes (smtp-server keeps counting past it). */
function readData(stream: SMTPServerDataStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    stream.on("data", (chunk: Buffer) => {
      if (kept + chunk.length > limit) return;
      chunks.push(chunk);
      kept += chunk.length;
    });
    stream.once("end", () => {
      const raw = Buffer.concat(chunks, kept);
      // smtp-server keeps the stream (and this listener's array) until the answer is sent: drop the pieces now.
      chunks.length = 0;
      resolve(raw);
    });
    stream.once("error", reject);
  });
}

/**
 * Starts the inbound SMTP server of one inbox.
 *
 * @example
 * const server = await startInboundSmtp(options.inbound_smtp, { maxBytes: 25 * 1024 * 1024, log: inbox.log, ingest, accepts: addressMatcher(options.inbound_smtp.accept) });
 * await server.close();
 */
export async function startInboundSmtp(
  options: InboundSmtpOptions,
  deps: { maxBytes: number; log: Logger; ingest: Ingest; accepts(address: string): boolean },
): Promise<InboundSmtpServer> {
  const { log } = deps;
  const tls =
    options.tls_key_file && options.tls_cert_file
      ? { key: readFileSync(options.tls_key_file), cert: readFileSync(options.tls_cert_file) }
      : undefined;
  const server = new SMTPServer({
    ...(options.hostname ? { name: options.hostname } : {}),
    ...(tls ?? {}),
    size: deps.maxBytes,
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    authOptional: true,
    disableReverseLookup: true,
    // A receiving MX takes envelope senders as real mailers write them ("user.@example.com" from
    // printer and server firmware): strict RFC 5321 syntax would answer 501 for good. The message's
    // own From decides the contact, and any address is stored (flagged when it is odd).
    lenientAddressParsing: true,
    maxClients: options.max_clients,
    logger: false,
    closeTimeout: 2_000,
    onRcptTo(address, session: SMTPServerSession, callback) {
      if (deps.accepts(address.address)) return callback();
      log.info({ rcptTo: address.address, remote: session.remoteAddress }, "refused mail for an address this inbox does not handle");
      callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: no such mailbox here`));
    },
    onData(stream, session, callback) {
      const envelope = {
        via: "smtp" as const,
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
      };
      readData(stream, deps.maxBytes)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            log.warn(
              { bytes: stream.byteLength, limit: deps.maxBytes, mailFrom: envelope.mailFrom },
              "refused an email over the size limit",
            );
            return callback(smtpError(552, `5.3.4 Message exceeds the fixed maximum message size of ${deps.maxBytes} bytes`));
          }
          await deps.ingest(raw, envelope);
          callback();
        })
        .catch((error: unknown) => {
          log.error(
            { error: describeError(error), mailFrom: envelope.mailFrom },
            "could not store an email; the sender was asked to retry (451)",
          );
          callback(smtpError(451, "4.3.0 The message could not be stored; try again later"));
        });
    },
  });
  server.on("error", (error) => log.error({ error: describeError(error) }, "inbound SMTP server error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  log.info({ host: options.host, port }, "inbound SMTP server listening");
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
