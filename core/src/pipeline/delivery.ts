/**
 * The delivery worker: claims due outbox rows atomically, sends each through its inbox's adapter,
 * and records the outcome. Failures retry with exponential backoff, or after the channel's
 * `retry_after`; the last attempt, or a permanent error, marks the message failed with the reason,
 * and `retry(messageId)` queues it again. A send cut off by a crash is retried only on channels
 * that deduplicate by idempotency key; elsewhere it is marked failed for an agent to check and
 * retry, so no customer ever receives a message twice. A claim is a short lease (10 s) renewed by a
 * heartbeat while the send runs, so a crashed worker's sends are picked up within seconds; the
 * claim's attempt number fences a worker whose send was taken over from recording its outcome.
 */
import { and, eq, inArray, lte, notInArray, or, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { identityOn } from "../contacts/identity-scope.ts";
import { DeliveryError, describeError, ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { EventBus } from "../events/bus.ts";
import { messageUpdatedData } from "../events/message-data.ts";
import { backoffMs } from "../jobs/backoff.ts";
import { withHeartbeat } from "../jobs/heartbeat.ts";
import { Poller } from "../jobs/poller.ts";
import type { Logger } from "../log/index.ts";
import { withTimeout } from "../plugins/hooks.ts";
import type { OutboundMessage, OutboundTarget, TemplateSend } from "../plugins/types.ts";
import { attachmentForPlugins } from "../store/attachments.ts";
import { findContact, identitiesOf } from "../store/contacts.ts";
import { findConversation } from "../store/conversations.ts";
import type { Store, Tx } from "../store/index.ts";
import { agents, attachments, messages, outbox } from "../store/schema.ts";
import type { InboxRuntime } from "./inboxes.ts";
import { refusal, replyWindowState } from "./reply-window.ts";

/** Deliveries claimed at a time. */
const DUE_BATCH = 20;

type OutboxRow = typeof outbox.$inferSelect;
type Message = typeof messages.$inferSelect;
/** How one delivery attempt ended. */
type Outcome =
  | { kind: "sent"; externalId: string | undefined }
  | { kind: "retry"; error: string; at: number }
  | { kind: "failed"; error: string };

export const CRASHED_SEND_ERROR =
  "The delivery was interrupted by a restart and this channel cannot tell whether it went out. Check with the customer's channel, then retry if needed.";

/** How long a send's claim holds without renewal; the heartbeat renews it every third of that. */
export const DELIVERY_LEASE_MS = 10_000;

export class DeliveryWorker {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #bus: EventBus;
  readonly #inboxes: InboxRuntime;
  readonly #poller: Poller;
  readonly #leaseMs: number;
  readonly #sendTimeoutMs: number;

  constructor(deps: {
    store: Store;
    clock: Clock;
    log: Logger;
    bus: EventBus;
    inboxes: InboxRuntime;
    pollMs?: number;
    sendTimeoutMs?: number;
    leaseMs?: number;
  }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#log = deps.log.child({ worker: "delivery" });
    this.#bus = deps.bus;
    this.#inboxes = deps.inboxes;
    this.#sendTimeoutMs = deps.sendTimeoutMs ?? 30_000;
    this.#leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
    // A full batch means more may be due: the poller goes again at once instead of after a second.
    this.#poller = new Poller("delivery", async () => (await this.runDue(DUE_BATCH)) >= DUE_BATCH, {
      intervalMs: deps.pollMs ?? 1000,
      log: this.#log,
    });
  }

  start(): void {
    this.#poller.start();
  }

  stop(): Promise<void> {
    return this.#poller.stop();
  }

  /** Wakes the worker (a reply was queued). */
  kick(): void {
    this.#poller.kick();
  }

  /** Claims and sends the deliveries that are due. Returns how many were attempted. */
  async runDue(limit = DUE_BATCH): Promise<number> {
    const now = this.#clock.now();
    // Replies of an inbox whose connection another process holds are that process's to send.
    const elsewhere = this.#inboxes.sentElsewhere();
    const claimed = await this.#store.write(async (tx) => {
      const due = tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            or(
              and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, now)),
              and(eq(outbox.status, "sending"), lte(outbox.claimedUntil, now)),
            ),
            elsewhere.length > 0 ? notInArray(outbox.inbox, elsewhere) : undefined,
          ),
        )
        .orderBy(outbox.nextAttemptAt)
        .limit(limit);
      const rows = await tx.select().from(outbox).where(inArray(outbox.id, due));
      if (rows.length === 0) return [];
      await tx
        .update(outbox)
        .set({ status: "sending", claimedUntil: now + this.#leaseMs, attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        );
      await tx
        .update(messages)
        .set({ deliveryStatus: "sending", updatedAt: now })
        .where(
          inArray(
            messages.id,
            rows.map((r) => r.messageId),
          ),
        );
      return rows;
    });
    await Promise.all(
      claimed.map((row) =>
        withHeartbeat(
          () => this.#deliver(row),
          () => this.#renew(row),
          {
            leaseMs: this.#leaseMs,
            log: this.#log,
            what: { message: row.messageId, inbox: row.inbox },
          },
        ),
      ),
    );
    return claimed.length;
  }

  /** This worker's claim of a row, and no later one: the attempt number grows with every claim. */
  #ours(row: OutboxRow) {
    return and(eq(outbox.id, row.id), eq(outbox.status, "sending"), eq(outbox.attempts, row.attempts + 1));
  }

  async #renew(row: OutboxRow): Promise<boolean> {
    const renewed = await this.#store.write((tx) =>
      tx
        .update(outbox)
        .set({ claimedUntil: this.#clock.now() + this.#leaseMs })
        .where(this.#ours(row))
        .returning({ id: outbox.id }),
    );
    return renewed.length > 0;
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const attempt = row.attempts + 1;
    const inbox = this.#inboxes.get(row.inbox);
    const crashedMidSend = row.status === "sending";
    if (crashedMidSend && !inbox?.adapter?.idempotentSends) {
      await this.#finish(row, { kind: "failed", error: CRASHED_SEND_ERROR });
      return;
    }
    try {
      const usable =
        inbox?.state === "running" || inbox?.state === "ready" || (inbox?.state === "standby" && this.#inboxes.sendsHere(inbox.name));
      if (!inbox?.adapter || !usable) {
        throw new DeliveryError(`The inbox "${row.inbox}" is not running (${inbox?.error ?? inbox?.state ?? "not configured"}).`, {
          retryable: true,
        });
      }
      const { target, message } = await this.#prepare(row, attempt);
      const result = await withTimeout(
        inbox.adapter.send(target, message),
        this.#sendTimeoutMs,
        `Sending message ${row.messageId} on "${row.inbox}"`,
      );
      await this.#finish(row, { kind: "sent", externalId: result?.externalId });
    } catch (error) {
      const described = describeError(error);
      const permanent = error instanceof DeliveryError && !error.retryable;
      if (permanent || attempt >= row.maxAttempts) {
        await this.#finish(row, {
          kind: "failed",
          error: permanent ? described.message : `Gave up after ${attempt} attempts: ${described.message}`,
        });
      } else {
        const delay = error instanceof DeliveryError && error.retryAfterMs !== undefined ? error.retryAfterMs : backoffMs(attempt);
        await this.#finish(row, { kind: "retry", error: described.message, at: this.#clock.now() + delay });
      }
      this.#log.warn({ message: row.messageId, inbox: row.inbox, attempt, permanent, error: described }, "delivery failed");
    }
  }

  async #prepare(row: OutboxRow, attempt: number): Promise<{ target: OutboundTarget; message: OutboundMessage }> {
    const [stored] = await this.#store.db.select().from(messages).where(eq(messages.id, row.messageId));
    if (!stored) throw new DeliveryError(`Message ${row.messageId} no longer exists.`, { retryable: false });
    const conversation = await findConversation(this.#store.db, stored.conversationId);
    const contact = await findContact(this.#store.db, stored.contactId);
    if (!conversation || !contact)
      throw new DeliveryError(`The conversation of message ${stored.id} no longer exists.`, { retryable: false });
    const inbox = this.#inboxes.get(stored.inbox);
    const identity = identityOn(await identitiesOf(this.#store.db, contact.id), {
      name: stored.inbox,
      channel: stored.channel,
      identityScope: inbox?.identityScope,
    });
    const [lastIncoming] = await this.#store.db
      .select({ externalId: messages.externalId })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, "incoming"), eq(messages.inbox, stored.inbox)))
      .orderBy(sql`${messages.id} DESC`)
      .limit(1);
    // The window is checked again: a reply queued while it was open may be sent after it closed.
    const template = stored.metadata.template as TemplateSend | undefined;
    const window = await replyWindowState(this.#store.db, inbox, contact.id, this.#clock.now());
    const refused = refusal(window, stored.inbox, { template: template !== undefined });
    if (refused) throw new DeliveryError(refused, { retryable: false });
    const files = await this.#store.db.select().from(attachments).where(eq(attachments.messageId, stored.id));
    const [agent] =
      stored.authorAgentId === null
        ? []
        : await this.#store.db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, stored.authorAgentId));
    return {
      target: {
        inbox: stored.inbox,
        channel: stored.channel,
        conversationId: conversation.id,
        threadKey: stored.inbox === conversation.inbox ? conversation.threadKey : null,
        contact: { id: contact.id, externalId: identity?.externalId, name: contact.name, email: contact.email, phone: contact.phone },
        replyToExternalId: lastIncoming?.externalId ?? null,
      },
      message: {
        id: stored.id,
        text: stored.text,
        html: stored.html,
        attachments: files.map(attachmentForPlugins),
        agent: agent ?? null,
        idempotencyKey: `swb-msg-${stored.id}`,
        attempt,
        ...(template ? { template } : {}),
        ...(window?.state === "tag" && !template ? { tag: window.tag } : {}),
      },
    };
  }

  async #finish(row: OutboxRow, outcome: Outcome): Promise<void> {
    const now = this.#clock.now();
    const { updated, events } = await this.#store.write(async (tx) => {
      const updated = await this.#recordOutcome(tx, row, outcome, now);
      return { updated, events: updated[0] ? [await this.#bus.record(tx, "message.updated", messageUpdatedData(updated[0]))] : [] };
    });
    if (updated.length === 0) {
      this.#log.warn(
        { message: row.messageId, inbox: row.inbox, outcome: outcome.kind },
        "a delivery's claim was taken over; its outcome is not recorded",
      );
      return;
    }
    this.#bus.announce(...events);
  }

  /** The outbox row's and the message's new state after an attempt; none when the claim was taken over. */
  async #recordOutcome(tx: Tx, row: OutboxRow, outcome: Outcome, now: number): Promise<Message[]> {
    if (outcome.kind === "retry") {
      const held = await tx
        .update(outbox)
        .set({ status: "pending", claimedUntil: null, nextAttemptAt: outcome.at, lastError: outcome.error, updatedAt: now })
        .where(this.#ours(row))
        .returning({ id: outbox.id });
      if (held.length === 0) return [];
      return tx
        .update(messages)
        .set({ deliveryStatus: "queued", deliveryError: outcome.error, updatedAt: now })
        .where(eq(messages.id, row.messageId))
        .returning();
    }
    const status = outcome.kind === "sent" ? "sent" : "failed";
    const error = outcome.kind === "failed" ? outcome.error : null;
    const held = await tx
      .update(outbox)
      .set({ status, claimedUntil: null, lastError: error, updatedAt: now })
      .where(this.#ours(row))
      .returning({ id: outbox.id });
    if (held.length === 0) return [];
    return tx
      .update(messages)
      .set({
        deliveryStatus: status,
        deliveryError: error,
        ...(outcome.kind === "sent" && outcome.externalId ? { externalId: outcome.externalId } : {}),
        updatedAt: now,
      })
      .where(eq(messages.id, row.messageId))
      .returning();
  }

  /** Queues a failed message again (the "retry" action). Throws SWB_ERR_CONFLICT if it is not failed. */
  async retry(messageId: number): Promise<void> {
    const now = this.#clock.now();
    const changed = await this.#store.write(async (tx) => {
      const rows = await tx
        .update(outbox)
        .set({ status: "pending", attempts: 0, nextAttemptAt: now, claimedUntil: null, lastError: null, updatedAt: now })
        .where(and(eq(outbox.messageId, messageId), eq(outbox.status, "failed")))
        .returning({ id: outbox.id });
      if (rows.length > 0)
        await tx.update(messages).set({ deliveryStatus: "queued", deliveryError: null, updatedAt: now }).where(eq(messages.id, messageId));
      return rows.length;
    });
    if (changed === 0) throw new SwitchboardError(ErrorCodes.CONFLICT, `Message ${messageId} has no failed delivery to retry.`);
    this.kick();
  }
}
