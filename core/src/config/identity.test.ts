// The [identity], [enrichment] and [attributes] config sections: defaults, and errors that name the
// key and say the fix.
import { describe, expect, it } from "vitest";
import { parseConfigText } from "./load.ts";

const load = (toml: string) => parseConfigText(toml, "/srv/switchboard/switchboard.toml", {});

describe("identity config", () => {
  it("defaults to linking channels, no phone region and no custom attributes", () => {
    const { config } = load("");
    expect(config.identity).toEqual({
      cross_channel: "link",
      cross_channel_window_hours: 72,
      match_facts: ["account_id", "order_number"],
      suggest_name_matches: true,
      suggest_from_text: true,
      reference_patterns: ["#\\d{4,}", "\\b[A-Z]{1,5}-\\d{3,}(?:-\\d+)*\\b"],
      name_activity_window_hours: 72,
    });
    expect(config.enrichment).toEqual({ ttl_minutes: 60, wait_ms: 0 });
    expect(config.attributes).toEqual({ contact: {}, conversation: {} });
  });

  it("refuses a list attribute without options, options on other types, reserved keys and bad regions", () => {
    expect(() => load('[attributes.contact.plan]\ntype = "list"\n')).toThrow(
      /attributes\.contact\.plan\.options: a "list" attribute needs options = \["…", "…"\]/,
    );
    expect(() => load('[attributes.conversation.seats]\ntype = "number"\noptions = ["1"]\n')).toThrow(
      /only "list" attributes take options; remove options from this number attribute/,
    );
    expect(() => load('[attributes.contact.enrichment]\ntype = "text"\n')).toThrow(
      /enrichment, enriched_at, alternatives, handles are kept for Switchboard itself/,
    );
    expect(() => load('[identity]\ndefault_phone_region = "de"\n')).toThrow(
      /identity\.default_phone_region: expected a two-letter region code in capitals/,
    );
    expect(() => load('[identity]\ncross_channel = "merge"\n')).toThrow(/identity\.cross_channel/);
  });
});
