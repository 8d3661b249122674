/**
 * The plugin API's types, from one entry: `core/src/index.ts` re-exports them as
 * `@switchboard/core`. Each audience has its own file under types/: channel authors (message.ts,
 * channel.ts), hook authors (hooks.ts), every plugin (context.ts) and storage (storage.ts). Types
 * only; the loader (loader.ts) and the registry (registry.ts) give them life.
 */

export type * from "./types/channel.ts";
export type * from "./types/context.ts";
export type * from "./types/hooks.ts";
export type * from "./types/message.ts";
export type * from "./types/reply-window.ts";
export type * from "./types/status-panel.ts";
export type * from "./types/storage.ts";
