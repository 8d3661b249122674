/**
 * A small Server-Sent Events client over fetch, as the widget reads its stream: it collects the
 * events of one connection and lets a test (or the benchmark) wait for the one it expects.
 */

/** One event of the stream. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseConnection {
  events: SseEvent[];
  /** Resolves with the first event (already received or arriving) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Called for every event as it arrives. */
  onEvent?: (event: SseEvent) => void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function parse(block: string): SseEvent | undefined {
  const event: SseEvent = { event: "message", data: "" };
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event.event = line.slice(6).trim();
    else if (line.startsWith("id:")) event.id = line.slice(3).trim();
    else if (line.startsWith("data:")) event.data += line.slice(5).trim();
  }
  return event.data ? event : undefined;
}

/**
 * Opens a stream. Rejects with the answer's status and body when it is not 200.
 *
 * @example
 * const live = await openSse(`${url}/plugins/webchat/inboxes/site/stream?after=0`, { Authorization: `Bearer ${token}` });
 * await live.waitFor((e) => e.event === "ready");
 * live.close();
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`The stream was answered ${response.status}: ${await response.text()}`);
  const waiters = new Set<() => void>();
  const connection: SseConnection = {
    events: [],
    ended: Promise.resolve(),
    waitFor(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = connection.events.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No matching event within ${timeoutMs} ms; got: ${connection.events.map((e) => e.event).join(", ")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  connection.ended = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch((error: Error) => {
        if (error.name === "AbortError") return { value: undefined, done: true as const };
        throw error;
      });
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!event) continue;
        connection.events.push(event);
        connection.onEvent?.(event);
        waiters.forEach((check) => check());
      }
    }
  })();
  return connection;
}
