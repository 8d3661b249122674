-- A plugin's job keys are its own now (ctx.jobs schedules and cancels "plugin:<alias>:<key>"), so a
-- plugin's key can no longer replace a core job with the same key ("snooze:7"). Pending plugin jobs
-- keep working: their kind is "<alias>:<kind>", and their keys move into the alias's namespace.
UPDATE `jobs` SET `key` = 'plugin:' || substr(`kind`, 1, instr(`kind`, ':') - 1) || ':' || `key`
WHERE `key` IS NOT NULL AND `kind` NOT LIKE 'core:%' AND instr(`kind`, ':') > 1;
