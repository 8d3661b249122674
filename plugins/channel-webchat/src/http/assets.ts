/**
 * GET /widget.js and /widget.css: the widget's hand-written files from ../../widget, read once,
 * served gzipped to clients that accept it, with an ETag so a revisit costs a 304.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Hono } from "hono";

/** One served file, ready in both encodings. */
export interface Asset {
  type: string;
  plain: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  etag: string;
}

const WIDGET_DIR = new URL("../../widget/", import.meta.url);

/**
 * Loads a file of the widget folder.
 *
 * @example
 * const js = loadAsset("widget.js", "text/javascript; charset=utf-8");
 * js.gzipped.byteLength; // what a browser downloads
 */
export function loadAsset(name: string, type: string): Asset {
  const plain = new Uint8Array(readFileSync(new URL(name, WIDGET_DIR)));
  const gzipped = new Uint8Array(gzipSync(plain, { level: 9 }));
  const etag = `"${createHash("sha256").update(plain).digest("base64url").slice(0, 27)}"`;
  return { type, plain, gzipped, etag };
}

/**
 * Serves widget.js and widget.css on the plugin's sub-app.
 *
 * @example
 * registerAssets(ctx.http);
 */
export function registerAssets(app: Hono): Record<string, Asset> {
  const assets = {
    "widget.js": loadAsset("widget.js", "text/javascript; charset=utf-8"),
    "widget.css": loadAsset("widget.css", "text/css; charset=utf-8"),
  };
  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/${name}`, (c) => {
      const headers: Record<string, string> = {
        "Content-Type": asset.type,
        "Cache-Control": "public, max-age=300",
        ETag: asset.etag,
        Vary: "Accept-Encoding",
        "Access-Control-Allow-Origin": "*",
      };
      if (c.req.header("If-None-Match") === asset.etag) return c.body(null, 304, headers);
      const gzip = /\bgzip\b/.test(c.req.header("Accept-Encoding") ?? "");
      return c.body(gzip ? asset.gzipped : asset.plain, 200, gzip ? { ...headers, "Content-Encoding": "gzip" } : headers);
    });
  }
  return assets;
}
