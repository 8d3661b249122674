CREATE TABLE `automation_fires` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`rule` text NOT NULL,
	`event` text NOT NULL,
	`fired_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `automation_fires_conversation_idx` ON `automation_fires` (`conversation_id`,`rule`);--> statement-breakpoint
CREATE TABLE `csat_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`inbox` text NOT NULL,
	`status` text DEFAULT 'awaiting_score' NOT NULL,
	`score` integer,
	`comment` text,
	`ces` integer,
	`sent_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `csat_responses_contact_idx` ON `csat_responses` (`contact_id`,`status`,`sent_at`);--> statement-breakpoint
CREATE INDEX `csat_responses_conversation_idx` ON `csat_responses` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `scheduled_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`agent_id` integer,
	`text` text NOT NULL,
	`send_at` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`message_id` integer,
	`cancel_reason` text,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `scheduled_messages_conversation_idx` ON `scheduled_messages` (`conversation_id`,`status`);--> statement-breakpoint
CREATE TABLE `sla_clocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`target` text NOT NULL,
	`target_ms` integer NOT NULL,
	`started_at` integer NOT NULL,
	`elapsed_ms` integer DEFAULT 0 NOT NULL,
	`running_since` integer,
	`due_at` integer,
	`warned_at` integer,
	`breached_at` integer,
	`stopped_at` integer,
	`outcome` text,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sla_clocks_conversation_idx` ON `sla_clocks` (`conversation_id`,`target`,`stopped_at`);--> statement-breakpoint
CREATE INDEX `sla_clocks_outcome_idx` ON `sla_clocks` (`target`,`outcome`,`started_at`);--> statement-breakpoint
ALTER TABLE `agents` ADD `skills` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `capacity` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_due_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_status_sla_idx` ON `conversations` (`status`,`sla_due_at`,`id`);