/**
 * The minter: drains the award outbox onto GameAssets, exactly once across crashes.
 *
 * One minter per chain key, one transaction in flight. It batches pending awards fairly
 * (`fair-order.ts`: round-robin by player within the epoch), leaving out those over the
 * contract's caps (held until the next epoch, never holding another player's), those below their
 * token's minimum (`accumulation.ts`: waiting for more, then minted together) and those the
 * contract refuses (found by halving the batch), and hands each batch to the MintSender, which
 * journals, sends and settles it. After a restart or any failure it reconciles first: confirmations whose blocks
 * the node lost are voided (those awards are minted again), transactions in doubt are looked up
 * or re-sent, and an award that was ever sent is checked with `awarded(id)` before it is sent
 * again. The contract refuses a known award id, so even a wrong guess here cannot mint twice.
 *
 * It learns of awards from the outbox (`pending-awards.ts`): those recorded here at once, those
 * of other processes sharing the database by polling. Only awards not yet minted are kept in memory.
 *
 * With `proven` (the server on ECVRF-SECP256K1-SHA256-TAI), an award it names a call for (a raid
 * loot item) is minted alone with `mintWithProof`, under the same award id, journal and checks;
 * one it cannot prove, or the contract refuses, is held with the reason like any refused award.
 * @module
 */
import { type BaseWallet, type Contract, type JsonRpcProvider } from 'ethers';
import type { Logger } from 'pino';
import type { Award, AwardOutbox } from './award-sink.ts';
import { gatherUnits, type Accumulating } from './accumulation.ts';
import { CapBudget } from './cap-budget.ts';
import { ChainLookup, revertOf } from './chain-lookup.ts';
import { mintedInEpochByPlayer } from './epoch-counts.ts';
import { fairOrder } from './fair-order.ts';
import { minimumOf, type MinAwardAmounts } from './min-award-amounts.ts';
import type { MintLog } from './mint-log.ts';
import { MintSender, type Verdict } from './mint-sender.ts';
import { PendingAwards } from './pending-awards.ts';
import { UnprovableAward, type ProvenAwards, type ProvenLootCall } from './proven-loot.ts';
import { Sleeps } from './sleeps.ts';

export interface MinterOptions {
  readonly outbox: AwardOutbox;
  readonly mints: MintLog;
  /** GameAssets; reads go through its runner's provider. */
  readonly contract: Contract;
  /** The minter key: the only signer of this chain key's transactions. */
  readonly wallet: BaseWallet;
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
  readonly batchSize: number;
  /** `MIN_AWARD_AMOUNTS`: token id -> the least a player's pending awards of it are minted at, together. Default: none. */
  readonly minAwardAmounts?: MinAwardAmounts;
  readonly confirmations: number;
  readonly receiptTimeoutMs: number;
  readonly log: Logger;
  /** Awaited before each step: holds the minter while the chain is being brought back. */
  readonly whenChainReady?: () => Promise<void>;
  /** Told of confirmed awards (with how long each waited here) and of failed steps: metrics. */
  readonly observer?: { minted(count: number, waitedSeconds: readonly number[]): void; failed(): void };
  /** Asked right before each new transaction is journaled and sent; false: not now (a cluster's lease is at risk). */
  readonly mayBroadcast?: () => boolean;
  /** Longest pause between receipt polls; default 25 ms (a local node seals a block in milliseconds). */
  readonly pollMs?: number;
  /** How often the outbox is asked for awards other processes recorded; default 250 ms. */
  readonly awardPollMs?: number;
  /** Awards to mint with their draw's proof (`proven-loot.ts`); default: none, all in batches. */
  readonly proven?: ProvenAwards;
}

export type AwardStatus =
  | { readonly status: 'pending'; readonly note?: string }
  | { readonly status: 'capped'; readonly until: string }
  /** Below its token's minimum: the player's pending amount of the token (`have`) and the minimum (`need`). */
  | { readonly status: 'accumulating'; readonly have: number; readonly need: number }
  | { readonly status: 'minted'; readonly txHash: string; readonly blockNumber: number };

const IDLE_WAIT_MS = 60_000;
/** Awards read from the outbox, or asked about in the mint log, at a time. */
const PAGE = 200;
const CAP_ERRORS = ['EpochCapExceeded', 'PlayerEpochCapExceeded', 'UnknownToken'];

