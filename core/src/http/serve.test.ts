// The real listener on a loopback port: headers over 16 KiB answer 431 with a JSON reason naming
// the largest header, instead of Bun's bare 431 with no body; smaller ones reach the app, with
// Bun's server as the app's env (the client's address, per-request timeouts).
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log/index.ts";
import { serveHttp } from "./serve.ts";

let server: ReturnType<typeof serveHttp> | undefined;
afterEach(async () => {
  await server?.stop(true);
  server = undefined;
});

/** Sends raw bytes and returns the raw answer (Bun closes the connection after a 431). */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    socket.on("data", (chunk) => {
      answer += chunk;
      if (/\r\n\r\n[\s\S]*\}$/.test(answer) || /^HTTP\/1\.1 200[\s\S]*\r\n\r\nok$/.test(answer)) socket.end();
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer; got ${JSON.stringify(answer.slice(0, 200))}`)));
  });
}

describe("serveHttp", () => {
  it("answers headers over 16 KiB with 431 and a reason, on a real socket and through fetch", async () => {
    server = serveHttp({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok"), log: createLogger({ level: "silent" }) });
    const port = server.port!;
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Small: ${"a".repeat(10_000)}\r\nConnection: close\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 200[\s\S]*ok$/,
    );

    for (const size of [20_000, 60_000]) {
      const answer = await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nCookie: ${"a".repeat(size)}\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
      expect(body.error.code).toBe("SWB_ERR_HEADERS_TOO_LARGE");
      expect(body.error.message).toContain("at most 16 KiB");
      expect(body.error.message).toContain("The largest is cookie");
    }

    const viaFetch = await fetch(`http://127.0.0.1:${port}/`, { headers: { "X-Big": "b".repeat(30_000) } });
    expect(viaFetch.status).toBe(431);
    expect((await viaFetch.json()).error.message).toContain("The largest is x-big");
  });

  it("hands the app Bun's server, so the app can read the client's address", async () => {
    server = serveHttp({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request, bun) => new Response(bun.requestIP(request)?.address ?? "none"),
      log: createLogger({ level: "silent" }),
    });
    expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe("127.0.0.1");
  });
});
