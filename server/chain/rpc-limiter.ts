/**
 * A bound on the requests `POST /chain` has at the node at once: a few in flight, a short queue
 * behind them, and beyond that a refusal the caller can retry. Without it, a handful of clients
 * sending costly calls in parallel took the node for themselves and everyone's reads (the
 * server's own award checks included) waited behind them.
 * @module
 */
import type { RpcAnswer } from './ipc-rpc.ts';
import type { RpcRelay } from './rpc-relay.ts';

/** Forwarded requests at the node at once, and waiting for a place (docs/operations.md, The embedded chain). */
export const MAX_IN_FLIGHT = 4;
export const MAX_QUEUED = 32;

/** The queue is full: the caller is told the endpoint is busy, nothing was sent. */
export class RelayBusyError extends Error {
  constructor() {
    super(`the chain endpoint is busy: ${MAX_IN_FLIGHT} requests at the node and ${MAX_QUEUED} waiting; retry shortly`);
  }
}

/** `relay`, with at most `inFlight` requests forwarded at once and `queued` waiting. */
export function limitConcurrency(relay: RpcRelay, inFlight = MAX_IN_FLIGHT, queued = MAX_QUEUED): RpcRelay {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next(); // the place passes straight on: `running` stays the same
    else running--;
  };
  return {
    async forward(method: string, params: unknown): Promise<RpcAnswer> {
      if (running < inFlight) running++;
      else if (waiting.length < queued) await new Promise<void>((resolve) => waiting.push(resolve));
      else throw new RelayBusyError();
      try {
        return await relay.forward(method, params);
      } finally {
        release();
      }
    },
    close: () => relay.close(),
  };
}
