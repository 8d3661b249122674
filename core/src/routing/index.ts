/**
 * Routing: decides who answers. Strategies are plugins (`ctx.route`), chained per inbox by the
 * Router; this module wires the router in place of the route hooks, and re-queues and escalates
 * conversations that wait unassigned.
 */
import type { AgentDirectory } from "../plugins/types.ts";
import type { Services } from "../services.ts";
import { routeConversation, setupRequeue } from "./requeue.ts";
import { Router } from "./router.ts";

export { createAgentDirectory } from "./directory.ts";
export { ROUTING_ACTOR } from "./requeue.ts";

/** What other parts of core (automations) use of routing. */
export interface Routing {
  router: Router;
  /** Routes one unassigned open conversation now; resolves to whether it got an agent. */
  routeNow(conversationId: number): Promise<boolean>;
}

/**
 * Installs per-inbox routing chains, re-queues and escalation. Call after the plugins have started.
 *
 * @example
 * const routing = setupRouting(switchboard, directory);
 */
export function setupRouting(sb: Services, directory: AgentDirectory): Routing {
  const router = new Router({ registry: sb.registry, directory, log: sb.log });
  router.install(sb.loaded);
  setupRequeue(sb, router);
  return { router, routeNow: (id) => routeConversation(sb, router, id) };
}
