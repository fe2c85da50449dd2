/**
 * The server's link to the chain for requests it passes on for players (rpc-proxy.ts): over the
 * embedded node's IPC socket, or by HTTP to CHAIN_RPC_URL. A connection of its own, apart from
 * the minter's, so that players' reads never queue behind or among the minter's calls.
 * @module
 */
import { IpcRpc, type RpcAnswer } from './ipc-rpc.ts';

export interface RpcRelay {
  /** The node's answer to one request; rejects when the node cannot be reached. */
  forward(method: string, params: unknown): Promise<RpcAnswer>;
  close(): void;
}

/** How long a forwarded request may wait for the chain before the player is told it did not answer. */
const FORWARD_TIMEOUT_MS = 10_000;

export function ipcRelay(path: string): RpcRelay {
  const ipc = new IpcRpc(path);
  return {
    forward: (method, params) => withTimeout(ipc.call(method, params)),
    close: () => ipc.close(),
  };
}

export function httpRelay(url: string): RpcRelay {
  return {
    async forward(method, params) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params ?? [] }),
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const answer = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      return answer.error ? { error: answer.error } : { result: answer.result ?? null };
    },
    close() {},
  };
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${FORWARD_TIMEOUT_MS} ms`)), FORWARD_TIMEOUT_MS).unref()),
  ]);
}
