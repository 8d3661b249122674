CREATE TABLE `assistant_suggestions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`agent_id` integer,
	`plugin` text NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`outcome` text DEFAULT 'shown' NOT NULL,
	`message_id` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `assistant_suggestions_conversation_idx` ON `assistant_suggestions` (`conversation_id`,`outcome`);--> statement-breakpoint
CREATE INDEX `assistant_suggestions_created_idx` ON `assistant_suggestions` (`created_at`);