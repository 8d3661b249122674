/**
 * The inbound path every raw email takes, whether IMAP or SMTP brought it, one at a time per inbox:
 * parse → a bounce of our reply marks that reply failed → find the thread → hand to core (emit)
 * → remember its ids in the threading index. A message core refuses is stored again as raw and
 * flagged; any other step that fails on what the message contains ends in the last way in: the
 * raw message stored flagged, read no further. Only a failure to store even that is thrown (the
 * store is down), so the source keeps the mail and retries.
 */
import { type Emit, ErrorCodes, type InboxContext, type IngestResult, type Logger, SwitchboardError } from "@switchboard/core";
import { collectGarbage, LARGE_EMAIL } from "../collect-garbage.ts";
import { describeError } from "../describe-error.ts";
import type { EmailInboxOptions } from "../options.ts";
import { subjectKey } from "../parse/message-ids.ts";
import { type ParsedEmail, parseEmail, unreadable } from "../parse/parse.ts";
import type { RawEmail } from "../parse/raw-email.ts";
import { resolveThread, type ThreadMatch } from "../threading/resolve.ts";
import type { ThreadIndex } from "../threading/thread-index.ts";
import type { Originals } from "./originals.ts";
import { filesOf, type ReceivedVia, toInbound } from "./to-inbound.ts";

const NOTHING = Buffer.alloc(0);

export type IngestOutcome = IngestResult | { status: "bounce"; reportedMessageId: string };

export interface Ingest {
  (raw: RawEmail, received: ReceivedVia): Promise<IngestOutcome>;
  /** Stores the raw message flagged with `reason`, reading nothing from it (for a message that failed again and again). */
  keepFlagged(raw: RawEmail, received: ReceivedVia, reason: string): Promise<IngestResult>;
}

interface IngestDeps {
  inbox: Pick<InboxContext<EmailInboxOptions>, "name" | "options" | "log" | "reportDelivery">;
  /** Where raw sources are kept (keep_original_days). */
  originals?: Originals;
  index: ThreadIndex;
  emit: Emit;
  isOwnAddress(address: string): boolean;
}

/** A message this large has garbage collected between its steps (see collect-garbage.ts). */
const LARGE = LARGE_EMAIL;

/** Hands the message to core; a message core refuses (too big, invalid) is retried once as raw and flagged. */
async function emitParsed(
  deps: IngestDeps,
  email: ParsedEmail,
  match: ThreadMatch,
  received: ReceivedVia,
): Promise<{ result: Exclude<IngestResult, { status: "invalid" }>; externalId: string }> {
  const files = filesOf(email);
  // The attachments now live in `files` (base64, as core takes them): the decoded bytes go, so a large
  // attachment is not held twice while core stores it. Nothing after this reads them.
  for (const decoded of email.attachments) decoded.content = NOTHING;
  if (email.raw.length >= LARGE) collectGarbage();
  let inbound = toInbound(email, match, received, [], files);
  let result = await deps.emit(inbound);
  if (result.status === "invalid") {
    deps.inbox.log.warn({ messageId: email.messageId, reason: result.reason }, "core refused the parsed email; storing it raw and flagged");
    inbound = toInbound(email, match, received, [`core refused the parsed message (${result.reason})`], files);
    result = await deps.emit(inbound);
    // Refused again: the last way in (keepFlagged) stores the raw message with nothing read from it.
    if (result.status === "invalid") throw new Error(`core refused the flagged message too (${result.reason})`);
  }
  return { result, externalId: inbound.externalId };
}

/** emitParsed, then the original kept (once the stored copies are out of scope, for a large email collected first). */
async function emitOrKeepRaw(
  deps: IngestDeps,
  email: ParsedEmail,
  match: ThreadMatch,
  received: ReceivedVia,
): Promise<Exclude<IngestResult, { status: "invalid" }>> {
  const { result, externalId } = await emitParsed(deps, email, match, received);
  if (result.status === "stored" && deps.originals) {
    if (email.raw.length >= LARGE) collectGarbage();
    await deps.originals.keep(externalId, email.raw);
  }
  return result;
}

/** Remembers where this message went, for replies and for the subject fallback. */
async function remember(deps: IngestDeps, email: ParsedEmail, match: ThreadMatch, conversationId: number): Promise<void> {
  const { index } = deps;
  const references = email.references.length > 0 ? email.references : email.inReplyTo;
  await index.recordMessage(email.messageId, { c: conversationId, t: match.threadKey, r: references });
  await index.recordThread(match.threadKey, conversationId);
  const key = subjectKey(email.subject);
  if (email.from && key) await index.recordSubject(email.from.address, key, match.threadKey);
  if (email.autoReply) return;
  const previous = await index.conversation(conversationId);
  const others = [...email.to, ...email.cc].filter(
    (person) => person.address !== email.from?.address && !deps.isOwnAddress(person.address),
  );
  await index.recordConversation(conversationId, { subject: previous?.subject ?? email.subject, cc: others });
}

