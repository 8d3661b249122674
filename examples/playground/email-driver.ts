/**
 * The simulator's email driver: a person emails the support address through the email inbox's own
 * SMTP server (inbound_smtp on loopback), and the agents' replies come back through a capture SMTP
 * relay (plugins/channel-email/test-support) the inbox sends through.
 */
import type { CaptureSmtp } from "../../plugins/channel-email/test-support/smtp-capture.ts";
import { rawSmtp } from "../../plugins/channel-email/test-support/smtp-raw.ts";
import type { ChannelDriver } from "./simulator.ts";
import type { Person } from "./stories.ts";

/**
 * A driver for one email inbox.
 *
 * @example
 * const email = emailDriver({ relay, smtpPort: 2525, address: "support@acme.test", people });
 */
export function emailDriver(options: { relay: CaptureSmtp; smtpPort: number; address: string }): ChannelDriver {
  const byEmail = new Map<string, string>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let seen = 0;
  let sent = 0;
  return {
    name: "email",
    label: "email",
    async say(person: Person, text: string) {
      byEmail.set(person.email, person.key);
      const data = Buffer.from(
        [
          `From: ${person.first} ${person.last} <${person.email}>`,
          `To: Acme Support <${options.address}>`,
          "Subject: Help with my order",
          `Message-ID: <${person.key}-${Date.now()}-${++sent}@example.com>`,
          `Date: ${new Date().toUTCString()}`,
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=utf-8",
          "Content-Transfer-Encoding: 8bit",
          "",
          text,
          "",
        ].join("\r\n"),
      );
      // The inbox answers DATA only once the mail is stored: give a busy machine time.
      const replies = await rawSmtp(options.smtpPort, { from: person.email, to: options.address, data }, 30_000);
      const data354 = replies.findIndex((line) => line.startsWith("354"));
      if (data354 < 0 || !replies[data354 + 1]?.startsWith("250"))
        throw new Error(`The email inbox refused the mail: ${replies.join(" | ")}`);
    },
    start(deliver) {
      timer = setInterval(() => {
        for (const mail of options.relay.mails.slice(seen)) {
          seen++;
          const key = mail.rcptTo.map((to) => byEmail.get(to.toLowerCase())).find(Boolean);
          if (key) deliver(key, (mail.parsed.text ?? "").trim().split(/\r?\n\r?\n/)[0] ?? "");
        }
      }, 200);
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
