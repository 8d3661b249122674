/**
 * The plugin API, for channel authors: the reply window. Some networks let a business answer freely
 * only for a while after the customer's last message (WhatsApp's and Meta's 24 hours); after that,
 * only approved templates or a tagged message may go out, or nothing. A channel declares the rule on
 * its adapter (`ChannelAdapter.replyWindow`); core applies it in the composer, the outbound check,
 * the automations and the reminder, with no channel named in core.
 */

/**
 * What may still be sent once the window has closed, one stage after another:
 * - `{ allow: "templates" }`: only approved templates (WhatsApp); `send` gets `message.template`;
 * - `{ allow: "tag", tag, forMs }`: any message carrying `tag`, for `forMs` more (Messenger's
 *   `HUMAN_AGENT`, 7 days); `send` gets `message.tag`.
 * A stage without `forMs` lasts for ever. After the last stage nothing may be sent.
 *
 * @example
 * const after: ReplyWindowStage[] = [{ allow: "tag", tag: "HUMAN_AGENT", forMs: 7 * 86_400_000, label: "Human agent" }];
 */
export type ReplyWindowStage =
  | { allow: "templates"; forMs?: number }
  | {
      allow: "tag";
      /** The network's tag, handed to `send` as `message.tag` ("HUMAN_AGENT"). */
      tag: string;
      forMs?: number;
      /** Shown to agents ("Human agent tag"); default the tag. */
      label?: string;
    };

/**
 * A contact field a template variable is filled from: "name", "first_name", "email", "phone", or
 * "attributes.<key>" (a custom attribute). The agent can change the value before sending.
 */
export type TemplateFill = "name" | "first_name" | "email" | "phone" | `attributes.${string}`;

/**
 * An approved message template a channel offers outside the window (a WhatsApp `message_templates`
 * entry), as the composer's template picker lists it.
 *
 * @example
 * const template: ReplyTemplate = {
 *   name: "order_update", language: "en_US", body: "Hi {{1}}, your order {{2}} has shipped.",
 *   variables: [{ key: "1", fill: "first_name" }, { key: "2", example: "#1234" }],
 * };
 */
export interface ReplyTemplate {
  name: string;
  /** The network's language code ("en_US"). A name may exist in several languages. */
  language: string;
  /** The text, with each variable written `{{key}}` ("Hi {{1}}", "Hi {{customer_name}}"). */
  body: string;
  /** The variables of `body`, in order; `fill` says which contact field fills it in. */
  variables: { key: string; fill?: TemplateFill; example?: string }[];
  /** The network's category ("UTILITY", "MARKETING"), shown beside the name. */
  category?: string;
}

/** A template to send: its name, language and every variable's value (see `OutboundMessage.template`). */
export interface TemplateSend {
  name: string;
  language: string;
  /** Each variable's value, by key ("1", "customer_name"), in the template's order. */
  variables: { key: string; value: string }[];
}

/**
 * A channel's reply window. Core measures it from the customer's last message on the inbox (any
 * conversation of the contact there): for `openForMs` anything may be sent, then each stage of
 * `after` in turn, then nothing.
 *
 * @example
 * const adapter: ChannelAdapter = {
 *   replyWindow: {
 *     openForMs: 24 * 3_600_000,
 *     after: [{ allow: "templates" }],
 *     templates: () => templatesFromTheNetwork(), // cache them: the composer asks on each page
 *     automationTemplates: { follow_up: { name: "checking_in", language: "en_US" } },
 *     remindBeforeMs: 3_600_000,
 *   },
 *   async send(target, message) { ... message.template ... },
 * };
 */
export interface ReplyWindow {
  /** How long after the customer's last message anything may be sent (24 hours: 86_400_000). */
  openForMs: number;
  /** What may still be sent once it has closed, stage after stage. Default none: nothing may be sent. */
  after?: ReplyWindowStage[];
  /**
   * The approved templates, for the composer's picker and to check a template send; needed when a
   * stage allows templates. Cache them (the composer asks on each page); throw when they cannot be
   * fetched (the composer then says so).
   */
  templates?(): Promise<ReplyTemplate[]>;
  /**
   * The template an automation sends when the window has closed, by rule (`follow_up`, `csat`, or a
   * rule's name). An automation without one is skipped then, with a note in the timeline.
   */
  automationTemplates?: Record<string, { name: string; language?: string }>;
  /** Remind the conversation's assignee this long before the window closes (a private note mentioning them). */
  remindBeforeMs?: number;
}

/**
 * Where a contact's window stands on one inbox at one moment, as core works it out:
 * - "open": anything may be sent until `closesAt`;
 * - "tag": only a message carrying `tag` until `closesAt` (null: no end);
 * - "templates": only templates until `closesAt` (null: no end);
 * - "closed": nothing may be sent.
 * `openedAt` is the customer's last message (null: they never wrote on this inbox).
 */
export type ReplyWindowState = { openedAt: number | null } & (
  | { state: "open"; closesAt: number }
  | { state: "tag"; tag: string; label: string; closesAt: number | null }
  | { state: "templates"; closesAt: number | null }
  | { state: "closed" }
);
