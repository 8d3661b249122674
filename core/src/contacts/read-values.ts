/**
 * Reading facts out of a contact's attributes, the same way everywhere (automation conditions,
 * routing plugins): a value at a dotted path, and a language tag cut to its primary code.
 */

/**
 * The value at a dotted path inside an object, or undefined when the path leads nowhere.
 *
 * @example
 * valueAtPath({ enrichment: { crm: { plan: "pro" } } }, "enrichment.crm.plan"); // "pro"
 */
export function valueAtPath(root: Record<string, unknown>, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The primary language code of a tag ("de-AT" → "de", "pt_BR" → "pt"), lower-case, or undefined.
 *
 * @example
 * languageOf("pt_BR"); // "pt"
 */
export function languageOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return /^([a-z]{2,3})(?:[-_].*)?$/i.exec(value.trim())?.[1]?.toLowerCase();
}
