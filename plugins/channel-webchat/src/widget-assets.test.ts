// The widget's files as a browser gets them: under 30 KB gzipped together, served gzipped with an
// ETag (a revisit is a 304), loadable from any site, and free of anything fetched from elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Kit, startKit } from "../test-support/kit.ts";
import { loadAsset } from "./http/assets.ts";

let kit: Kit;
beforeAll(async () => {
  kit = await startKit();
});
afterAll(async () => {
  await kit.close();
});

describe("widget.js and widget.css", () => {
  it("weigh under 30 KB gzipped together", () => {
    const js = loadAsset("widget.js", "text/javascript");
    const css = loadAsset("widget.css", "text/css");
    const total = js.gzipped.byteLength + css.gzipped.byteLength;
    expect(total).toBeLessThan(30 * 1024);
    expect(js.plain.byteLength).toBeGreaterThan(js.gzipped.byteLength);
  });

  it("are served gzipped with an ETag, and a revisit is a 304", async () => {
    const first = await fetch(`${kit.url}/plugins/webchat/widget.js`, { headers: { "Accept-Encoding": "gzip" } });
    expect(first.status).toBe(200);
    expect(first.headers.get("Content-Type")).toContain("javascript");
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await first.text()).toContain("SwitchboardWebchat");
    const etag = first.headers.get("ETag")!;
    const again = await fetch(`${kit.url}/plugins/webchat/widget.js`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const css = await fetch(`${kit.url}/plugins/webchat/widget.css`);
    expect(css.headers.get("Content-Type")).toContain("text/css");
  });

  it("load nothing from third parties", async () => {
    const source = await (await fetch(`${kit.url}/plugins/webchat/widget.js`)).text();
    const urls = source.match(/https?:\/\/[^\s"'`)]+/g) ?? [];
    const namespaces = ["http://www.w3.org/2000/svg"];
    expect(urls.filter((url) => !url.startsWith("https://support.example.com") && !namespaces.includes(url))).toEqual([]);
  });
});
