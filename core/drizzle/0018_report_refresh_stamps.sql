-- A stamp per contact that every reports refresh moves on in its write (core/src/reports/rollups.ts).
-- A refresh measures in a read snapshot before it writes, and writes what it measured only if no other
-- refresh of the contact wrote since (one that found nothing to change included); else it measures
-- again inside its write (issue 22). A rebuild moves every stamp on.
CREATE TABLE `report_refresh_stamps` (
	`contact_id` integer PRIMARY KEY NOT NULL,
	`stamp` integer NOT NULL
);
