/**
 * The plugin's options (`[plugins.<alias>.options]`), validated at start-up. Every key is described
 * in README.md and in config/switchboard.sample.toml.
 */
import { z } from "zod";

const toneGuide = z
  .object({
    /** How replies on this channel should sound, in a sentence or two. */
    guide: z.string().min(1).max(1000),
    /** Two or three replies that sound right on this channel. */
    examples: z.array(z.string().min(1).max(2000)).max(5, { message: "give 2 or 3 examples per channel (at most 5)" }).default([]),
  })
  .strict();

export const openAiOptions = z
  .object({
    base_url: z.url({
      message:
        'give the server\'s OpenAI-compatible base URL, ending in /v1, e.g. "https://api.openai.com/v1" or "http://127.0.0.1:11434/v1" (Ollama)',
    }),
    model: z.string().min(1, { message: 'name the model, e.g. "gpt-4o-mini" or "llama3.1:8b"' }),
    /** Write "${OPENAI_API_KEY}" to read it from the environment; servers that need none (Ollama, llama.cpp) may omit it. */
    api_key: z.string().optional(),
    /** Inboxes this assistant helps in (opt-in); ["*"] for all. */
    inboxes: z.array(z.string().min(1)).refine((list) => list.length > 0, {
      message: 'list the inboxes this assistant may help in, e.g. inboxes = ["support"], or ["*"] for all',
    }),
    timeout_ms: z.number().int().positive().max(120_000).default(12_000),
    max_retries: z.number().int().min(0).max(5).default(1),
    temperature: z.number().min(0).max(2).default(0.3),
    max_tokens: z.number().int().positive().max(8192).default(600),
    /** Replace emails, phone numbers and card-like numbers with placeholders before text leaves the machine. */
    redact: z.boolean().default(true),
    /** Messages of the conversation sent as context (the latest ones). */
    context_messages: z.number().int().min(1).max(200).default(30),
    /** Also offer one drafted reply in the suggestions strip when a conversation opens (one model call per opening). */
    suggest_on_open: z.boolean().default(false),
    /** Tone guides by channel kind ("email", "telegram", ...), for drafts and "Rewrite for <channel>". */
    tone: z.record(z.string(), toneGuide).default({}),
  })
  .strict();

export type OpenAiOptions = z.output<typeof openAiOptions>;
export type ToneGuide = z.output<typeof toneGuide>;
