// The access matrix: every route of the REST API (read from its OpenAPI document) and of the app's
// route table (the inbox, admin pages, plugins), called as an admin, as an agent of team Alpha, as
// an agent of team Bravo and signed out, against a world where each team has its own customers.
// Each answer is checked against the one access rule (core/src/access), refused requests must write
// nothing, and no answer to one team may contain the other team's marker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MATRIX, type MatrixEntry } from "./routes.ts";
import { createMatrixWorld, type MatrixWorld, type Role, secretOf, storedRows, TEAMS, type Team } from "./seed.ts";

let world: MatrixWorld;
beforeAll(async () => {
  world = await createMatrixWorld();
}, 60_000);
afterAll(async () => world?.harness.close());

interface Answer {
  status: number;
  text: string;
  location: string | null;
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const isApi = (path: string) => path.startsWith("/api/v1/");

/** Calls the app as `role`: an API token for the REST API, a session cookie with its CSRF token elsewhere. */
async function call(role: Role, method: string, path: string, body?: Record<string, unknown>): Promise<Answer> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  const who = role === "anonymous" ? undefined : world.credentials[role];
  if (isApi(path)) {
    if (who) headers.Authorization = `Bearer ${who.agent.token}`;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
  } else {
    headers.Origin = "http://localhost";
    headers["Sec-Fetch-Site"] = "same-origin";
    if (who) {
      headers.Cookie = who.cookie;
      headers["X-CSRF-Token"] = who.csrf;
    }
    if (method !== "GET") {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(Object.entries(body ?? {}).map(([k, v]) => [k, String(v)])).toString();
    }
  }
  const response = await world.harness.request(path, { method, headers, body: payload });
  return { status: response.status, text: await response.text(), location: response.headers.get("Location") };
}

function fill(template: string, entry: MatrixEntry, team: Team): string {
  const values = entry.params?.(world.teams[team], world.admin) ?? {};
  const path = template.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`the matrix entry for ${template} gives no value for :${name}`);
    return encodeURIComponent(String(values[name]));
  });
  return entry.query ? `${path}?${entry.query}` : path;
}

const other = (team: Team): Team => (team === "alpha" ? "bravo" : "alpha");

function expectNoLeak(role: Role, answer: Answer, route: string) {
  for (const team of TEAMS) {
    if (role === team) continue;
    if (role !== "admin") expect(answer.text, `${route} as ${role} shows ${team}'s data`).not.toContain(secretOf(team));
  }
}

function expectAllowed(answer: Answer, route: string, role: Role) {
  expect(
    answer.status < 400 || answer.status === 409,
    `${route} as ${role}: expected to be allowed, got ${answer.status} ${answer.text.slice(0, 300)}`,
  ).toBe(true);
}

async function expectSignedOutRefused(method: string, path: string, body: Record<string, unknown> | undefined) {
  const answer = await call("anonymous", method, path, body);
  if (isApi(path)) expect(answer.status, `${method} ${path} signed out`).toBe(401);
  else {
    expect(answer.status, `${method} ${path} signed out`).toBe(303);
    expect(answer.location).toMatch(/^\/login\?next=/);
  }
}

/** Calls `role`, expects `status`, and checks that nothing was written. */
async function expectRefused(role: Role, method: string, path: string, body: Record<string, unknown> | undefined, status: number) {
  const before = await storedRows(world.harness);
  const answer = await call(role, method, path, body);
  expect(answer.status, `${method} ${path} as ${role}: ${answer.text.slice(0, 300)}`).toBe(status);
  expectNoLeak(role, answer, `${method} ${path}`);
  await world.harness.drain();
  expect(await storedRows(world.harness), `${method} ${path} as ${role} was refused but wrote`).toBe(before);
}

async function allowed(role: Role, method: string, path: string, body: Record<string, unknown> | undefined): Promise<Answer> {
  const answer = await call(role, method, path, body);
  expectAllowed(answer, `${method} ${path}`, role);
  expectNoLeak(role, answer, `${method} ${path}`);
  await world.harness.drain();
  return answer;
}

