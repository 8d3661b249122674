CREATE TABLE `domain_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `domain_events_at_idx` ON `domain_events` (`at`);--> statement-breakpoint
CREATE TABLE `event_cursors` (
	`subscriber` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `event_seq` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_url_idx` ON `webhook_deliveries` (`event_seq`,`url`);