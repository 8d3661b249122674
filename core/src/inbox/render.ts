/**
 * Renders a JSX page as a full HTML document (with its doctype) or a fragment.
 */
import type { Context } from "hono";
import { type Child, jsx } from "hono/jsx";
import type { Agent } from "../auth/agents.ts";
import { timeFormatOf } from "../auth/preferences.ts";
import { AgentTimeFormat } from "./views/time.ts";

/**
 * Answers with a page: "<!DOCTYPE html>" + the rendered JSX.
 *
 * @example
 * return renderPage(c, <LoginPage page={page} />);
 */
export async function renderPage(c: Context, node: unknown, status: 200 | 401 | 403 | 404 | 422 | 429 = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${await Promise.resolve(String(inAgentTime(c, node)))}`, status);
}

/** Wraps a page or fragment in the signed-in agent's time zone and locale, when they chose them. */
function inAgentTime(c: Context, node: unknown): unknown {
  const agent = (c.get("session") as { agent?: Agent } | undefined)?.agent;
  if (!agent || (!agent.timeZone && !agent.locale)) return node;
  return jsx(AgentTimeFormat.Provider, { value: timeFormatOf(agent) }, node as Child);
}

/** Answers with an HTML fragment (for htmx swaps). */
export async function renderFragment(
  c: Context,
  node: unknown,
  status: 200 | 422 = 200,
  headers: Record<string, string> = {},
): Promise<Response> {
  return c.html(await Promise.resolve(String(inAgentTime(c, node))), status, headers);
}
