// A bounded property-based fuzz (fast-check) of every REST route, every inbox route and every channel
// webhook Switchboard serves: odd ids (1e309, Infinity, 400 digits, NUL), junk queries, bodies that
// are not JSON, JSON of every shape, JSON nested thousands deep, with and without credentials. No
// answer may be a 5xx, and a refused request (4xx) must not write a row.
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixWorld, type MatrixWorld, storedRows } from "../../core/src/access/matrix/seed.ts";
import { startFakeTelegram } from "../../plugins/channel-telegram/test-support/fake/index.ts";

const API_SECRET = "fuzz-api-secret-0123456789";
const WEBCHAT_SECRET = "fuzz-webchat-secret-0123456789";
const TELEGRAM_SECRET = "fuzz-telegram-secret_0123456789";
const SITE = "http://shop.test";
const plugin = (name: string) => fileURLToPath(new URL(`../../plugins/${name}/src/index.ts`, import.meta.url));

/** Runs per route; with ~110 routes this is about 1,300 requests. */
const RUNS = Number(process.env.SWITCHBOARD_FUZZ_RUNS ?? 12);
/** Routes that are not request/answer, or whose refusals are meant to write (sign-in throttling). */
const SKIPPED = new Set(["GET /api/v1/events", "GET /inbox/events", "POST /login", "GET /plugins/webchat/inboxes/:inbox/stream"]);

let world: MatrixWorld;
let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
let visitorToken = "";

beforeAll(async () => {
  telegram = await startFakeTelegram();
  world = await createMatrixWorld({
    plugins: {
      api: { package: plugin("channel-api") },
      webchat: { package: plugin("channel-webchat") },
      telegram: { package: plugin("channel-telegram") },
    },
    inboxes: {
      shop: { plugin: "api", options: { secret: API_SECRET } },
      site: { plugin: "webchat", options: { secret: WEBCHAT_SECRET, allowed_origins: [SITE] } },
      tg: {
        plugin: "telegram",
        options: { token: telegram.token, api_root: telegram.apiRoot, mode: "webhook", webhook_secret: TELEGRAM_SECRET },
      },
    },
    config: { server: { public_url: "http://127.0.0.1:9" } },
  });
  const session = await world.harness.request("/plugins/webchat/inboxes/site/session", {
    method: "POST",
    headers: { Origin: SITE, "Content-Type": "application/json" },
    body: "{}",
  });
  visitorToken = ((await session.json()) as { token: string }).token;
}, 60_000);
afterAll(async () => {
  await world?.harness.close();
  await telegram?.stop();
});

/** The routes the app serves, as "METHOD /path/:param". */
function routes(): string[] {
  const methods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
  const all = new Set<string>();
  for (const route of world.harness.switchboard.app.routes) if (methods.has(route.method)) all.add(`${route.method} ${route.path}`);
  return [...all].filter((route) => !SKIPPED.has(route));
}

