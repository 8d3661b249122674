-- FTS5 merges an index's segments inside the writes themselves (its 'automerge'): one go of up to
-- hundreds of pages, 15-36 ms of the one JavaScript thread every few thousand messages on a
-- 1M-message index, and up to 48 ms inside a new contact's transaction on a 1M-contact one (issue 22).
-- Switchboard merges these two in short steps in the background instead (core/src/store/search-index.ts,
-- mergeSearchIndexes). The setting is kept in each table's _config table.
INSERT INTO `messages_fts`(`messages_fts`, `rank`) VALUES ('automerge', 0);
--> statement-breakpoint
INSERT INTO `contacts_fts`(`contacts_fts`, `rank`) VALUES ('automerge', 0);
