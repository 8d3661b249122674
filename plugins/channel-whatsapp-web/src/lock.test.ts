// The session lock: one process holds a WhatsApp session. A lock held by another live process is
// refused with the holder's pid and the fix; one left by a dead process, or by this one, is taken.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { lockSession } from "./lock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-wa-lock-"));
  dirs.push(dir);
  return dir;
};

it("refuses a session another live process holds, naming its pid and the fix", async () => {
  const dir = folder();
  const other = spawn("sleep", ["30"]);
  try {
    writeFileSync(join(dir, "session-wa.lock"), String(other.pid));
    expect(() => lockSession(dir, "wa")).toThrow(
      expect.objectContaining({
        code: "SWB_ERR_CHANNEL_UNAVAILABLE",
        message: expect.stringContaining(`another process (pid ${other.pid}) holds this session`),
      }),
    );
  } finally {
    other.kill();
  }
});

it("takes over a lock left by a process that is gone, and releases it", async () => {
  const dir = folder();
  const gone = spawn("true");
  await new Promise((resolve) => gone.on("exit", resolve));
  writeFileSync(join(dir, "session-wa.lock"), String(gone.pid));
  const release = lockSession(dir, "wa");
  expect(readFileSync(join(dir, "session-wa.lock"), "utf8")).toBe(String(process.pid));
  release();
  const again = lockSession(dir, "wa");
  again();
});
