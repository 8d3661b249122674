/**
 * A fake OpenAI-compatible server on loopback, speaking the real wire format of
 * `POST /v1/chat/completions`: a JSON `chat.completion` (with `usage`), or with `stream: true` a
 * `text/event-stream` of `chat.completion.chunk` objects (`data: {...}` lines, a usage chunk when
 * `stream_options.include_usage` is set) ending with `data: [DONE]`. Errors answer OpenAI's error
 * body (`{ "error": { message, type, code } }`); answers may be slowed down. Every request body is
 * kept, so a test sees exactly what left the machine.
 */
import { type Loopback, serveLoopback } from "@switchboard/core/testing";

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
}

/** What the fake answers to one request. */
export interface FakeAnswer {
  /** The whole answer; streamed in `chunks` when given, else split into words. */
  text?: string;
  chunks?: string[];
  /** An HTTP error with OpenAI's error body. */
  status?: number;
  error?: string;
  /** Wait before answering (and between streamed chunks, `chunkDelayMs`). */
  delayMs?: number;
  chunkDelayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface FakeOpenAI {
  /** The base URL to configure (`http://127.0.0.1:PORT/v1`). */
  baseUrl: string;
  requests: ChatRequest[];
  /** Authorization headers received, in order. */
  authorizations: (string | null)[];
  /** Decides each answer; the default echoes "ok". */
  answer: (request: ChatRequest) => FakeAnswer | Promise<FakeAnswer>;
  stop(): Promise<void>;
}

const encoder = new TextEncoder();

/** The text of the request's system and user messages, for fakes that answer by what was asked. */
export const promptOf = (request: ChatRequest) => request.messages.map((m) => m.content).join("\n");
/** The last user message. */
export const lastUserText = (request: ChatRequest) => [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";

function completion(model: string, text: string, usage: NonNullable<FakeAnswer["usage"]>) {
  return {
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null) {
  return {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function stream(request: ChatRequest, answer: FakeAnswer, usage: NonNullable<FakeAnswer["usage"]>): Response {
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const pieces = answer.chunks ?? (answer.text ?? "").split(/(?<= )/);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (data: unknown) =>
        controller.enqueue(encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`));
      try {
        send(chunk(id, request.model, { role: "assistant", content: "" }, null));
        for (const piece of pieces) {
          if (answer.chunkDelayMs) await Bun.sleep(answer.chunkDelayMs);
          send(chunk(id, request.model, { content: piece }, null));
        }
        send(chunk(id, request.model, {}, "stop"));
        if (request.stream_options?.include_usage)
          send({
            id,
            object: "chat.completion.chunk",
            created: 0,
            model: request.model,
            choices: [],
            usage: { ...usage, total_tokens: 0 },
          });
        send("[DONE]");
        controller.close();
      } catch {
        // The client went away mid-stream (an abort): nothing is left to send to.
      }
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" } });
}

/**
 * Starts the fake.
 *
 * @example
 * const ai = startFakeOpenAI();
 * ai.answer = () => ({ text: "Hello!" });
 * // options: { base_url: ai.baseUrl, model: "test-model" }
 */
export function startFakeOpenAI(): FakeOpenAI {
  const fake: FakeOpenAI = {
    baseUrl: "",
    requests: [],
    authorizations: [],
    answer: () => ({ text: "ok" }),
    stop: async () => undefined,
  };
  const server: Loopback = serveLoopback(async (http) => {
    const url = new URL(http.url);
    if (http.method !== "POST" || url.pathname !== "/v1/chat/completions")
      return Response.json(
        { error: { message: `Unknown path ${url.pathname}`, type: "invalid_request_error", code: null } },
        { status: 404 },
      );
    const request = (await http.json()) as ChatRequest;
    fake.requests.push(request);
    fake.authorizations.push(http.headers.get("authorization"));
    const answer = await fake.answer(request);
    if (answer.delayMs) await Bun.sleep(answer.delayMs);
    if (answer.status && answer.status >= 400) {
      return Response.json(
        {
          error: { message: answer.error ?? "failed", type: answer.status === 401 ? "invalid_request_error" : "server_error", code: null },
        },
        { status: answer.status },
      );
    }
    const usage = answer.usage ?? { prompt_tokens: 11, completion_tokens: 7 };
    if (request.stream) return stream(request, answer, usage);
    return Response.json(completion(request.model, answer.text ?? (answer.chunks ?? []).join(""), usage));
  });
  fake.baseUrl = `${server.url}/v1`;
  fake.stop = server.stop as () => Promise<void>;
  return fake;
}
