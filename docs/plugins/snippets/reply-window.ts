// Reply window: free messages for 24 hours after the customer's last one, then only what the network allows.
import type { ChannelAdapter, ReplyTemplate } from "@switchboard/core";

declare function approvedTemplates(): Promise<ReplyTemplate[]>; // cached: the composer asks on each page
declare function sendTemplate(to: string, name: string, language: string, values: string[]): Promise<string>;
declare function sendText(to: string, text: string, tag?: string): Promise<string>;

/** WhatsApp's shape: after 24 hours only approved templates, which core fills from the contact. */
export const whatsappLike: ChannelAdapter = {
  replyWindow: {
    openForMs: 24 * 3_600_000,
    after: [{ allow: "templates" }],
    templates: approvedTemplates,
    automationTemplates: { follow_up: { name: "checking_in" } }, // else the follow-up is skipped, with a note
    remindBeforeMs: 3_600_000, // a note to the assignee an hour before it closes
  },
  async send(target, message) {
    const to = target.contact.externalId!;
    const { template } = message; // set when the agent (or an automation) picked one
    const values = template?.variables.map((v) => v.value) ?? [];
    if (template) return { externalId: await sendTemplate(to, template.name, template.language, values) };
    return { externalId: await sendText(to, message.text) };
  },
};

/** Messenger's shape: 7 more days with the HUMAN_AGENT tag (core hands it over as `message.tag`), then nothing. */
export const messengerLike: ChannelAdapter = {
  replyWindow: { openForMs: 24 * 3_600_000, after: [{ allow: "tag", tag: "HUMAN_AGENT", forMs: 7 * 86_400_000, label: "Human agent" }] },
  async send(target, message) {
    return { externalId: await sendText(target.contact.externalId!, message.text, message.tag) };
  },
};
