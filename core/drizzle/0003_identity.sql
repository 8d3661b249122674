CREATE TABLE `contact_merges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survivor_id` integer NOT NULL,
	`merged_id` integer NOT NULL,
	`actor` text NOT NULL,
	`record` text NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`undone_at` integer,
	`undone_by` text
);
--> statement-breakpoint
CREATE INDEX `contact_merges_survivor_idx` ON `contact_merges` (`survivor_id`);--> statement-breakpoint
CREATE INDEX `contact_merges_merged_idx` ON `contact_merges` (`merged_id`);--> statement-breakpoint
CREATE TABLE `contact_suggestions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`other_contact_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`other_contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_suggestions_pair_idx` ON `contact_suggestions` (`contact_id`,`other_contact_id`);--> statement-breakpoint
CREATE INDEX `contact_suggestions_other_idx` ON `contact_suggestions` (`other_contact_id`);--> statement-breakpoint
CREATE TABLE `identity_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`source` text,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identity_claims_contact_kind_value_idx` ON `identity_claims` (`contact_id`,`kind`,`value`);--> statement-breakpoint
CREATE INDEX `identity_claims_kind_value_idx` ON `identity_claims` (`kind`,`value`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `attributes` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `linked_conversation_id` integer;--> statement-breakpoint
CREATE INDEX `contacts_name_idx` ON `contacts` (lower("name"));