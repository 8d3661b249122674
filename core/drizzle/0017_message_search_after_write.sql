-- Messages go into the full-text index after their own write, in batches (core/src/store/search-index.ts):
-- written with each message, FTS5 made a new index segment every group commit, a tenth of the CPU of
-- ingest (issue 22). search_progress says how far the index goes; every message there now is indexed.
-- The delete and edit triggers touch only indexed rows: an FTS5 'delete' of a row it never held
-- would corrupt the index.
CREATE TABLE `search_progress` (
	`name` text PRIMARY KEY NOT NULL,
	`indexed_upto` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_progress` (`name`, `indexed_upto`) VALUES ('messages', (SELECT coalesce(max(`id`), 0) FROM `messages`));
--> statement-breakpoint
DROP TRIGGER `messages_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_ad`;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages`
WHEN old.id <= (SELECT `indexed_upto` FROM `search_progress` WHERE `name` = 'messages') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.id, old.text);
END;
--> statement-breakpoint
DROP TRIGGER `messages_fts_au`;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF `text` ON `messages`
WHEN old.id <= (SELECT `indexed_upto` FROM `search_progress` WHERE `name` = 'messages') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.id, old.text);
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.id, new.text);
END;
