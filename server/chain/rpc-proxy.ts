/**
 * `POST /chain`: the JSON-RPC endpoint players and the page use, and the one /fairness
 * publishes. It passes on reads and `eth_sendRawTransaction` (signed by the sender's own key)
 * and refuses everything else by name: no unlocked-account sends or signatures
 * (eth_sendTransaction, eth_sign*, personal_*), no cheat or debug methods (anvil_*, evm_*,
 * hardhat_*, debug_*, txpool_*...). The node itself is reachable by the server alone
 * (node-isolation.ts), so this list is what the outside can do to the chain. Each method's
 * parameters are checked and bounded (rpc-params.ts: no state overrides, a gas cap, a bounded
 * log range), and a few requests at most are at the node at once (rpc-limiter.ts).
 * @module
 */
import express, { type Application, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RpcAnswer } from './ipc-rpc.ts';
import { limitConcurrency, RelayBusyError } from './rpc-limiter.ts';
import { checkParams, logRange, MAX_LOG_BLOCKS, type LogFilter } from './rpc-params.ts';
import type { RpcRelay } from './rpc-relay.ts';

/** The methods passed on: reads, fee estimates, and transactions their sender signed. */
export const FORWARDED_METHODS: ReadonlySet<string> = new Set([
  'eth_chainId',
  'net_version',
  'eth_blockNumber',
  'eth_call',
  'eth_estimateGas',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getTransactionCount',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getLogs',
  'eth_sendRawTransaction',
]);

/** Where the endpoint is, under the server's public URL. */
export const CHAIN_RPC_PATH = '/chain';

/** Requests in one batch at most; and the largest body (a raw transaction of a big contract fits). */
export const MAX_BATCH = 20;
export const MAX_BODY_BYTES = 256 * 1024;

const Id = z.union([z.string().max(100), z.number(), z.null()]);
const RpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: Id.optional(),
  method: z.string().min(1).max(100),
  params: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
});

type Id = z.infer<typeof Id>;
type RpcError = { code: number; message: string; data?: unknown };
type RpcResponse = { jsonrpc: '2.0'; id: Id } & ({ result: unknown } | { error: RpcError });

const failure = (id: Id, code: number, message: string): RpcResponse => ({ jsonrpc: '2.0', id, error: { code, message } });

/** One request of a call or batch: checked, then passed on or refused. */
async function answer(relay: RpcRelay, raw: unknown): Promise<RpcResponse> {
  const parsed = RpcRequest.safeParse(raw);
  const rawId = (raw as { id?: unknown } | null)?.id;
  const id = Id.safeParse(rawId).success ? (rawId as Id) : null;
  if (!parsed.success)
    return failure(id, -32600, `invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
  const { method, params } = parsed.data;
  if (!FORWARDED_METHODS.has(method))
    return failure(id, -32601, `method ${method} is not served here: this endpoint passes on reads and eth_sendRawTransaction only`);
  const checked = checkParams(method, params);
  if (!checked.ok) return failure(id, -32602, `invalid params for ${method}: ${checked.reason}`);
  let result: RpcAnswer;
  try {
    if (method === 'eth_getLogs') {
      const tooWide = await logRangeRefusal(relay, checked.params[0] as LogFilter);
      if (tooWide) return failure(id, -32602, `invalid params for ${method}: ${tooWide}`);
    }
    result = await relay.forward(method, checked.params);
  } catch (e) {
    if (e instanceof RelayBusyError) return failure(id, -32005, e.message);
    // The reason names the node's socket or URL: the server's business, not the caller's.
    return failure(id, -32603, 'the chain did not answer');
  }
  return { jsonrpc: '2.0', id: parsed.data.id ?? null, ...result };
}

/** Why a log filter's block range is refused (reversed, or wider than the cap), else undefined. */
async function logRangeRefusal(relay: RpcRelay, filter: LogFilter): Promise<string | undefined> {
  const needsHead = filter.blockHash === undefined && ![filter.fromBlock, filter.toBlock].every((b) => b?.startsWith('0x') || b === 'earliest');
  let head = 0n;
  if (needsHead) {
    const answer = await relay.forward('eth_blockNumber', []);
    if (!('result' in answer) || typeof answer.result !== 'string') throw new Error('no block number');
    head = BigInt(answer.result);
  }
  const blocks = logRange(filter, head);
  if (blocks === undefined) return undefined;
  if (blocks < 1n) return 'fromBlock is after toBlock';
  if (blocks > BigInt(MAX_LOG_BLOCKS)) return `a block range of ${blocks} blocks; at most ${MAX_LOG_BLOCKS}`;
  return undefined;
}

export function installChainRpc(app: Application, nodeRelay: RpcRelay): void {
  const relay = limitConcurrency(nodeRelay);
  // Same origin as the page: no CORS headers for any other origin (same-origin-cors.ts), so other sites' pages cannot read the answers.
  app.post(CHAIN_RPC_PATH, express.json({ limit: MAX_BODY_BYTES }), async (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (!req.is('application/json')) return void res.status(415).json(failure(null, -32700, 'send the request as application/json'));
    if (Array.isArray(body)) {
      if (body.length === 0) return void res.status(400).json(failure(null, -32600, 'an empty batch'));
      if (body.length > MAX_BATCH) return void res.status(400).json(failure(null, -32600, `a batch holds at most ${MAX_BATCH} requests`));
      return void res.json(await Promise.all(body.map((r) => answer(relay, r))));
    }
    res.json(await answer(relay, body));
  });
  // A body that is not JSON, or too large: a JSON-RPC error rather than Express' HTML page.
  app.use(CHAIN_RPC_PATH, (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.too.large') return void res.status(413).json(failure(null, -32600, `the body is larger than ${MAX_BODY_BYTES} bytes`));
    if (err.type === 'entity.parse.failed') return void res.status(400).json(failure(null, -32700, 'the body is not JSON'));
    next(err);
  });
}
