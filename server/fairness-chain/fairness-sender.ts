/**
 * The fairness sender: the server's fairness key posting its transactions (anchors on the
 * FairnessRegistry, and later the court's answers) exactly once, on the minter's machinery.
 *
 * A transaction is queued by its id, a 32-byte word (an anchor's index, a court case's id), with
 * its target and calldata; it is confirmed when a successful receipt carries the target's
 * confirming event (topic 0 given per target) whose topic 1 is the id. Every transaction is
 * journaled in a MintLog of its own label (`fairness:<registry>`) before it is broadcast
 * (MintSender), so after a crash the exact bytes are found or re-sent, never a second
 * transaction for an id; an id ever sent and not confirmed is looked up on chain before it is
 * sent again; confirmations whose blocks the node lost are voided (the queue's owner queues
 * their ids again: `onLost`). A transaction that can never succeed (a refusal its queuer named final,
 * or `drop`: a court case closed on chain) leaves the queue, logged once; the journal needs no
 * entry for it, as the queue is not kept across restarts and its owner queues only what is still
 * to do. One transaction in flight at a time, so
 * ids queued in order (anchors by index) go out in order. One sender per key in a cluster: the
 * minter lease's holder runs it (`mayBroadcast`).
 * @module
 */
import type { BaseWallet, Contract, JsonRpcProvider } from 'ethers';
import type { Logger } from 'pino';
import { ChainLookup, revertOf } from '../awards/chain-lookup.ts';
import type { Mint, MintLog } from '../awards/mint-log.ts';
import { MintSender } from '../awards/mint-sender.ts';
import { Sleeps } from '../awards/sleeps.ts';

export interface FairnessTx {
  /** 64 lowercase hex digits: the confirming event's topic 1. */
  readonly id: string;
  /** The target contract's address. */
  readonly to: string;
  readonly data: string;
  /**
   * The target's refusals that mean the transaction can never succeed, by error selector
   * ('0x' and 8 lowercase hex digits) -> name: a court's `NotOpen` (the case was claimed, or
   * answered by another key). Such a refusal drops the transaction instead of retrying it.
   */
  readonly finalRefusals?: Readonly<Record<string, string>>;
}

export interface FairnessSenderOptions {
  /** The log of this key's transactions, under its own label. */
  readonly log: MintLog;
  /** The registry: the default target; its interface names the anchor's refusals. */
  readonly contract: Contract;
  /** Lowercase target address -> the topic 0 of the event that confirms an id there. */
  readonly topics: ReadonlyMap<string, string>;
  readonly wallet: BaseWallet;
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
  readonly confirmations: number;
  readonly receiptTimeoutMs: number;
  readonly pollMs?: number;
  readonly logger: Logger;
  /** Asked right before each new transaction is journaled and sent (a cluster's lease). */
  readonly mayBroadcast?: () => boolean;
  /** Ids whose confirmation the chain lost (a node restarted from an older state, a reorg): queue them again. */
  readonly onLost?: (ids: readonly string[]) => void;
}

const IDLE_WAIT_MS = 5_000;
/** A transaction the contract refuses now (an anchor before its predecessor is mined) waits this long. */
const REFUSED_WAIT_MS = 2_000;

