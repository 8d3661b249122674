/**
 * Recognising a customer's request for a person, for the FAQ's escape hatch. A handover word
 * ("agent") counts in a short message; a handover phrase ("talk to a human") counts anywhere in a
 * whole sentence. Phrases are kept per language, with English and German defaults that a config
 * extends or replaces language by language. Every language's phrases are tried on every message:
 * missing a request for a person would trap the customer, which is worse than handing over once
 * too often.
 */

/**
 * The default handover phrases by language. In a phrase, `a|b` is either word and `*` stands for up
 * to two other words ("speak to * agent" matches "speak to an agent" and "speak to a real agent").
 */
export const DEFAULT_HANDOVER_PHRASES: Readonly<Record<string, readonly string[]>> = {
  en: [
    "talk|speak|chat|write to|with * human|humans|agent|person|someone|somebody|representative|operator|staff",
    "real|actual|live human|person|agent|representative",
    "human|live agent|representative|operator|support|being",
    "connect|transfer|put me to|through * human|agent|person|representative|operator",
    "need|want * human|agent|person|representative",
  ],
  de: [
    "mit * mensch|menschen|mitarbeiter|mitarbeiterin|berater|beraterin|person|agenten|jemandem sprechen|reden|chatten|schreiben",
    "echten|echte|echter|richtigen|richtige|richtiger mensch|menschen|person|mitarbeiter|mitarbeiterin",
    "mitarbeiter|mitarbeiterin|mensch|menschen|berater|beraterin sprechen|bitte",
    "will|möchte|brauche * mensch|menschen|mitarbeiter|mitarbeiterin|berater|beraterin",
  ],
};

/** A message of at most this many words that holds a handover word asks for a person. */
const SHORT_MESSAGE_WORDS = 5;

const words = (text: string) =>
  text
    .toLowerCase()
    .normalize("NFKC")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter(Boolean);
const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Compiles a phrase into a regular expression over space-separated lower-case words. */
function compilePhrase(phrase: string): RegExp {
  const body = phrase
    .trim()
    .split(/\s+/)
    .map((slot) => (slot === "*" ? "(?: \\S+){0,2}" : ` (?:${slot.split("|").flatMap(words).map(escapeRegExp).join("|")})`))
    .join("");
  return new RegExp(`${body}(?= )`, "u");
}

/**
 * Builds the test for "does this message ask for a person?" from the handover words and the phrases
 * per language (merged over {@link DEFAULT_HANDOVER_PHRASES}: a language given replaces its default).
 *
 * @example
 * const asks = handoverMatcher(["agent", "human"], { fr: ["parler à|avec * humain|conseiller"] });
 * asks("Agent please!"); // true: a handover word in a short message
 * asks("Can I please speak to an agent now?"); // true: an English phrase
 * asks("Ich möchte mit einem Menschen sprechen"); // true: a German phrase
 * asks("Which agent handles refunds for orders placed last year?"); // false
 */
export function handoverMatcher(
  handoverWords: readonly string[],
  phrases: Readonly<Record<string, readonly string[]>> = {},
): (text: string) => boolean {
  const wanted = new Set(handoverWords.flatMap(words));
  const patterns = Object.values({ ...DEFAULT_HANDOVER_PHRASES, ...phrases })
    .flat()
    .map(compilePhrase);
  return (text) => {
    const tokens = words(text);
    if (tokens.length === 0) return false;
    if (tokens.length <= SHORT_MESSAGE_WORDS && tokens.some((token) => wanted.has(token))) return true;
    const spaced = ` ${tokens.join(" ")} `;
    return patterns.some((pattern) => pattern.test(spaced));
  };
}
