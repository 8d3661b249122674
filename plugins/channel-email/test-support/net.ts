/**
 * Loopback helpers for tests: a free port, and waiting until a port accepts connections.
 */
import { createConnection, createServer } from "node:net";

/**
 * Asks the kernel for a free loopback port (listen on 0, read it, close).
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once `host:port` accepts a TCP connection; rejects after `timeoutMs` or when `gaveUp()` says so.
 *
 * @example
 * await waitForPort("127.0.0.1", 1143, 5_000);
 */
export async function waitForPort(host: string, port: number, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error(`the process exited before ${host}:${port} opened`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${host}:${port} did not open within ${timeoutMs} ms`);
}
