/**
 * The options of one email inbox (`[inboxes.<name>.options]`), validated by zod. Every key is
 * documented in the plugin's README.md, with an example config.
 */
import { z } from "zod";

const port = z.number().int().min(0).max(65_535);
const MB = 1024 * 1024;

/** Inbound way (a): an existing mailbox, polled over IMAP with IDLE. */
export const imapOptions = z
  .object({
    host: z.string().min(1),
    port: port.optional(),
    /** "tls" (implicit TLS, port 993), "starttls" (must upgrade, port 143) or "none" (cleartext: loopback only). */
    security: z.enum(["tls", "starttls", "none"]).default("tls"),
    user: z.string().min(1),
    password: z.string().min(1),
    mailbox: z.string().min(1).default("INBOX"),
    /** On the very first sync: "new" ingests only mail that arrives from now on, "all" also what is already there. */
    first_sync: z.enum(["new", "all"]).default("new"),
    /** Flag each stored message \Seen in the mailbox. */
    mark_seen: z.boolean().default(true),
    /** A full check this often, besides IDLE (and instead of it on servers without IDLE). */
    poll_interval_ms: z.number().int().min(1000).default(60_000),
    /** How long the connection rests before IDLE starts after a sync. */
    idle_delay_ms: z.number().int().min(100).default(1000),
  })
  .strict();

/** Inbound way (b): an embedded SMTP server that a forward or an MX points at. */
export const inboundSmtpOptions = z
  .object({
    host: z.string().min(1).default("0.0.0.0"),
    port: port.default(2525),
    /** The name the server greets with (EHLO). Default: the machine's hostname. */
    hostname: z.string().min(1).optional(),
    /** Recipients accepted: full addresses ("support@acme.com") or whole domains ("acme.com" or "@acme.com"). Others get 550. */
    accept: z.array(z.string().min(1)).min(1, { message: "list at least one address or domain to accept mail for" }),
    /** TLS for STARTTLS: PEM files. Without them STARTTLS is not offered. */
    tls_key_file: z.string().min(1).optional(),
    tls_cert_file: z.string().min(1).optional(),
    max_clients: z.number().int().positive().default(50),
  })
  .strict()
  .refine((o) => Boolean(o.tls_key_file) === Boolean(o.tls_cert_file), { message: "set both tls_key_file and tls_cert_file, or neither" });

/** Outbound: the SMTP relay replies go through. */
export const smtpOptions = z
  .object({
    host: z.string().min(1),
    port: port.optional(),
    /** "starttls" (must upgrade, port 587), "tls" (implicit TLS, port 465) or "none" (cleartext: loopback relays only). */
    security: z.enum(["starttls", "tls", "none"]).default("starttls"),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    timeout_ms: z.number().int().positive().default(20_000),
  })
  .strict()
  .refine((o) => Boolean(o.user) === Boolean(o.password), { message: "set both user and password, or neither" });

export const threadingOptions = z
  .object({
    /** Without In-Reply-To/References matches: join the sender's open conversation with the same subject (Re:/Fwd:/AW:/SV: removed). */
    subject_fallback: z.boolean().default(true),
    /** A reply (by headers) to a resolved conversation: "reopen" it, or start a "new" one. */
    resolved: z.enum(["reopen", "new"]).default("reopen"),
  })
  .strict();

export const emailInboxOptions = z
  .object({
    /** The inbox's address: the From of replies. */
    address: z.email(),
    /** The inbox's display name, e.g. "Acme Support". */
    name: z.string().min(1).max(200).optional(),
    /** How the From name reads when an agent replies; {agent} and {name} are replaced. */
    from_format: z.string().min(1).default("{agent} via {name}"),
    /** Appended to every reply (plain text; it is escaped into the HTML part). */
    signature: z.string().max(5000).optional(),
    /** "keep": replies also go to the people CC'd on the customer's latest email. "none": only to the customer. */
    reply_cc: z.enum(["keep", "none"]).default("keep"),
    /** The subject of a reply in a conversation that has none (one begun on another channel). */
    default_subject: z.string().min(1).max(300).default("Your conversation with us"),
    /** Days every inbound email's raw source is kept (re-parsing after a fix; admins download it as the message's original). 0 keeps none. */
    keep_original_days: z.number().int().min(0).max(3650).default(30),
    /** The largest email accepted (SMTP answers 552; IMAP logs and skips it). */
    max_message_bytes: z
      .number()
      .int()
      .positive()
      .default(25 * MB),
    imap: imapOptions.optional(),
    inbound_smtp: inboundSmtpOptions.optional(),
    smtp: smtpOptions.optional(),
    threading: threadingOptions.default({ subject_fallback: true, resolved: "reopen" }),
  })
  .strict();

export type EmailInboxOptions = z.output<typeof emailInboxOptions>;
export type ImapOptions = z.output<typeof imapOptions>;
export type InboundSmtpOptions = z.output<typeof inboundSmtpOptions>;
export type SmtpOptions = z.output<typeof smtpOptions>;
