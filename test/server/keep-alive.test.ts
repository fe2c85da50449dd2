/**
 * HTTP keep-alive as clients rely on it. The server advertises `Keep-Alive: timeout=N` and a
 * client may send its next request on an idle connection until then: Node's fetch (undici) does so
 * for N - 2 s. Its slow-loris guard (HTTP_HEADERS_TIMEOUT_SECONDS, checked every second) must only
 * cut connections that are sending a request, never idle ones a client is about to reuse, or that
 * client's request fails with "other side closed".
 *
 * Driven over raw sockets, so no client-side pool or timer is involved: what is measured is the
 * server alone. (The 1,000-join burst of hostile.test.ts once failed with "other side closed";
 * the cause was on the client's side, see test/repro/keep-alive-race.ts.)
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { elapse, waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;
beforeAll(async () => {
  // The shortest headers timeout there is, so that a guard that cut idle connections would do so long before N.
  server = await startServerProcess({ env: { HTTP_HEADERS_TIMEOUT_SECONDS: '1' } });
});
afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  headers: Map<string, string>;
}

/** One HTTP/1.1 connection, requests sent one after another on it. */
class Connection {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  #waiting: (() => void) | undefined;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiting?.();
    });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    void this.closed.then(() => this.#waiting?.());
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  async get(path: string): Promise<Answer> {
    if (this.isClosed) throw new Error(`the server closed the connection before GET ${path}`);
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
    for (;;) {
      const answer = this.#take();
      if (answer) return answer;
      if (this.isClosed) throw new Error(`the server closed the connection without answering GET ${path}`);
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
  }

  /** A whole response off the front of the buffer, if one is there. */
  #take(): Answer | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers.get('content-length') ?? 0);
    if (this.#buffer.length < end + 4 + length) return undefined;
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers };
  }
}

describe('keep-alive', () => {
  it('an idle connection takes a next request until the advertised Keep-Alive timeout, however short the headers timeout', { timeout: 60_000 }, async () => {
    const connections = Array.from({ length: 20 }, () => new Connection(server.port));
    try {
      const first = await Promise.all(connections.map((c) => c.get('/auth/nonce')));
      expect(first.map((a) => a.status)).toEqual(connections.map(() => 200));
      const advertised = first[0]!.headers.get('keep-alive')?.match(/timeout=(\d+)/)?.[1];
      expect(advertised, 'Keep-Alive: timeout=N').toBeDefined();
      const n = Number(advertised);

      // Idle for N - 1 s: past undici's N - 2 s, past several headers-timeout checks (1 s each), within N.
      await elapse((n - 1) * 1000);
      expect(connections.filter((c) => c.isClosed).length, 'connections closed while idle within the advertised timeout').toBe(0);
      const second = await Promise.all(connections.map((c) => c.get('/health')));
      expect(second.map((a) => a.status)).toEqual(connections.map(() => 200));

      // The server does not keep idle connections for ever either.
      await waitFor(() => connections.every((c) => c.isClosed), { what: `the server to close 20 idle connections (Keep-Alive: timeout=${n})`, timeout: 30_000 });
    } finally {
      for (const c of connections) c.socket.destroy();
    }
  });
});
