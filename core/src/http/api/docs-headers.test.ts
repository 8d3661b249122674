// The HTML reference at /api/docs sends a CSP as strict as the page allows (no script at all; its
// one inline stylesheet allowed by hash, so nothing injected into it could style or run) and
// nosniff, as the inbox does; the OpenAPI JSON says nosniff too.
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./fixtures/harness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await createTestApi();
});
afterEach(async () => {
  await t.close();
});

/** The CSP's directives by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("/api/docs headers", () => {
  it("sends a CSP that allows exactly its own inline stylesheet and nothing else, and nosniff", async () => {
    const page = await t.api("/api/docs", { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = directives(page.headers.get("content-security-policy") ?? "");
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'none'"]);
    expect(csp.has("script-src")).toBe(false);

    const html = await page.text();
    expect(html).not.toMatch(/<script|<link|<img|\sstyle=/i);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    const hash = `'sha256-${createHash("sha256").update(styles[0]!).digest("base64")}'`;
    expect(csp.get("style-src")).toEqual([hash]);

    const json = await t.api("/api/openapi.json", { token: null });
    expect(json.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
