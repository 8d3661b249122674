/**
 * Verified linking (issue 16.1): an agent asks the customer on a messaging conversation to prove an
 * email address. Switchboard asks for the address on that channel, sends a 6-digit code to it from an
 * inbox whose channel reaches contacts by email (`reachesBy`, so core names no channel), and the
 * customer types the code back. The address then becomes a verified identity of the contact and the
 * verified-join rule applies (joinVerifiedHolders, undoable). Codes expire after 15 minutes and allow 5
 * tries; asks are rate-limited per contact and codes per address; only a hash of the code is stored;
 * the answers never say whether the address belongs to someone else; every step is audited.
 */
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { and, count, eq, gte, inArray, isNotNull } from "drizzle-orm";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { conversationState, messageEventData } from "../events/message-data.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import type { InboundMessage, InboxInfo, IngestResult } from "../plugins/types.ts";
import type { Services } from "../services.ts";
import { findContact, findContactByIdentity } from "../store/contacts.ts";
import { findConversation } from "../store/conversations.ts";
import type { Tx } from "../store/index.ts";
import { isAutomatedMessage } from "../store/messages.ts";
import { auditLog, identityVerifications, messages } from "../store/schema.ts";
import { recordVerified } from "./identify.ts";
import { identityScopeOf } from "./identity-scope.ts";
import { actorRef } from "./merge-in.ts";
import { normaliseEmail } from "./normalise.ts";
import { joinVerifiedHolders } from "./verified-join.ts";

