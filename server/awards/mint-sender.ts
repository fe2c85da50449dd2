/**
 * The transaction side of the minter, for one chain key: it assigns nonces, signs, records the
 * signed bytes before broadcasting them, and settles each transaction: confirmed (a successful
 * receipt carrying an AwardMinted event for each of its awards, deep enough) or void (reverted,
 * no mint in it, its nonce taken, an earlier nonce missing), recording what a confirmed one
 * cost (gas used, effective gas price). It also keeps the log's
 * confirmations consistent with the chain: before it records a new one it checks the newest
 * recorded block is still there, and voids what the chain lost, so confirmations from a lost
 * chain and its replacement never mix (which would hide the loss from the newest-first walk).
 * @module
 */
import { keccak256, Transaction, type BaseWallet, type Contract, type JsonRpcProvider } from 'ethers';
import type { Logger } from 'pino';
import type { ChainLookup } from './chain-lookup.ts';
import type { Confirmation, MintLog, SentTx } from './mint-log.ts';

export type Verdict =
  | { readonly kind: 'confirmed' }
  /** `nonceTrouble`: the chain's nonce is not what this sender assumed (a node lost blocks?). */
  | { readonly kind: 'voided'; readonly nonceTrouble: boolean }
  | { readonly kind: 'stopped' };

export interface SenderOptions {
  readonly mints: MintLog;
  /** Where transactions go unless `send` names another target. */
  readonly contract: Contract;
  /**
   * The topic 0 of the event that confirms an id (its topic 1), emitted by the transaction's
   * target; default: the contract's AwardMinted. Given the target, for a sender that speaks to
   * several contracts.
   */
  readonly confirmingTopic?: (to: string) => string;
  readonly wallet: BaseWallet;
  readonly provider: JsonRpcProvider;
  readonly chain: ChainLookup;
  readonly chainId: bigint;
  readonly confirmations: number;
  readonly receiptTimeoutMs: number;
  readonly pollMs: number;
  readonly log: Logger;
  readonly stopped: () => boolean;
  /** Asked right before a new transaction is recorded and sent (a cluster's minter lease). */
  readonly mayBroadcast?: () => boolean;
  readonly sleep: (ms: number) => Promise<void>;
  /** Awards of confirmations the chain lost: the minter mints them again. */
  readonly onLost: (awardIds: readonly string[]) => Promise<void>;
}

export class MintSender {
  #nonce: number | undefined;

  constructor(private readonly o: SenderOptions) {}

  /** Forget the nonce: the next transaction reads it from the node. */
  resetNonce(): void {
    this.#nonce = undefined;
  }

  /** `to`: the target, when not the contract (its confirming event per `confirmingTopic`). */
  async send(data: string, awardIds: readonly string[], gas: bigint, to?: string): Promise<Verdict> {
    const { wallet, provider, mints, contract } = this.o;
    const nonce = this.#nonce ?? (await this.o.chain.nonceOf(wallet.address, 'pending'));
    const fee = await provider.getFeeData();
    const raw = await wallet.signTransaction({
      type: 2,
      chainId: this.o.chainId,
      nonce,
      to: to ?? (await contract.getAddress()),
      data,
      gasLimit: (gas * 6n) / 5n,
      maxFeePerGas: fee.maxFeePerGas,
      maxPriorityFeePerGas: fee.maxPriorityFeePerGas,
    });
    const tx: SentTx = { kind: 'sent', contract: mints.contract, hash: keccak256(raw), nonce, raw, awardIds: [...awardIds] };
    if (this.o.mayBroadcast && !this.o.mayBroadcast()) return { kind: 'stopped' };
    await mints.recordSent(tx);
    this.#nonce = nonce + 1;
    return this.settle(tx, await this.#broadcast(raw));
  }

  /** A transaction left in doubt by a crash or an error: find it, or send the same bytes again. */
  async resume(tx: SentTx): Promise<Verdict> {
    const known = (await this.o.provider.getTransactionReceipt(tx.hash)) !== null;
    if (!known) await this.#broadcast(tx.raw);
    // Unknown to the node: check the nonce at once (it may be taken, or unreachable).
    return this.settle(tx, known);
  }

  /** Sends the signed bytes; false when the node says their nonce is already taken. */
  async #broadcast(raw: string): Promise<boolean> {
    try {
      await this.o.provider.send('eth_sendRawTransaction', [raw]);
      return true;
    } catch (e) {
      const text = errorText(e);
      if (/already known|known transaction|already imported/i.test(text)) return true;
      if (/nonce too low|nonce.*(used|taken)|underpriced/i.test(text)) return false;
      throw e;
    }
  }