/** JSON nested `depth` deep around `inner`. */
const nested = (depth: number, open: string, inner: string, close: string) => open.repeat(depth) + inner + close.repeat(depth);
const weirdId = fc.oneof(
  fc.constantFrom(
    "1e309",
    "Infinity",
    "-Infinity",
    "NaN",
    "-1",
    "0",
    "0x10",
    "1.5",
    "%00",
    "9".repeat(400),
    "%F0%9F%92%A5",
    "..%2F..%2Fetc%2Fpasswd",
    "null",
  ),
  fc.integer({ min: -10, max: 100 }).map(String),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const weirdText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("\u0000", "a\u0000b", '"', "'", "*", "NEAR(", "\uFFFF", "%", "\\"),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const query = fc.oneof(
  fc.constant(""),
  fc
    .record(
      {
        q: weirdText,
        limit: fc.oneof(fc.constant("1e309"), fc.integer().map(String)),
        cursor: fc.oneof(fc.constant("%%%"), fc.base64String({ maxLength: 20 })),
      },
      { requiredKeys: [] },
    )
    .map((r) => new URLSearchParams(r as Record<string, string>).toString()),
);
const body = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ type: "application/json", text: JSON.stringify(v) })) },
  {
    weight: 2,
    arbitrary: fc
      .record(
        { text: weirdText, id: weirdText, contact: fc.record({ id: weirdText, name: weirdText }), metadata: fc.jsonValue({ maxDepth: 3 }) },
        { requiredKeys: [] },
      )
      .map((v) => ({ type: "application/json", text: JSON.stringify(v) })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", "{", "null", "[]", '{"a":', "\u0000", "nul").map((text) => ({ type: "application/json", text })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(2_000, 50_000)
      .map((depth) => ({ type: "application/json", text: `{"metadata":${nested(depth, '{"a":', "0", "}")}}` })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(2_000, 50_000).map((depth) => ({ type: "application/json", text: nested(depth, "[", "", "]") })),
  },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(fc.string({ maxLength: 8 }), weirdText, { maxKeys: 4 })
      .map((v) => ({ type: "application/x-www-form-urlencoded", text: new URLSearchParams(v).toString() })),
  },
  { weight: 1, arbitrary: weirdText.map((text) => ({ type: "text/plain", text })) },
  { weight: 1, arbitrary: fc.constant({ type: "", text: "" }) },
);
const credentials = fc.constantFrom("none", "right", "wrong");

/** Headers that authenticate `path` as its own kind of caller: an admin, the API inbox, Telegram, a visitor. */
function headersFor(path: string, who: "none" | "right" | "wrong"): Record<string, string> {
  if (who === "none") return {};
  const admin = world.credentials.admin;
  const right = who === "right";
  if (path.startsWith("/api/")) return { Authorization: `Bearer ${right ? admin.agent.token : "swb_not-a-token"}` };
  if (path.startsWith("/webhooks/shop")) return { Authorization: `Bearer ${right ? API_SECRET : "wrong-secret-0123456789"}` };
  if (path.startsWith("/webhooks/tg")) return { "X-Telegram-Bot-Api-Secret-Token": right ? TELEGRAM_SECRET : "wrong_secret_0123456789" };
  if (path.startsWith("/plugins/webchat")) return { Origin: SITE, Authorization: `Bearer ${right ? visitorToken : "junk.token"}` };
  return {
    Cookie: right ? admin.cookie : "swb_session=junk",
    "X-CSRF-Token": admin.csrf,
    Origin: "http://localhost",
    "Sec-Fetch-Site": "same-origin",
  };
}

describe("route fuzz", () => {
  it("every route answers odd input with less than a 5xx, and a refused request writes nothing", async () => {
    const served = routes();
    expect(served.length).toBeGreaterThan(80);
    const failures: string[] = [];
    for (const route of served) {
      const [method, template] = route.split(" ") as [string, string];
      const names = [...template.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      const request = fc.record({
        ids: fc.array(weirdId, { minLength: names.length, maxLength: names.length }),
        query,
        body,
        who: credentials,
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ ids, query, body, who }) => {
          let index = 0;
          const path = template.replace(/:(\w+)/g, (_, name: string) =>
            name === "inbox" ? (template.includes("webchat") ? "site" : "alpha") : (ids[index++] ?? "1"),
          );
          const headers = headersFor(path, who);
          const init: RequestInit = { method, headers };
          if (method !== "GET") {
            if (body.type) headers["Content-Type"] = body.type;
            init.body = body.text;
          }
          await world.harness.drain();
          const before = await storedRows(world.harness);
          const response = await world.harness.request(query ? `${path}?${query}` : path, init);
          const text = await response.text();
          if (response.status >= 500)
            failures.push(`${method} ${path}?${query} [${body.type}] ${body.text.slice(0, 80)} → ${response.status} ${text.slice(0, 200)}`);
          if (response.status >= 400 && response.status < 500) {
            expect(text.length, `${method} ${path}: a ${response.status} says why`).toBeGreaterThan(0);
            await world.harness.drain();
            if ((await storedRows(world.harness)) !== before) failures.push(`${method} ${path} answered ${response.status} but wrote`);
          }
        }),
        { numRuns: RUNS, seed: Number(process.env.SWITCHBOARD_FUZZ_SEED ?? 20261202) },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