async function routeTable(): Promise<Set<string>> {
  const routes = new Set<string>();
  const openapi = (await (await world.harness.request("/api/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(operations)) routes.add(`${method.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ":$1")}`);
  }
  // Middleware is registered as "ALL"; routes have a method.
  for (const route of world.harness.switchboard.app.routes) if (METHODS.has(route.method)) routes.add(`${route.method} ${route.path}`);
  return routes;
}

describe("the access matrix", () => {
  it("has an entry for every route the app serves, and none for a route it does not serve", async () => {
    const served = await routeTable();
    const missing = [...served].filter((route) => !(route in MATRIX));
    expect(missing, "routes with no access-matrix entry: add them to core/src/access/matrix/routes.ts").toEqual([]);
    const stale = Object.keys(MATRIX).filter((route) => !served.has(route));
    expect(stale, "matrix entries for routes the app does not serve").toEqual([]);
  });

  for (const [route, entry] of Object.entries(MATRIX)) {
    const [method, template] = route.split(" ") as [string, string];
    if (entry.kind === "public" || entry.kind === "stream") continue;
    it(`${route} (${entry.kind})`, async () => {
      const own = fill(template, entry, "alpha");
      const body = (team: Team) => entry.body?.(world.teams[team]);
      await expectSignedOutRefused(method, own, body("alpha"));
      switch (entry.kind) {
        case "team":
          await expectRefused("bravo", method, own, body("alpha"), 404);
          await allowed("alpha", method, own, body("alpha"));
          await allowed("admin", method, fill(template, entry, "bravo"), body("bravo"));
          break;
        case "admin-team":
          await expectRefused("bravo", method, own, body("alpha"), 404);
          await expectRefused("alpha", method, own, body("alpha"), 403);
          await allowed("admin", method, fill(template, entry, "bravo"), body("bravo"));
          break;
        case "list": {
          for (const team of TEAMS) {
            const answer = await allowed(team, method, own, body(team));
            if (entry.showsOwn) expect(answer.text, `${route} as ${team} shows its own data`).toContain(secretOf(team));
            expect(answer.text).not.toContain(secretOf(other(team)));
          }
          const asAdmin = await allowed("admin", method, own, body("alpha"));
          if (entry.showsOwn) for (const team of TEAMS) expect(asAdmin.text, `${route} as admin shows ${team}`).toContain(secretOf(team));
          break;
        }
        case "agent":
          await allowed("alpha", method, own, body("alpha"));
          await allowed("admin", method, own, body("alpha"));
          break;
        case "admin":
          await expectRefused("alpha", method, own, body("alpha"), 403);
          await allowed("admin", method, own, body("alpha"));
          break;
      }
    });
  }

  it("public routes answer signed out without any team's data", async () => {
    for (const [route, entry] of Object.entries(MATRIX)) {
      if (entry.kind !== "public") continue;
      expect(entry.why, `${route} says what protects it`).toBeTruthy();
      const [method, template] = route.split(" ") as [string, string];
      if (method !== "GET") continue;
      const answer = await call("anonymous", method, template.replace(":file", "inbox.css"), undefined);
      expect(answer.status, route).toBeLessThan(500);
      expectNoLeak("anonymous", answer, route);
      for (const team of TEAMS) expect(answer.text).not.toContain(secretOf(team));
    }
  });
});

/** Reads an SSE answer into a growing string until stopped. */
function collect(response: Response): { text: () => string; stop: () => Promise<void> } {
  let text = "";
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return {
    text: () => text,
    stop: async () => {
      await reader.cancel();
      await reading.catch(() => undefined);
    },
  };
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition(), what).toBe(true);
}

describe("the live streams follow the rule", () => {
  const open = (role: Role, path: string) => {
    const who = world.credentials[role as Exclude<Role, "anonymous">];
    const headers: Record<string, string> = isApi(path) ? { Authorization: `Bearer ${who.agent.token}` } : { Cookie: who.cookie };
    return world.harness.request(path, { headers });
  };

  it("GET /api/v1/events (stream): each team sees its own messages and never the other's", async () => {
    expect((await call("anonymous", "GET", "/api/v1/events")).status).toBe(401);
    const streams = {
      alpha: collect(await open("alpha", "/api/v1/events")),
      bravo: collect(await open("bravo", "/api/v1/events")),
      admin: collect(await open("admin", "/api/v1/events")),
    };
    for (const team of TEAMS)
      await world.harness.inject(
        { externalId: `live-${team}`, contact: { externalId: `${team}-main` }, text: `live ${secretOf(team)}` },
        team,
      );
    await world.harness.drain();
    for (const team of TEAMS) await until(() => streams[team].text().includes(`live ${secretOf(team)}`), `${team} gets its own message`);
    await until(() => TEAMS.every((team) => streams.admin.text().includes(`live ${secretOf(team)}`)), "the admin gets both");
    expect(streams.alpha.text()).not.toContain(secretOf("bravo"));
    expect(streams.bravo.text()).not.toContain(secretOf("alpha"));
    await Promise.all(Object.values(streams).map((s) => s.stop()));
  });

  it("GET /inbox/events (stream): each team's pages refresh for its own contacts only", async () => {
    const streams = { alpha: collect(await open("alpha", "/inbox/events")), bravo: collect(await open("bravo", "/inbox/events")) };
    for (const team of TEAMS)
      await world.harness.inject(
        { externalId: `page-${team}`, contact: { externalId: `${team}-main` }, text: `page ${secretOf(team)}` },
        team,
      );
    await world.harness.drain();
    for (const team of TEAMS)
      await until(
        () => streams[team].text().includes(`event: contact-${world.teams[team].contactId}\n`),
        `${team} hears of its own contact`,
      );
    for (const team of TEAMS) expect(streams[team].text()).not.toContain(`event: contact-${world.teams[other(team)].contactId}\n`);
    await Promise.all(Object.values(streams).map((s) => s.stop()));
  });
});
