/**
 * Only the process that holds the session talks to WhatsApp: a lock file beside the session folder
 * holds the owner's pid. A second Switchboard process (or a second start) finds it and refuses,
 * instead of opening the same login twice (which WhatsApp answers with a CONFLICT that logs one
 * out). A lock left by a process that died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorCodes, SwitchboardError } from "@switchboard/core";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Takes the lock of `inbox`'s session in `dir`; returns what releases it.
 *
 * @example
 * const release = lockSession("data/whatsapp-web", "whatsapp");
 * // ... on stop:
 * release();
 */
export function lockSession(dir: string, inbox: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `session-${inbox}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
        throw new SwitchboardError(
          ErrorCodes.CHANNEL_UNAVAILABLE,
          `WhatsApp Web inbox "${inbox}": another process (pid ${holder}) holds this session (${path}). Run one Switchboard process with this inbox, or stop that one.`,
        );
      rmSync(path, { force: true }); // left by a process that is gone (or by this one)
    }
  }
  throw new SwitchboardError(ErrorCodes.CHANNEL_UNAVAILABLE, `WhatsApp Web inbox "${inbox}": could not take the session lock ${path}.`);
}
