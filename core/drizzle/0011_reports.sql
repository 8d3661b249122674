CREATE TABLE `agent_availability_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_id` integer NOT NULL,
	`availability` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_availability_log_agent_idx` ON `agent_availability_log` (`agent_id`,`at`);--> statement-breakpoint
CREATE TABLE `continuity_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`week` integer NOT NULL,
	`answer` text,
	`reviewer_id` integer,
	`reviewed_at` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`reviewer_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `continuity_reviews_case_id_unique` ON `continuity_reviews` (`case_id`);--> statement-breakpoint
CREATE INDEX `continuity_reviews_week_idx` ON `continuity_reviews` (`week`);--> statement-breakpoint
CREATE TABLE `report_rollups` (
	`grain` text NOT NULL,
	`bucket` integer NOT NULL,
	`metric` text NOT NULL,
	`inbox` text NOT NULL,
	`channel` text NOT NULL,
	`team_id` integer NOT NULL,
	`agent_id` integer NOT NULL,
	`n` integer NOT NULL,
	`sum` integer NOT NULL,
	`business_sum` integer NOT NULL,
	`values` text NOT NULL,
	`business_values` text NOT NULL,
	PRIMARY KEY(`grain`, `bucket`, `metric`, `inbox`, `team_id`, `agent_id`)
);
--> statement-breakpoint
CREATE TABLE `report_samples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`case_id` integer NOT NULL,
	`conversation_id` integer NOT NULL,
	`metric` text NOT NULL,
	`at` integer NOT NULL,
	`inbox` text NOT NULL,
	`channel` text NOT NULL,
	`team_id` integer DEFAULT 0 NOT NULL,
	`agent_id` integer DEFAULT 0 NOT NULL,
	`value` integer NOT NULL,
	`business_value` integer,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `report_samples_contact_idx` ON `report_samples` (`contact_id`);--> statement-breakpoint
CREATE INDEX `report_samples_at_idx` ON `report_samples` (`at`);--> statement-breakpoint
ALTER TABLE `csat_responses` ADD `nps` integer;