-- A reports rebuild in progress and how many have started (core/src/reports/rollups.ts, rebuildAll).
-- A rebuild deletes every sample and rollup and writes them again in many transactions; while its
-- lease holds, refreshes write nothing and run again after it, and a second rebuild is refused. A
-- refresh that measured before a rebuild started (its generation) measures again in its write.
-- A rebuild that stops without ending lets its lease run out.
CREATE TABLE `report_rebuilds` (
	`id` integer PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL,
	`lease_until` integer
);
--> statement-breakpoint
INSERT INTO `report_rebuilds` (`id`, `generation`, `lease_until`) VALUES (1, 0, NULL);
