/**
 * Loads the canned responses, filled in for one contact and one agent (canned/expand.ts).
 */
import type { Queryable } from "../../store/index.ts";
import { cannedResponses } from "../../store/schema.ts";
import { type CannedOption, type CannedVariables, cannedOptions } from "./expand.ts";

/**
 * @example
 * const options = await loadCanned(store.db, { contactName: contact.name, agentName: agent.name });
 */
export async function loadCanned(db: Queryable, vars: CannedVariables): Promise<CannedOption[]> {
  const rows = await db
    .select({ shortcut: cannedResponses.shortcut, text: cannedResponses.text })
    .from(cannedResponses)
    .orderBy(cannedResponses.shortcut);
  return cannedOptions(rows, vars);
}
