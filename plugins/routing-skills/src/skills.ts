/**
 * What skills a conversation needs: its labels, its language ("lang:<code>") and skills named for
 * contact facts (enrichment results or attributes), all lower-case.
 */
import { languageOf, type RouteInput, valueAtPath } from "@switchboard/core";

export interface SkillRules {
  /** Each label of the conversation is a skill it needs. */
  labels: boolean;
  /** Contact attributes (dotted paths) that may hold the language, after the message's metadata.language. */
  languageAttributes: string[];
  /** A contact fact that calls for a skill: when the value at `path` equals `equals` (or is truthy without it). */
  facts: { path: string; equals?: string | number | boolean; skill: string }[];
}

/**
 * The skills a conversation needs, by the rules.
 *
 * @example
 * requiredSkills(input, { labels: true, languageAttributes: ["language"], facts: [] }); // ["billing", "lang:de"]
 */
export function requiredSkills(input: RouteInput, rules: SkillRules): string[] {
  const skills = new Set<string>();
  if (rules.labels) for (const label of input.conversation.labels ?? []) skills.add(label.toLowerCase());
  const attributes = input.contact.attributes;
  const language = [input.message.metadata?.language, ...rules.languageAttributes.map((path) => valueAtPath(attributes, path))]
    .map(languageOf)
    .find(Boolean);
  if (language) skills.add(`lang:${language}`);
  for (const fact of rules.facts) {
    const value = valueAtPath(attributes, fact.path);
    if (fact.equals === undefined ? Boolean(value) : value === fact.equals) skills.add(fact.skill.toLowerCase());
  }
  return [...skills];
}
