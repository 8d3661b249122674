/**
 * The shared pieces of a wire fake (a fake Telegram, Discord, WhatsApp… that speaks the real
 * protocol on loopback): a loopback server, queued failures a test injects, listeners the fake
 * wakes, and the reading of form and multipart bodies with their files.
 */

/** A fake's HTTP server on 127.0.0.1 and a free port. */
export interface Loopback {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  port: number;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/**
 * Serves `fetch` on 127.0.0.1 on a free port, with no idle timeout (long polls stay open).
 *
 * @example
 * import { serveLoopback } from "@switchboard/core/testing";
 *
 * const fake = serveLoopback((request) => Response.json({ ok: true }));
 * await fetch(`${fake.url}/anything`);
 * await fake.stop();
 */
export function serveLoopback(fetch: (request: Request) => Response | Promise<Response>): Loopback {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch });
  const port = server.port ?? 0;
  return { url: `http://127.0.0.1:${port}`, port, stop: () => server.stop(true) };
}

/**
 * Failures a test queues for a fake's next calls, taken in order. A queued `null` lets that call
 * succeed. By default a call matches a route by equality; pass `matches` for another rule (a
 * prefix of "METHOD /path", say).
 *
 * @example
 * import { FailureQueue } from "@switchboard/core/testing";
 *
 * const failures = new FailureQueue<{ status: number }>((route, call) => call.startsWith(route));
 * failures.failNext("POST /channels", { status: 429 }, null);
 * failures.take("POST /channels/1/messages"); // { status: 429 }
 * failures.take("POST /channels/1/messages"); // undefined: the null let it through
 */
export class FailureQueue<E> {
  readonly #queued = new Map<string, (E | null)[]>();
  readonly #matches: (route: string, call: string) => boolean;

  constructor(matches: (route: string, call: string) => boolean = (route, call) => route === call) {
    this.#matches = matches;
  }

  /** Makes the next calls matching `route` fail with these errors, in order (`null`: succeed). */
  failNext(route: string, ...errors: (E | null)[]): void {
    this.#queued.set(route, [...(this.#queued.get(route) ?? []), ...errors]);
  }

  /** The failure queued for this call, if any (taking it off the queue). */
  take(call: string): E | undefined {
    for (const [route, errors] of this.#queued) {
      if (errors.length > 0 && this.#matches(route, call)) return errors.shift() ?? undefined;
    }
    return undefined;
  }
}

/**
 * A set of listeners a fake calls when its world changes (a queued update wakes long polls).
 *
 * @example
 * import { Listeners } from "@switchboard/core/testing";
 *
 * const updates = new Listeners<number>();
 * const off = updates.add((id) => console.log("update", id));
 * updates.emit(1);
 * off();
 */
export class Listeners<T = void> {
  readonly #fns = new Set<(value: T) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(fn: (value: T) => void): () => void {
    this.#fns.add(fn);
    return () => this.#fns.delete(fn);
  }

  emit(value: T): void {
    for (const fn of this.#fns) fn(value);
  }
}

/** A file part of a form body. */
export interface FormFile {
  /** The form field it came in (`photo`, `files[0]`…). */
  field: string;
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/**
 * Reads a urlencoded or multipart body into its text fields and its files, as a network's API
 * receives an upload.
 *
 * @example
 * import { readForm } from "@switchboard/core/testing";
 *
 * const { fields, files } = await readForm(request);
 * const payload = JSON.parse(fields.payload_json ?? "{}");
 * expect(files[0].name).toBe("invoice.pdf");
 */
export async function readForm(request: Request): Promise<{ fields: Record<string, string>; files: FormFile[] }> {
  const fields: Record<string, string> = {};
  const files: FormFile[] = [];
  for (const [field, value] of await request.formData()) {
    if (typeof value === "string") fields[field] = value;
    else
      files.push({
        field,
        name: value.name,
        contentType: value.type || "application/octet-stream",
        bytes: new Uint8Array(await value.arrayBuffer()),
      });
  }
  return { fields, files };
}
