/**
 * Words for ranking: lower-case letters and digits (inner "-" kept, so "A-1001" stays one word),
 * words that say nothing on their own left out (a short list in English, German, Spanish, French),
 * and a light English suffix strip so "refunds", "refunded" and "refunding" meet at "refund".
 */

const STOPWORDS = new Set(
  (
    "a about am an and any are as at be been but by can could did do does doing for from get got had has have hello hey hi how i " +
    "i'm im i've i'd don't if in into is it its it's just me my no not now of on or our please so some than thank thanks that the their them " +
    "then there these they this to too up us was we were what when where which who why will with would you your " +
    "der die das und ist ich nicht ein eine mit zu den von es sie wir mein meine bitte danke hallo wie was " +
    "el la los las y es de en un una que por con mi para hola gracias " +
    "le les et est je un une de des du en pour avec mon ma merci bonjour"
  ).split(" "),
);

/**
 * A word reduced to a rough stem: "-ing", "-ed", "-es", "-s" and then a final "e" dropped, a doubled
 * last consonant made single ("shipped" and "shipping" → "ship"). Words with digits and short
 * words are kept as they are.
 *
 * @example
 * [stem("invoices"), stem("invoice"), stem("charged"), stem("shipping")]; // ["invoic", "invoic", "charg", "ship"]
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let base = word.replace(/(ing|ed|es|s)$/, "");
  if (base.length < 3) return word;
  base = base.replace(/e$/, "");
  return /([b-df-hj-np-tv-z])\1$/.test(base) ? base.slice(0, -1) : base;
}

/**
 * The ranking terms of a text, in order (repeats kept: they count).
 *
 * @example
 * terms("Where are my refunds for order A-1001?"); // ["refund", "order", "a-1001"]
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu)) {
    const word = match[0];
    if (word.length < 2 || STOPWORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}
