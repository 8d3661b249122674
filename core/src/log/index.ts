/**
 * Structured JSON logs (pino). Secret-bearing fields are redacted wherever they appear,
 * so a plugin that logs its options never leaks a token.
 */
import pino from "pino";

export type Logger = pino.Logger;

/** Field names whose values are never written to a log. */
export const REDACTED_KEYS = [
  "secret",
  "token",
  "password",
  "passwordHash",
  "authToken",
  "apiKey",
  "authorization",
  "cookie",
  "identifierHash",
];

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * Creates the root logger. `level` comes from SWITCHBOARD_LOG_LEVEL (default "info").
 *
 * @example
 * const log = createLogger({ name: "switchboard" });
 * log.info({ inbox: "support" }, "inbox started");
 */
export function createLogger(options: { name?: string; level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? process.env.SWITCHBOARD_LOG_LEVEL ?? "info";
  return pino(
    { name: options.name ?? "switchboard", level, redact: { paths: redactPaths, censor: "[redacted]" }, base: undefined },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