export const VERIFY_TTL_MS = 15 * 60_000;
export const VERIFY_MAX_TRIES = 5;
/** At most this many asks per contact, and codes per address, in VERIFY_RATE_WINDOW_MS. */
export const VERIFY_RATE_LIMIT = 3;
export const VERIFY_RATE_WINDOW_MS = 60 * 60_000;
const RULE = "verify_email";
const PENDING = ["awaiting_value", "awaiting_code"] as const;
const EMAIL = /[^\s<>()"',;:@]+@[^\s<>()"',;:@]+\.[a-z]{2,}/iu;
const CODE = /^\s*(\d{3})\s?-?(\d{3})\s*[.!]?\s*$/u;

type Verification = typeof identityVerifications.$inferSelect;
type Actor = Parameters<typeof actorRef>[0];
const hashCode = (id: number, code: string) => createHash("sha256").update(`${id}:${code}`).digest("hex");

async function audit(tx: Tx, actor: string, action: string, row: Verification, data: Record<string, unknown>, now: number) {
  await tx.insert(auditLog).values({
    actor,
    action,
    subjectType: "contact",
    subjectId: String(row.contactId),
    data: { verification: row.id, conversation: row.conversationId, ...data },
    createdAt: now,
  });
}

/** The inbox that sends codes: the first running one whose channel reaches contacts by email. */
function emailSender(sb: Services) {
  return sb.inboxes.list().find((h) => h.adapter && h.state !== "failed" && h.adapter.reachesBy?.includes("email"));
}

/**
 * Starts a verification on a conversation: asks the customer there for their email address.
 * Throws a 404 for a conversation that does not exist, a 409 when no inbox can send email, and a 429
 * when the contact was asked too often.
 *
 * @example
 * const verification = await askToVerifyEmail(switchboard, { id: agent.id, name: agent.name }, 42);
 */
export async function askToVerifyEmail(sb: Services, actor: Actor, conversationId: number): Promise<Verification> {
  const conversation = await findConversation(sb.store.db, conversationId);
  if (!conversation) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${conversationId} does not exist.`);
  if (!emailSender(sb))
    throw new SwitchboardError(
      ErrorCodes.CONFLICT,
      "No inbox can send email, so there is nowhere to send a code from. Configure an email inbox, then ask again.",
    );
  const now = sb.clock.now();
  const [recent] = await sb.store.db
    .select({ n: count() })
    .from(identityVerifications)
    .where(
      and(eq(identityVerifications.contactId, conversation.contactId), gte(identityVerifications.createdAt, now - VERIFY_RATE_WINDOW_MS)),
    );
  if ((recent?.n ?? 0) >= VERIFY_RATE_LIMIT)
    throw new SwitchboardError(
      ErrorCodes.RATE_LIMITED,
      `This contact was asked to verify an email ${VERIFY_RATE_LIMIT} times within the last hour. Wait, then ask again.`,
    );
  const row = await sb.store.write(async (tx) => {
    await tx
      .update(identityVerifications)
      .set({ status: "cancelled" })
      .where(and(eq(identityVerifications.conversationId, conversationId), inArray(identityVerifications.status, [...PENDING])));
    const [created] = await tx
      .insert(identityVerifications)
      .values({
        conversationId,
        contactId: conversation.contactId,
        inbox: conversation.inbox,
        kind: "email",
        status: "awaiting_value",
        createdAt: now,
        expiresAt: now + VERIFY_TTL_MS,
      })
      .returning();
    await audit(tx, actorRef(actor), "identity.verification_requested", created!, {}, now);
    return created!;
  });
  await say(sb, conversationId, "To link your conversations with us, please reply with your email address. We will send you a code.");
  return row;
}

async function say(sb: Services, conversationId: number, text: string): Promise<void> {
  await sb.outbound.reply({ conversationId, agentId: null, text, metadata: { automation: RULE } });
}

/**
 * The inbound step (InboundPipeline.take): while a verification waits on this contact in this inbox,
 * takes an email address or a 6-digit code; leaves any other message to the pipeline.
 *
 * @example
 * switchboard.inbound.take(verificationAnswers(switchboard));
 */
export function verificationAnswers(sb: Services) {
  return async (message: InboundMessage, inbox: InboxInfo): Promise<IngestResult | undefined> => {
    if (isAutomatedMessage(message.metadata) || message.edited) return undefined;
    const contact = await findContactByIdentity(sb.store.db, inbox.channel, message.contact.externalId, identityScopeOf(inbox));
    if (!contact) return undefined;
    const [pending] = await sb.store.db
      .select()
      .from(identityVerifications)
      .where(
        and(
          eq(identityVerifications.inbox, inbox.name),
          eq(identityVerifications.contactId, contact.id),
          inArray(identityVerifications.status, [...PENDING]),
        ),
      )
      .limit(1);
    if (!pending) return undefined;
    const now = sb.clock.now();
    if (pending.expiresAt <= now) {
      await sb.store.write(async (tx) => {
        await tx.update(identityVerifications).set({ status: "expired" }).where(eq(identityVerifications.id, pending.id));
        await audit(tx, "system", "identity.verification_expired", pending, {}, now);
      });
      return undefined;
    }
    if (pending.status === "awaiting_value") {
      const found = EMAIL.exec(message.text)?.[0];
      return found ? takeAddress(sb, pending, message, inbox, normaliseEmail(found)) : undefined;
    }
    const code = CODE.exec(message.text);
    return code ? takeCode(sb, pending, message, inbox, `${code[1]}${code[2]}`) : undefined;
  };
}

/** Stores the customer's answer in the conversation (the code itself is not kept) and publishes it. */
async function storeAnswer(sb: Services, row: Verification, message: InboundMessage, inbox: InboxInfo, text: string, tx: Tx) {
  const now = sb.clock.now();
  const [stored] = await tx
    .insert(messages)
    .values({
      conversationId: row.conversationId,
      contactId: row.contactId,
      inbox: inbox.name,
      channel: inbox.channel,
      direction: "incoming",
      externalId: message.externalId,
      text,
      metadata: { ...message.metadata, verification: row.id },
      deliveryStatus: "received",
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const conversation = await findConversation(tx, row.conversationId);
  const event = await sb.bus.record(tx, "message.created", {
    ...messageEventData(stored!),
    conversation: conversationState(conversation!),
  });
  return { message: stored!, event };
}

const taken = (row: Verification, messageId: number): IngestResult => ({
  status: "stored",
  messageId,
  conversationId: row.conversationId,
  contactId: row.contactId,
});

async function takeAddress(sb: Services, row: Verification, message: InboundMessage, inbox: InboxInfo, address: string) {
  const now = sb.clock.now();
  const [sent] = await sb.store.db
    .select({ n: count() })
    .from(identityVerifications)
    .where(
      and(
        eq(identityVerifications.value, address),
        isNotNull(identityVerifications.codeHash),
        gte(identityVerifications.createdAt, now - VERIFY_RATE_WINDOW_MS),
      ),
    );
  const limited = (sent?.n ?? 0) >= VERIFY_RATE_LIMIT;
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const result = await sb.store.write(async (tx) => {
    const answer = await storeAnswer(sb, row, message, inbox, message.text, tx);
    if (limited) {
      await tx.update(identityVerifications).set({ status: "cancelled", value: address }).where(eq(identityVerifications.id, row.id));
      await audit(tx, "system", "identity.verification_rate_limited", row, { value: address }, now);
    } else {
      await tx
        .update(identityVerifications)
        .set({ status: "awaiting_code", value: address, codeHash: hashCode(row.id, code), expiresAt: now + VERIFY_TTL_MS })
        .where(eq(identityVerifications.id, row.id));
      await audit(tx, "system", "identity.verification_code_sent", row, { value: address }, now);
    }
    return answer;
  });
  sb.bus.announce(result.event);
  if (limited) {
    await say(sb, row.conversationId, "We cannot send a code to that address right now. Please try again later.");
    return taken(row, result.message.id);
  }
  await sendCode(sb, row, address, code);
  await say(sb, row.conversationId, `We sent a 6-digit code to ${address}. Please type it here within 15 minutes.`);
  return taken(row, result.message.id);
}

/** Sends the code by email from the inbox chosen by `reachesBy`, straight to the address (not stored as a message). */
async function sendCode(sb: Services, row: Verification, address: string, code: string): Promise<void> {
  const sender = emailSender(sb);
  const contact = await findContact(sb.store.db, row.contactId);
  if (!sender?.adapter) throw new SwitchboardError(ErrorCodes.CONFLICT, "No inbox can send email any more; ask again once one runs.");
  await sender.adapter.send(
    {
      inbox: sender.name,
      channel: sender.channel,
      conversationId: row.conversationId,
      threadKey: null,
      contact: { id: row.contactId, externalId: undefined, name: contact?.name ?? null, email: address, phone: null },
      replyToExternalId: null,
    },
    {
      id: 0,
      text: `Your verification code is ${code}. Type it in the conversation where you were asked for it. It expires in 15 minutes. If you did not ask for it, ignore this email.`,
      html: null,
      attachments: [],
      agent: null,
      idempotencyKey: `verification-${row.id}`,
      attempt: 1,
    },
  );
}

async function takeCode(sb: Services, row: Verification, message: InboundMessage, inbox: InboxInfo, code: string) {
  const now = sb.clock.now();
  const expected = Buffer.from(row.codeHash ?? "", "hex");
  const given = Buffer.from(hashCode(row.id, code), "hex");
  const right = expected.length === given.length && timingSafeEqual(expected, given);
  const attempts = row.attempts + 1;
  const result = await sb.store.write(async (tx) => {
    const answer = await storeAnswer(sb, row, message, inbox, "(verification code)", tx);
    const events: SwitchboardEvent[] = [answer.event];
    const status: Verification["status"] = right ? "verified" : attempts >= VERIFY_MAX_TRIES ? "locked" : "awaiting_code";
    if (right) {
      const signal = await recordVerified(tx, row.contactId, "email", row.value!, `verification:${row.id}`);
      const joined = await joinVerifiedHolders(tx, row.contactId, signal ? [signal] : [], now);
      events.push(...(await joined.record(sb.bus)));
      await audit(tx, "system", "identity.verified", row, { value: row.value, contact: joined.contactId }, now);
    } else {
      await audit(
        tx,
        "system",
        status === "locked" ? "identity.verification_locked" : "identity.verification_failed",
        row,
        { attempts },
        now,
      );
    }
    await tx.update(identityVerifications).set({ status, attempts }).where(eq(identityVerifications.id, row.id));
    return { message: answer.message, events, status };
  });
  sb.bus.announce(...result.events);
  const reply =
    result.status === "verified"
      ? "Thank you, your email address is verified."
      : result.status === "locked"
        ? "That code is not right, and there are no tries left. Please ask us to start again."
        : `That code is not right. You have ${VERIFY_MAX_TRIES - attempts} ${VERIFY_MAX_TRIES - attempts === 1 ? "try" : "tries"} left.`;
  await say(sb, row.conversationId, reply);
  return taken(row, result.message.id);
}