export class AwardMinter {
  readonly #o: MinterOptions;
  readonly #budget: CapBudget;
  readonly #chain: ChainLookup;
  readonly #sender: MintSender;
  /** Awards not confirmed on chain, in outbox order. */
  readonly #pending: PendingAwards;
  /** Award id -> the epoch whose cap it did not fit. */
  readonly #capped = new Map<string, bigint>();
  /** Award id -> why the chain cannot take it now (e.g. its token is not configured there); retried when idle. */
  readonly #held = new Map<string, string>();
  /** Award id -> the amount its player has pending of its token, below the token's minimum: waits for more. */
  #accumulating: ReadonlyMap<string, Accumulating> = new Map();
  /** Awards minted this epoch (`#countedEpoch`) by player (lower case): the fair order's ranks. Read from the mint log at each new epoch and reconcile, then counted. */
  readonly #mintedThisEpoch = new Map<string, number>();
  #countedEpoch: bigint | undefined;
  /** Award id -> the contract's refusal of it alone; retried after a restart. */
  readonly #refused = new Map<string, string>();
  /** Once sent, checked since, and absent from the chain: may be sent again. */
  readonly #checkedAbsent = new Set<string>();
  /** Award id -> its mintWithProof call, or null for a plain award, while it is pending. */
  readonly #provenCalls = new Map<string, ProvenLootCall | null>();
  /** Below batchSize while a refused batch is being halved to find the award it chokes on. */
  #probeSize: number | undefined;
  #needsReconcile = true;
  #epochLength: bigint | undefined;
  #stopped = false;
  readonly #sleeps = new Sleeps();
  #stop!: () => void;
  readonly #stopSignal = new Promise<void>((resolve) => (this.#stop = resolve));
  #idleWaiters: (() => void)[] = [];
  #loop: Promise<void> | undefined;

