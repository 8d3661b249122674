/**
 * One Meta app serves several business numbers and delivers all their events to the one callback
 * URL set in the app. So whichever inbox's webhook receives a delivery hands each change to the
 * inbox of its `metadata.phone_number_id`, registered here when the inboxes are created.
 */
import type { DeliveryReport } from "@switchboard/core";
import type { WhatsAppValue } from "./payload.ts";

/** What the router needs of one inbox (one business number). */
export interface NumberInbox {
  inbox: string;
  phoneNumberId: string;
  businessAccountId: string | undefined;
  appSecret: string;
  /** Stores the value's messages and statuses; resolves to the reasons of messages core refused. */
  process(value: WhatsAppValue): Promise<string[]>;
  reportDelivery(report: DeliveryReport): Promise<boolean>;
  /** Forgets the cached templates. */
  clearTemplates(): Promise<void>;
}

/**
 * The inboxes of one plugin instance, by phone number id and by name.
 *
 * @example
 * const router = new NumberRouter();
 * router.add(inbox);
 * router.byNumber("106540352242922")?.process(value);
 */
export class NumberRouter {
  readonly #byNumber = new Map<string, NumberInbox>();
  readonly #byName = new Map<string, NumberInbox>();

  /** Adds an inbox; throws when another inbox already serves its number. */
  add(entry: NumberInbox): void {
    const other = this.#byNumber.get(entry.phoneNumberId);
    if (other && other.inbox !== entry.inbox)
      throw new Error(
        `The inboxes "${other.inbox}" and "${entry.inbox}" both set phone_number_id = "${entry.phoneNumberId}": give each number one inbox.`,
      );
    this.#byNumber.set(entry.phoneNumberId, entry);
    this.#byName.set(entry.inbox, entry);
  }

  byNumber(phoneNumberId: string): NumberInbox | undefined {
    return this.#byNumber.get(phoneNumberId);
  }

  byName(inbox: string): NumberInbox | undefined {
    return this.#byName.get(inbox);
  }

  /** The inboxes of a WhatsApp Business Account (a template webhook names the account). */
  ofAccount(businessAccountId: string | undefined): NumberInbox[] {
    return [...this.#byNumber.values()].filter((e) => businessAccountId === undefined || e.businessAccountId === businessAccountId);
  }
}
