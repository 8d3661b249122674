/**
 * Redaction before text leaves the machine: email addresses, phone numbers and card-like numbers
 * (13 to 19 digits, spaces or dashes between) become placeholders such as `[EMAIL_1]`, and the
 * model's answer gets the originals back. One Redactor is used for one request, so the same value
 * gets the same placeholder everywhere in it (the model can still tell two people apart).
 */

const PATTERNS: [kind: string, pattern: RegExp][] = [
  ["EMAIL", /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu],
  // Before phones: a card number is a longer digit run.
  ["CARD", /(?<![\d+])\d(?:[ -]?\d){12,18}(?!\d)/g],
  ["PHONE", /(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\d)/g],
];

/** Placeholders, with digits counted so dates and order numbers ("A-1001") stay as they are. */
const isPhone = (value: string) => {
  const digits = value.replace(/\D/g, "").length;
  return digits >= 7 && digits <= 15 && !/^\d{4}-\d{2}-\d{2}$/.test(value);
};

/**
 * Redacts and restores, for one request.
 *
 * @example
 * const r = new Redactor(true);
 * r.redact("Mail ann@example.com"); // "Mail [EMAIL_1]"
 * r.restore("Sent to [EMAIL_1]");   // "Sent to ann@example.com"
 */
export class Redactor {
  readonly #enabled: boolean;
  readonly #byValue = new Map<string, string>();
  readonly #byPlaceholder = new Map<string, string>();
  readonly #counts = new Map<string, number>();

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  redact(text: string): string {
    if (!this.#enabled) return text;
    let out = text;
    for (const [kind, pattern] of PATTERNS) {
      out = out.replace(pattern, (value) => (kind === "PHONE" && !isPhone(value) ? value : this.#placeholder(kind, value)));
    }
    return out;
  }

  #placeholder(kind: string, value: string): string {
    const known = this.#byValue.get(value);
    if (known) return known;
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    const placeholder = `[${kind}_${n}]`;
    this.#byValue.set(value, placeholder);
    this.#byPlaceholder.set(placeholder, value);
    return placeholder;
  }

  /** Puts the originals back in a model's answer. */
  restore(text: string): string {
    if (this.#byPlaceholder.size === 0) return text;
    return text.replace(/\[(?:EMAIL|CARD|PHONE)_\d+\]/g, (p) => this.#byPlaceholder.get(p) ?? p);
  }

  /**
   * Restores a streamed answer chunk by chunk: a placeholder split across chunks is held back until
   * it is whole.
   */
  async *restoreStream(chunks: AsyncIterable<string>): AsyncIterable<string> {
    let pending = "";
    for await (const piece of chunks) {
      pending += piece;
      const open = pending.lastIndexOf("[");
      const cut = open >= 0 && !pending.includes("]", open) && pending.length - open <= 12 ? open : pending.length;
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      if (ready) yield this.restore(ready);
    }
    if (pending) yield this.restore(pending);
  }
}
