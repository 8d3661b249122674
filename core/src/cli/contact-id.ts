/** Reads a contact id argument of the `switchboard contact …` commands. */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";

/**
 * The id as a number; SWB_ERR_VALIDATION for anything but a positive integer.
 *
 * @example
 * contactId("42") // 42
 */
export function contactId(raw: string): number {
  const id = Number(raw.replace(/^#/, ""));
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new SwitchboardError(
      ErrorCodes.VALIDATION,
      `"${raw}" is not a contact id. Give the number shown in the inbox (#42) or by GET /api/v1/contacts.`,
    );
  return id;
}
