/**
 * The deposit watcher: credits the coins players burn with `GameAssets.deposit` to their chips,
 * each `Deposited` event exactly once.
 *
 * It reads the coin's `Deposited` logs from its cursor (`deposit_cursors`) up to the head less
 * `confirmations - 1` blocks (MINT_CONFIRMATIONS, as for the minter), in bounded block ranges.
 * Per event, in this order: the chip entry `deposit/<chainId>:<txHash>:<logIndex>` (reason
 * `deposit`, +coins x UNITS_PER_CHIP) through the chip ledger, whose ref makes a second apply a
 * no-op; the `deposits` row (insert, or nothing if it is there); then, once the range is done, the
 * cursor. A crash anywhere re-reads the range and re-applies nothing twice.
 *
 * A block is read only once `confirmations` blocks stand on it, so a log that a shallower reorg
 * removes is never credited. On the embedded chain a deposit is credited only once its block is in
 * the node's state file (`persistedHead`, economy/persisted-head.ts), and the cursor never passes
 * that block: a node killed and started again loses the blocks after its last write, a credit
 * from one of those would outlive its burn, and a cursor past them would skip the blocks mined
 * again at their numbers. A reorg deeper than that is not handled: MINT_CONFIRMATIONS is the
 * operator's bound on the chain's reorg depth (docs/operations.md: Deposits).
 * @module
 */
import { startPollLoop, type PollLoop } from '../chain/poll-loop.ts';
import { Interface, type Log, type Provider } from 'ethers';
import type { Logger } from 'pino';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { ChipLedger } from '../chips/chip-ledger.ts';
import type { Database } from '../db/database.ts';
import { SqlDepositCursor, type DepositCursor } from './deposit-cursor.ts';

const events = new Interface(['event Deposited(address indexed player, uint256 indexed id, uint256 amount)']);
export const DEPOSITED_TOPIC = events.getEvent('Deposited')!.topicHash;

/** The most coins one deposit may carry and still be credited in units as a safe integer. */
export const MAX_DEPOSIT_COINS = Math.floor(Number.MAX_SAFE_INTEGER / UNITS_PER_CHIP);


/** One deposit credited. */
export interface CreditedDeposit {
  /** `<chainId>:<txHash>:<logIndex>`; the chip entry's ref is `deposit/<depositId>`. */
  readonly depositId: string;
  /** Lowercase. */
  readonly address: string;
  readonly coins: number;
  readonly blockNumber: number;
  readonly txHash: string;
}

export interface DepositWatcherOptions {
  /** The GameAssets address. */
  readonly gameAssets: string;
  /** The coin's token id: only its deposits are credited. */
  readonly tokenId: number;
  readonly chainId: string;
  readonly provider: Provider;
  readonly chips: Pick<ChipLedger, 'apply'>;
  readonly database: Database;
  /** Its own cursor (tests); default the `deposit_cursors` row of `gameAssets`. */
  readonly cursor?: DepositCursor;
  readonly log: Logger;
  /** Blocks a Deposited event waits under the head before it is credited (1: the head itself). Default 1. */
  readonly confirmations?: number;
  /** Longest time between two polls. Default 1000 ms. */
  readonly pollMs?: number;
  /** Most blocks one `eth_getLogs` asks about (public RPC endpoints cap it). Default 2000. */
  readonly blockRange?: number;
  /** The first block to read when there is no cursor yet (GameAssets' deployment block if known). Default 0. */
  readonly fromBlock?: number;
  /** In a cluster: whether this process watches now (the minter's lease holder). Default always. */
  readonly mayRun?: () => boolean;
  /**
   * Called after each deposit is credited, before the cursor passes it, so it may be called again
   * for the same deposit after a crash: it must be idempotent. The place for the optional bonus at
   * a first deposit (server/economy/bonus-gate.ts `BonusGate.afterDeposit`).
   */
  readonly afterCredit?: (deposit: CreditedDeposit) => Promise<void>;
  /**
   * The newest block that survives a restart of the node (the embedded node's state file:
   * economy/persisted-head.ts); deposits above it wait. Default: every block read survives.
   */
  readonly persistedHead?: () => Promise<number>;
}

export interface DepositWatcher {
  /** Reads and credits what is confirmed now (the poll loop calls it; tests may too). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the watcher's poll loop; `stop()` waits for the poll under way. */
export function startDepositWatcher(opts: DepositWatcherOptions): DepositWatcher {
  const log = opts.log.child({ component: 'deposits' });
  const cursor = opts.cursor ?? new SqlDepositCursor(opts.database, opts.gameAssets);
  const pollMs = opts.pollMs ?? 1000;
  const range = opts.blockRange ?? 2000;
  const confirmations = opts.confirmations ?? 1;
  const idTopic = '0x' + BigInt(opts.tokenId).toString(16).padStart(64, '0');
  // Assigned before its first poll runs (polls start in a later turn).
  let watching: PollLoop | undefined;

  const credit = async (l: Log): Promise<void> => {
    const parsed = events.parseLog(l)!;
    const amount = parsed.args.amount as bigint;
    const address = (parsed.args.player as string).toLowerCase();
    const depositId = `${opts.chainId}:${l.transactionHash.toLowerCase()}:${l.index}`;
    if (amount > BigInt(MAX_DEPOSIT_COINS)) {
      // The contract's caps make this unreachable; crediting it would overflow the ledger's units.
      log.error({ depositId, address, coins: amount.toString(), max: MAX_DEPOSIT_COINS }, 'deposit too large to credit in chip units: skipped, credit it by hand');
      return;
    }
    const deposit: CreditedDeposit = { depositId, address, coins: Number(amount), blockNumber: l.blockNumber, txHash: l.transactionHash.toLowerCase() };
    await opts.chips.apply([{ ref: `deposit/${depositId}`, address, delta: deposit.coins * UNITS_PER_CHIP, reason: 'deposit' }]);
    await opts.database.db
      .insertInto('deposits')
      .values({ deposit_id: depositId, address, coins: deposit.coins, block_number: deposit.blockNumber, tx_hash: deposit.txHash, credited_at: Date.now() })
      .onConflict((oc) => oc.column('deposit_id').doNothing())
      .execute();
    // The bonus at a first deposit (BONUS_AFTER_DEPOSIT_COINS), wired by app.ts; a failure fails the poll.
    await opts.afterCredit?.(deposit);
    log.info({ depositId, address, coins: deposit.coins, block: deposit.blockNumber }, 'deposit credited');
  };

  const poll = async (): Promise<void> => {
    if (opts.mayRun && !opts.mayRun()) return;
    let safeHead = (await opts.provider.getBlockNumber()) - (confirmations - 1);
    let from = (await cursor.next()) ?? opts.fromBlock ?? 0;
    // Neither a credit nor the cursor passes a block the node may still lose: the cursor past a
    // lost block would skip the deposits of the block mined at its number after the restart.
    if (opts.persistedHead && from <= safeHead) safeHead = Math.min(safeHead, await opts.persistedHead());
    while (!watching?.stopped && from <= safeHead) {
      const to = Math.min(safeHead, from + range - 1);
      const logs = await opts.provider.getLogs({ address: opts.gameAssets, topics: [DEPOSITED_TOPIC, null, idTopic], fromBlock: from, toBlock: to });
      // In block and log order, so deposits are credited as the chain ordered them.
      for (const l of [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)) if (!l.removed) await credit(l);
      await cursor.advance(to + 1);
      from = to + 1;
    }
  };

  watching = startPollLoop('deposit watcher', poll, pollMs, log);
  return { poll: () => watching.poll(), stop: () => watching.stop() };
}
