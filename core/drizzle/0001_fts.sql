-- Full-text search (FTS5) over messages and contacts, kept in step by triggers.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`text`, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ai` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.id, old.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF `text` ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.id, old.text);
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(`name`, `email`, `phone`, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ai` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(rowid, `name`, `email`, `phone`) VALUES (new.id, new.name, new.email, new.phone);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ad` AFTER DELETE ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(`contacts_fts`, rowid, `name`, `email`, `phone`) VALUES ('delete', old.id, old.name, old.email, old.phone);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_au` AFTER UPDATE OF `name`, `email`, `phone` ON `contacts` BEGIN
  INSERT INTO `contacts_fts`(`contacts_fts`, rowid, `name`, `email`, `phone`) VALUES ('delete', old.id, old.name, old.email, old.phone);
  INSERT INTO `contacts_fts`(rowid, `name`, `email`, `phone`) VALUES (new.id, new.name, new.email, new.phone);
END;
