// reachesBy: the channel can reach a contact who has no identity on it, at their email or phone.
import type { ChannelAdapter } from "@switchboard/core";

declare function sendMail(to: string, text: string): Promise<string>;

export const email: ChannelAdapter = {
  reachesBy: ["email"], // core offers this inbox as a reply channel for any contact with an email
  async send(target, message) {
    // externalId is undefined when the contact never wrote here: use the address core hands over.
    const to = target.contact.externalId ?? target.contact.email;
    if (!to) throw new Error("No address for this contact.");
    return { externalId: await sendMail(to, message.text) };
  },
};
