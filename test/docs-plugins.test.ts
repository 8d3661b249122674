/**
 * docs/plugins.md and its snippets agree: every `<!-- snippet: path -->` is followed by that file,
 * exactly; every file of docs/plugins/snippets is quoted; `npm run typecheck` covers the folder;
 * every hook and capability the issue lists has its section; plugin packages keep the test folder
 * pattern the page sets; and the snippet plugins start in a real Switchboard (the http one answers
 * on its route).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestHarness, type Harness, json } from "@switchboard/core/testing";
import { afterAll, expect, test } from "vitest";
import { ROOT } from "./fixtures/cli.ts";

const DOC = readFileSync(join(ROOT, "docs/plugins.md"), "utf8");
const SNIPPETS = join(ROOT, "docs/plugins/snippets");
const files = readdirSync(SNIPPETS)
  .filter((f) => /\.tsx?$/.test(f))
  .sort();

test("every snippet in the Markdown is its file, exactly, and every file is quoted", () => {
  const quoted = [...DOC.matchAll(/<!-- snippet: (\S+) -->\n```(\w+)\n([\s\S]*?)```/g)];
  expect(quoted.map((m) => m[1]).sort()).toEqual(files.map((f) => `docs/plugins/snippets/${f}`));
  for (const [, path, lang, body] of quoted) {
    expect(body, path).toBe(readFileSync(join(ROOT, path!), "utf8"));
    expect(lang, path).toBe(path!.endsWith(".tsx") ? "tsx" : "ts");
  }
});

test("npm run typecheck covers the snippets", () => {
  const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
  expect(tsconfig.include.some((path) => "docs/plugins/snippets/".startsWith(`${path.replace(/\/$/, "")}/`))).toBe(true);
  expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.typecheck).toContain("-p tsconfig.json");
});

test("every hook and capability has its section", () => {
  const headings = [...DOC.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
  for (const topic of [
    "Channel",
    "Identity scope",
    "Reply window",
    "reachesBy",
    "Enrich",
    "Route",
    "Assistant",
    "View",
    "HTTP",
    "KV",
    "Jobs",
    "Events",
    "Where tests live",
  ]) {
    expect(headings, topic).toContain(topic);
  }
});

test("plugin packages follow the test folder pattern: tests in src/, shared test code in test-support/", () => {
  const packages = ["plugins", "examples"].flatMap((group) => readdirSync(join(ROOT, group)).map((name) => join(group, name)));
  const misplaced: string[] = [];
  for (const pkg of packages) {
    const hasSrc = existsSync(join(ROOT, pkg, "src"));
    if (existsSync(join(ROOT, pkg, "test"))) misplaced.push(`${pkg}/test/`);
    for (const file of readdirSync(join(ROOT, pkg), { recursive: true }) as string[]) {
      if (file.includes("node_modules") || !file.endsWith(".test.ts")) continue;
      if (hasSrc ? !file.startsWith("src/") : file.startsWith("test-support/")) misplaced.push(`${pkg}/${file}`);
    }
  }
  expect(misplaced).toEqual([]);
});

let harness: Harness | undefined;
afterAll(async () => {
  await harness?.close();
});

test("the snippet plugins start together in a real Switchboard", async () => {
  const plugins = files.filter((f) => readFileSync(join(SNIPPETS, f), "utf8").includes("export default definePlugin"));
  expect(plugins.length).toBeGreaterThanOrEqual(9);
  harness = await createTestHarness({
    plugins: Object.fromEntries(
      plugins.map((f) => [
        f.replace(/\.tsx?$/, ""),
        { package: join(SNIPPETS, f), options: f === "enrich.ts" ? { url: "http://127.0.0.1:9/crm" } : {} },
      ]),
    ),
  });
  const ping = await json(harness.request("/plugins/status-page/ping"));
  expect(ping).toEqual({ status: 200, body: { ok: true, at: harness.clock.now() } });
});
