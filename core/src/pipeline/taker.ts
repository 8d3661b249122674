/**
 * The shape of a core step that may take an inbound message before the pipeline stores it as a
 * customer message (InboundPipeline.take): survey answers, verification answers, messages the
 * business sent from outside Switchboard.
 */
import type { InboundMessage, InboxInfo, IngestResult } from "../plugins/types.ts";

/**
 * A core step that may take a message before it is stored as a customer message. See InboundPipeline.take.
 *
 * @example
 * const taker: Taker = { mayTake: (message) => message.sentOutside === true, take: storeIt };
 */
export interface Taker {
  /**
   * Whether it may take this message, judged from the message alone (no reads): only messages some
   * taker may take pay for the duplicate check before the write (issue 22).
   */
  mayTake(message: InboundMessage, inbox: InboxInfo): boolean;
  /**
   * Takes the message (its result ends the pipeline) or leaves it (undefined). The pipeline calls it
   * only for a message `mayTake` said yes to, which it need not check again.
   */
  take(message: InboundMessage, inbox: InboxInfo): Promise<IngestResult | undefined>;
}
