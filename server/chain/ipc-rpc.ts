/**
 * JSON-RPC over the embedded node's IPC socket (a unix socket in the 0700 chain directory):
 * the only way the server talks to its own node, so that no TCP port need be reachable.
 * Anvil reads a stream of JSON requests and answers each on a line of its own, not necessarily
 * in order; requests get ids of this connection and the answers are matched back by them.
 * The connection is opened on first use and again after the node restarts.
 * @module
 */
import { connect, type Socket } from 'node:net';
import { JsonRpcProvider, type JsonRpcError, type JsonRpcPayload, type JsonRpcResult } from 'ethers';

/** A JSON-RPC answer as the node gave it: a result, or an error object. */
export type RpcAnswer = { readonly result: unknown } | { readonly error: { readonly code: number; readonly message: string; readonly data?: unknown } };

interface Pending {
  resolve(answer: RpcAnswer): void;
  reject(error: Error): void;
}

/** Longest path a unix socket address holds on Linux (sun_path is 108 bytes, NUL included). */
export const MAX_IPC_PATH_BYTES = 107;

/** One connection and the requests waiting on it: a late close of an old connection fails only its own. */
interface Connection {
  readonly socket: Socket;
  readonly pending: Map<number, Pending>;
  buffer: string;
}

export class IpcRpc {
  #connection: Connection | undefined;
  #nextId = 1;
  #closed = false;

  constructor(readonly path: string) {}

  /** Sends one request; rejects when the connection fails or closes before the answer. */
  call(method: string, params: unknown): Promise<RpcAnswer> {
    if (this.#closed) return Promise.reject(new Error('the IPC connection is closed'));
    const id = this.#nextId++;
    const connection = this.#open();
    return new Promise<RpcAnswer>((resolve, reject) => {
      connection.pending.set(id, { resolve, reject });
      connection.socket.write(JSON.stringify({ jsonrpc: '2.0', id, method, params: params ?? [] }));
    });
  }

  close(): void {
    this.#closed = true;
    this.#connection?.socket.destroy();
  }

  #open(): Connection {
    if (this.#connection && !this.#connection.socket.destroyed) return this.#connection;
    const connection: Connection = { socket: connect(this.path), pending: new Map(), buffer: '' };
    const fail = (error: Error) => {
      for (const p of connection.pending.values()) p.reject(error);
      connection.pending.clear();
    };
    connection.socket.setEncoding('utf8');
    connection.socket.on('data', (chunk: string) => read(connection, chunk));
    connection.socket.on('error', (e) => fail(new Error(`the chain node's IPC socket ${this.path}: ${e.message}`)));
    connection.socket.on('close', () => fail(new Error(`the IPC connection to ${this.path} closed`)));
    this.#connection = connection;
    return connection;
  }
}

/** Answers, one JSON object a line, matched to their requests by id. */
function read(connection: Connection, chunk: string): void {
  connection.buffer += chunk;
  for (let end = connection.buffer.indexOf('\n'); end >= 0; end = connection.buffer.indexOf('\n')) {
    const line = connection.buffer.slice(0, end).trim();
    connection.buffer = connection.buffer.slice(end + 1);
    if (!line) continue;
    let message: { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      connection.socket.destroy(new Error('the chain node sent a line that is not JSON'));
      return;
    }
    const waiting = typeof message.id === 'number' ? connection.pending.get(message.id) : undefined;
    if (!waiting) continue; // a subscription notice, or an answer nobody waits for any more
    connection.pending.delete(message.id as number);
    waiting.resolve(message.error ? { error: message.error } : { result: message.result ?? null });
  }
}

/**
 * An ethers provider on the IPC socket, with the face of the HTTP one the rest of the server
 * expects (JsonRpcProvider): only the channel differs. Unlike ethers' IpcSocketProvider it
 * connects again after the node restarts.
 */
export class IpcJsonRpcProvider extends JsonRpcProvider {
  readonly #ipc: IpcRpc;

  constructor(path: string) {
    super(undefined, undefined, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
    this.#ipc = new IpcRpc(path);
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const requests = Array.isArray(payload) ? payload : [payload];
    const answers = await Promise.all(
      requests.map(async (r): Promise<JsonRpcResult | JsonRpcError> => {
        const answer = await this.#ipc.call(r.method, r.params);
        return 'error' in answer ? { id: r.id, error: answer.error } : { id: r.id, result: answer.result };
      }),
    );
    // ethers types _send as results only, yet reads error answers from it as the HTTP provider returns them.
    return answers as JsonRpcResult[];
  }

  override destroy(): void {
    this.#ipc.close();
    super.destroy();
  }
}
