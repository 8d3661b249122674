/**
 * The approved message templates of the WhatsApp Business Account (`GET /{waba-id}/message_templates`),
 * as the composer's template picker lists them: body text and variables, positional (`{{1}}`) or
 * named (`{{customer_name}}`), each with the contact field that fills it (option `template_fills`).
 * Kept in the inbox's kv for `templates_cache_minutes`; a template status webhook clears it.
 * Templates whose header or buttons take variables, or whose header is media, are left out (the
 * composer fills body variables only).
 */
import type { KeyValueStore, Logger, ReplyTemplate, TemplateFill } from "@switchboard/core";
import type { GraphClient } from "@switchboard/meta-graph";

interface GraphComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text?: string; url?: string; example?: unknown }[];
  example?: { body_text?: string[][]; body_text_named_params?: { param_name: string; example: string }[] };
}

interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category?: string;
  components?: GraphComponent[];
}

const CACHE_KEY = "templates";
const KNOWN_FILLS = new Set(["name", "first_name", "email", "phone"]);
const MAX_PAGES = 20;

export interface TemplateSource {
  /** The approved templates, from the cache or the Graph API. Throws when Meta cannot be asked. */
  list(): Promise<ReplyTemplate[]>;
  /** Forgets the cached list (a template was approved, paused or disabled). */
  clear(): Promise<void>;
}

/**
 * The template source of one inbox.
 *
 * @example
 * const templates = createTemplateSource({ graph, businessAccountId: "1029", kv: inbox.kv, ttlMs: 3_600_000, fills: { "1": "first_name" }, log });
 * const list = await templates.list();
 */
export function createTemplateSource(deps: {
  graph: GraphClient;
  businessAccountId: string | undefined;
  kv: KeyValueStore;
  ttlMs: number;
  fills: Record<string, string>;
  log: Logger;
}): TemplateSource {
  return {
    async list() {
      if (!deps.businessAccountId) return [];
      const cached = await deps.kv.get<ReplyTemplate[]>(CACHE_KEY);
      if (cached) return cached;
      const fetched: GraphTemplate[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await deps.graph.get<{ data: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } }>(
          `/${deps.businessAccountId}/message_templates`,
          { fields: ["name", "language", "status", "category", "components"], limit: 100, ...(after ? { after } : {}) },
        );
        fetched.push(...answer.data);
        after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
        if (!after) break;
      }
      const templates = fetched.flatMap((t) => {
        const usable = toReplyTemplate(t, deps.fills);
        if (!usable && t.status === "APPROVED")
          deps.log.debug({ template: t.name }, "template left out: its header or buttons take variables");
        return usable ? [usable] : [];
      });
      if (deps.ttlMs > 0) await deps.kv.set(CACHE_KEY, templates, { ttlMs: deps.ttlMs });
      return templates;
    },
    clear: () => deps.kv.delete(CACHE_KEY),
  };
}

/** An approved template the composer can send, or undefined. */
export function toReplyTemplate(template: GraphTemplate, fills: Record<string, string>): ReplyTemplate | undefined {
  if (template.status !== "APPROVED") return undefined;
  const components = template.components ?? [];
  const header = components.find((c) => c.type === "HEADER");
  if (header && (header.format !== "TEXT" || variablesIn(header.text ?? "").length > 0)) return undefined;
  const buttons = components.find((c) => c.type === "BUTTONS");
  if (buttons?.buttons?.some((b) => variablesIn(b.url ?? "").length > 0)) return undefined;
  const body = components.find((c) => c.type === "BODY")?.text ?? "";
  const keys = variablesIn(body);
  const positionalExamples = components.find((c) => c.type === "BODY")?.example?.body_text?.[0] ?? [];
  const namedExamples = components.find((c) => c.type === "BODY")?.example?.body_text_named_params ?? [];
  return {
    name: template.name,
    language: template.language,
    ...(template.category ? { category: template.category } : {}),
    body: [header?.text, body].filter(Boolean).join("\n"),
    variables: keys.map((key) => {
      const fill = fills[`${template.name}.${key}`] ?? fills[key] ?? (KNOWN_FILLS.has(key) ? key : undefined);
      const example = /^\d+$/.test(key) ? positionalExamples[Number(key) - 1] : namedExamples.find((n) => n.param_name === key)?.example;
      return { key, ...(fill ? { fill: fill as TemplateFill } : {}), ...(example ? { example } : {}) };
    }),
  };
}

/** The distinct `{{key}}` variables of a text, in order. */
function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!))];
}
