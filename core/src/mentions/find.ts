/**
 * @mentions of agents in a private note: "@Alex Rivera" (the whole name, any case) and, when only
 * one agent has that first name, "@Alex". The longest name wins, so "@Alex Rivera" is one mention,
 * not "@Alex" followed by text.
 */

export interface MentionAgent {
  id: number;
  name: string;
}

export interface Mention {
  agentId: number;
  /** Where the mention ("@" included) starts and ends in the text. */
  start: number;
  end: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The mentions in `text`, in order.
 *
 * @example
 * findMentions("@alex rivera can you look?", [{ id: 3, name: "Alex Rivera" }]);
 * // [{ agentId: 3, start: 0, end: 12 }]
 */
export function findMentions(text: string, agents: MentionAgent[]): Mention[] {
  if (!text.includes("@") || agents.length === 0) return [];
  const byName = new Map<string, number>();
  const firstNames = new Map<string, number[]>();
  for (const agent of agents) {
    const name = agent.name.trim().replace(/\s+/g, " ");
    if (!name) continue;
    byName.set(name.toLowerCase(), agent.id);
    const first = name.split(" ")[0]!.toLowerCase();
    firstNames.set(first, [...(firstNames.get(first) ?? []), agent.id]);
  }
  for (const [first, ids] of firstNames) if (ids.length === 1 && !byName.has(first)) byName.set(first, ids[0]!);
  const names = [...byName.keys()].sort((a, b) => b.length - a.length).map((n) => escapeRegExp(n).replace(/ /g, "\\s+"));
  const pattern = new RegExp(`(?<![\\w@])@(${names.join("|")})(?![\\p{L}\\p{N}_])`, "giu");
  const found: Mention[] = [];
  for (const match of text.matchAll(pattern)) {
    const agentId = byName.get(match[1]!.toLowerCase().replace(/\s+/g, " "));
    if (agentId !== undefined) found.push({ agentId, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/**
 * The distinct agents mentioned in `text`.
 *
 * @example
 * mentionedAgents("@Ada and @ada again", agents); // [1]
 */
export function mentionedAgents(text: string, agents: MentionAgent[]): number[] {
  return [...new Set(findMentions(text, agents).map((m) => m.agentId))];
}
