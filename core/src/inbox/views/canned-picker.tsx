/** @jsxImportSource hono/jsx */
/**
 * The canned-response picker under the composer: every response, its variables already filled in
 * for this conversation, as a hidden listbox. static/canned.js shows it when the agent types "/",
 * filters it by what follows, previews the active one and inserts it on Tab or Enter. Plain
 * attributes (no embedded JSON) so it survives both a full page load and an htmx swap.
 */
import type { CannedOption } from "../canned/expand.ts";

export function CannedPicker(props: { options: CannedOption[] }) {
  if (props.options.length === 0) return null;
  return (
    <div class="canned-picker" id="canned-picker" hidden>
      <div role="listbox" aria-label="Canned responses">
        {props.options.map((o) => (
          <div role="option" tabIndex={-1} aria-selected="false" data-shortcut={o.shortcut} data-text={o.text}>
            <strong>/{o.shortcut}</strong> <span class="muted">{o.text.length > 60 ? `${o.text.slice(0, 60)}…` : o.text}</span>
          </div>
        ))}
      </div>
      <div class="canned-preview" data-canned-preview aria-live="polite"></div>
    </div>
  );
}
