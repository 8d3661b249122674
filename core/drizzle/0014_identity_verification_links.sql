ALTER TABLE `identity_verifications` ADD `token_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `identity_verifications_token_idx` ON `identity_verifications` (`token_hash`);