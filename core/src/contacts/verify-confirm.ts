/**
 * The end of a verification (issue 16.1), whichever way the customer proves the address or number:
 * the code typed back on the channel, or the one-click link opened and confirmed. The value becomes
 * a verified identity of the contact and the verified-join rule applies (joinVerifiedHolders,
 * undoable). The link's token is single-use: it is redeemed by a conditional update of a row still
 * waiting, and its answers say why a link does not work (unknown, expired, used, cancelled).
 */
import { and, eq } from "drizzle-orm";
import type { SwitchboardEvent } from "../events/types.ts";
import type { Services } from "../services.ts";
import type { Tx } from "../store/index.ts";
import { auditLog, identityVerifications } from "../store/schema.ts";
import { recordVerified } from "./identify.ts";
import { joinVerifiedHolders } from "./verified-join.ts";
import { hashToken, KIND_NOUN, TOKEN_SHAPE, type Verification, type VerifyKind } from "./verify-deliver.ts";

/** The automation name on Switchboard's own messages about verifications. */
export const VERIFY_RULE = "verify_identity";

/**
 * Writes one audit entry about a verification (subject: its contact).
 *
 * @example
 * await auditVerification(tx, "system", "identity.verification_expired", row, {}, now);
 */
export async function auditVerification(
  tx: Tx,
  actor: string,
  action: string,
  row: Verification,
  data: Record<string, unknown>,
  now: number,
): Promise<void> {
  await tx.insert(auditLog).values({
    actor,
    action,
    subjectType: "contact",
    subjectId: String(row.contactId),
    data: { verification: row.id, conversation: row.conversationId, kind: row.kind, ...data },
    createdAt: now,
  });
}

/**
 * Says something to the customer on the verification's conversation, as Switchboard.
 *
 * @example
 * await sayOnConversation(switchboard, 42, "Thank you, your email address is verified.");
 */
export async function sayOnConversation(sb: Pick<Services, "outbound">, conversationId: number, text: string): Promise<void> {
  await sb.outbound.reply({ conversationId, agentId: null, text, metadata: { automation: VERIFY_RULE } });
}

/**
 * Inside the caller's transaction: records the value as a verified identity, joins the contacts that
 * hold it verified, audits, and marks the row verified. Returns the events to announce after the commit.
 *
 * @example
 * const events = await confirmVerification(tx, switchboard.bus, row, "code", now);
 */
export async function confirmVerification(
  tx: Tx,
  bus: Services["bus"],
  row: Verification,
  via: "code" | "link",
  now: number,
): Promise<SwitchboardEvent[]> {
  // Only a row still waiting is verified, once: the code and the link cannot both count.
  const claimed = await tx
    .update(identityVerifications)
    .set({ status: "verified", attempts: via === "code" ? row.attempts + 1 : row.attempts })
    .where(and(eq(identityVerifications.id, row.id), eq(identityVerifications.status, "awaiting_code")))
    .returning({ id: identityVerifications.id });
  if (claimed.length === 0) return [];
  const signal = await recordVerified(tx, row.contactId, row.kind as VerifyKind, row.value!, `verification:${row.id}`);
  const joined = await joinVerifiedHolders(tx, row.contactId, signal ? [signal] : [], now);
  const events = await joined.record(bus);
  await auditVerification(tx, "system", "identity.verified", row, { value: row.value, contact: joined.contactId, via }, now);
  return events;
}

/** Thanks the customer on the conversation once verified. */
export const verifiedText = (row: Verification) => `Thank you, your ${KIND_NOUN[row.kind as VerifyKind]} is verified.`;

export type LinkAnswer = { ok: true; row: Verification } | { ok: false; status: 404 | 410; reason: string };

const UNKNOWN: LinkAnswer = {
  ok: false,
  status: 404,
  reason: "This link is not valid. Check that you opened the whole link from the message, or ask for a new one in the conversation.",
};

function refusal(row: Verification, now: number): LinkAnswer | undefined {
  if (row.status === "verified")
    return { ok: false, status: 410, reason: "This link was already used: the address is verified. You can close this page." };
  if (row.status !== "awaiting_code")
    return { ok: false, status: 410, reason: "This verification was cancelled or locked. Ask for a new one in the conversation." };
  if (row.expiresAt <= now)
    return { ok: false, status: 410, reason: "This link has expired (links last 15 minutes). Ask for a new one in the conversation." };
  return undefined;
}

async function byToken(sb: Pick<Services, "store">, token: string): Promise<Verification | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const [row] = await sb.store.db
    .select()
    .from(identityVerifications)
    .where(eq(identityVerifications.tokenHash, hashToken(token)));
  return row;
}

/**
 * What the link's token is for, read only (the confirmation page, which mail scanners may fetch).
 *
 * @example
 * const answer = await inspectLink(switchboard, token); // { ok: true, row } or { ok: false, status: 410, reason }
 */
export async function inspectLink(sb: Pick<Services, "store" | "clock">, token: string): Promise<LinkAnswer> {
  const row = await byToken(sb, token);
  if (!row) return UNKNOWN;
  return refusal(row, sb.clock.now()) ?? { ok: true, row };
}

/**
 * Redeems the link's token once: verifies the value (and joins), or says why not. An expired link
 * marks its verification expired (audited).
 *
 * @example
 * const answer = await redeemLink(switchboard, token);
 */
export async function redeemLink(sb: Pick<Services, "store" | "clock" | "bus" | "outbound">, token: string): Promise<LinkAnswer> {
  const found = await byToken(sb, token);
  if (!found) return UNKNOWN;
  const now = sb.clock.now();
  const result = await sb.store.write(async (tx) => {
    const [row] = await tx.select().from(identityVerifications).where(eq(identityVerifications.id, found.id));
    const refused = refusal(row!, now);
    if (refused) {
      if (row!.status === "awaiting_code" && row!.expiresAt <= now) {
        await tx
          .update(identityVerifications)
          .set({ status: "expired" })
          .where(and(eq(identityVerifications.id, row!.id), eq(identityVerifications.status, "awaiting_code")));
        await auditVerification(tx, "system", "identity.verification_expired", row!, { via: "link" }, now);
      }
      return { answer: refused, events: [] as SwitchboardEvent[] };
    }
    const events = await confirmVerification(tx, sb.bus, row!, "link", now);
    return { answer: { ok: true, row: row! } as LinkAnswer, events };
  });
  sb.bus.announce(...result.events);
  if (result.answer.ok) await sayOnConversation(sb, result.answer.row.conversationId, verifiedText(result.answer.row));
  return result.answer;
}
