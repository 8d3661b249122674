/**
 * @switchboard/routing-skills: matches what a conversation needs (its labels, its language, facts
 * about the contact) to agent skills, and gives it to the least busy available agent who has them.
 * A conversation that needs no skill is left to the inbox's next strategy; so is one that no
 * available agent can take.
 *
 * Config:
 *   [plugins.skills]
 *   package = "@switchboard/routing-skills"
 *   [plugins.skills.options]
 *   facts = [{ path = "enrichment.crm.plan", equals = "enterprise", skill = "enterprise" }]
 *   [inboxes.support]
 *   routing = ["skills", "least-busy"]
 */
import { type AgentProfile, definePlugin } from "@switchboard/core";
import { z } from "zod";
import { requiredSkills } from "./skills.ts";

export const skillsOptions = z
  .object({
    /** Choose among this team (by name) instead of the teams given the inbox. */
    team: z.string().min(1).optional(),
    /** Conversation labels are skills it needs. */
    labels: z.boolean().default(true),
    /** Contact attributes (dotted paths) that may hold the language, after the message's metadata.language. */
    language_attributes: z.array(z.string().min(1)).default(["language", "locale"]),
    /** Contact facts that call for a skill. */
    facts: z
      .array(
        z
          .object({ path: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()]).optional(), skill: z.string().min(1) })
          .strict(),
      )
      .default([]),
    /** "all": the agent has every needed skill; "most": the agent with the most of them (at least one). */
    match: z.enum(["all", "most"]).default("all"),
  })
  .strict();

/**
 * The available agent who best covers `needed`: every skill (match "all") or the most of them
 * (match "most"), then the fewest open conversations, then the lowest id.
 *
 * @example
 * bestMatch(agents, ["billing", "lang:de"], "all");
 */
export function bestMatch<T extends Pick<AgentProfile, "id" | "skills" | "load" | "available">>(
  agents: T[],
  needed: string[],
  match: "all" | "most",
): T | undefined {
  const covered = (a: T) => needed.filter((skill) => a.skills.includes(skill)).length;
  return agents
    .filter((a) => a.available && (match === "all" ? covered(a) === needed.length : covered(a) > 0))
    .sort((a, b) => covered(b) - covered(a) || a.load - b.load || a.id - b.id)[0];
}

export default definePlugin({
  name: "routing-skills",
  version: "0.1.0",
  core: "^1.0.0",
  options: skillsOptions,
  setup(ctx) {
    const rules = { labels: ctx.options.labels, languageAttributes: ctx.options.language_attributes, facts: ctx.options.facts };
    ctx.route(
      async function skills(input) {
        const needed = requiredSkills(input, rules);
        if (needed.length === 0) return null;
        const agent = bestMatch(await ctx.agents.forInbox(input.conversation.inbox, { team: ctx.options.team }), needed, ctx.options.match);
        return agent ? { assigneeId: agent.id } : null;
      },
      {
        facts: Object.fromEntries([
          ...ctx.options.language_attributes.map((path, i) => [`language_attributes[${i}]`, path]),
          ...ctx.options.facts.map((fact, i) => [`facts[${i}].path`, fact.path]),
        ]),
      },
    );
  },
});
