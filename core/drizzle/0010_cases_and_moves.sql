CREATE TABLE `cases` (
	`id` integer PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_at` integer NOT NULL,
	`first_response_at` integer,
	`resolved_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cases_status_opened_idx` ON `cases` (`status`,`opened_at`);--> statement-breakpoint
CREATE TABLE `conversation_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`source_id` integer NOT NULL,
	`target_id` integer NOT NULL,
	`actor` text NOT NULL,
	`record` text NOT NULL,
	`created_at` integer NOT NULL,
	`undone_at` integer,
	`undone_by` text
);
--> statement-breakpoint
CREATE INDEX `conversation_moves_source_idx` ON `conversation_moves` (`source_id`);--> statement-breakpoint
CREATE INDEX `conversation_moves_target_idx` ON `conversation_moves` (`target_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `case_id` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `merged_into_id` integer;--> statement-breakpoint
CREATE INDEX `conversations_case_idx` ON `conversations` (`case_id`);