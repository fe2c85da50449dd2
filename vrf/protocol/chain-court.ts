/**
 * Reads the reveal court's cases (FAIRNESS.md section 10) from any EVM chain's JSON-RPC with
 * ethers, for a verifier: a case's state (`cases(caseId)`), the seed its `Revealed` event made
 * public, and its `Answered` (beta, pi, payout) or `Claimed` event. A case id is the receipt's
 * EIP-712 digest. Read-only; errors say what is wrong (the RPC, the address, the contract).
 *
 * Events are looked for from the block of the reveal on (found by its timestamp, `revealedAt`),
 * in spans of LOG_SPAN blocks: many endpoints (the server's own among them) serve no wider log
 * queries.
 * @module
 */
import type { Contract, EventLog, JsonRpcProvider, Log } from 'ethers';
import { ChainRegistryError, connectDeployed } from './chain-registry.ts';
import type { CourtAnswer } from './court-answer.ts';

/** The court's members a verifier reads (human-readable ABI; the contract is `RevealCourt.sol`). */
export const COURT_VIEWS = [
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy)',
  'event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout)',
  'event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount)',
] as const;

/** Blocks per log query. */
export const LOG_SPAN = 10_000;

/** A court case as the chain holds it. seed: the seed the reveal made public (64 hex). */
export type ChainCourtCase =
  | { readonly status: 'none' }
  /** chainNow: the latest block's timestamp, seconds; past answerBy, the case may be claimed. */
  | { readonly status: 'revealed'; readonly seed: string; readonly maxPayout: number; readonly answerBy: number; readonly chainNow: number }
  | { readonly status: 'answered'; readonly seed: string; readonly maxPayout: number; readonly answer: CourtAnswer }
  | { readonly status: 'claimed'; readonly seed: string; readonly maxPayout: number; readonly amount: number };

const bare = (hex: string): string => hex.slice(2).toLowerCase();

/** A RevealCourt at `address`, reached through `rpcUrl`. */
export class ChainCourt {
  private constructor(
    readonly address: string,
    readonly chainId: bigint,
    private readonly provider: JsonRpcProvider,
    private readonly contract: Contract,
  ) {}

  /** Connects and checks that a contract is there; throws ChainRegistryError saying what is wrong. */
  static async connect(rpcUrl: string, address: string, timeoutMs = 10_000): Promise<ChainCourt> {
    const c = await connectDeployed(rpcUrl, address, 'court', COURT_VIEWS, timeoutMs);
    return new ChainCourt(c.address, c.chainId, c.provider, c.contract);
  }

  /** The case of `caseId` (0x and 64 hex, or 64 hex). */
  async caseOf(caseId: string): Promise<ChainCourtCase> {
    const id = caseId.startsWith('0x') ? caseId : `0x${caseId}`;
    try {
      return await this.#caseOf(id);
    } catch (e) {
      if (e instanceof ChainRegistryError) throw e;
      throw new ChainRegistryError(`cannot read case ${id} from the court at ${this.address}: ${(e as { shortMessage?: string }).shortMessage ?? (e as Error).message}`);
    }
  }

  destroy(): void {
    this.provider.destroy();
  }

  async #caseOf(id: string): Promise<ChainCourtCase> {
    const [, maxPayoutRaw, revealedAt, answerBy, status] = (await this.contract.getFunction('cases')(id)) as [string, bigint, bigint, bigint, bigint];
    if (status === 0n) return { status: 'none' };
    const maxPayout = Number(maxPayoutRaw);
    const head = await this.provider.getBlockNumber();
    const from = await this.#firstBlockAt(Number(revealedAt), head);
    const revealed = await this.#findLog('Revealed', id, from, head);
    if (!revealed) throw new ChainRegistryError(`case ${id} is open on the court but its Revealed event was not found`);
    const seed = bare(revealed.args.getValue('seed') as string);
    if (status === 1n) {
      const chainNow = (await this.provider.getBlock(head))?.timestamp ?? 0;
      return { status: 'revealed', seed, maxPayout, answerBy: Number(answerBy), chainNow };
    }
    if (status === 3n) {
      const claimed = await this.#findLog('Claimed', id, revealed.blockNumber, head);
      return { status: 'claimed', seed, maxPayout, amount: claimed ? Number(claimed.args.getValue('amount')) : maxPayout };
    }
    const answered = await this.#findLog('Answered', id, revealed.blockNumber, head);
    if (!answered) throw new ChainRegistryError(`case ${id} is answered on the court but its Answered event was not found`);
    const { args } = answered;
    return { status: 'answered', seed, maxPayout, answer: { beta: bare(args.getValue('beta') as string), pi: bare(args.getValue('pi') as string), payout: Number(args.getValue('payout')) } };
  }

  /** The first block whose timestamp is at least `timestamp` (a binary search over the chain). */
  async #firstBlockAt(timestamp: number, head: number): Promise<number> {
    let [lo, hi] = [0, head];
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (((await this.provider.getBlock(mid))?.timestamp ?? 0) < timestamp) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first `event` of case `id` from block `from` on, looked for LOG_SPAN blocks at a time. */
  async #findLog(event: 'Revealed' | 'Answered' | 'Claimed', id: string, from: number, head: number): Promise<EventLog | undefined> {
    const filter = this.contract.filters[event]!(id);
    for (let at = from; at <= head; at += LOG_SPAN) {
      const logs: (EventLog | Log)[] = await this.contract.queryFilter(filter, at, Math.min(head, at + LOG_SPAN - 1));
      const found = logs.find((l): l is EventLog => 'args' in l);
      if (found) return found;
    }
    return undefined;
  }
}
