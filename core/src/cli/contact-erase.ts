/**
 * `switchboard contact erase <id> --yes`: erases one contact with all their messages (GDPR). It
 * cannot be undone, so it refuses to run without --yes. The audit log records the erasure (counts
 * only). Plugins are not running here, so they do not hear `contact.erased`: erase through the REST
 * API (DELETE /api/v1/contacts/{id}) when plugins keep data of their own.
 */

import { systemClock } from "../clock.ts";
import { eraseContact } from "../contacts/erase.ts";
import { SYSTEM_ACTOR } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { EventBus } from "../events/bus.ts";
import { cliLogger, ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { contactId } from "./contact-id.ts";

export interface ContactEraseOptions {
  config?: string;
  /** Confirms the erasure. */
  yes?: boolean;
}

/**
 * Runs the command.
 *
 * @example
 * await contactEraseCommand("42", { yes: true });
 */
export async function contactEraseCommand(
  id: string,
  options: ContactEraseOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const contact = contactId(id);
  if (!options.yes) {
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `Erasing contact ${contact} deletes them and all their messages for good. Export them first if needed (switchboard contact export ${contact} --out contact-${contact}.json), then run again with --yes.`,
    );
  }
  const loaded = await loadCliConfig(options.config);
  const store = await openConfiguredStore(loaded);
  try {
    await store.migrate();
    const log = cliLogger();
    const erased = await eraseContact(
      { store, clock: systemClock, bus: new EventBus(log, systemClock, store), log },
      SYSTEM_ACTOR,
      contact,
    );
    print(
      `Erased contact ${contact}: ${erased.messages} messages, ${erased.conversations} conversations, ${erased.identities} identities.`,
    );
    return ExitCode.OK;
  } finally {
    store.close();
  }
}
