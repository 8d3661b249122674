/**
 * `switchboard create-token --agent <email> [--name]`: creates a REST API token acting as that agent
 * and prints it once (only its hash is stored).
 */
import { findAgentByEmail } from "../auth/agents.ts";
import { createApiToken } from "../auth/tokens.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { box } from "./output.ts";

export interface CreateTokenOptions {
  config?: string;
  agent: string;
  name?: string;
}

export async function createTokenCommand(options: CreateTokenOptions, print: (line: string) => void = console.log): Promise<number> {
  const loaded = await loadCliConfig(options.config);
  const store = await openConfiguredStore(loaded);
  try {
    await store.migrate();
    const agent = await findAgentByEmail(store.db, options.agent);
    if (!agent) {
      throw new SwitchboardError(
        ErrorCodes.NOT_FOUND,
        `There is no agent with the email ${options.agent}. Create one with \`switchboard create-agent --email ${options.agent} --name "<name>"\`.`,
      );
    }
    const name = options.name ?? "cli";
    const { id, token } = await createApiToken(store, agent.id, name);
    print(`Created API token ${id} ("${name}") for ${agent.email}.`);
    print(
      box([
        `Token: ${token}`,
        "Send it as: Authorization: Bearer <token>",
        "This token is shown only once. Store it in a secret manager now.",
      ]),
    );
    return ExitCode.OK;
  } finally {
    store.close();
  }
}
