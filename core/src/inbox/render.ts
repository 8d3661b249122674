/**
 * Renders a JSX page as a full HTML document (with its doctype) or a fragment.
 */
import type { Context } from "hono";

/**
 * Answers with a page: "<!DOCTYPE html>" + the rendered JSX.
 *
 * @example
 * return renderPage(c, <LoginPage page={page} />);
 */
export async function renderPage(c: Context, node: unknown, status: 200 | 401 | 403 | 404 | 422 | 429 = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${await Promise.resolve(String(node))}`, status);
}

/** Answers with an HTML fragment (for htmx swaps). */
export async function renderFragment(
  c: Context,
  node: unknown,
  status: 200 | 422 = 200,
  headers: Record<string, string> = {},
): Promise<Response> {
  return c.html(await Promise.resolve(String(node)), status, headers);
}
