/**
 * Failures of the model server, with stable codes and a message that says what to check. Never
 * carries the API key.
 */
import OpenAI from "openai";

export type AssistantOpenAiErrorCode =
  | "SWB_ASSISTANT_OPENAI_AUTH"
  | "SWB_ASSISTANT_OPENAI_NOT_FOUND"
  | "SWB_ASSISTANT_OPENAI_RATE_LIMITED"
  | "SWB_ASSISTANT_OPENAI_STATUS"
  | "SWB_ASSISTANT_OPENAI_TIMEOUT"
  | "SWB_ASSISTANT_OPENAI_NETWORK";

/** A failed call to the model server, with a stable code. */
export class AssistantOpenAiError extends Error {
  readonly code: AssistantOpenAiErrorCode;
  constructor(code: AssistantOpenAiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AssistantOpenAiError";
    this.code = code;
  }
}

/** Translates the openai library's errors into ours. */
export function describeFailure(error: unknown, baseUrl: string, model: string): AssistantOpenAiError {
  if (error instanceof AssistantOpenAiError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new AssistantOpenAiError(
      "SWB_ASSISTANT_OPENAI_TIMEOUT",
      `${baseUrl} did not answer within timeout_ms; raise it or use a faster model.`,
      {
        cause: error,
      },
    );
  if (error instanceof OpenAI.APIConnectionError)
    return new AssistantOpenAiError(
      "SWB_ASSISTANT_OPENAI_NETWORK",
      `Could not reach ${baseUrl}: check base_url and that the server runs.`,
      { cause: error },
    );
  if (error instanceof OpenAI.APIError) {
    const detail = `${baseUrl} answered HTTP ${error.status}: ${error.message}`;
    if (error.status === 401 || error.status === 403)
      return new AssistantOpenAiError("SWB_ASSISTANT_OPENAI_AUTH", `${detail}. Check api_key (and the environment variable it names).`, {
        cause: error,
      });
    if (error.status === 404)
      return new AssistantOpenAiError(
        "SWB_ASSISTANT_OPENAI_NOT_FOUND",
        `${detail}. Check base_url (it ends in /v1) and that model "${model}" exists there.`,
        {
          cause: error,
        },
      );
    if (error.status === 429)
      return new AssistantOpenAiError("SWB_ASSISTANT_OPENAI_RATE_LIMITED", `${detail}. The server limits requests; try again shortly.`, {
        cause: error,
      });
    return new AssistantOpenAiError("SWB_ASSISTANT_OPENAI_STATUS", `${detail}.`, { cause: error });
  }
  return new AssistantOpenAiError(
    "SWB_ASSISTANT_OPENAI_NETWORK",
    `Calling ${baseUrl} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}
