/**
 * Verified linking (issue 16.1): an agent, or a channel plugin for what a customer typed into its
 * form, asks the customer on a conversation to prove an email address or a phone number. When the
 * contact already claims one (unverified, say a web chat pre-chat email), that one is proved;
 * otherwise Switchboard asks for it on the channel. A 6-digit code and a one-click link go to the
 * address or number from an inbox whose channel reaches contacts by it (`reachesBy`, so core names
 * no channel: verify-deliver.ts); the customer types the code back, or opens the link
 * (verify-confirm.ts). The value then becomes a verified identity and the verified-join rule
 * applies (undoable). Codes and links expire after 15 minutes; codes allow 5 tries; asks are
 * rate-limited per contact and codes per value; only hashes are stored; the answers never say
 * whether the value belongs to someone else; every step is audited.
 */
import { timingSafeEqual } from "node:crypto";
import { and, count, desc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import { describeError, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { conversationState, messageEventData } from "../events/message-data.ts";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Taker } from "../pipeline/taker.ts";
import type { InboundMessage, InboxInfo, IngestResult } from "../plugins/types.ts";
import type { Services } from "../services.ts";
import { findContactByIdentity } from "../store/contacts.ts";
import { findConversation } from "../store/conversations.ts";
import type { Tx } from "../store/index.ts";
import { isAutomatedMessage } from "../store/messages.ts";
import { reusableQuery } from "../store/reusable.ts";
import { identities, identityClaims, identityVerifications, messages } from "../store/schema.ts";
import { GLOBAL_SCOPE, identityScopeOf } from "./identity-scope.ts";
import { actorRef } from "./merge-in.ts";
import { normaliseEmail, normalisePhone } from "./normalise.ts";
import { auditVerification as audit, confirmVerification, sayOnConversation as say, verifiedText } from "./verify-confirm.ts";
import { deliverSecrets, hashCode, hashToken, newSecrets, requireSender, type Verification, type VerifyKind } from "./verify-deliver.ts";

export type { Verification, VerifyKind } from "./verify-deliver.ts";

export const VERIFY_TTL_MS = 15 * 60_000;
export const VERIFY_MAX_TRIES = 5;
/** At most this many asks per contact, and codes per value, in VERIFY_RATE_WINDOW_MS. */
export const VERIFY_RATE_LIMIT = 3;
export const VERIFY_RATE_WINDOW_MS = 60 * 60_000;
const PENDING = ["awaiting_value", "awaiting_code"] as const;
const EMAIL = /[^\s<>()"',;:@]+@[^\s<>()"',;:@]+\.[a-z]{2,}/iu;
const PHONE = /\+?\d[\d\s().-]{5,20}\d/u;
const CODE = /^\s*(\d{3})\s?-?(\d{3})\s*[.!]?\s*$/u;

/** What verifications use of Switchboard's services. */
export type VerifyServices = Pick<Services, "store" | "clock" | "bus" | "outbound" | "inboxes" | "loaded" | "log">;

/** An agent ({ id, name }) or an actor reference ("plugin:webchat"). */
export type VerifyActor = Parameters<typeof actorRef>[0] | string;

const ASK_TEXT: Record<VerifyKind, string> = {
  email: "To link your conversations with us, please reply with your email address. We will send you a code.",
  phone:
    "To link your conversations with us, please reply with your phone number, with its country code (such as +1 415 555 0123). We will send you a code there.",
};

/** The value the contact claims without proof (the newest), if any, unless they hold it verified already. */
async function claimed(sb: VerifyServices, contactId: number, kind: VerifyKind): Promise<string | undefined> {
  const [claim] = await sb.store.db
    .select({ value: identityClaims.value })
    .from(identityClaims)
    .where(and(eq(identityClaims.contactId, contactId), eq(identityClaims.kind, kind)))
    .orderBy(desc(identityClaims.createdAt), desc(identityClaims.id))
    .limit(1);
  if (!claim) return undefined;
  const held = await findContactByIdentity(sb.store.db, kind, claim.value, GLOBAL_SCOPE);
  return held?.id === contactId ? undefined : claim.value;
}

/**
 * Starts a verification of `kind` on a conversation: proves the value the contact claims, or asks
 * the customer there for one. Throws a 404 for a conversation that does not exist, a 409 (saying
 * what to configure) when no inbox can reach that kind, and a 429 when the contact was asked too often.
 *
 * @example
 * const verification = await askToVerify(switchboard, { id: agent.id, name: agent.name }, 42, "phone");
 */
export async function askToVerify(sb: VerifyServices, actor: VerifyActor, conversationId: number, kind: VerifyKind): Promise<Verification> {
  const conversation = await findConversation(sb.store.db, conversationId);
  if (!conversation) throw new SwitchboardError(ErrorCodes.NOT_FOUND, `Conversation ${conversationId} does not exist.`);
  requireSender(sb, kind);
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
      `This contact was asked to verify an email or phone ${VERIFY_RATE_LIMIT} times within the last hour. Wait, then ask again.`,
    );
  const value = await claimed(sb, conversation.contactId, kind);
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
        kind,
        status: "awaiting_value",
        createdAt: now,
        expiresAt: now + VERIFY_TTL_MS,
      })
      .returning();
    const by = typeof actor === "string" ? actor : actorRef(actor);
    await audit(tx, by, "identity.verification_requested", created!, value ? { claimed: value } : {}, now);
    return created!;
  });
  if (!value) {
    await say(sb, conversationId, ASK_TEXT[kind]);
    return row;
  }
  await issue(sb, row, value);
  const [after] = await sb.store.db.select().from(identityVerifications).where(eq(identityVerifications.id, row.id));
  return after!;
}

