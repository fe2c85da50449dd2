/**
 * The coin reconciliation, `/health`'s `economy` field: the coins on chain equal the coins of
 * cash-outs minted, less the coins deposits burned, plus the coins minted otherwise (court bonds,
 * and coin awards recorded before cash-outs existed, when wins minted coins):
 *
 *   totalSupply(coin) == withdrawn − deposited + houseIssued,  houseIssued = courtBonds + otherAwards
 *
 * `withdrawn` and `otherAwards` are the database's (minted awards), `deposited` and `courtBonds`
 * the chain's events, `coinSupply` the contract's totalSupply (or, on a contract without it, the
 * coin's AwardMinted events less its Deposited ones). A mint sent and not yet confirmed may be on
 * chain before the database records it: the check allows up to `inFlight` coins more on chain.
 * The chip side must agree too: the chips deposits credited less those cash-outs took equal the
 * deposit rows' coins less the withdrawals' (so no cash-out or deposit moved chips without its
 * row, or twice), and the deposits credited from blocks up to the chain's figures are no more
 * than the coins burned there (none credited without its burn; fewer while some wait for
 * confirmations).
 * Every figure is shown; an unreachable chain gives `reconciled: null` and why.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { ChainFigures } from './chain-figures.ts';
import { chipBooks, mintedCoinsByKind } from './economy-queries.ts';

export interface CoinReconciliation {
  /** true: the figures add up; false: they do not (look at `difference`); null: not checked (see `why`). */
  readonly reconciled: boolean | null;
  readonly why?: string;
  /** The block the chain's figures are of. */
  readonly atBlock?: number;
  /** Coins in circulation on chain. */
  readonly coinSupply?: number;
  /** Where coinSupply comes from. */
  readonly coinSupplySource?: 'totalSupply' | 'events';
  /** Coins of cash-outs minted. */
  readonly withdrawn?: number;
  /** Coins burned by deposits (Deposited events). */
  readonly deposited?: number;
  /** Coins minted otherwise: courtBonds + otherAwards. */
  readonly houseIssued?: number;
  readonly courtBonds?: number;
  /** Coin awards minted that are not cash-outs (wins before cash-outs existed). */
  readonly otherAwards?: number;
  /** Coins in mint transactions sent and not yet confirmed. */
  readonly inFlight?: number;
  /** withdrawn − deposited + houseIssued. */
  readonly expected?: number;
  /** coinSupply − expected. */
  readonly difference?: number;
  /** The chip side: chips credited by deposits less chips taken by cash-outs, in coins, against deposits' coins less withdrawals' coins. */
  readonly chips?: { readonly netDepositChips: number; readonly depositCoins: number; readonly withdrawalCoins: number; readonly creditedToBlock: number; readonly agree: boolean };
  /** Milliseconds since 1970. */
  readonly checkedAt: number;
}

/** Reads both sides and compares them. Throws if the chain or the database fails (the caller reports null with why). */
export async function reconcileCoins(db: Kysely<Schema>, chain: ChainFigures, gameAssets: string, coinTokenId: number): Promise<CoinReconciliation> {
  const atBlock = await chain.settledBlock();
  const [events, supply] = await Promise.all([chain.coinEvents(atBlock), chain.totalSupply(coinTokenId, atBlock)]);
  // Read after the chain: a mint confirmed meanwhile is in the database but maybe not in the chain's figures, and inFlight covers the other way.
  const kinds = await mintedCoinsByKind(db, gameAssets, coinTokenId);
  const books = await chipBooks(db, atBlock);
  const coinSupply = supply ?? events.minted - events.deposited;
  const courtBonds = Number(events.bonds);
  const deposited = Number(events.deposited);
  const houseIssued = courtBonds + kinds.otherAwards;
  const expected = kinds.withdrawn - deposited + houseIssued;
  const difference = Number(coinSupply) - expected;
  const chipsAgree = books.netDepositChips === books.depositCoins - books.withdrawalCoins && books.creditedToBlock <= deposited;
  return {
    reconciled: difference >= 0 && difference <= kinds.inFlight && chipsAgree,
    atBlock,
    coinSupply: Number(coinSupply),
    coinSupplySource: supply === null ? 'events' : 'totalSupply',
    withdrawn: kinds.withdrawn,
    deposited,
    houseIssued,
    courtBonds,
    otherAwards: kinds.otherAwards,
    inFlight: kinds.inFlight,
    expected,
    difference,
    chips: { ...books, agree: chipsAgree },
    checkedAt: Date.now(),
  };
}
