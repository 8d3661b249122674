/**
 * How each kind of hook runs, as in Rollup: "first" (the first non-null answer wins), "sequential"
 * (each result feeds the next) and "parallel". Hooks marked `order: "pre"` run before the others,
 * `order: "post"` after. Errors are wrapped with the plugin's and the hook's names.
 */
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import type { Hook } from "./types.ts";

export interface RegisteredHook<F> {
  plugin: string;
  /** The alias the plugin was loaded under (`[plugins.<alias>]`); one plugin may be loaded under several. Defaults to `plugin`. */
  alias?: string;
  handler: F;
  order: "pre" | "normal" | "post";
  timeoutMs?: number;
  /** How long an enrichment hook's answers stay fresh (enrich hooks only). */
  ttlMs?: number;
  /** The contact fact paths a route hook reads, by the option key holding each (route hooks only). */
  facts?: Record<string, string>;
}

/**
 * The alias a hook's plugin was loaded under: the name its enrichment facts are stored under
 * (`enrichment.<alias>.<fact>`) and the name routing chains use.
 *
 * @example
 * aliasOf({ plugin: "enrich-http", alias: "crm", handler, order: "normal" }); // "crm"
 */
export const aliasOf = (hook: Pick<RegisteredHook<unknown>, "plugin" | "alias">): string => hook.alias ?? hook.plugin;

const rank = { pre: 0, normal: 1, post: 2 } as const;

/** Unwraps a `Hook` into a registered hook of `plugin`. */
export function registerHook<F>(
  plugin: string,
  hook: Hook<F>,
  extra: { timeoutMs?: number; ttlMs?: number; alias?: string; facts?: Record<string, string> } = {},
): RegisteredHook<F> {
  if (typeof hook === "function") return { plugin, handler: hook as F, order: "normal", ...extra };
  const withOrder = hook as { handler: F; order?: "pre" | "post" };
  return { plugin, handler: withOrder.handler, order: withOrder.order ?? "normal", ...extra };
}

/** Sorts hooks by order (pre, normal, post), keeping registration order within each. */
export function sortHooks<F>(hooks: RegisteredHook<F>[]): RegisteredHook<F>[] {
  return hooks
    .map((hook, index) => ({ hook, index }))
    .sort((a, b) => rank[a.hook.order] - rank[b.hook.order] || a.index - b.index)
    .map((x) => x.hook);
}

/** Wraps an error thrown by a plugin's hook so the log says whose it was. */
export function hookError(plugin: string, hookName: string, error: unknown): SwitchboardError {
  const message = error instanceof Error ? error.message : String(error);
  return new SwitchboardError(
    ErrorCodes.HOOK_FAILED,
    `Plugin "${plugin}" failed in its ${hookName} hook: ${message}`,
    { plugin, hook: hookName },
    { cause: error },
  );
}

/** Runs hooks in order until one returns a non-null value. A hook that throws is reported and skipped. */
export async function runFirst<F extends (...args: never[]) => unknown, R>(
  hooks: RegisteredHook<F>[],
  call: (handler: F) => Promise<R | null | undefined> | R | null | undefined,
  onError: (error: SwitchboardError, hook: RegisteredHook<F>) => void,
  hookName: string,
): Promise<{ value: R; plugin: string } | null> {
  for (const hook of hooks) {
    try {
      const value = await call(hook.handler);
      if (value !== null && value !== undefined) return { value, plugin: hook.plugin };
    } catch (error) {
      onError(hookError(hook.plugin, hookName, error), hook);
    }
  }
  return null;
}

/** Resolves `promise`, or rejects after `ms` with a coded timeout error (and aborts `controller`). */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  options: { controller?: AbortController; code?: typeof ErrorCodes.HOOK_TIMEOUT | typeof ErrorCodes.PLUGIN_SETUP_TIMEOUT } = {},
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      options.controller?.abort();
      reject(new SwitchboardError(options.code ?? ErrorCodes.HOOK_TIMEOUT, `${what} took longer than ${ms} ms.`, { timeoutMs: ms }));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
