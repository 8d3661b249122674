/**
 * Config: read config/switchboard.toml, fill `${ENV}` references, validate, and explain
 * every problem with the file, the key, the plugin and the fix.
 */

export { type ConfigProblem, configErrorFromProblems, configErrorFromZod, formatKeyPath, type ZodErrorOptions } from "./errors.ts";
export { type Env, interpolateEnv } from "./interpolate.ts";
export { loadConfig, parseConfigText } from "./load.ts";
export * from "./schema.ts";