/** The last way in: the raw message, flagged with `reason`, from the envelope sender when there is one. */
async function keepFlagged(deps: IngestDeps, raw: RawEmail, received: ReceivedVia, reason: string): Promise<IngestResult> {
  const email = unreadable(raw, reason);
  if (received.via === "smtp" && received.mailFrom) email.from = { address: received.mailFrom.toLowerCase() };
  const inbound = toInbound(email, { threadKey: email.messageId, by: "new" }, received);
  const result = await deps.emit(inbound);
  if (result.status === "invalid")
    throw new SwitchboardError(
      ErrorCodes.INBOUND_INVALID,
      `Core refused even the raw, flagged email (${result.reason}). This is a bug in the email channel; report it with the log line.`,
    );
  if (result.status === "stored") await deps.originals?.keep(inbound.externalId, raw);
  deps.inbox.log.warn({ messageId: email.messageId, reason, status: result.status }, "email stored raw and flagged, read no further");
  return result;
}

async function ingestOne(deps: IngestDeps, raw: RawEmail, received: ReceivedVia, log: Logger): Promise<IngestOutcome> {
  try {
    return await readAndStore(deps, raw, received, log);
  } catch (error) {
    const reason = `it could not be stored as read (${error instanceof Error ? error.message : String(error)})`;
    log.warn({ error: describeError(error), bytes: raw.length }, "storing the read email failed; storing it raw and flagged");
    try {
      return await keepFlagged(deps, raw, received, reason);
    } catch (again) {
      log.error({ error: describeError(again) }, "could not store the email even raw and flagged");
      throw error;
    }
  }
}

async function readAndStore(deps: IngestDeps, raw: RawEmail, received: ReceivedVia, log: Logger): Promise<IngestOutcome> {
  const email = await parseEmail(raw);
  // mailparser's pieces of a large message (its attachments' chunks, joined at the end) go before the next step.
  if (raw.length >= LARGE) collectGarbage();
  if (email.problems.length > 0)
    log.warn(
      { messageId: email.messageId, reasons: email.problems, bytes: raw.length },
      "email could not be read properly; keeping it raw and flagged",
    );
  const bounce = email.bounce;
  if (bounce?.action === "failed" && bounce.originalMessageId) {
    const reported = await deps.inbox.reportDelivery({ externalId: bounce.originalMessageId, status: "failed", error: bounce.error });
    if (reported) {
      log.info({ bounced: bounce.originalMessageId, error: bounce.error }, "bounce marked the reply failed");
      return { status: "bounce", reportedMessageId: bounce.originalMessageId };
    }
    log.info({ bounced: bounce.originalMessageId }, "a bounce names no reply of this inbox; storing it as a message");
  }
  const match = await resolveThread(deps.index, email, { subjectFallback: deps.inbox.options.threading.subject_fallback });
  const result = await emitOrKeepRaw(deps, email, match, received);
  if (result.status === "dropped") {
    log.info({ messageId: email.messageId, reason: result.reason }, "email dropped by a plugin hook");
    return result;
  }
  await remember(deps, email, match, result.conversationId);
  log.info(
    {
      messageId: email.messageId,
      status: result.status,
      conversationId: result.conversationId,
      threadedBy: match.by,
      autoReply: Boolean(email.autoReply),
      via: received.via,
    },
    "email ingested",
  );
  return result;
}

/**
 * Creates the ingest function of one inbox. Calls run one after another, so each message sees
 * the threading index as the previous one left it.
 *
 * @example
 * const ingest = createIngest({ inbox, index, emit, isOwnAddress });
 * await ingest(rawBytes, { via: "smtp", mailFrom: "bob@example.com", rcptTo: ["support@acme.com"] });
 */
export function createIngest(deps: IngestDeps): Ingest {
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    // The queue only orders calls; each caller gets its own result or error from `run`.
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const ingest = (raw: RawEmail, received: ReceivedVia) => inOrder(() => ingestOne(deps, raw, received, deps.inbox.log));
  return Object.assign(ingest, {
    keepFlagged: (raw: RawEmail, received: ReceivedVia, reason: string) => inOrder(() => keepFlagged(deps, raw, received, reason)),
  });
}
