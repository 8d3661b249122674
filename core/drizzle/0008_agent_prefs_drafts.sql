CREATE TABLE `conversation_drafts` (
	`agent_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	PRIMARY KEY(`agent_id`, `conversation_id`),
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `agents` ADD `deactivated_at` integer;--> statement-breakpoint
ALTER TABLE `agents` ADD `sign_in_availability` text DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `locale` text;