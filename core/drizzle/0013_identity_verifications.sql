CREATE TABLE `identity_verifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`inbox` text NOT NULL,
	`kind` text NOT NULL,
	`value` text,
	`code_hash` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `identity_verifications_pending_idx` ON `identity_verifications` (`inbox`,`contact_id`,`status`);--> statement-breakpoint
CREATE INDEX `identity_verifications_value_idx` ON `identity_verifications` (`value`,`created_at`);