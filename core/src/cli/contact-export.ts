/**
 * `switchboard contact export <id> [--out file]`: everything Switchboard keeps about one contact, as
 * JSON (a GDPR access request), to stdout or a new file. Reads only.
 */
import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { exportContact } from "../contacts/export.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { contactId } from "./contact-id.ts";

export interface ContactExportOptions {
  config?: string;
  /** Write to this file (it must not exist) instead of stdout. */
  out?: string;
}

/**
 * Runs the command; the JSON goes to `print` (stdout) unless `out` is given.
 *
 * @example
 * await contactExportCommand("42", { out: "contact-42.json" });
 */
export async function contactExportCommand(
  id: string,
  options: ContactExportOptions,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const contact = contactId(id);
  const target = options.out ? resolve(options.out) : undefined;
  if (target && existsSync(target))
    throw new SwitchboardError(ErrorCodes.CONFLICT, `${target} already exists. Choose a new file name; exports never overwrite.`);
  const loaded = await loadCliConfig(options.config);
  const store = await openConfiguredStore(loaded);
  try {
    await store.migrate();
    const json = `${JSON.stringify(await exportContact(store.db, contact, Date.now()), null, 2)}\n`;
    if (target) {
      writeFileSync(target, json, { flag: "wx", mode: 0o600 });
      process.stderr.write(`Exported contact ${contact} to ${target}.\n`);
    } else {
      print(json);
    }
    return ExitCode.OK;
  } finally {
    store.close();
  }
}