export class FairnessSender {
  readonly #o: FairnessSenderOptions;
  readonly #sender: MintSender;
  readonly #chain: ChainLookup;
  /** Queued transactions by id, in the order queued; removed once confirmed. */
  readonly #queue = new Map<string, FairnessTx>();
  /** Id -> when it may be tried again after a refusal. */
  readonly #heldUntil = new Map<string, number>();
  #needsReconcile = true;
  #stopped = false;
  readonly #sleeps = new Sleeps();
  #loop: Promise<void> | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(options: FairnessSenderOptions) {
    this.#o = options;
    this.#chain = new ChainLookup(options.provider, options.contract);
    this.#sender = new MintSender({
      mints: options.log,
      contract: options.contract,
      confirmingTopic: (to) => this.#topicOf(to),
      wallet: options.wallet,
      provider: options.provider,
      chain: this.#chain,
      chainId: options.chainId,
      confirmations: options.confirmations,
      receiptTimeoutMs: options.receiptTimeoutMs,
      pollMs: options.pollMs ?? 25,
      log: options.logger,
      stopped: () => this.#stopped,
      ...(options.mayBroadcast ? { mayBroadcast: options.mayBroadcast } : {}),
      sleep: (ms) => this.#sleeps.sleep(ms, false),
      onLost: async (ids) => options.onLost?.(ids),
    });
  }

  /** Queues a transaction; an id already queued keeps its first bytes. */
  enqueue(tx: FairnessTx): void {
    if (!/^[0-9a-f]{64}$/.test(tx.id)) throw new Error(`a fairness transaction id must be 64 lowercase hex digits, not ${JSON.stringify(tx.id)}`);
    if (!this.#o.topics.has(tx.to.toLowerCase())) throw new Error(`no confirming event is known for target ${tx.to}`);
    if (this.#queue.has(tx.id)) return;
    this.#queue.set(tx.id, tx);
    this.#sleeps.wake();
  }

  /**
   * Stops trying a queued transaction its owner knows can never succeed now (its court case is
   * closed on chain); one in flight is still settled. Logged once, unless the id is confirmed
   * already (our own answer closed the case). True when it was queued.
   */
  async drop(id: string, reason: string): Promise<boolean> {
    if (!this.#queue.has(id)) return false;
    const confirmed = await this.#o.log.mintOf(id);
    if (!this.#queue.delete(id)) return false;
    this.#heldUntil.delete(id);
    if (!confirmed) this.#o.logger.warn({ id, reason }, 'fairness transaction dropped: it can never succeed');
    return true;
  }

  /** Where each confirmed id was confirmed. */
  confirmedOf(ids: readonly string[]): Promise<Map<string, Mint>> {
    return this.#o.log.mintsOf(ids);
  }

  /** Transactions queued and not confirmed yet (for metrics). */
  get queued(): number {
    return this.#queue.size;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops after the current step; a transaction in flight is settled by the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#sleeps.stop();
    await this.#loop;
  }

  /** Resolves the next time nothing queued can be sent now. */
  idle(): Promise<void> {
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        if (this.#needsReconcile) await this.#reconcile();
        else await this.#sender.voidLost();
        if (this.#o.mayBroadcast && !this.#o.mayBroadcast()) {
          await this.#sleeps.sleep(250, false);
          continue;
        }
        const next = this.#next();
        if (next) await this.#post(next);
        else {
          for (const resolve of this.#idleWaiters.splice(0)) resolve();
          await this.#sleeps.sleep(this.#heldUntil.size > 0 ? REFUSED_WAIT_MS : IDLE_WAIT_MS, true);
        }
        failures = 0;
      } catch (e) {
        if (this.#stopped) break;
        failures++;
        this.#needsReconcile = true;
        this.#sender.resetNonce();
        const delay = Math.min(30_000, 200 * 2 ** Math.min(failures - 1, 8));
        this.#o.logger.warn({ err: (e as Error).message.slice(0, 300), retryInMs: delay }, 'fairness transaction failed; will reconcile and retry');
        await this.#sleeps.sleep(delay, false);
      }
    }
  }

  /** The first queued transaction not held back by a recent refusal. */
  #next(): FairnessTx | undefined {
    const now = Date.now();
    for (const tx of this.#queue.values()) if ((this.#heldUntil.get(tx.id) ?? 0) <= now) return tx;
    return undefined;
  }

  async #post(tx: FairnessTx): Promise<void> {
    if (await this.#o.log.mintOf(tx.id)) return void this.#settled(tx.id);
    // Once sent and not confirmed: it may be on chain all the same (a lost journal entry, another holder of the key).
    if ((await this.#o.log.mayBeOnChain([tx.id])).has(tx.id) && (await this.#adopt(tx))) return void this.#settled(tx.id);
    const { provider, wallet, contract } = this.#o;
    let gas: bigint;
    try {
      gas = await provider.estimateGas({ from: wallet.address, to: tx.to, data: tx.data });
    } catch (e) {
      const final = finalRefusalOf(tx, e);
      if (final) return void (await this.drop(tx.id, `the contract refuses it for good: ${final}`));
      const refusal = revertOf(contract, e);
      if (!refusal && (e as { code?: string }).code !== 'CALL_EXCEPTION') throw e;
      this.#o.logger.warn({ id: tx.id, refusal: refusal?.name ?? 'a revert without reason' }, 'the contract refuses a fairness transaction now; retrying later');
      this.#heldUntil.set(tx.id, Date.now() + REFUSED_WAIT_MS);
      return;
    }
    const verdict = await this.#sender.send(tx.data, [tx.id], gas, tx.to);
    // Settled even if dropped meanwhile: a confirmation is what the drop did not know of yet.
    if (verdict.kind === 'confirmed') this.#settled(tx.id);
    if (verdict.kind === 'voided' && verdict.nonceTrouble) this.#needsReconcile = true;
    // Reverted on chain: held back like a refusal, so the transactions queued behind it (anchors,
    // other answers) go first rather than wait while it is sent again at once.
    else if (verdict.kind === 'voided') this.#heldUntil.set(tx.id, Date.now() + REFUSED_WAIT_MS);
  }

  /** Looks for the id's confirming event on chain; records it as confirmed if found. */
  async #adopt(tx: FairnessTx): Promise<boolean> {
    const topic = this.#topicOf(tx.to);
    const logs = await this.#o.provider
      .getLogs({ address: tx.to, topics: [topic, '0x' + tx.id], fromBlock: 0, toBlock: 'latest' })
      .catch(() => []);
    const found = logs.find((l) => !l.removed);
    if (!found) return false;
    await this.#sender.recordConfirmed({ hash: found.transactionHash.toLowerCase(), blockNumber: found.blockNumber, blockHash: found.blockHash.toLowerCase(), awardIds: [tx.id] });
    return true;
  }

  #settled(id: string): void {
    this.#queue.delete(id);
    this.#heldUntil.delete(id);
  }

  async #reconcile(): Promise<void> {
    await this.#sender.voidLost();
    this.#sender.resetNonce();
    for (const tx of await this.#o.log.unresolved()) {
      if (this.#stopped) return;
      const verdict = await this.#sender.resume(tx);
      if (verdict.kind === 'confirmed') for (const id of tx.awardIds) this.#settled(id);
    }
    this.#needsReconcile = false;
  }

  #topicOf(to: string): string {
    const topic = this.#o.topics.get(to.toLowerCase());
    if (!topic) throw new Error(`no confirming event is known for target ${to}`);
    return topic;
  }

}

/** The name of the final refusal (`FairnessTx.finalRefusals`) a failed estimate carries, if any. */
function finalRefusalOf(tx: FairnessTx, e: unknown): string | undefined {
  if (!tx.finalRefusals) return undefined;
  const err = e as { data?: unknown; info?: { error?: { data?: unknown } } };
  const data = err.data ?? err.info?.error?.data;
  return typeof data === 'string' && data.length >= 10 ? tx.finalRefusals[data.slice(0, 10).toLowerCase()] : undefined;
}
