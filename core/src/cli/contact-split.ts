/**
 * `switchboard contact split <id> --inbox <name>`: gives what one inbox brought to a contact its own
 * contact (the repair `switchboard doctor` names for two customers of different inboxes that the
 * old identity rule made one). It loads the plugins without starting them, as doctor does, to learn
 * each channel's identity scope, re-scopes old identities first (the step `start` runs), then splits
 * one new contact per --inbox, each in one transaction with an audit row. Merging the new contact
 * back (inbox or POST /api/v1/contacts/{id}/merge) undoes it.
 */
import { rescopeIdentities } from "../contacts/identity-rescope.ts";
import { splitContact } from "../contacts/split.ts";
import { SYSTEM_ACTOR } from "../conversations/update.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { createSwitchboard } from "../switchboard.ts";
import { cliLogger, ExitCode, loadCliConfig } from "./common.ts";
import { contactId } from "./contact-id.ts";

export interface ContactSplitOptions {
  config?: string;
  /** The inboxes to split off, one new contact each. */
  inbox: string[];
}

/**
 * Runs the command.
 *
 * @example
 * await contactSplitCommand("7", { inbox: ["app"] }); // prints "Split inbox app of contact 7 into contact 12: …"
 */
export async function contactSplitCommand(
  id: string,
  options: ContactSplitOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const contact = contactId(id);
  if (options.inbox.length === 0)
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `Name the inbox to split off with --inbox <name>; \`switchboard doctor\` prints the full command for each contact that needs it.`,
    );
  const loaded = await loadCliConfig(options.config);
  const switchboard = await createSwitchboard(loaded, { log: cliLogger(), backgroundWorkers: false, logStalls: false });
  try {
    await rescopeIdentities(switchboard, switchboard.inboxes.list());
    for (const inbox of options.inbox) {
      const { contactId: created, moved } = await splitContact(switchboard, SYSTEM_ACTOR, contact, inbox);
      print(
        `Split inbox ${inbox} of contact ${contact} into contact ${created}: ${moved.conversations} conversations, ${moved.messages} messages, ${moved.identities} identities, ${moved.claims} claims. ` +
          `To undo, merge contact ${created} into ${contact}.`,
      );
    }
    return ExitCode.OK;
  } finally {
    await switchboard.stop();
  }
}
