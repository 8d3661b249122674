/**
 * Reading a streamed answer (Server-Sent Events) in a test: its text grows as it arrives, until
 * stopped.
 */

export interface CollectedStream {
  /** Everything received so far. */
  text(): string;
  /** Cancels the stream and waits for the reader to finish. */
  stop(): Promise<void>;
}

/**
 * Collects a streamed answer's text as it arrives.
 *
 * @example
 * const stream = collectStream(await harness.request("/inbox/events", { headers: { Cookie: cookie } }));
 * await waitFor(() => stream.text().includes("event: list"));
 * await stream.stop();
 */
export function collectStream(response: Response): CollectedStream {
  let text = "";
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  // A stream cut by the server (a killed process) ends the text; the test reads what came.
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })().catch((error: unknown) => {
    text += `\n[stream ended: ${error instanceof Error ? error.message : String(error)}]`;
  });
  return {
    text: () => text,
    stop: async () => {
      // Cancelling a stream that already ended with an error rejects with that error, noted above.
      await reader.cancel().catch(() => undefined);
      await reading;
    },
  };
}
