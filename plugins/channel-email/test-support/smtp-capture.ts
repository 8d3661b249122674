/**
 * A capture SMTP relay for tests (smtp-server on loopback): it records every message it accepts,
 * parsed with mailparser, checks a login when one is configured, and can be told to answer the
 * next messages with an SMTP error (451, 550, ...).
 */
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CapturedMail {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  user: string | undefined;
}

export interface CaptureSmtp {
  port: number;
  mails: CapturedMail[];
  /** Answers the next DATA commands with these codes, in order. */
  failNext(...codes: number[]): void;
  /** Resolves once `count` mails were captured (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

/**
 * Starts a capture relay on a free loopback port.
 *
 * @example
 * const relay = await startCaptureSmtp({ user: "relay", password: "secret" });
 * // configure options.smtp = { host: "127.0.0.1", port: relay.port, security: "none", user: "relay", password: "secret" }
 * const [mail] = await relay.waitFor(1);
 */
export async function startCaptureSmtp(auth?: { user: string; password: string }): Promise<CaptureSmtp> {
  const mails: CapturedMail[] = [];
  const failures: number[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: auth ? ["STARTTLS"] : ["AUTH", "STARTTLS"],
    authOptional: !auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.password)
        return callback(null, { user: credentials.username });
      callback(Object.assign(new Error("5.7.8 Authentication failed"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const code = failures.shift();
        if (code !== undefined)
          return callback(
            Object.assign(new Error(`${code === 451 ? "4.3.0 Try again later" : "5.7.1 Refused by test relay"}`), { responseCode: code }),
          );
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              user: session.user as string | undefined,
            });
            waiters.splice(0).forEach((wake) => wake());
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    mails,
    failNext: (...codes) => failures.push(...codes),
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`the capture relay got ${mails.length} of ${count} mails within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
