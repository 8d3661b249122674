/**
 * Config: read config/switchboard.toml, fill `${ENV}` references, validate, and explain
 * every problem with the file, the key, the plugin and the fix.
 */
export { loadConfig, parseConfigText } from "./load.ts";
export { interpolateEnv, type Env } from "./interpolate.ts";
export { configErrorFromZod, configErrorFromProblems, formatKeyPath, type ConfigProblem, type ZodErrorOptions } from "./errors.ts";
export * from "./schema.ts";
