/**
 * @switchboard/core: the public API for plugin authors and embedders. Plugins import from here
 * (and from "@switchboard/core/testing" in their tests), never from core's internal files.
 */

export { type Clock, ManualClock, systemClock } from "./clock.ts";
export type { RateLimit, Take } from "./cluster/types.ts";
export { loadConfig } from "./config/load.ts";
export type { LoadedConfig, SwitchboardConfig } from "./config/schema.ts";
export { normaliseEmail, normalisePhone } from "./contacts/normalise.ts";
export { languageOf, valueAtPath } from "./contacts/read-values.ts";
export { ConfigError, DeliveryError, describeError, type ErrorCode, ErrorCodes, SwitchboardError } from "./errors/index.ts";
export type { EventHandlers, EventName, MessageEventData, SwitchboardEvent, SwitchboardEvents } from "./events/types.ts";
export { clientIp } from "./http/client-ip.ts";
export { defineTheme, type SwitchboardTheme, type ThemeSlot } from "./inbox/theme.ts";
export { FREE_JSON_MAX_BYTES, FREE_JSON_MAX_DEPTH, freeJson, freeJsonProblem } from "./json/free-form.ts";
export { createLogger, type Logger } from "./log/index.ts";
export { definePlugin } from "./plugins/define.ts";
export type * from "./plugins/types.ts";
export { createSwitchboard, type Switchboard, type SwitchboardOptions, VERSION } from "./switchboard.ts";
export { type SanitizedHtml, sanitizeHtml } from "./text/sanitize-html.ts";
export { splitText } from "./text/split.ts";
export { constantTimeEqual, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from "./webhooks/signature.ts";
