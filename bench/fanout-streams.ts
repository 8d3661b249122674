/**
 * Many Server-Sent Event streams open at once, for the fan-out benchmark: each stream is read as it
 * arrives, and every event is stamped with the time it was parsed (performance.now() of this
 * process), so a sender in the same process can compute ingest-to-screen latency.
 */

export interface Arrival {
  stream: number;
  event: string;
  data: string;
  at: number;
}

export interface StreamSet {
  /** Called for every event of every stream. */
  onEvent: (arrival: Arrival) => void;
  /** Streams that ended or failed before `close()`. */
  dropped: number;
  close(): void;
}

/**
 * Opens `count` streams of `url`, `headers(i)` for stream i, and resolves once every one answered
 * 200 and sent its first bytes (the server has subscribed it).
 *
 * @example
 * const streams = await openStreams(`${url}/inbox/events`, 200, (i) => ({ Cookie: cookies[i] }));
 * streams.onEvent = (a) => console.log(a.stream, a.event);
 */
export async function openStreams(url: string, count: number, headers: (i: number) => Record<string, string>): Promise<StreamSet> {
  const controller = new AbortController();
  const set: StreamSet = { onEvent: () => {}, dropped: 0, close: () => controller.abort() };
  const opened = Array.from({ length: count }, async (_, i) => {
    const response = await fetch(url, { headers: { Accept: "text/event-stream", ...headers(i) }, signal: controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`Stream ${i} was answered ${response.status}: ${await response.text()}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let first: () => void = () => {};
    const ready = new Promise<void>((resolve) => (first = resolve));
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const at = performance.now();
          first();
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = "";
            let data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data += line.slice(5).trim();
            }
            if (event) set.onEvent({ stream: i, event, data, at });
          }
        }
      } catch {
        // aborted by close(), or the server went away
      }
      if (!controller.signal.aborted) set.dropped++;
    })();
    await ready;
  });
  await Promise.all(opened);
  return set;
}
