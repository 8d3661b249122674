// http: a Hono sub-app mounted at /plugins/<name>, for callbacks and small APIs of your own.
import { definePlugin } from "@switchboard/core";

export default definePlugin({
  name: "status-page",
  version: "1.0.0",
  core: "^1.0.0",
  setup(ctx) {
    // GET /plugins/status-page/ping
    ctx.http.get("/ping", (c) => c.json({ ok: true, at: ctx.clock.now() }));
  },
});
