// Deletions and sends made elsewhere: what a channel tells core besides new customer messages.
import type { Emit } from "@switchboard/core";

/** The customer unsent a message: core removes its text and files; the agent sees it was deleted. */
export const unsent = (emit: Emit, mid: string, from: string) =>
  emit({ externalId: mid, contact: { externalId: from }, text: "", deleted: true });

/** Staff answered in the network's own app: stored as outgoing, marked "sent outside Switchboard". */
export const echoed = (emit: Emit, mid: string, to: string, text: string) =>
  emit({ externalId: mid, contact: { externalId: to }, text, sentOutside: true }); // `contact` is the recipient
