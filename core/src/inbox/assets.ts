/**
 * The inbox's static assets, served by Switchboard itself (never a CDN: a self-hosted inbox works
 * offline and tells no third party who its agents are). htmx and its SSE extension come from the
 * installed packages; the script is static/inbox.js followed by static/canned.js and static/assist.js; the stylesheet is the inbox's base CSS followed by the theme's. Each asset has
 * a content-hashed URL, is cached forever and is served gzipped when the browser accepts it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { LoadedTheme } from "./theme.ts";

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  type: string;
  /** The URL it is served at, e.g. /assets/htmx.3f2a9c1e.js */
  url: string;
}

export interface InboxAssets {
  css: string;
  htmx: string;
  sse: string;
  script: string;
  app: Hono;
  /** Bytes on the wire (gzipped) of all assets, for the page-weight budget. */
  gzipBytes: number;
}

const require = createRequire(import.meta.url);
const read = (path: string) => readFileSync(path);

function asset(name: string, extension: "js" | "css", content: Uint8Array | string): Asset {
  const body = new Uint8Array(typeof content === "string" ? new TextEncoder().encode(content) : content);
  const hash = new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 10);
  return {
    body,
    gzip: new Uint8Array(Bun.gzipSync(body)),
    type: extension === "js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
    url: `/assets/${name}.${hash}.${extension}`,
  };
}

/**
 * Builds the assets once, at start-up.
 *
 * @example
 * const assets = buildInboxAssets(theme);
 * app.route("/", assets.app);
 */
export function buildInboxAssets(theme: LoadedTheme): InboxAssets {
  const list = [
    asset(
      "inbox",
      "css",
      ["inbox.css", "agent-tools.css"]
        .map((f) => read(fileURLToPath(new URL(`./static/${f}`, import.meta.url))).toString("utf8"))
        .join("\n") +
        "\n" +
        theme.css,
    ),
    asset("htmx", "js", read(require.resolve("htmx.org/dist/htmx.min.js"))),
    asset("htmx-sse", "js", read(require.resolve("htmx-ext-sse/dist/sse.min.js"))),
    asset(
      "inbox",
      "js",
      ["inbox.js", "canned.js", "assist.js", "drafts.js", "bulk.js", "notify.js", "phone.js"]
        .map((f) => read(fileURLToPath(new URL(`./static/${f}`, import.meta.url))))
        .join("\n"),
    ),
  ];
  const byUrl = new Map(list.map((a) => [a.url, a]));
  const app = new Hono();
  app.get("/assets/:file", (c) => {
    const found = byUrl.get(c.req.path);
    if (!found) return c.text("Not found", 404);
    const gzip = /\bgzip\b/.test(c.req.header("Accept-Encoding") ?? "");
    const headers: Record<string, string> = {
      "Content-Type": found.type,
      "Cache-Control": "public, max-age=31536000, immutable",
      Vary: "Accept-Encoding",
    };
    if (gzip) headers["Content-Encoding"] = "gzip";
    return c.body(gzip ? found.gzip : found.body, 200, headers);
  });
  const [css, htmx, sse, script] = list as [Asset, Asset, Asset, Asset];
  return {
    css: css.url,
    htmx: htmx.url,
    sse: sse.url,
    script: script.url,
    app,
    gzipBytes: list.reduce((sum, a) => sum + a.gzip.length, 0),
  };
}