  async #void(tx: SentTx, reason: string, nonceTrouble: boolean): Promise<Verdict> {
    await this.o.mints.recordVoided(tx.hash, reason);
    if (nonceTrouble) this.#nonce = undefined;
    return { kind: 'voided', nonceTrouble };
  }

  /** Waits for the transaction's verdict and records it. */
  async settle(tx: SentTx, accepted: boolean): Promise<Verdict> {
    const { provider, log } = this.o;
    let deadline = Date.now() + this.o.receiptTimeoutMs;
    let doubt = !accepted;
    // A local node seals the block within milliseconds: look soon, then back off to pollMs.
    let pollMs = 1;
    while (!this.o.stopped()) {
      const receipt = await provider.getTransactionReceipt(tx.hash);
      if (receipt && receipt.status !== 1) return this.#void(tx, 'reverted', false);
      // Status 1 without our mints: the call reached no contract (a node restarted from a state
      // before the deployment), so nothing was minted.
      if (receipt && !this.#confirmsAll(receipt.logs, tx)) return this.#void(tx, 'its receipt holds no confirming event for its ids', false);
      if (receipt) {
        const depth = this.o.confirmations === 1 ? 1 : (await provider.getBlockNumber()) - receipt.blockNumber + 1;
        if (depth >= this.o.confirmations) {
          const cost = { gasUsed: receipt.gasUsed.toString(), gasPrice: receipt.gasPrice.toString() };
          await this.recordConfirmed({ hash: tx.hash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash, awardIds: tx.awardIds, ...cost });
          log.debug({ txHash: tx.hash, awards: tx.awardIds.length, block: receipt.blockNumber }, 'awards minted');
          return { kind: 'confirmed' };
        }
      } else if (doubt || Date.now() > deadline) {
        const mined = await this.o.chain.nonceOf(this.o.wallet.address, 'latest');
        if (mined > tx.nonce && !(await provider.getTransactionReceipt(tx.hash))) return this.#void(tx, 'its nonce was taken by another transaction', true);
        // An earlier nonce is missing (the node lost it): this one can never be mined.
        if (mined < tx.nonce) return this.#void(tx, 'an earlier nonce is missing on chain', true);
        if (!doubt) log.warn({ txHash: tx.hash, nonce: tx.nonce }, 'no receipt in time; sending the same transaction again');
        doubt = !(await this.#broadcast(tx.raw));
        deadline = Date.now() + this.o.receiptTimeoutMs;
      }
      await this.o.sleep(pollMs);
      pollMs = Math.min(pollMs * 2, this.o.pollMs);
    }
    return { kind: 'stopped' };
  }

  /**
   * Whether the logs hold a confirming event of the transaction's target for every one of its ids
   * (the minter's: an AwardMinted of GameAssets per award). The target is read from the signed
   * bytes, so a transaction resumed after a crash is judged as it was sent.
   */
  #confirmsAll(logs: readonly { address: string; topics: readonly string[] }[], tx: SentTx): boolean {
    const to = (Transaction.from(tx.raw).to ?? '').toLowerCase();
    const topic = this.o.confirmingTopic?.(to) ?? this.o.contract.interface.getEvent('AwardMinted')!.topicHash;
    const confirmed = new Set(logs.filter((l) => l.address.toLowerCase() === to && l.topics[0] === topic).map((l) => l.topics[1]!.slice(2)));
    return tx.awardIds.every((id) => confirmed.has(id));
  }

  /** Records a confirmation, after voiding whatever recorded ones the chain has lost. */
  async recordConfirmed(c: Omit<Confirmation, 'kind' | 'contract'>): Promise<void> {
    await this.voidLost();
    await this.o.mints.recordConfirmed(c);
  }

  /**
   * Voids the recorded confirmations whose block the chain no longer has, newest first; returns
   * how many. Cheap when nothing was lost: one block read.
   */
  async voidLost(): Promise<number> {
    const newest = await this.o.mints.newestConfirmation();
    if (!newest || (await this.o.chain.hasBlock(newest.blockNumber, newest.blockHash))) return 0;
    const lost = await this.o.chain.lostConfirmations(this.o.mints.confirmationsNewestFirst());
    for (const c of lost) {
      await this.o.mints.recordVoided(c.hash, 'its block is no longer on the chain');
      await this.o.onLost(c.awardIds);
    }
    if (lost.length > 0) {
      this.#nonce = undefined;
      this.o.log.warn({ transactions: lost.length }, 'the chain lost blocks with our mints: minting those awards again');
    }
    return lost.length;
  }
}

function errorText(e: unknown): string {
  const err = e as { message?: string; error?: { message?: string }; info?: { error?: { message?: string } } };
  return [err.message, err.error?.message, err.info?.error?.message].filter(Boolean).join(' ');
}
