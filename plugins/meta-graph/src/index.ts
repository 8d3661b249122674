/**
 * @switchboard/meta-graph: Meta's webhook and Graph API code shared by Switchboard's Meta channels
 * (WhatsApp Cloud, Messenger, Instagram). Not a plugin: a library the channel plugins depend on.
 * Its loopback Graph fake for tests is `@switchboard/meta-graph/test-support`.
 */
export { type DeliveryErrorOptions, toDeliveryError } from "./delivery-error.ts";
export {
  createGraphClient,
  DEFAULT_GRAPH_URL,
  DEFAULT_GRAPH_VERSION,
  type GraphClient,
  type GraphClientOptions,
  type GraphQuery,
} from "./graph-client.ts";
export { GraphApiError, type GraphErrorBody, RATE_LIMIT_CODES, retryAfterOf, TRANSIENT_CODES } from "./graph-error.ts";
export { type DownloadedMedia, type DownloadOptions, downloadGraphMedia, downloadUrl, type GraphMediaInfo } from "./media.ts";
export { metaAppOptions } from "./options.ts";
export { META_SIGNATURE_HEADER, metaJson, signMetaBody, verifyMetaSignature } from "./signature.ts";
export { type MetaWebhookOptions, type MetaWebhookPayload, mountMetaWebhook } from "./webhook.ts";
