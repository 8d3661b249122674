// A real launch: whatsapp-web.js starts Debian's Chromium, which cannot reach WhatsApp from here
// (offline, the name does not resolve; FIELD-NOTES: initialize() rejects within about a second).
// The inbox must come up, report a clear health error with its fix instead of hanging, show it on
// its panel, and close Chromium on stop. Skipped where /usr/bin/chromium is not installed.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestHarness, type Harness, waitFor } from "@switchboard/core/testing";
import { afterEach, expect, it } from "vitest";

const PLUGIN = fileURLToPath(new URL("./index.ts", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";

let harness: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Chromium processes whose command line names this test's session folder. */
function chromiumsUsing(folder: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return cmdline.includes("chrom") && cmdline.includes(folder);
      } catch {
        return false; // the process ended while we looked
      }
    })
    .map(Number);
}

it.skipIf(!existsSync(CHROMIUM))(
  "launches Chromium, fails to reach WhatsApp offline, and says so in health with the fix, not a hang",
  { timeout: 60_000 },
  async () => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-wa-launch-"));
    harness = await createTestHarness({
      plugins: { "whatsapp-web": { package: PLUGIN } },
      inboxes: { wa: { plugin: "whatsapp-web", options: { session_dir: dir, executable_path: CHROMIUM, restart_after_seconds: 3600 } } },
    });
    // Start returned at once; the launch goes on in the background.
    const health = await waitFor(async () => {
      const now = await harness!.switchboard.inboxes.health("wa");
      return now.ok ? undefined : now;
    }, 45_000);
    expect(health.message).toMatch(
      /^Chromium could not reach WhatsApp Web \(ERR_[A-Z_]+ at https:\/\/web\.whatsapp\.com\/\): this machine has no internet access/,
    );
    expect(health.message).toContain("The inbox tries again every 3600 s.");
    expect(harness.switchboard.inboxes.get("wa")!.state).toBe("running");
    const panel = String(await harness.switchboard.inboxes.get("wa")!.adapter!.statusPanel!.render());
    expect(panel).toContain("Chromium could not reach WhatsApp Web");
    // The failed client was closed: no Chromium of this session is left running.
    await waitFor(() => chromiumsUsing(dir!).length === 0, 10_000);
    expect(existsSync(join(dir, "session-wa.lock"))).toBe(true);
    await harness.close();
    harness = undefined;
    expect(existsSync(join(dir, "session-wa.lock"))).toBe(false);
  },
);
