/** @jsxImportSource hono/jsx */
/** The keyboard shortcuts overlay (press ?), with the option to move on after resolving (kept in localStorage by inbox.js). */
const SHORTCUTS: [key: string, what: string][] = [
  ["j / k", "Next / previous conversation"],
  ["r", "Reply"],
  ["n", "Private note"],
  ["Ctrl / ⌘ + Enter", "Send the reply or note"],
  ["e", "Resolve"],
  ["p", "Mark pending"],
  ["s", "Snooze"],
  ["l", "Labels"],
  ["a", "Assign"],
  ["d / Alt+D", "Assistant: draft a reply"],
  ["1 … 9", "Assistant: use that suggestion"],
  ["u / Alt+U", "Assistant: summarise"],
  ["t", "Assistant: translate the customer's messages"],
  ["Alt+T", "Assistant: translate my reply (preview)"],
  ["w / Alt+W", "Assistant: rewrite for the channel"],
  ["/", "Search"],
  ["?", "This help"],
  ["Esc", "Close"],
];

export function ShortcutHelp() {
  return (
    <dialog id="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([key, what]) => (
          <div>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p>
        <label>
          <input type="checkbox" data-pref="resolve-next" /> After resolving, open the next conversation
        </label>
      </p>
      <button type="button" data-close-dialog>
        Close
      </button>
    </dialog>
  );
}
