/**
 * The parameters `POST /chain` passes on, checked per method before the node sees them. The
 * methods are harmless by name but not with any parameters: an `eth_call` with a state override
 * (its 3rd parameter) can make any address an endless loop, and with a huge explicit `gas` it
 * kept the node busy long after the caller gave up; an `eth_getLogs` over the whole chain or with
 * thousands of addresses is a scan of every block. So each method takes only the parameters a
 * wallet or a page sends, each bounded, and a call's gas is capped (docs/operations.md, The
 * embedded chain).
 * @module
 */
import { z } from 'zod';

/**
 * The most gas an `eth_call` or `eth_estimateGas` may run with, and what one without `gas` runs
 * with: a third of the 30,000,000 block limit. A GameAssets `balanceOf` takes 24,216
 * (test/server/hostile-chain.test.ts prints it), so reads have room to spare.
 */
export const CALL_GAS_CAP = 10_000_000;
/** The widest `eth_getLogs` block range, and the most addresses and topic alternatives in one filter. */
export const MAX_LOG_BLOCKS = 10_000;
export const MAX_LOG_ADDRESSES = 20;
export const MAX_TOPIC_ALTERNATIVES = 20;
/** The most blocks one `eth_feeHistory` covers (what geth serves), and reward percentiles asked. */
export const MAX_FEE_HISTORY_BLOCKS = 1024;
export const MAX_REWARD_PERCENTILES = 100;
/** Hex payloads (call data, raw transactions) at most this many bytes: a contract's largest code, 24 KB, with room. */
export const MAX_DATA_BYTES = 64 * 1024;

const hex = (maxBytes: number) => z.string().regex(/^0x[0-9a-fA-F]*$/, 'a 0x-prefixed hex string').max(2 + 2 * maxBytes, `at most ${maxBytes} bytes`);
const Quantity = z.string().regex(/^0x[0-9a-fA-F]{1,64}$/, 'a 0x-prefixed hex quantity');
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 20-byte 0x address');
const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte 0x hash');
const BlockTag = z.union([z.enum(['latest', 'earliest', 'pending', 'safe', 'finalized']), Quantity]);
/** A block by tag, number or hash, or EIP-1898's object form. */
const BlockId = z.union([
  BlockTag,
  Hash,
  z.object({ blockHash: Hash, requireCanonical: z.boolean().optional() }).strict(),
  z.object({ blockNumber: Quantity }).strict(),
]);

/** A call's transaction: the fields wallets and ethers send, bounded; anything else is refused. */
const CallTransaction = z
  .object({
    from: Address.optional(),
    to: Address.nullable().optional(),
    gas: Quantity.refine((g) => BigInt(g) <= BigInt(CALL_GAS_CAP), `gas at most ${CALL_GAS_CAP} (0x${CALL_GAS_CAP.toString(16)})`).optional(),
    gasPrice: Quantity.optional(),
    maxFeePerGas: Quantity.optional(),
    maxPriorityFeePerGas: Quantity.optional(),
    value: Quantity.optional(),
    data: hex(MAX_DATA_BYTES).optional(),
    input: hex(MAX_DATA_BYTES).optional(),
    nonce: Quantity.optional(),
    type: Quantity.optional(),
    chainId: Quantity.optional(),
    accessList: z.array(z.object({ address: Address, storageKeys: z.array(Hash).max(100) }).strict()).max(20).optional(),
  })
  .strict();

/** eth_call and eth_estimateGas: a transaction and optionally a block; no state or block overrides. */
const CallParams = z
  .array(z.unknown())
  .min(1, 'a transaction object')
  .max(2, 'state and block overrides (a 3rd or 4th parameter) are not accepted: only a transaction and a block')
  .pipe(z.tuple([CallTransaction, BlockId.optional()]))
  // No gas: the cap, so the node never falls back to its block gas limit.
  .transform(([tx, block]) => [{ ...tx, gas: tx.gas ?? `0x${CALL_GAS_CAP.toString(16)}` }, ...(block === undefined ? [] : [block])]);

const Topic = z.union([Hash, z.null(), z.array(Hash.nullable()).max(MAX_TOPIC_ALTERNATIVES)]);
/** eth_getLogs' filter: a block range or one block's hash, not both; the range's width is checked by the caller (it needs the head). */
export const LogFilter = z
  .object({
    fromBlock: BlockTag.optional(),
    toBlock: BlockTag.optional(),
    blockHash: Hash.optional(),
    address: z.union([Address, z.array(Address).max(MAX_LOG_ADDRESSES)]).optional(),
    topics: z.array(Topic).max(4).optional(),
  })
  .strict()
  .refine((f) => f.blockHash === undefined || (f.fromBlock === undefined && f.toBlock === undefined), 'blockHash excludes fromBlock and toBlock');
export type LogFilter = z.infer<typeof LogFilter>;

const none = z.tuple([]);
const withBlock = <T extends z.ZodType>(first: T) => z.tuple([first, BlockId.optional()]);

/** Each forwarded method's parameters. */
export const PARAMS: Readonly<Record<string, z.ZodType<unknown[]>>> = {
  eth_chainId: none,
  net_version: none,
  eth_blockNumber: none,
  eth_gasPrice: none,
  eth_maxPriorityFeePerGas: none,
  eth_call: CallParams,
  eth_estimateGas: CallParams,
  eth_feeHistory: z
    .tuple([z.union([Quantity, z.number().int()]), BlockTag, z.array(z.number().min(0).max(100)).max(MAX_REWARD_PERCENTILES).optional()])
    .refine(([count]) => Number(count) >= 1 && Number(count) <= MAX_FEE_HISTORY_BLOCKS, `a block count in [1, ${MAX_FEE_HISTORY_BLOCKS}]`),
  eth_getBalance: withBlock(Address),
  eth_getCode: withBlock(Address),
  eth_getTransactionCount: withBlock(Address),
  eth_getStorageAt: z.tuple([Address, Quantity, BlockId.optional()]),
  eth_getTransactionByHash: z.tuple([Hash]),
  eth_getTransactionReceipt: z.tuple([Hash]),
  eth_getBlockByNumber: z.tuple([BlockTag, z.boolean()]),
  eth_getBlockByHash: z.tuple([Hash, z.boolean()]),
  eth_getLogs: z.tuple([LogFilter]),
  eth_sendRawTransaction: z.tuple([hex(MAX_DATA_BYTES + 1024)]),
};

/** The parameters to pass on for `method` (a call's gas filled in), or why they are refused. */
export function checkParams(method: string, params: unknown): { ok: true; params: unknown[] } | { ok: false; reason: string } {
  const schema = PARAMS[method];
  if (!schema) return { ok: false, reason: `no parameter rules for ${method}` };
  if (params !== undefined && !Array.isArray(params)) return { ok: false, reason: 'params must be an array' };
  const parsed = schema.safeParse(params ?? []);
  if (parsed.success) return { ok: true, params: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.length ? `params.${i.path.join('.')}` : 'params'}: ${i.message}`).join('; ') };
}

/**
 * How many blocks a filter's range covers, tags counted against the chain's `head` (an absent
 * bound is `latest`); `undefined` for a filter by block hash (one block).
 */
export function logRange(filter: LogFilter, head: bigint): bigint | undefined {
  if (filter.blockHash !== undefined) return undefined;
  const at = (tag: string | undefined): bigint => (tag === undefined || !tag.startsWith('0x') ? (tag === 'earliest' ? 0n : head) : BigInt(tag));
  return at(filter.toBlock) - at(filter.fromBlock) + 1n;
}