/**
 * Starts an email verification (askToVerify with "email").
 *
 * @example
 * await askToVerifyEmail(switchboard, { id: agent.id, name: agent.name }, 42);
 */
export const askToVerifyEmail = (sb: VerifyServices, actor: VerifyActor, conversationId: number) =>
  askToVerify(sb, actor, conversationId, "email");

/** The value in a customer's answer, normalised, or undefined. */
function valueIn(sb: VerifyServices, kind: VerifyKind, text: string): string | undefined {
  if (kind === "email") {
    const found = EMAIL.exec(text)?.[0];
    return found ? normaliseEmail(found) : undefined;
  }
  const found = PHONE.exec(text)?.[0];
  return found ? normalisePhone(found, sb.loaded.config.identity.default_phone_region) : undefined;
}

/** The verification waiting on a message's sender in an inbox (every message asks: built once, one statement). */
const pendingForSender = reusableQuery((db) =>
  db
    .select({ verification: identityVerifications })
    .from(identities)
    .innerJoin(identityVerifications, eq(identityVerifications.contactId, identities.contactId))
    .where(
      and(
        eq(identities.channel, sql.placeholder("channel")),
        eq(identities.scope, sql.placeholder("scope")),
        eq(identities.externalId, sql.placeholder("externalId")),
        eq(identityVerifications.inbox, sql.placeholder("inbox")),
        inArray(identityVerifications.status, [...PENDING]),
      ),
    )
    .limit(1),
);

/**
 * The inbound step (InboundPipeline.take): while a verification waits on this contact in this inbox,
 * takes an email address, a phone number or a 6-digit code; leaves any other message to the pipeline.
 *
 * @example
 * switchboard.inbound.take(verificationAnswers(switchboard));
 */
export function verificationAnswers(sb: VerifyServices): Taker {
  // Only a message that could be an answer (a code, an email address, a phone number) is worth a
  // lookup; every other message skips it (issue 22). An expired verification is then marked by
  // the next message that could have answered it.
  const mayTake = (message: InboundMessage) =>
    !isAutomatedMessage(message.metadata) &&
    !message.edited &&
    (CODE.test(message.text) || EMAIL.test(message.text) || PHONE.test(message.text));
  return { mayTake, take };

  async function take(message: InboundMessage, inbox: InboxInfo): Promise<IngestResult | undefined> {
    const [found] = await pendingForSender(sb.store.db, {
      inbox: inbox.name,
      channel: inbox.channel,
      scope: identityScopeOf(inbox),
      externalId: message.contact.externalId,
    });
    if (!found) return undefined;
    const pending = found.verification;
    const now = sb.clock.now();
    if (pending.expiresAt <= now) {
      await sb.store.write(async (tx) => {
        await tx.update(identityVerifications).set({ status: "expired" }).where(eq(identityVerifications.id, pending.id));
        await audit(tx, "system", "identity.verification_expired", pending, {}, now);
      });
      return undefined;
    }
    if (pending.status === "awaiting_value") {
      const found = valueIn(sb, pending.kind as VerifyKind, message.text);
      return found ? issue(sb, pending, found, { message, inbox }) : undefined;
    }
    const code = CODE.exec(message.text);
    return code ? takeCode(sb, pending, message, inbox, `${code[1]}${code[2]}`) : undefined;
  }
}

