/**
 * What is left of GameAssets' emission caps in the current epoch, read from the contract, so
 * the minter leaves out of a batch the awards the contract would refuse (one over-cap award
 * would revert the whole batch). The contract stays the judge: a stale budget costs a refused
 * estimate and a re-read, never a mint over a cap.
 * @module
 */
import type { Contract } from 'ethers';
import type { Award } from './award-sink.ts';

/**
 * Reads at the pending block: its timestamp is now, while the latest block of a node that seals
 * blocks only for transactions (the embedded one) may be from an epoch long gone.
 */
const PENDING = { blockTag: 'pending' } as const;

export type CapVerdict = 'fits' | 'capped' | 'unknown-token';

interface TokenCaps {
  readonly exists: boolean;
  readonly epochCap: bigint;
  readonly playerEpochCap: bigint;
}

export class CapBudget {
  #epoch: bigint | undefined;
  readonly #tokens = new Map<number, TokenCaps>();
  readonly #mintedInEpoch = new Map<number, bigint>();
  /** key: player lower-case + ':' + token id */
  readonly #playerMinted = new Map<string, bigint>();

  constructor(private readonly contract: Contract) {}

  /** The epoch the budget is for; call at the start of every batch. Re-reads after a change. */
  async refresh(): Promise<bigint> {
    const epoch = (await this.contract.getFunction('currentEpoch')(PENDING)) as bigint;
    if (epoch !== this.#epoch) this.invalidate(epoch);
    return epoch;
  }

  /** Forgets every reading (the chain moved under us: a refused estimate, a lost block). */
  invalidate(epoch?: bigint): void {
    this.#epoch = epoch;
    this.#tokens.clear();
    this.#mintedInEpoch.clear();
    this.#playerMinted.clear();
  }

  /**
   * Whether the awards fit in what is left, all of them or none, taking them from the budget if
   * they do (a player's accumulated awards go in one batch). A batch that does not confirm must
   * `invalidate` the budget.
   */
  async take(awards: readonly Award[]): Promise<CapVerdict> {
    const epoch = this.#epoch ?? (await this.refresh());
    const totals = new Map<number, bigint>();
    const players = new Map<string, bigint>();
    for (const award of awards) {
      const caps = await this.#caps(award.tokenId);
      if (!caps.exists) return 'unknown-token';
      const key = `${award.player.toLowerCase()}:${award.tokenId}`;
      let total = this.#mintedInEpoch.get(award.tokenId);
      if (total === undefined) total = (await this.contract.getFunction('mintedInEpoch')(epoch, award.tokenId, PENDING)) as bigint;
      let player = this.#playerMinted.get(key);
      if (player === undefined) player = (await this.contract.getFunction('playerMintedInEpoch')(epoch, award.player, award.tokenId, PENDING)) as bigint;
      this.#mintedInEpoch.set(award.tokenId, total);
      this.#playerMinted.set(key, player);
      const amount = BigInt(award.amount);
      const tokenAfter = (totals.get(award.tokenId) ?? total) + amount;
      const playerAfter = (players.get(key) ?? player) + amount;
      if (tokenAfter > caps.epochCap || playerAfter > caps.playerEpochCap) return 'capped';
      totals.set(award.tokenId, tokenAfter);
      players.set(key, playerAfter);
    }
    for (const [tokenId, total] of totals) this.#mintedInEpoch.set(tokenId, total);
    for (const [key, player] of players) this.#playerMinted.set(key, player);
    return 'fits';
  }

  async #caps(tokenId: number): Promise<TokenCaps> {
    let caps = this.#tokens.get(tokenId);
    if (!caps) {
      const [exists, epochCap, playerEpochCap] = (await this.contract.getFunction('tokens')(tokenId, PENDING)) as [boolean, bigint, bigint];
      caps = { exists, epochCap, playerEpochCap };
      this.#tokens.set(tokenId, caps);
    }
    return caps;
  }
}
