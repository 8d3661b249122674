/** @jsxImportSource hono/jsx */
/**
 * The one-click verification link (issue 16.1), public: the token in the path is the credential.
 * GET only shows a confirmation page with a button, so mail scanners that fetch links verify
 * nothing; the button's POST (same-origin only) redeems the single-use token. A bad, expired, used
 * or cancelled token answers 404 or 410 with the reason on the page. Pages are not cached, and the
 * inbox's security headers send no referrer to other sites, so the token does not leak from them.
 */
import { type Context, Hono } from "hono";
import { inspectLink, type LinkAnswer, redeemLink } from "../../contacts/verify-confirm.ts";
import { KIND_NOUN, VERIFY_LINK_PATH, type VerifyKind } from "../../contacts/verify-deliver.ts";
import type { Services } from "../../services.ts";
import type { PageContext } from "../env.ts";
import { sameOriginOnly } from "../same-origin.ts";
import { Document } from "../views/layout.tsx";

type Page = Pick<PageContext, "assets" | "theme">;

function VerifyPage(props: { page: Page; title: string; children: unknown }) {
  return (
    <Document title={props.title} page={props.page}>
      <main class="login">
        <h1>{props.title}</h1>
        {props.children}
      </main>
    </Document>
  );
}

async function answer(c: Context, node: unknown, status: 200 | 404 | 410) {
  c.header("Cache-Control", "no-store");
  return c.html(`<!DOCTYPE html>${await Promise.resolve(String(node))}`, status);
}

function refused(c: Context, page: Page, result: Extract<LinkAnswer, { ok: false }>) {
  return answer(
    c,
    <VerifyPage page={page} title="This link does not work">
      <p class="error" role="alert">
        {result.reason}
      </p>
    </VerifyPage>,
    result.status,
  );
}

/**
 * The link's routes, outside the signed-in part of the inbox.
 *
 * @example
 * app.route("/", verifyLinkRoutes(sb, { assets, theme }));
 */
export function verifyLinkRoutes(sb: Services, page: Page): Hono {
  const app = new Hono();
  const path = `${VERIFY_LINK_PATH}/:token`;

  app.get(path, async (c) => {
    const token = c.req.param("token");
    const result = await inspectLink(sb, token);
    if (!result.ok) return refused(c, page, result);
    const noun = KIND_NOUN[result.row.kind as VerifyKind];
    return answer(
      c,
      <VerifyPage page={page} title={`Confirm your ${noun}`}>
        <p>
          Confirm that <strong>{result.row.value}</strong> is your {noun}. This links it to the conversation where you were asked for it.
        </p>
        <form method="post" action={`${VERIFY_LINK_PATH}/${token}`}>
          <button class="primary">Confirm</button>
        </form>
        <p>If you did not ask for this, close this page: nothing happens.</p>
      </VerifyPage>,
      200,
    );
  });

  app.post(path, sameOriginOnly(sb.loaded.config.server.public_url), async (c) => {
    const result = await redeemLink(sb, c.req.param("token"));
    if (!result.ok) return refused(c, page, result);
    const noun = KIND_NOUN[result.row.kind as VerifyKind];
    return answer(
      c,
      <VerifyPage page={page} title={`Your ${noun} is verified`}>
        <p role="status">Thank you. You can close this page and go back to the conversation.</p>
      </VerifyPage>,
      200,
    );
  });

  return app;
}
