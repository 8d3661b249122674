/**
 * A minimal HTTP/1.1 client over keep-alive TCP sockets (Bun.connect) for the open-loop generator:
 * fetch() costs enough CPU per request that, at 1,000 requests per second on a small machine, the
 * generator itself would fall behind and charge its own delay to the server. Each request is
 * written as prepared bytes on an idle connection (a new one is opened when none is idle, up to
 * `maxConnections`; beyond that requests wait in line, and the wait counts as latency); an answer
 * is complete when its headers and Content-Length bytes have arrived.
 */
import type { Socket } from "bun";

interface Pending {
  resolve: (status: number) => void;
  reject: (error: Error) => void;
}

interface Conn {
  socket: Socket<Conn> | undefined;
  ready: Promise<void>;
  buffer: Buffer;
  current: Pending | undefined;
}

export interface HttpPool {
  /** POSTs `body` and resolves with the status once the whole answer has arrived. */
  post(body: string): Promise<number>;
  /** Connections opened so far. */
  readonly connections: number;
  close(): void;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * A pool of keep-alive connections that POST to one URL.
 *
 * @example
 * const pool = httpPool("http://127.0.0.1:3000/webhooks/shop/messages", { Authorization: "Bearer ..." });
 * const status = await pool.post(JSON.stringify(message));
 * pool.close();
 */
export function httpPool(url: string, headers: Record<string, string>, maxConnections = 256): HttpPool {
  const target = new URL(url);
  const head = `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n${Object.entries(
    headers,
  )
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}`;
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  const queue: { body: string; pending: Pending }[] = [];

  const fail = (conn: Conn, error: Error) => {
    conn.current?.reject(error);
    conn.current = undefined;
    all.delete(conn);
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
  };
  const release = (conn: Conn) => {
    const next = queue.shift();
    if (next) send(conn, next.body, next.pending);
    else idle.push(conn);
  };
  const send = (conn: Conn, body: string, pending: Pending) => {
    conn.current = pending;
    const bytes = Buffer.byteLength(body);
    void conn.ready.then(() => conn.socket!.write(`${head}Content-Length: ${bytes}\r\n\r\n${body}`));
  };
  const open = (): Conn => {
    const conn: Conn = { socket: undefined, ready: Promise.resolve(), buffer: Buffer.alloc(0), current: undefined };
    all.add(conn);
    conn.ready = Bun.connect<Conn>({
      hostname: target.hostname,
      port: Number(target.port || 80),
      data: conn,
      socket: {
        data(socket, chunk) {
          const c = socket.data;
          c.buffer = c.buffer.length ? Buffer.concat([c.buffer, chunk]) : Buffer.from(chunk);
          const end = c.buffer.indexOf(HEADER_END);
          if (end < 0) return;
          const headerText = c.buffer.subarray(0, end).toString("latin1");
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headerText)?.[1] ?? 0);
          if (c.buffer.length < end + 4 + length) return;
          c.buffer = c.buffer.subarray(end + 4 + length);
          const pending = c.current;
          c.current = undefined;
          pending?.resolve(Number(headerText.slice(9, 12)));
          release(c);
        },
        close(socket) {
          fail(socket.data, new Error("The connection closed"));
        },
        error(socket, error) {
          fail(socket.data, error);
        },
      },
    }).then((socket) => {
      conn.socket = socket;
    });
    return conn;
  };

  return {
    post(body) {
      return new Promise((resolve, reject) => {
        const pending = { resolve, reject };
        const conn = idle.pop() ?? (all.size < maxConnections ? open() : undefined);
        if (conn) send(conn, body, pending);
        else queue.push({ body, pending });
      });
    },
    get connections() {
      return all.size;
    },
    close() {
      for (const conn of all) conn.socket?.end();
      for (const { pending } of queue.splice(0)) pending.reject(new Error("The pool was closed"));
    },
  };
}
