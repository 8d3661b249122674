/**
 * A short, loggable description of any thrown value (core's own helper is internal): the message,
 * the code when there is one (SWB_ERR_*, an SMTP or IMAP library code), never a secret.
 */

/**
 * Describes an error for a structured log line.
 *
 * @example
 * log.warn({ error: describeError(error) }, "IMAP connection failed");
 */
export function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}
