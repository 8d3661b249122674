/**
 * The prompts, one function per kind of help. Each says what to write and what never to do
 * (invent facts, send citation markers to the customer, touch placeholders such as [EMAIL_1]).
 * Context is plain labelled text, so any chat model, small local ones included, can follow it.
 */
import type { AssistantInput } from "@switchboard/core";
import type { Prompt } from "./model.ts";
import type { ToneGuide } from "./options.ts";

const KEEP = "Keep placeholders such as [EMAIL_1], [PHONE_1] or [CARD_1] exactly as they are.";
const who = (direction: string) => (direction === "incoming" ? "Customer" : direction === "note" ? "Agent (private note)" : "Agent");

function transcript(messages: { direction: string; text: string; channel: string }[]): string {
  return messages
    .filter((m) => m.direction !== "activity" && m.text.trim())
    .map((m) => `${who(m.direction)} (${m.channel}): ${m.text.trim()}`)
    .join("\n");
}

/** The tone guide of a channel, with its examples, or "". */
export function toneSection(channel: string, guide: ToneGuide | undefined, inboxTone?: string): string {
  const lines = [];
  if (guide) lines.push(`Tone for ${channel}: ${guide.guide}`);
  else if (inboxTone) lines.push(`Tone for ${channel}: ${inboxTone}`);
  if (guide?.examples.length)
    lines.push("Examples of replies that sound right:", ...guide.examples.map((e, i) => `Example ${i + 1}: ${e}`));
  return lines.join("\n");
}

/** A reply draft grounded in the conversation, the contact's other conversations, their facts and the articles. */
export function draftPrompt(input: AssistantInput, tone: string): Prompt {
  const sections = [];
  if (input.contact) {
    const facts = Object.keys(input.contact.facts).length ? JSON.stringify(input.contact.facts) : "none";
    sections.push(`Customer: ${input.contact.name ?? "unknown name"}. Known facts: ${facts}`);
  }
  if (input.history?.length)
    sections.push(`Earlier conversations with this customer (other channels included):\n${transcript(input.history)}`);
  if (input.articles?.length)
    sections.push(
      `Knowledge-base articles:\n${input.articles.map((a, i) => `[${i + 1}] ${a.title}\n${a.body.slice(0, 2000)}`).join("\n\n")}`,
    );
  sections.push(`This conversation (on ${input.channel}):\n${transcript(input.messages)}`);
  return {
    system: [
      "You draft the next reply of a customer support agent, who will read and edit it before sending.",
      "Answer the customer's latest message in the customer's language. Use only the facts and articles given; if they do not answer it, say what the agent will check, and never invent prices, dates, policies or promises.",
      "Write only the reply text: no subject line, no notes to the agent, no citation markers such as [1].",
      KEEP,
      tone,
    ]
      .filter(Boolean)
      .join("\n"),
    user: sections.join("\n\n"),
  };
}

export function summaryPrompt(input: AssistantInput): Prompt {
  const language = input.language ? ` Write it in the language "${input.language}".` : "";
  return {
    system: `Summarise a customer support conversation for the agent taking it over, in 2 to 4 short sentences: what the customer wants, what was done or promised, and what is still open.${language} ${KEEP}`,
    user: transcript(input.messages),
  };
}

export function translatePrompt(text: string, to: string, from?: string): Prompt {
  return {
    system: `Translate the user's text${from ? ` from the language "${from}"` : ""} into the language "${to}" (a BCP 47 code). Output only the translation, with the same line breaks and no quotes. ${KEEP}`,
    user: text,
  };
}

export function rewritePrompt(text: string, channel: string, tone: string): Prompt {
  return {
    system: [
      `Rewrite a support agent's message for the ${channel} channel. Keep its meaning, its facts and its language; change only the wording, length and tone.`,
      "Output only the rewritten message.",
      KEEP,
      tone,
    ]
      .filter(Boolean)
      .join("\n"),
    user: text,
  };
}

export function languagePrompt(text: string): Prompt {
  return {
    system: "Name the language of the user's text with its ISO 639-1 code (two lower-case letters, such as en, de, fr) and nothing else.",
    user: text.slice(0, 1000),
  };
}
