/**
 * The minter: drains the award outbox onto GameAssets, exactly once across crashes.
 *
 * One minter per chain key, one transaction in flight: it assigns nonces itself, signs each
 * batch, journals the signed bytes (MintLog) and only then broadcasts them, polls for the
 * receipt with a timeout (re-checking the chain and re-sending the same bytes when none comes),
 * and marks awards minted only when a receipt with enough confirmations says so. After a
 * restart or any failure it reconciles first: confirmations whose blocks the node lost are
 * voided (those awards are minted again), transactions in doubt are looked up or re-sent, and
 * an award that was ever sent is checked with `awarded(id)` before it is sent again. The
 * contract refuses a known award id, so even a wrong guess here cannot mint twice.
 * @module
 */
import { keccak256, type BaseWallet, type Contract, type JsonRpcProvider } from 'ethers';
import type { Logger } from 'pino';
import type { Award, JournalAwardSink } from './award-sink.ts';
import { CapBudget } from './cap-budget.ts';
import type { MintLog, SentTx } from './mint-log.ts';
import { ChainLookup, revertOf } from './chain-lookup.ts';

export interface MinterOptions {
  readonly outbox: JournalAwardSink;
  readonly mints: MintLog;
  /** GameAssets; reads go through its runner's provider. */
  readonly contract: Contract;
  /** The minter key: the only signer of this chain key's transactions. */
  readonly wallet: BaseWallet;
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
  readonly batchSize: number;
  readonly confirmations: number;
  readonly receiptTimeoutMs: number;
  readonly log: Logger;
  /** Awaited before each step: holds the minter while the chain is being brought back. */
  readonly whenChainReady?: () => Promise<void>;
  /** Longest pause between receipt polls; default 25 ms (a local node seals a block in milliseconds). */
  readonly pollMs?: number;
}

export type AwardStatus =
  | { readonly status: 'pending'; readonly note?: string }
  | { readonly status: 'capped'; readonly until: string }
  | { readonly status: 'minted'; readonly txHash: string; readonly blockNumber: number };

const IDLE_WAIT_MS = 60_000;

export class AwardMinter {
  readonly #o: MinterOptions;
  readonly #budget: CapBudget;
  readonly #chain: ChainLookup;
  /** Awards not confirmed on chain, in outbox order. */
  readonly #pending = new Map<string, Award>();
  /** Award id -> the epoch whose cap it did not fit. */
  readonly #capped = new Map<string, bigint>();
  /** Award id -> why the chain cannot take it now (e.g. its token is not configured there). */
  readonly #held = new Map<string, string>();
  /** Once sent, checked since, and absent from the chain: may be sent again. */
  readonly #checkedAbsent = new Set<string>();
  #nonce: number | undefined;
  #needsReconcile = true;
  #epochLength: bigint | undefined;
  #stopped = false;
  #stop!: () => void;
  readonly #stopSignal = new Promise<void>((resolve) => (this.#stop = resolve));
  #wake: (() => void) | undefined;
  #idleWaiters: (() => void)[] = [];
  #loop: Promise<void> | undefined;

  constructor(options: MinterOptions) {
    this.#o = options;
    this.#budget = new CapBudget(options.contract);
    this.#chain = new ChainLookup(options.provider, options.contract);
    for (const a of options.outbox.all()) if (!options.mints.mintOf(a.awardId)) this.#pending.set(a.awardId, a);
    options.outbox.onRecorded((awards) => {
      for (const a of awards) if (!options.mints.mintOf(a.awardId)) this.#pending.set(a.awardId, a);
      this.#wake?.();
    });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops after the current step; a transaction in flight is settled by the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stop();
    this.#wake?.();
    await this.#loop;
  }

