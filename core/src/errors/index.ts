/**
 * Typed, coded errors. Every error Switchboard raises on purpose is a SwitchboardError with a
 * stable `SWB_ERR_*` code and a message that says what to do about it. Codes are never reused.
 */

/** Every error code Switchboard raises. Stable: a code is never renamed or reused. */
export const ErrorCodes = {
  CONFIG_NOT_FOUND: "SWB_ERR_CONFIG_NOT_FOUND",
  CONFIG_SYNTAX: "SWB_ERR_CONFIG_SYNTAX",
  CONFIG_INVALID: "SWB_ERR_CONFIG_INVALID",
  CONFIG_ENV_MISSING: "SWB_ERR_CONFIG_ENV_MISSING",
  PLUGIN_NOT_FOUND: "SWB_ERR_PLUGIN_NOT_FOUND",
  PLUGIN_INVALID: "SWB_ERR_PLUGIN_INVALID",
  PLUGIN_DEPENDENCY: "SWB_ERR_PLUGIN_DEPENDENCY",
  PLUGIN_SETUP_FAILED: "SWB_ERR_PLUGIN_SETUP_FAILED",
  PLUGIN_SETUP_TIMEOUT: "SWB_ERR_PLUGIN_SETUP_TIMEOUT",
  PLUGIN_CONFLICT: "SWB_ERR_PLUGIN_CONFLICT",
  PLUGIN_CORE_VERSION: "SWB_ERR_PLUGIN_CORE_VERSION",
  HOOK_FAILED: "SWB_ERR_HOOK_FAILED",
  HOOK_TIMEOUT: "SWB_ERR_HOOK_TIMEOUT",
  CHANNEL_UNKNOWN: "SWB_ERR_CHANNEL_UNKNOWN",
  CHANNEL_UNAVAILABLE: "SWB_ERR_CHANNEL_UNAVAILABLE",
  DELIVERY_RETRYABLE: "SWB_ERR_DELIVERY_RETRYABLE",
  DELIVERY_PERMANENT: "SWB_ERR_DELIVERY_PERMANENT",
  INBOUND_INVALID: "SWB_ERR_INBOUND_INVALID",
  NOT_FOUND: "SWB_ERR_NOT_FOUND",
  UNAUTHORIZED: "SWB_ERR_UNAUTHORIZED",
  FORBIDDEN: "SWB_ERR_FORBIDDEN",
  VALIDATION: "SWB_ERR_VALIDATION",
  CONFLICT: "SWB_ERR_CONFLICT",
  RATE_LIMITED: "SWB_ERR_RATE_LIMITED",
  PAYLOAD_TOO_LARGE: "SWB_ERR_PAYLOAD_TOO_LARGE",
  HEADERS_TOO_LARGE: "SWB_ERR_HEADERS_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "SWB_ERR_UNSUPPORTED_MEDIA_TYPE",
  STORE: "SWB_ERR_STORE",
  JOB_UNKNOWN: "SWB_ERR_JOB_UNKNOWN",
  NEW_PLUGIN_NAME: "SWB_ERR_NEW_PLUGIN_NAME",
  NEW_PLUGIN_EXISTS: "SWB_ERR_NEW_PLUGIN_EXISTS",
  REPLY_WINDOW_CLOSED: "SWB_ERR_REPLY_WINDOW_CLOSED",
  CLUSTER_UNAVAILABLE: "SWB_ERR_CLUSTER_UNAVAILABLE",
  ENGINE_OPTIONS: "SWB_ERR_ENGINE_OPTIONS",
  REPORTS_REBUILDING: "SWB_ERR_REPORTS_REBUILDING",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The base of every error Switchboard raises on purpose.
 *
 * @example
 * throw new SwitchboardError(ErrorCodes.NOT_FOUND, "Conversation 42 does not exist. List conversations with GET /api/v1/conversations.");
 */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable facts (never secrets). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SwitchboardError";
    this.code = code;
    this.details = details;
  }
}

/** Where in the config a problem is: the file, the dotted key and (if any) the plugin. */
export interface ConfigLocation {
  file: string;
  key: string;
  plugin?: string;
}

/**
 * A problem in config/switchboard.toml. The message names the file, the key, the plugin and the fix.
 *
 * @example
 * throw new ConfigError(ErrorCodes.CONFIG_INVALID, { file, key: "server.port", fix: "Set a port between 1 and 65535." }, "expected a number, got \"abc\"");
 */
export class ConfigError extends SwitchboardError {
  readonly location: ConfigLocation;
  readonly fix: string;

  constructor(code: ErrorCode, where: ConfigLocation & { fix: string }, problem: string) {
    const plugin = where.plugin ? ` (plugin "${where.plugin}")` : "";
    super(code, `${where.file}: ${where.key}${plugin}: ${problem}. Fix: ${where.fix}`, {
      file: where.file,
      key: where.key,
      plugin: where.plugin,
    });
    this.name = "ConfigError";
    this.location = { file: where.file, key: where.key, ...(where.plugin ? { plugin: where.plugin } : {}) };
    this.fix = where.fix;
  }
}

/**
 * Thrown by a channel adapter's `send` to tell the delivery worker how to treat a failure.
 * `retryable: true` (the default) retries with backoff; `retryAfterMs` overrides the backoff
 * (for a 429 with `retry_after`); `retryable: false` marks the message failed at once.
 *
 * @example
 * if (res.status === 429) throw new DeliveryError("Rate limited by the channel", { retryAfterMs: 5000 });
 * if (res.status === 400) throw new DeliveryError("The channel rejected the message: chat not found", { retryable: false });
 */
export class DeliveryError extends SwitchboardError {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {}) {
    const retryable = options.retryable ?? true;
    super(
      retryable ? ErrorCodes.DELIVERY_RETRYABLE : ErrorCodes.DELIVERY_PERMANENT,
      message,
      {
        retryAfterMs: options.retryAfterMs,
      },
      { cause: options.cause },
    );
    this.name = "DeliveryError";
    this.retryable = retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A short, loggable description of any thrown value. */
export function describeError(error: unknown): { message: string; code?: string; stack?: string } {
  if (error instanceof SwitchboardError) return { message: error.message, code: error.code, stack: error.stack };
  if (error instanceof Error) {
    // Plugins' own coded errors (and Node's system errors) carry a string `code` too.
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? { message: error.message, code, stack: error.stack } : { message: error.message, stack: error.stack };
  }
  return { message: String(error) };
}
