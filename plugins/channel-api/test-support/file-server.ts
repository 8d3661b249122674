/**
 * A real HTTP file server on 127.0.0.1 for attachment downloads: files of several types, one too
 * large by Content-Length and one too large only while streaming, a slow one, redirects (a chain,
 * and one to a non-http scheme). It counts the requests it got, per path.
 */
export const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
export const PDF = Buffer.from("%PDF-1.4 receipt for order 42\n");

export interface FileServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** How many requests each path got. */
  hits: Map<string, number>;
  stop(): void;
}

const moved = (location: string) => new Response(null, { status: 302, headers: { Location: location } });

/**
 * Starts the file server.
 *
 * @example
 * const files = startFileServer();
 * // `${files.url}/logo.png` answers a PNG; files.hits.get("/logo.png") counts the downloads
 */
export function startFileServer(): FileServer {
  const hits = new Map<string, number>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      hits.set(pathname, (hits.get(pathname) ?? 0) + 1);
      if (pathname === "/logo.png") return new Response(PNG, { headers: { "Content-Type": "image/png" } });
      if (pathname === "/receipt.pdf") return new Response(PDF, { headers: { "Content-Type": "application/pdf; charset=binary" } });
      if (pathname === "/page.html") return new Response("<script>alert(1)</script>", { headers: { "Content-Type": "text/html" } });
      if (pathname === "/big.png") return new Response(Buffer.alloc(5000), { headers: { "Content-Type": "image/png" } });
      if (pathname === "/streamed.png") {
        const stream = new ReadableStream({
          start(controller) {
            for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1000));
            controller.close();
          },
        });
        return new Response(stream, { headers: { "Content-Type": "image/png" } });
      }
      if (pathname === "/slow.png") {
        await Bun.sleep(3_000);
        return new Response(PNG, { headers: { "Content-Type": "image/png" } });
      }
      if (pathname === "/moved.png") return moved("/logo.png");
      if (pathname.startsWith("/loop/")) return moved(`/loop/${Number(pathname.slice(6)) + 1}`);
      if (pathname === "/to-ftp") return moved("ftp://127.0.0.1/file.png");
      return new Response("not here", { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, port: server.port!, hits, stop: () => server.stop(true) };
}
