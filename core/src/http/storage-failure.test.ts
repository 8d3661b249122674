// Storage failures over HTTP: with the database on a small tmpfs that fills up, and on a database
// that turned read-only, channel webhooks answer 503 with Retry-After and the reason (never 500) and
// /healthz answers 503 with the reason; once the full disk has room again both recover by themselves.

import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LibsqlError } from "@libsql/client";
import { sql } from "drizzle-orm";
import { stringify } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.ts";
import { parseConfigText } from "../config/load.ts";
import { createLogger } from "../log/index.ts";
import { storageFailureOf } from "../store/storage-failure.ts";
import { createSwitchboard, type Switchboard } from "../switchboard.ts";

const API_PLUGIN = fileURLToPath(new URL("../../../plugins/channel-api/src/index.ts", import.meta.url));
const SECRET = "shop-secret-0123456789";

/** Whether this machine lets the test mount a tmpfs (root in a container that allows it). */
function tryMount(dir: string, size: string): boolean {
  return spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]).status === 0;
}
const probeDir = mkdtempSync(join(tmpdir(), "swb-mount-probe-"));
const canMount = tryMount(probeDir, "1m") && spawnSync("umount", [probeDir]).status === 0;
rmSync(probeDir, { recursive: true, force: true });
if (!canMount)
  console.warn("storage-failure.test: cannot mount a tmpfs here (needs root and mount rights); the full-disk case is skipped.");

let sb: Switchboard | undefined;
let dir: string | undefined;
let mounted = false;
afterEach(async () => {
  await sb?.stop();
  sb = undefined;
  if (mounted) spawnSync("umount", ["-l", dir!]);
  mounted = false;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function switchboardIn(folder: string): Promise<Switchboard> {
  const config = {
    store: { url: `file:${join(folder, "switchboard.db")}` },
    plugins: { api: { package: API_PLUGIN } },
    inboxes: { shop: { plugin: "api", options: { secret: SECRET } } },
  };
  const loaded = parseConfigText(stringify(config), join(folder, "switchboard.toml"), {});
  const created = await createSwitchboard(loaded, {
    clock: new ManualClock(Date.now()),
    log: createLogger({ level: "silent" }),
    backgroundWorkers: false,
  });
  await created.start();
  return created;
}

let sequence = 0;
const post = (s: Switchboard, text = "hello") =>
  s.app.request("/webhooks/shop/messages", {
    method: "POST",
    headers: { Authorization: `Bearer ${SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id: `m-${++sequence}`, contact: { id: `c-${sequence}` }, text }),
  });

/** Fills the file system holding `folder` with a filler file; returns its path. */
function fillDisk(folder: string): string {
  const path = join(folder, "filler");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return path;
}

async function expectStorage503(res: Response, reason: RegExp) {
  expect(res.status).toBe(503);
  expect(res.headers.get("Retry-After")).toBe("30");
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("SWB_ERR_STORE");
  expect(body.error.message).toMatch(reason);
}

describe("storage failures", () => {
  it.skipIf(!canMount)(
    "a full disk: webhooks answer 503 with Retry-After, health says so, and both recover when space is freed",
    async () => {
      dir = mkdtempSync(join(tmpdir(), "swb-full-"));
      mounted = tryMount(dir, "8m");
      expect(mounted).toBe(true);
      sb = await switchboardIn(dir);
      expect((await post(sb)).status).toBe(201);
      const filler = fillDisk(dir);
      let refused: Response | undefined;
      for (let i = 0; i < 50 && !refused; i++) {
        const res = await post(sb, "x".repeat(20_000));
        if (res.status !== 201) refused = res;
      }
      await expectStorage503(refused!, /disk holding the database is full/);
      const health = await sb.app.request("/healthz");
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: "error", reason: expect.stringMatching(/full/) });

      unlinkSync(filler);
      expect((await post(sb)).status).toBe(201);
      expect((await sb.app.request("/healthz")).status).toBe(200);
    },
  );

  it("a database turned read-only (query_only): webhooks answer 503 with the reason, and health says what is wrong", async () => {
    dir = mkdtempSync(join(tmpdir(), "swb-query-only-"));
    sb = await switchboardIn(dir);
    expect((await post(sb)).status).toBe(201);
    // Set on the connection that write transactions use, so every later write meets SQLITE_READONLY.
    // (Once the durable subscribers are done with the first message: the pragma must not share a commit with their writes.)
    await sb.bus.idle();
    await sb.store.write((tx) => tx.run(sql`PRAGMA query_only = ON`));
    await expectStorage503(await post(sb), /database is read-only/);
    const health = await sb.app.request("/healthz");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "error", code: "SQLITE_READONLY", reason: expect.stringMatching(/read-only/) });
  });

  it("knows I/O errors by their extended codes, along the cause chain, and leaves other errors alone", () => {
    const ioerr = new LibsqlError("disk I/O error", "SQLITE_IOERR_WRITE");
    expect(storageFailureOf(new Error("Failed query", { cause: ioerr }))).toMatchObject({
      code: "SQLITE_IOERR_WRITE",
      reason: expect.stringMatching(/I\/O errors/),
    });
    expect(storageFailureOf(new LibsqlError("UNIQUE constraint failed", "SQLITE_CONSTRAINT"))).toBeUndefined();
  });
});