  constructor(options: MinterOptions) {
    this.#o = options;
    this.#budget = new CapBudget(options.contract);
    this.#chain = new ChainLookup(options.provider, options.contract);
    this.#sender = new MintSender({
      ...options,
      chain: this.#chain,
      pollMs: options.pollMs ?? 25,
      stopped: () => this.#stopped,
      sleep: (ms) => this.#sleeps.sleep(ms, false),
      onLost: async (ids) => {
        this.#budget.invalidate();
        const minted = await options.mints.mintsOf(ids);
        for (const id of ids) {
          const award = minted.has(id) ? undefined : await options.outbox.get(id);
          if (award) this.#pending.add(award);
        }
      },
    });
    this.#pending = new PendingAwards({
      outbox: options.outbox,
      mints: options.mints,
      pollMs: options.awardPollMs ?? 250,
      onArrival: () => this.#sleeps.wake(),
      log: options.log,
    });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops after the current step; a transaction in flight is settled by the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#pending.stop();
    this.#stop();
    this.#sleeps.stop();
    await this.#loop;
  }

  async status(awardId: string): Promise<AwardStatus> {
    return (await this.statuses([awardId]))[0]!;
  }

  /** The status of each award, in the order asked. */
  async statuses(awardIds: readonly string[]): Promise<AwardStatus[]> {
    const minted = await this.#o.mints.mintsOf(awardIds);
    return awardIds.map((awardId): AwardStatus => {
      const mint = minted.get(awardId);
      if (mint) return { status: 'minted', txHash: mint.hash, blockNumber: mint.blockNumber };
      const epoch = this.#capped.get(awardId);
      if (epoch !== undefined && this.#epochLength)
        return { status: 'capped', until: new Date(Number((epoch + 1n) * this.#epochLength) * 1000).toISOString() };
      const waiting = this.#accumulating.get(awardId);
      if (waiting) return { status: 'accumulating', have: waiting.have, need: waiting.need };
      const note = this.#held.get(awardId) ?? this.#refused.get(awardId);
      return note ? { status: 'pending', note } : { status: 'pending' };
    });
  }

  /** Awards not yet minted, capped ones included; undefined until the outbox is read at start. */
  get pendingCount(): number | undefined {
    return this.#pending.loaded ? this.#pending.size : undefined;
  }

  /** Awards waiting by token: below their token's minimum (`accumulating`), and over a cap until the next epoch (`capped`). */
  waiting(): { accumulating: Map<number, number>; capped: Map<number, number> } {
    const accumulating = new Map<number, number>();
    for (const a of this.#accumulating.values()) accumulating.set(a.tokenId, (accumulating.get(a.tokenId) ?? 0) + 1);
    const capped = new Map<number, number>();
    for (const id of this.#capped.keys()) {
      const tokenId = this.#pending.get(id)?.tokenId;
      if (tokenId !== undefined) capped.set(tokenId, (capped.get(tokenId) ?? 0) + 1);
    }
    return { accumulating, capped };
  }

  /** Resolves the next time the minter finds nothing it can mint now. */
  idle(): Promise<void> {
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        if (this.#o.whenChainReady) await Promise.race([this.#o.whenChainReady(), this.#stopSignal]);
        if (this.#stopped) break;
        await this.#pending.load();
        if (this.#needsReconcile) {
          this.#epochLength ??= (await this.#o.contract.getFunction('epochLength')()) as bigint;
          await this.#reconcile();
          this.#needsReconcile = false;
        } else await this.#sender.voidLost(); // the node may have lost blocks while we were idle
        if (this.#o.mayBroadcast && !this.#o.mayBroadcast()) {
          await this.#sleeps.sleep(250, false); // the lease is being renewed, or is lost and this minter stops
          continue;
        }
        const batch = await this.#nextBatch();
        if (batch === 'again') continue;
        if (batch.length > 0) await this.#mint(batch);
        else {
          for (const resolve of this.#idleWaiters.splice(0)) resolve();
          await this.#sleeps.sleep(this.#idleWaitMs(), true);
          this.#held.clear();
        }
        failures = 0;
      } catch (e) {
        if (this.#stopped) break;
        failures++;
        this.#o.observer?.failed();
        this.#needsReconcile = true;
        this.#sender.resetNonce();
        this.#budget.invalidate();
        const delay = Math.min(30_000, 200 * 2 ** Math.min(failures - 1, 8)) * (0.75 + jitter() / 2);
        this.#o.log.warn({ err: (e as Error).message.slice(0, 300), retryInMs: Math.round(delay) }, 'minting failed; will reconcile and retry');
        await this.#sleeps.sleep(delay, false);
      }
    }
  }

  /**
   * Up to `batchSize` awards the contract will take now, in the fair order, or 'again' after
   * checking some on chain. An over-cap unit is set aside and the next one tried: one player's
   * capped awards never hold another's.
   */
  async #nextBatch(): Promise<Award[] | 'again'> {
    const epoch = await this.#budget.refresh();
    for (const [id, e] of this.#capped) if (e !== epoch) this.#capped.delete(id);
    if (epoch !== this.#countedEpoch) {
      const epochLength = (this.#epochLength ??= (await this.#o.contract.getFunction('epochLength')()) as bigint);
      const counts = await mintedInEpochByPlayer(this.#o.provider, this.#o.mints, epoch, epochLength);
      this.#mintedThisEpoch.clear();
      for (const [player, count] of counts) this.#mintedThisEpoch.set(player, count);
      this.#countedEpoch = epoch;
    }
    const open = [...this.#pending.values()].filter((a) => !this.#capped.has(a.awardId) && !this.#held.has(a.awardId) && !this.#refused.has(a.awardId));
    const gathered = gatherUnits(open, this.#o.minAwardAmounts ?? new Map());
    this.#accumulating = gathered.accumulating;
    const order = fairOrder(gathered.units, {
      playerOf: (unit) => unit[0]!.player,
      sizeOf: (unit) => unit.length,
      mintedThisEpoch: (player) => this.#mintedThisEpoch.get(player) ?? 0,
    });
    const limit = this.#probeSize ?? this.#o.batchSize;
    const batch: Award[] = [];
    const toCheck: Award[] = [];
    let full = false;
    // A page of candidates at a time: one question to the mint log for the page.
    const consider = async (page: readonly (readonly Award[])[]): Promise<void> => {
      const mayBeOnChain = await this.#o.mints.mayBeOnChain(page.flat().map((a) => a.awardId));
      for (const unit of page) {
        const unchecked = unit.filter((a) => mayBeOnChain.has(a.awardId) && !this.#checkedAbsent.has(a.awardId));
        if (unchecked.length > 0) {
          toCheck.push(...unchecked);
          if (toCheck.length >= this.#o.batchSize) return void (full = true);
          continue;
        }
        // A unit goes whole into one batch; only one larger than a whole batch is split.
        if (batch.length > 0 && batch.length + unit.length > limit) return void (full = true);
        let taken = unit.slice(0, limit);
        let verdict = await this.#budget.take(taken);
        // An accumulated unit over what the caps leave: a shorter part of it, still at least its
        // token's minimum, goes now. The unit only grows, so one above the per-player cap would
        // otherwise never be minted.
        const need = minimumOf(this.#o.minAwardAmounts ?? new Map(), unit[0]!.tokenId);
        while (verdict === 'capped' && taken.length > 1) {
          const shorter = taken.slice(0, Math.floor(taken.length / 2));
          if (shorter.reduce((sum, a) => sum + a.amount, 0) < need) break;
          taken = shorter;
          verdict = await this.#budget.take(taken);
        }
        if (verdict === 'fits') batch.push(...taken);
        else if (verdict === 'capped') for (const a of unit) this.#capped.set(a.awardId, epoch);
        else for (const a of unit) this.#held.set(a.awardId, `token ${a.tokenId} is not configured on the contract`);
        if (batch.length >= limit) return void (full = true);
      }
    };
    let page: (readonly Award[])[] = [];
    let pageAwards = 0;
    for (const unit of order) {
      page.push(unit);
      pageAwards += unit.length;
      if (pageAwards < PAGE) continue;
      await consider(page);
      page = [];
      pageAwards = 0;
      if (full) break;
    }
    if (!full && page.length > 0) await consider(page);
    if (toCheck.length === 0) return batch;
    await this.#adoptOrClear(toCheck);
    this.#budget.invalidate();
    return 'again';
  }

  /** Awards found on chain are recorded minted with their transaction; the rest may be sent. */
  async #adoptOrClear(awards: readonly Award[]): Promise<void> {
    const found = await this.#chain.findMints(awards.map((a) => a.awardId), (id) => this.#o.mints.sentWith(id));
    for (const a of awards) if (!found.onChain.has(a.awardId)) this.#checkedAbsent.add(a.awardId);
    for (const c of found.confirmations) {
      await this.#sender.recordConfirmed(c);
      for (const id of c.awardIds) {
        this.#pending.settle(id);
        this.#provenCalls.delete(id);
      }
    }
    const minted = await this.#o.mints.mintsOf([...found.onChain]);
    for (const id of found.onChain) if (!minted.has(id)) this.#held.set(id, 'on chain, but its transaction was not found');
  }

  async #mint(batch: Award[]): Promise<void> {
    const { contract } = this.#o;
    // A proven award goes alone, first; the rest of the batch waits for the next step.
    for (const a of this.#o.proven ? batch : []) {
      const call = await this.#provenCall(a);
      if (call === 'refused') return;
      if (call) return this.#mintProven(a, call);
    }
    // Sorted by player and token: the contract mints each run as one transfer.
    batch.sort((a, b) => (a.player.toLowerCase() < b.player.toLowerCase() ? -1 : a.player.toLowerCase() > b.player.toLowerCase() ? 1 : a.tokenId - b.tokenId));
    const data = contract.interface.encodeFunctionData('mintAwards', [
      batch.map((a) => a.player),
      batch.map((a) => a.tokenId),
      batch.map((a) => a.amount),
      batch.map((a) => '0x' + a.awardId),
    ]);
    await this.#send(batch, data);
  }

  /**
   * Estimates and sends one mint transaction of `awards` (calldata `data`). A revert at the
   * estimate is the contract's refusal, handled as such; any other failure throws, so the step is
   * retried.
   */
  async #send(awards: readonly Award[], data: string): Promise<void> {
    const { contract, wallet, provider } = this.#o;
    let gas: bigint;
    try {
      gas = await provider.estimateGas({ from: wallet.address, to: await contract.getAddress(), data });
    } catch (e) {
      const refusal = revertOf(contract, e) ?? ((e as { code?: string }).code === 'CALL_EXCEPTION' ? { name: 'a revert without reason', args: [] } : undefined);
      if (!refusal) throw e;
      return this.#onRefusal(awards, refusal);
    }
    this.#probeSize = undefined;
    for (const a of awards) this.#checkedAbsent.delete(a.awardId);
    const verdict = await this.#sender.send(data, awards.map((a) => a.awardId), gas);
    if (verdict.kind === 'confirmed')
      for (const a of awards) this.#mintedThisEpoch.set(a.player.toLowerCase(), (this.#mintedThisEpoch.get(a.player.toLowerCase()) ?? 0) + 1);
    this.#afterVerdict(awards, verdict);
  }

  /** The award's mintWithProof call, undefined for a plain award, 'refused' (and held) when it cannot be proven. */
  async #provenCall(a: Award): Promise<ProvenLootCall | undefined | 'refused'> {
    if (!this.#provenCalls.has(a.awardId)) {
      try {
        this.#provenCalls.set(a.awardId, (await this.#o.proven!.callFor(a)) ?? null);
      } catch (e) {
        if (!(e instanceof UnprovableAward)) throw e; // the database or the node: retried as any failed step
        this.#o.log.error({ awardId: a.awardId, reason: e.message }, 'this award cannot be minted with its proof; holding it');
        this.#refused.set(a.awardId, `not provable: ${e.message}; retried after a restart`);
        this.#budget.invalidate();
        return 'refused';
      }
    }
    return this.#provenCalls.get(a.awardId) ?? undefined;
  }

  async #mintProven(award: Award, call: ProvenLootCall): Promise<void> {
    // The rest of the batch was counted against the caps: read them again next step.
    this.#budget.invalidate();
    await this.#send([award], this.#o.contract.interface.encodeFunctionData('mintWithProof', [call.draw, call.pi, call.witnesses, call.tokenId]));
  }

  #afterVerdict(awards: readonly { awardId: string }[], verdict: Verdict): void {
    if (verdict.kind === 'confirmed') {
      const now = performance.now();
      const waited: number[] = [];
      for (const a of awards) {
        this.#provenCalls.delete(a.awardId);
        const since = this.#pending.settle(a.awardId);
        if (since !== undefined) waited.push((now - since) / 1000);
      }
      this.#o.observer?.minted(awards.length, waited);
    }
    if (verdict.kind !== 'voided') return;
    this.#budget.invalidate();
    // A nonce not where we left it: the node may have lost blocks; look before going on.
    if (verdict.nonceTrouble) this.#needsReconcile = true;
  }

  async #onRefusal(batch: readonly Award[], refusal: { name: string; args: readonly unknown[] }): Promise<void> {
    this.#budget.invalidate();
    if (refusal.name === 'AwardAlreadyMinted') {
      const id = String(refusal.args[0]).slice(2).toLowerCase();
      const award = batch.find((a) => a.awardId === id);
      if (award) return this.#adoptOrClear([award]);
    }
    if (CAP_ERRORS.includes(refusal.name)) {
      this.#o.log.warn({ refusal: refusal.name }, 'the contract refused a batch the cap budget allowed; re-reading the caps');
      await this.#sleeps.sleep(1000, false);
      return;
    }
    if (batch.length > 1) {
      // Some award in it cannot be minted (a receiver that rejects ERC-1155, say): halve until it is alone.
      this.#probeSize = Math.ceil(batch.length / 2);
      return;
    }
    const note = `refused by the contract: ${refusal.name}${refusal.args.length ? `(${refusal.args.map(String).join(', ')})` : ''}; retried after a restart`;
    this.#o.log.error({ awardId: batch[0]!.awardId, player: batch[0]!.player, refusal: refusal.name }, 'the contract refuses this award; holding it');
    this.#refused.set(batch[0]!.awardId, note);
    this.#probeSize = undefined;
  }

  async #reconcile(): Promise<void> {
    await this.#sender.voidLost();
    this.#sender.resetNonce();
    for (const tx of await this.#o.mints.unresolved()) {
      if (this.#stopped) return;
      this.#afterVerdict(
        tx.awardIds.map((awardId) => ({ awardId })),
        await this.#sender.resume(tx),
      );
    }
    this.#needsReconcile = false;
    this.#checkedAbsent.clear();
    this.#countedEpoch = undefined; // the counts are read again: the log may have changed under us
    this.#budget.invalidate();
  }

  #idleWaitMs(): number {
    if (this.#capped.size === 0 || !this.#epochLength) return IDLE_WAIT_MS;
    const epochMs = Number(this.#epochLength) * 1000;
    return Math.min(IDLE_WAIT_MS, epochMs - (Date.now() % epochMs) + 1000);
  }

}

/** In [0, 1): spreads retries of processes that failed together. Not a game outcome. */
function jitter(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}
