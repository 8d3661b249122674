/**
 * Test setup shared by the email tests: a Switchboard test harness with one email inbox whose
 * embedded SMTP server listens on a free loopback port, a nodemailer client that delivers raw
 * emails to it (as a sending MTA would), captured logs, and small store queries.
 */
import { fileURLToPath } from "node:url";
import { createLogger } from "@switchboard/core";
import { createTestHarness, type Harness, tables } from "@switchboard/core/testing";
import { asc, eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { freePort } from "./net.ts";

export const PLUGIN = fileURLToPath(new URL("../src/index.ts", import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps every line in `lines`. */
export function captureLogs(level = "debug") {
  const lines: LogLine[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
  return { log, lines };
}

export interface EmailHarness {
  harness: Harness;
  smtpPort: number;
  logs: LogLine[];
  /** Delivers a raw email to the inbox's SMTP server; resolves with the server's answer or rejects with its error. */
  deliver(raw: Buffer, envelope?: { from?: string; to?: string[] }): Promise<{ response: string }>;
  messages(): Promise<(typeof tables.messages.$inferSelect)[]>;
  attachments(messageId: number): Promise<(typeof tables.attachments.$inferSelect)[]>;
  conversation(id: number): Promise<typeof tables.conversations.$inferSelect>;
  setStatus(conversationId: number, status: "open" | "resolved"): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a harness with the inbox "support" (address support@acme.com, inbound SMTP accepting
 * support@acme.com and the domain help.acme.com). `options` are merged into the inbox options.
 *
 * @example
 * const email = await startEmailHarness({ threading: { resolved: "new" } });
 * await email.deliver(eml([...], "Hello"));
 * await email.close();
 */
export async function startEmailHarness(
  options: Record<string, unknown> = {},
  extra: { plugins?: Record<string, { package: string }> } = {},
): Promise<EmailHarness> {
  const smtpPort = await freePort();
  const { log, lines } = captureLogs();
  const harness = await createTestHarness({
    log,
    plugins: { email: { package: PLUGIN }, ...extra.plugins },
    inboxes: {
      support: {
        plugin: "email",
        options: {
          address: "support@acme.com",
          name: "Acme Support",
          inbound_smtp: { host: "127.0.0.1", port: smtpPort, accept: ["support@acme.com", "help.acme.com"] },
          ...options,
        },
      },
    },
  });
  // One reused connection, as a sending MTA keeps it: smtp-server waits 100 ms before greeting each new one (to catch early talkers).
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: "127.0.0.1",
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    logger: false,
    connectionTimeout: 5_000,
    socketTimeout: 10_000,
  });
  const db = harness.switchboard.store.db;
  return {
    harness,
    smtpPort,
    logs: lines,
    async deliver(raw, envelope = {}) {
      const info = await transport.sendMail({
        envelope: { from: envelope.from ?? "bob@example.com", to: envelope.to ?? ["support@acme.com"] },
        raw,
      });
      return { response: info.response };
    },
    messages: () => db.select().from(tables.messages).orderBy(asc(tables.messages.id)),
    attachments: (messageId) =>
      db.select().from(tables.attachments).where(eq(tables.attachments.messageId, messageId)).orderBy(asc(tables.attachments.id)),
    async conversation(id) {
      const [row] = await db.select().from(tables.conversations).where(eq(tables.conversations.id, id));
      if (!row) throw new Error(`no conversation ${id}`);
      return row;
    },
    async setStatus(conversationId, status) {
      await harness.switchboard.store.write((tx) =>
        tx
          .update(tables.conversations)
          .set({ status, resolvedAt: status === "resolved" ? harness.clock.now() : null })
          .where(eq(tables.conversations.id, conversationId)),
      );
    },
    async close() {
      transport.close();
      await harness.close();
    },
  };
}
