// `switchboard doctor` on a WhatsApp Web inbox, as a real CLI run: doctor is another process than
// the server that holds the session, so it must never start a client (the fake plugin's factory has
// no world registered in the doctor process and would throw) and must report what the server last
// recorded in the inbox's kv: here, a dropped session with its reason and fix.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { systemClock } from "../core/src/clock.ts";
import { createKeyValueStore } from "../core/src/plugins/kv.ts";
import { openStore } from "../core/src/store/index.ts";
import { ROOT, runCli } from "./fixtures/cli.ts";

const FAKE_PLUGIN = join(ROOT, "plugins/channel-whatsapp-web/test-support/fake-plugin.ts");
const dir = mkdtempSync(join(tmpdir(), "switchboard-wa-doctor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("doctor shows the dropped session the server recorded, without opening the session", { timeout: 60_000 }, async () => {
  const db = join(dir, "sb.db");
  const file = join(dir, "switchboard.toml");
  writeFileSync(
    file,
    `[store]\nurl = "file:${db}"\n\n[plugins.whatsapp-web]\npackage = ${JSON.stringify(FAKE_PLUGIN)}\n\n` +
      `[inboxes.wa]\nplugin = "whatsapp-web"\n\n[inboxes.wa.options]\nsession_dir = ${JSON.stringify(join(dir, "wa"))}\n`,
  );
  expect((await runCli(["--config", file, "migrate"])).code).toBe(0);

  const before = await runCli(["doctor", "--config", file]);
  expect(before.stdout).toMatch(/^! inbox wa \(whatsapp-web channel\): No state recorded yet: start Switchboard/m);

  // What the session holder writes when WhatsApp drops the session (connection.ts).
  const store = await openStore({ url: `file:${db}` });
  await createKeyValueStore(store, systemClock, "inbox:wa").set("connection", {
    connection: {
      state: "disconnected",
      reason: "WhatsApp Web disconnected (LOGOUT: the phone logged this device out). Scan the new QR code on /admin/inboxes to pair again.",
    },
    at: Date.UTC(2026, 11, 2, 21, 0, 0),
    pid: 4242,
  });
  store.close();

  const after = await runCli(["doctor", "--config", file]);
  expect(after.code, after.stdout + after.stderr).toBe(1);
  expect(after.stdout).toContain(
    "✗ inbox wa (whatsapp-web channel): As the server (pid 4242) last recorded at 2026-12-02 21:00:00 UTC: WhatsApp Web disconnected (LOGOUT",
  );
  expect(after.stdout).toContain("Scan the new QR code on /admin/inboxes");
});
