/**
 * What an incoming message says about itself: its language (tinyld, trusted when its accuracy is
 * at least 0.5; too short or mixed text is unknown), its sentiment (wink-nlp's score for English,
 * plus complaint words in English, German, Spanish and French, since wink scores complaints mildly)
 * and whether it is urgent (words such as "urgent", "asap", "sofort", "urgente", or "!!!").
 */
import { detectAll } from "tinyld";
import { english } from "./nlp.ts";

export type Sentiment = "negative" | "neutral" | "positive";

export interface MessageFacts {
  /** ISO 639-1 code, or undefined when unsure. */
  language?: string;
  sentiment: Sentiment;
  urgent: boolean;
}

const COMPLAINT =
  /\b(frustrat\w*|angry|annoy\w*|unacceptable|terrible|awful|horrible|worst|ridiculous|disappoint\w*|useless|furious|scam|rip-?off|fed up|never again|still (?:not|no|waiting|hasn't|haven't|didn't)|complain\w*|broken|wrong again|ärger\w*|enttäusch\w*|unverschämt|frechheit|schlecht\w*|inaceptable|molest\w*|decepcion\w*|terrible|inacceptable|déçu\w*|furieux|nul)\b/iu;
const URGENT =
  /\b(urgent\w*|asap|a\.s\.a\.p|immediately|right now|right away|emergency|as soon as possible|critical|outage|is down|locked out|dringend|sofort|notfall|urgente|inmediatamente|urgence|immédiatement|tout de suite)\b|!{3,}/iu;

/** The language of a text, or undefined when tinyld is unsure. */
export function detectLanguage(text: string): string | undefined {
  const [top] = detectAll(text.slice(0, 2000));
  return top && top.accuracy >= 0.5 ? top.lang : undefined;
}

function sentimentOf(text: string, language: string | undefined): Sentiment {
  if (COMPLAINT.test(text)) return "negative";
  if (language !== undefined && language !== "en") return "neutral";
  const nlp = english();
  const score = nlp.readDoc(text.slice(0, 5000)).out(nlp.its.sentiment) as unknown as number;
  if (score <= -0.25) return "negative";
  if (score >= 0.3) return "positive";
  return "neutral";
}

/**
 * Language, sentiment and urgency of a customer's message.
 *
 * @example
 * classify("This is unacceptable, I need it fixed ASAP!"); // { language: "en", sentiment: "negative", urgent: true }
 */
export function classify(text: string): MessageFacts {
  const language = detectLanguage(text);
  return { ...(language ? { language } : {}), sentiment: sentimentOf(text, language), urgent: URGENT.test(text) };
}
