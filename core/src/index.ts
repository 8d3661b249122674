/**
 * @switchboard/core: the public API for plugin authors and embedders. Plugins import from here
 * (and from "@switchboard/core/testing" in their tests), never from core's internal files.
 */
export { definePlugin } from "./plugins/define.ts";
export type * from "./plugins/types.ts";
export type { SwitchboardEvents, SwitchboardEvent, EventName, MessageEventData } from "./events/types.ts";
export { SwitchboardError, ConfigError, DeliveryError, ErrorCodes, describeError, type ErrorCode } from "./errors/index.ts";
export { signWebhook, verifyWebhookSignature, constantTimeEqual, SIGNATURE_HEADER } from "./webhooks/signature.ts";
export { loadConfig } from "./config/load.ts";
export type { LoadedConfig, SwitchboardConfig } from "./config/schema.ts";
export { createSwitchboard, VERSION, type Switchboard, type SwitchboardOptions } from "./switchboard.ts";
export { createLogger, type Logger } from "./log/index.ts";
export { ManualClock, systemClock, type Clock } from "./clock.ts";
export { defineTheme, type SwitchboardTheme, type ThemeSlot } from "./inbox/theme.ts";
export { normaliseEmail, normalisePhone } from "./contacts/normalise.ts";
export { languageOf, valueAtPath } from "./contacts/read-values.ts";
export { splitText } from "./text/split.ts";
export { clientIp } from "./http/client-ip.ts";
export { sanitizeHtml, type SanitizedHtml } from "./text/sanitize-html.ts";
export { freeJson, freeJsonProblem, FREE_JSON_MAX_BYTES, FREE_JSON_MAX_DEPTH } from "./json/free-form.ts";
