/** @jsxImportSource hono/jsx */
/** The snooze presets beside the custom time: later today, tomorrow 9:00, next Monday 9:00 (the agent's time). */

export function SnoozePresets() {
  return (
    <span class="snooze-presets">
      <button name="preset" value="later" formnovalidate>
        Later today
      </button>
      <button name="preset" value="tomorrow" formnovalidate>
        Tomorrow 9:00
      </button>
      <button name="preset" value="monday" formnovalidate>
        Next Monday 9:00
      </button>
    </span>
  );
}