  status(awardId: string): AwardStatus {
    const mint = this.#o.mints.mintOf(awardId);
    if (mint) return { status: 'minted', txHash: mint.hash, blockNumber: mint.blockNumber };
    const epoch = this.#capped.get(awardId);
    if (epoch !== undefined && this.#epochLength)
      return { status: 'capped', until: new Date(Number((epoch + 1n) * this.#epochLength) * 1000).toISOString() };
    const held = this.#held.get(awardId);
    return held ? { status: 'pending', note: held } : { status: 'pending' };
  }

  /** Awards not yet minted, capped ones included. */
  get pendingCount(): number {
    return this.#pending.size;
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
        if (this.#needsReconcile) {
          this.#epochLength ??= (await this.#o.contract.getFunction('epochLength')()) as bigint;
          await this.#reconcile();
          this.#needsReconcile = false;
        }
        const batch = await this.#nextBatch();
        if (batch === 'again') continue;
        if (batch.length > 0) await this.#mint(batch);
        else {
          for (const resolve of this.#idleWaiters.splice(0)) resolve();
          await this.#sleep(this.#idleWaitMs());
          this.#held.clear();
        }
        failures = 0;
      } catch (e) {
        if (this.#stopped) break;
        failures++;
        this.#needsReconcile = true;
        this.#nonce = undefined;
        this.#budget.invalidate();
        const delay = Math.min(30_000, 200 * 2 ** Math.min(failures - 1, 8)) * (0.75 + Math.random() / 2);
        this.#o.log.warn({ err: (e as Error).message.slice(0, 300), retryInMs: Math.round(delay) }, 'minting failed; will reconcile and retry');
        await this.#sleep(delay);
      }
    }
  }

  /** Up to `batchSize` awards the contract will take now, or 'again' after checking some on chain. */
  async #nextBatch(): Promise<Award[] | 'again'> {
    const epoch = await this.#budget.refresh();
    for (const [id, e] of this.#capped) if (e !== epoch) this.#capped.delete(id);
    const batch: Award[] = [];
    const toCheck: Award[] = [];
    for (const a of this.#pending.values()) {
      if (batch.length >= this.#o.batchSize || toCheck.length >= this.#o.batchSize) break;
      if (this.#capped.has(a.awardId) || this.#held.has(a.awardId)) continue;
      if (this.#o.mints.mayBeOnChain(a.awardId) && !this.#checkedAbsent.has(a.awardId)) {
        toCheck.push(a);
        continue;
      }
      const verdict = await this.#budget.take(a);
      if (verdict === 'fits') batch.push(a);
      else if (verdict === 'capped') this.#capped.set(a.awardId, epoch);
      else this.#held.set(a.awardId, `token ${a.tokenId} is not configured on the contract`);
    }
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
      await this.#o.mints.recordConfirmed(c);
      for (const id of c.awardIds) this.#pending.delete(id);
    }
    for (const id of found.onChain) if (!this.#o.mints.mintOf(id)) this.#held.set(id, 'on chain, but its transaction was not found');
  }

  async #mint(batch: Award[]): Promise<void> {
    const { contract, wallet, provider, mints } = this.#o;
    // Sorted by player and token: the contract mints each run as one transfer.
    batch.sort((a, b) => (a.player.toLowerCase() < b.player.toLowerCase() ? -1 : a.player.toLowerCase() > b.player.toLowerCase() ? 1 : a.tokenId - b.tokenId));
    const data = contract.interface.encodeFunctionData('mintAwards', [
      batch.map((a) => a.player),
      batch.map((a) => a.tokenId),
      batch.map((a) => a.amount),
      batch.map((a) => '0x' + a.awardId),
    ]);
    const to = await contract.getAddress();
    let gas: bigint;
    try {
      gas = await provider.estimateGas({ from: wallet.address, to, data });
    } catch (e) {
      const refusal = revertOf(contract, e);
      if (!refusal) throw e;
      return this.#refused(batch, refusal);
    }
    const nonce = this.#nonce ?? (await this.#chain.nonceOf(wallet.address, 'pending'));
    const fee = await provider.getFeeData();
    const raw = await wallet.signTransaction({
      type: 2,
      chainId: this.#o.chainId,
      nonce,
      to,
      data,
      gasLimit: (gas * 6n) / 5n,
      maxFeePerGas: fee.maxFeePerGas,
      maxPriorityFeePerGas: fee.maxPriorityFeePerGas,
    });
    const tx: Omit<SentTx, 'kind' | 'contract'> = { hash: keccak256(raw), nonce, raw, awardIds: batch.map((a) => a.awardId) };
    await mints.recordSent(tx);
    this.#nonce = nonce + 1;
    for (const a of batch) this.#checkedAbsent.delete(a.awardId);
    await this.#settle({ ...tx, kind: 'sent', contract: mints.contract }, await this.#broadcast(raw));
  }

  async #refused(batch: readonly Award[], refusal: { name: string; args: readonly unknown[] }): Promise<void> {
    this.#budget.invalidate();
    if (refusal.name === 'AwardAlreadyMinted') {
      const id = String(refusal.args[0]).slice(2).toLowerCase();
      const award = batch.find((a) => a.awardId === id);
      if (award) return this.#adoptOrClear([award]);
    }
    if (['EpochCapExceeded', 'PlayerEpochCapExceeded', 'UnknownToken'].includes(refusal.name)) {
      this.#o.log.warn({ refusal: refusal.name }, 'the contract refused a batch the cap budget allowed; re-reading the caps');
      await this.#sleep(1000);
      return;
    }
    throw new Error(`GameAssets refused the batch: ${refusal.name}(${refusal.args.map(String).join(', ')})`);
  }

  /** Sends the signed bytes; false when the node says their nonce is already taken. */
  async #broadcast(raw: string): Promise<boolean> {
    try {
      await this.#o.provider.send('eth_sendRawTransaction', [raw]);
      return true;
    } catch (e) {
      const text = errorText(e);
      if (/already known|known transaction|already imported/i.test(text)) return true;
      if (/nonce too low|nonce.*(used|taken)|underpriced/i.test(text)) return false;
      throw e;
    }
  }

  /** Waits for the transaction's verdict and records it. */
  async #settle(tx: SentTx, accepted: boolean): Promise<void> {
    const { provider, mints, log } = this.#o;
    let deadline = Date.now() + this.#o.receiptTimeoutMs;
    let doubt = !accepted;
    // A local node seals the block within milliseconds: look soon, then back off to pollMs.
    let pollMs = 1;
    while (!this.#stopped) {
      const receipt = await provider.getTransactionReceipt(tx.hash);
      if (receipt && receipt.status !== 1) {
        await mints.recordVoided(tx.hash, 'reverted');
        this.#budget.invalidate();
        return;
      }
      if (receipt && !this.#mintsAll(receipt.logs, tx.awardIds)) {
        // Status 1 but not our mints: the call reached no contract (a node restarted from a
        // state before the deployment), so nothing was minted.
        await mints.recordVoided(tx.hash, 'its receipt holds no AwardMinted event for its awards');
        this.#budget.invalidate();
        return;
      }
      if (receipt) {
        const depth = this.#o.confirmations === 1 ? 1 : (await provider.getBlockNumber()) - receipt.blockNumber + 1;
        if (depth >= this.#o.confirmations) {
          await mints.recordConfirmed({ hash: tx.hash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash, awardIds: tx.awardIds });
          for (const id of tx.awardIds) this.#pending.delete(id);
          log.debug({ txHash: tx.hash, awards: tx.awardIds.length, block: receipt.blockNumber }, 'awards minted');
          return;
        }
      } else if (doubt || Date.now() > deadline) {
        const mined = await this.#chain.nonceOf(this.#o.wallet.address, 'latest');
        if (mined > tx.nonce && !(await provider.getTransactionReceipt(tx.hash))) {
          await mints.recordVoided(tx.hash, 'its nonce was taken by another transaction');
          this.#nonce = undefined;
          return;
        }
        if (mined < tx.nonce) {
          // An earlier nonce is missing (the node lost it): this one can never be mined.
          await mints.recordVoided(tx.hash, 'an earlier nonce is missing on chain');
          this.#nonce = undefined;
          return;
        }
        if (!doubt) log.warn({ txHash: tx.hash, nonce: tx.nonce }, 'no receipt in time; sending the same transaction again');
        doubt = !(await this.#broadcast(tx.raw));
        deadline = Date.now() + this.#o.receiptTimeoutMs;
      }
      await this.#sleep(pollMs);
      pollMs = Math.min(pollMs * 2, this.#o.pollMs ?? 25);
    }
  }

  /** Whether the logs hold an AwardMinted event of our contract for every one of the awards. */
  #mintsAll(logs: readonly { address: string; topics: readonly string[] }[], awardIds: readonly string[]): boolean {
    const topic = this.#o.contract.interface.getEvent('AwardMinted')!.topicHash;
    const minted = new Set(logs.filter((l) => l.address.toLowerCase() === this.#o.mints.contract && l.topics[0] === topic).map((l) => l.topics[1]!.slice(2)));
    return awardIds.every((id) => minted.has(id));
  }

  async #reconcile(): Promise<void> {
    const { mints, outbox, log } = this.#o;
    const lost = await this.#chain.lostConfirmations(mints.confirmationsNewestFirst());
    for (const c of lost) {
      await mints.recordVoided(c.hash, 'its block is no longer on the chain');
      for (const id of c.awardIds) {
        const award = outbox.get(id);
        if (award && !mints.mintOf(id)) this.#pending.set(id, award);
      }
    }
    if (lost.length > 0) log.warn({ transactions: lost.length }, 'the chain lost blocks with our mints: minting those awards again');
    this.#nonce = undefined;
    for (const tx of mints.unresolved()) {
      if (this.#stopped) return;
      // No receipt: send the same bytes again and check the nonce at once (it may be taken or unreachable).
      const known = (await this.#o.provider.getTransactionReceipt(tx.hash)) !== null;
      if (!known) await this.#broadcast(tx.raw);
      await this.#settle(tx, known);
    }
    this.#checkedAbsent.clear();
    this.#budget.invalidate();
  }

  #idleWaitMs(): number {
    if (this.#capped.size === 0 || !this.#epochLength) return IDLE_WAIT_MS;
    const epochMs = Number(this.#epochLength) * 1000;
    return Math.min(IDLE_WAIT_MS, epochMs - (Date.now() % epochMs) + 1000);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.#wake === done) self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}

function errorText(e: unknown): string {
  const err = e as { message?: string; error?: { message?: string }; info?: { error?: { message?: string } } };
  return [err.message, err.error?.message, err.info?.error?.message].filter(Boolean).join(' ');
}
