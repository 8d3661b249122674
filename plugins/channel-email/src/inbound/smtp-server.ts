/**
 * The embedded inbound SMTP server (smtp-server) that a forward or an MX record points at. It
 * accepts mail only for the configured addresses and domains (550 otherwise), refuses mail over
 * the size limit (552), and answers 250 only once the message is durably stored; when storing
 * fails it answers 451 so the sending server tries again later. No AUTH: this is a receiving MX.
 * A message over 1 MiB is spooled to a temporary file as it arrives (and deleted once answered),
 * so a large email is held in memory neither while it is received nor while it is parsed.
 */
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@switchboard/core";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { describeError } from "../describe-error.ts";
import type { InboundSmtpOptions } from "../options.ts";
import { type RawEmail, SpooledEmail } from "../parse/raw-email.ts";
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

/** A message past this size is spooled to a file as it arrives instead of being held in memory. */
const SPOOL_AFTER = 1024 * 1024;

/**
 * Reads the DATA stream, keeping at most `limit` bytes (smtp-server keeps counting past it). A small
 * message stays in memory; once a message passes SPOOL_AFTER bytes, what came so far and the rest
 * go to the file `spoolPath()` instead, so a 25 MB email is never held (and joined) in memory.
 * A failing file write is reported at the end of the stream, which is read to the end either way.
 */
function readData(stream: SMTPServerDataStream, limit: number, spoolPath: () => string): Promise<RawEmail> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let kept = 0;
    let file: { path: string; out: WriteStream } | undefined;
    let failed: Error | undefined;
    const spool = (chunk: Buffer) => {
      if (!file) {
        const path = spoolPath();
        file = { path, out: createWriteStream(path) };
        file.out.on("error", (error) => {
          failed ??= error;
          // A paused socket waiting for "drain" would wait forever: read on (and drop) to the end.
          stream.resume();
        });
        for (const held of chunks) file.out.write(held);
        chunks = [];
      }
      if (failed) return;
      // Backpressure: the socket waits while the disk catches up.
      if (!file.out.write(chunk)) {
        stream.pause();
        file.out.once("drain", () => stream.resume());
      }
    };
    stream.on("data", (chunk: Buffer) => {
      if (kept + chunk.length > limit) return;
      kept += chunk.length;
      if (file || kept > SPOOL_AFTER) spool(chunk);
      else chunks.push(chunk);
    });
    stream.once("end", () => {
      if (!file) {
        const raw = Buffer.concat(chunks, kept);
        // smtp-server keeps the stream (and this listener's array) until the answer is sent: drop the pieces now.
        chunks = [];
        return resolve(raw);
      }
      const { path, out } = file;
      out.end(() => (failed ? reject(failed) : resolve(new SpooledEmail(path, kept))));
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
  // Large messages are spooled here while they are read and stored; the folder goes when the server closes.
  const spoolDir = mkdtempSync(join(tmpdir(), "switchboard-smtp-"));
  let spoolCount = 0;
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
      let spooled: string | undefined;
      const spoolPath = () => {
        // Made again when missing: a cleaner of old temporary files may have taken the folder of a long-running server.
        mkdirSync(spoolDir, { recursive: true });
        return (spooled = join(spoolDir, `${++spoolCount}.eml`));
      };
      readData(stream, deps.maxBytes, spoolPath)
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
        .finally(() => {
          if (spooled) rmSync(spooled, { force: true });
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
    const failed = (error: Error) => {
      rmSync(spoolDir, { recursive: true, force: true });
      reject(error);
    };
    server.server.once("error", failed);
    server.listen(options.port, options.host, () => {
      server.server.off("error", failed);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  log.info({ host: options.host, port }, "inbound SMTP server listening");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(spoolDir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}
