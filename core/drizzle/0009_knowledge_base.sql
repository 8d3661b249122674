CREATE TABLE `knowledge_articles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`author_agent_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`author_agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `knowledge_articles_status_idx` ON `knowledge_articles` (`status`,`updated_at`);
--> statement-breakpoint
-- Knowledge search: FTS5 over title, body and tags (the JSON text of the tag list), with the
-- Porter stemmer as messages_fts has, kept in step by triggers.
CREATE VIRTUAL TABLE `knowledge_fts` USING fts5(`title`, `body`, `tags`, content='knowledge_articles', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `knowledge_fts_ai` AFTER INSERT ON `knowledge_articles` BEGIN
  INSERT INTO `knowledge_fts`(rowid, `title`, `body`, `tags`) VALUES (new.id, new.title, new.body, new.tags);
END;
--> statement-breakpoint
CREATE TRIGGER `knowledge_fts_ad` AFTER DELETE ON `knowledge_articles` BEGIN
  INSERT INTO `knowledge_fts`(`knowledge_fts`, rowid, `title`, `body`, `tags`) VALUES ('delete', old.id, old.title, old.body, old.tags);
END;
--> statement-breakpoint
CREATE TRIGGER `knowledge_fts_au` AFTER UPDATE OF `title`, `body`, `tags` ON `knowledge_articles` BEGIN
  INSERT INTO `knowledge_fts`(`knowledge_fts`, rowid, `title`, `body`, `tags`) VALUES ('delete', old.id, old.title, old.body, old.tags);
  INSERT INTO `knowledge_fts`(rowid, `title`, `body`, `tags`) VALUES (new.id, new.title, new.body, new.tags);
END;
