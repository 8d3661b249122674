/**
 * `switchboard create-agent --email --name [--role] [--password]`: adds an agent. A generated
 * password is printed once; a password given on the command line is never echoed.
 */
import { createAgent } from "../auth/agents.ts";
import { ErrorCodes, SwitchboardError } from "../errors/index.ts";
import { ExitCode, loadCliConfig, openConfiguredStore } from "./common.ts";
import { box } from "./output.ts";

export interface CreateAgentOptions {
  config?: string;
  email: string;
  name: string;
  role?: string;
  password?: string;
}

export async function createAgentCommand(options: CreateAgentOptions, print: (line: string) => void = console.log): Promise<number> {
  const role = options.role ?? "agent";
  if (role !== "admin" && role !== "agent") {
    throw new SwitchboardError(ErrorCodes.VALIDATION, `--role must be "admin" or "agent", not "${role}".`);
  }
  const loaded = await loadCliConfig(options.config);
  const store = await openConfiguredStore(loaded);
  try {
    await store.migrate();
    const { agent, password } = await createAgent(store, { email: options.email, name: options.name, role, password: options.password });
    print(`Created ${agent.role} ${agent.name} <${agent.email}> (id ${agent.id}).`);
    if (options.password === undefined) {
      print(box([`Email:    ${agent.email}`, `Password: ${password}`, "This password is shown only once. Hand it over safely."]));
    } else {
      print("They log in with the password you gave.");
    }
    return ExitCode.OK;
  } finally {
    store.close();
  }
}
