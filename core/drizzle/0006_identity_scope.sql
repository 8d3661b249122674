-- Identity scope: an id is unique per (channel, scope, external_id). scope is the inbox name for
-- channels whose ids mean something only inside one inbox (API integrations, web chat visitors),
-- '' for ids global to their network. Every stored identity starts as '' here: which channels are
-- inbox-scoped is declared by their plugins, so the start-up step in
-- core/src/contacts/identity-rescope.ts gives those identities their inbox once the plugins load.
DROP INDEX `identities_channel_external_idx`;--> statement-breakpoint
ALTER TABLE `identities` ADD `scope` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `identities_channel_scope_external_idx` ON `identities` (`channel`,`scope`,`external_id`);