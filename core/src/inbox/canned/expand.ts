/**
 * Canned responses as the composer offers them: each text with its variables filled in from the
 * conversation ({{contact.first_name}}, {{contact.name}}, {{agent.name}}), and the server's guard
 * that a reply which still says "/shortcut" is sent expanded, never as the literal shortcut.
 */

/** What a canned response's variables are filled from. */
export interface CannedVariables {
  contactName: string | null;
  agentName: string;
}

/** One canned response, ready to insert. */
export interface CannedOption {
  shortcut: string;
  /** The text with its variables filled in. */
  text: string;
}

const VARIABLE = /\{\{\s*([\w.]+)\s*\}\}/g;

/**
 * Fills a canned response's variables; an unknown variable is left as written, a missing name
 * becomes "there" (so "Hi {{contact.first_name}}" reads "Hi there").
 *
 * @example
 * fillCanned("Hi {{contact.first_name}}, {{agent.name}} here.", { contactName: "Grace Hopper", agentName: "Ada" });
 * // "Hi Grace, Ada here."
 */
export function fillCanned(text: string, vars: CannedVariables): string {
  const name = vars.contactName?.trim() || null;
  const values: Record<string, string> = {
    "contact.first_name": name?.split(/\s+/)[0] ?? "there",
    "contact.name": name ?? "there",
    "agent.name": vars.agentName,
  };
  return text.replace(VARIABLE, (whole, key: string) => values[key] ?? whole);
}

/**
 * The canned responses with their variables filled, in shortcut order.
 *
 * @example
 * cannedOptions([{ shortcut: "hi", text: "Hi {{contact.first_name}}" }], vars);
 */
export function cannedOptions(rows: { shortcut: string; text: string }[], vars: CannedVariables): CannedOption[] {
  return rows.map((r) => ({ shortcut: r.shortcut, text: fillCanned(r.text, vars) }));
}

/**
 * Replaces every "/shortcut" that starts a word and names a canned response with its filled text,
 * so Send never delivers "/hi" to a customer (the browser expands first; this is the guard when
 * it did not). A path like "example.com/hi" is left alone.
 *
 * @example
 * expandShortcuts("/hi", [{ shortcut: "hi", text: "Hello!" }]); // "Hello!"
 */
export function expandShortcuts(text: string, options: CannedOption[]): string {
  if (options.length === 0 || !text.includes("/")) return text;
  const byShortcut = new Map(options.map((o) => [o.shortcut, o.text]));
  return text.replace(/(^|\s)\/([\w-]+)(?=\s|$)/g, (whole, lead: string, shortcut: string) => {
    const found = byShortcut.get(shortcut);
    return found === undefined ? whole : lead + found;
  });
}
