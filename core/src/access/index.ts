/**
 * The one access rule: who sees which inbox, conversation, contact and event. The inbox pages and
 * forms, the REST API, the live streams, search, attachments, exports, merges and reports all ask
 * here; a hidden object answers 404, never 403, so nobody learns what exists elsewhere.
 */
export { createEventAccess, type EventAccess } from "./events.ts";
export {
  canSeeContact,
  requireAdmin,
  visibleCase,
  visibleContact,
  visibleContactsWhere,
  visibleConversation,
  visibleMerge,
  visibleMove,
  visibleSuggestion,
} from "./objects.ts";
export { type Viewer, viewerFor, visibleInboxes } from "./viewer.ts";
