/**
 * Is an agent who may answer in an inbox online? Read from core's agent directory (`ctx.agents`,
 * the agents of the teams given the inbox, or everyone), cached for a few seconds because every
 * page view of the site asks; an `agent.availability_changed` event clears the cache at once.
 */
import type { AgentDirectory } from "@switchboard/core";

const TTL_MS = 5000;

/** Answers "is anyone online for this inbox?", cached. */
export interface AgentsOnline {
  (inbox: string): Promise<boolean>;
  /** Forgets the cached answers (an agent changed their availability). */
  invalidate(): void;
}

/**
 * Makes the check.
 *
 * @example
 * const agentsOnline = agentsOnlineCheck(ctx.agents);
 * if (!(await agentsOnline("site"))) showOfflineForm();
 */
export function agentsOnlineCheck(directory: AgentDirectory, now: () => number = Date.now): AgentsOnline {
  const cache = new Map<string, { at: number; value: Promise<boolean> }>();
  const check = (inbox: string) => {
    const cached = cache.get(inbox);
    if (cached && now() - cached.at < TTL_MS) return cached.value;
    const value = directory.forInbox(inbox).then((agents) => agents.some((agent) => agent.availability === "online"));
    cache.set(inbox, { at: now(), value });
    value.catch(() => cache.delete(inbox)); // a failed lookup is not cached; the caller gets the error
    return value;
  };
  return Object.assign(check, { invalidate: () => cache.clear() });
}