/** Stores the customer's answer in the conversation (the code itself is not kept) and records its event. */
async function storeAnswer(sb: VerifyServices, row: Verification, message: InboundMessage, inbox: InboxInfo, text: string, tx: Tx) {
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

/**
 * Sends a code and a link to `value` (unless codes to it are rate-limited), storing the customer's
 * answer that named it when there is one.
 */
async function issue(sb: VerifyServices, row: Verification, value: string, answer?: { message: InboundMessage; inbox: InboxInfo }) {
  const now = sb.clock.now();
  const [sent] = await sb.store.db
    .select({ n: count() })
    .from(identityVerifications)
    .where(
      and(
        eq(identityVerifications.value, value),
        isNotNull(identityVerifications.codeHash),
        gte(identityVerifications.createdAt, now - VERIFY_RATE_WINDOW_MS),
      ),
    );
  const limited = (sent?.n ?? 0) >= VERIFY_RATE_LIMIT;
  const secrets = newSecrets();
  const stored = await sb.store.write(async (tx) => {
    const kept = answer ? await storeAnswer(sb, row, answer.message, answer.inbox, answer.message.text, tx) : undefined;
    if (limited) {
      await tx.update(identityVerifications).set({ status: "cancelled", value }).where(eq(identityVerifications.id, row.id));
      await audit(tx, "system", "identity.verification_rate_limited", row, { value }, now);
    } else {
      await tx
        .update(identityVerifications)
        .set({
          status: "awaiting_code",
          value,
          codeHash: hashCode(row.id, secrets.code),
          tokenHash: hashToken(secrets.token),
          expiresAt: now + VERIFY_TTL_MS,
        })
        .where(eq(identityVerifications.id, row.id));
      await audit(tx, "system", "identity.verification_code_sent", row, { value }, now);
    }
    return kept;
  });
  if (stored) sb.bus.announce(stored.event);
  const result = stored ? taken(row, stored.message.id) : undefined;
  if (limited) {
    await say(
      sb,
      row.conversationId,
      `We cannot send a code to that ${row.kind === "phone" ? "number" : "address"} right now. Please try again later.`,
    );
    return result;
  }
  try {
    await deliverSecrets(sb, row, value, secrets);
  } catch (error) {
    await sendFailed(sb, row, value, error);
    return result;
  }
  await say(
    sb,
    row.conversationId,
    `We sent a 6-digit code to ${value}. Please type it here within 15 minutes, or open the link in that message.`,
  );
  return result;
}

/** The channel refused the code (a bad address, a relay error): cancelled, audited, logged, and the customer told. */
async function sendFailed(sb: VerifyServices, row: Verification, value: string, error: unknown) {
  const reason = describeError(error);
  sb.log.warn({ verification: row.id, kind: row.kind, error: reason }, "could not send a verification code");
  const now = sb.clock.now();
  await sb.store.write(async (tx) => {
    await tx.update(identityVerifications).set({ status: "cancelled" }).where(eq(identityVerifications.id, row.id));
    await audit(tx, "system", "identity.verification_send_failed", row, { value, reason: reason.message }, now);
  });
  const noun = row.kind === "phone" ? "number" : "address";
  await say(sb, row.conversationId, `We could not send a code to that ${noun}. Please check it and ask us to try again.`);
}

async function takeCode(sb: VerifyServices, row: Verification, message: InboundMessage, inbox: InboxInfo, code: string) {
  const now = sb.clock.now();
  const expected = Buffer.from(row.codeHash ?? "", "hex");
  const given = Buffer.from(hashCode(row.id, code), "hex");
  const right = expected.length === given.length && timingSafeEqual(expected, given);
  const attempts = row.attempts + 1;
  const result = await sb.store.write(async (tx) => {
    const answer = await storeAnswer(sb, row, message, inbox, "(verification code)", tx);
    const events: SwitchboardEvent[] = [answer.event];
    if (right) {
      events.push(...(await confirmVerification(tx, sb.bus, row, "code", now)));
      return { message: answer.message, events, status: "verified" as const };
    }
    const status = attempts >= VERIFY_MAX_TRIES ? ("locked" as const) : ("awaiting_code" as const);
    await audit(
      tx,
      "system",
      status === "locked" ? "identity.verification_locked" : "identity.verification_failed",
      row,
      { attempts },
      now,
    );
    await tx.update(identityVerifications).set({ status, attempts }).where(eq(identityVerifications.id, row.id));
    return { message: answer.message, events, status };
  });
  sb.bus.announce(...result.events);
  const reply =
    result.status === "verified"
      ? verifiedText(row)
      : result.status === "locked"
        ? "That code is not right, and there are no tries left. Please ask us to start again."
        : `That code is not right. You have ${VERIFY_MAX_TRIES - attempts} ${VERIFY_MAX_TRIES - attempts === 1 ? "try" : "tries"} left.`;
  await say(sb, row.conversationId, reply);
  return taken(row, result.message.id);
}
