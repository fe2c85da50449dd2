/**
 * `GET /economy`'s answer: the economy in figures, from the database (aggregated in SQL,
 * economy-queries.ts) and GameAssets (chain-figures.ts). Chips and coins are whole (1 coin = 1
 * chip = 10^6 units), gas in gas units, cost in wei. The chain's part is optional: an
 * unreachable chain leaves the cap use out and says why; the rest is the database's.
 * @module
 */
import type { Kysely } from 'kysely';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { Schema } from '../db/schema.ts';
import { TOKENS, TOKEN_IDS } from '../awards/tokens.ts';
import { withDeadline, type ChainFigures } from './chain-figures.ts';
import * as q from './economy-queries.ts';
import { gasPerAward, houseBand, type HouseBand } from './house-band.ts';
import type { BonusRule } from './published-terms.ts';

/** Epochs of cap use shown (past epochs are read from the chain once). */
export const CAP_EPOCHS = 14;
/** How long the chain may take for the cap use before the answer goes without it. */
const CHAIN_DEADLINE_MS = 3000;

export interface EconomyReport {
  readonly generatedAt: number;
  readonly units: { readonly unitsPerChip: number; readonly coin: string };
  readonly epochSeconds: number;
  readonly supply: readonly { tokenId: number; name: string; samples: readonly { at: number; supply: number }[] }[];
  readonly flows: readonly { epoch: number; startsAt: number; withdrawals: { count: number; coins: number }; deposits: { count: number; coins: number } }[];
  readonly capUse: readonly { epoch: number; startsAt: number; tokens: readonly { tokenId: number; name: string; minted: number; epochCap: number; share: number }[] }[] | null;
  readonly house: readonly (HouseBand & { game: string })[];
  readonly gas: {
    readonly totals: { txs: number; awards: number; gas: number; wei: number; gasPerAward: number | null };
    readonly recent: readonly { n: number; hash: string; gasUsed: number; awards: number; gasPerAward: number | null }[];
    readonly byPlayer: readonly { address: string; awards: number; gas: number; wei: number; gasPerAward: number | null }[];
  };
  readonly topEarners: {
    readonly byChipsWon: readonly { address: string; chips: number }[];
    readonly byCoinsCashedOut: readonly { address: string; coins: number; count: number }[];
  };
  readonly bonusRule: BonusRule;
  /** Why part of the answer (the cap use) is missing. */
  readonly chainError?: string;
}

export interface EconomySources {
  readonly db: Kysely<Schema>;
  readonly chain: ChainFigures;
  /** GameAssets' address: the mint transactions the gas figures are of. */
  readonly gameAssets: string;
  /** Seconds per epoch when the chain cannot say. */
  readonly epochSecondsFallback: number;
  /** The published edge of a game, or null (published-terms.ts). */
  readonly publishedEdge: (game: string) => number | null;
  readonly bonusRule: BonusRule;
  /** House profit by game read in chunks, the settled past kept (house-sums.ts); else one query over every draw. */
  readonly houseSums?: () => Promise<q.GameSums[]>;
}

const chips = (units: number): number => units / UNITS_PER_CHIP;
const tokenName = (id: number): string => TOKENS.get(id)?.name ?? `token ${id}`;

/** The cap use of the last CAP_EPOCHS epochs, per token with a cap. */
async function capUse(chain: ChainFigures, epochSeconds: number): Promise<EconomyReport['capUse']> {
  const current = await chain.currentEpoch();
  const caps = await Promise.all(TOKEN_IDS.map(async (id) => [id, await chain.caps(id)] as const));
  const epochs = Array.from({ length: CAP_EPOCHS }, (_, i) => current - CAP_EPOCHS + 1 + i).filter((e) => e >= 0);
  return Promise.all(
    epochs.map(async (epoch) => ({
      epoch,
      startsAt: epoch * epochSeconds * 1000,
      tokens: await Promise.all(
        caps
          .filter((c): c is readonly [number, NonNullable<(typeof c)[1]>] => c[1] !== null)
          .map(async ([tokenId, cap]) => {
            const minted = Number(await chain.mintedInEpoch(epoch, tokenId, current));
            const epochCap = Number(cap.epochCap);
            return { tokenId, name: tokenName(tokenId), minted, epochCap, share: epochCap > 0 ? minted / epochCap : 0 };
          }),
      ),
    })),
  );
}

export async function economyReport(src: EconomySources): Promise<EconomyReport> {
  const { db, chain } = src;
  let chainError: string | undefined;
  const epochSeconds = await withDeadline(chain.epochLength(), CHAIN_DEADLINE_MS, 'epochLength').catch(() => src.epochSecondsFallback);
  const capsRead = withDeadline(capUse(chain, epochSeconds), CHAIN_DEADLINE_MS, 'cap use').catch((e: Error) => {
    chainError = `the chain did not answer: ${e.message.slice(0, 200)}`;
    return null;
  });
  const [samples, withdrawals, deposits, sums, recent, totals, byPlayer, winners, cashOuts, caps] = await Promise.all([
    Promise.all(TOKEN_IDS.map(async (id) => ({ tokenId: id, name: tokenName(id), samples: (await q.supplySamples(db, id)).map((s) => ({ at: s.at, supply: Number(s.supply) })) }))),
    q.flowsByEpoch(db, 'withdrawals', epochSeconds),
    q.flowsByEpoch(db, 'deposits', epochSeconds),
    src.houseSums ? src.houseSums() : q.houseSumsByGame(db),
    q.recentMintGas(db, src.gameAssets),
    q.gasTotals(db, src.gameAssets),
    q.gasByPlayer(db, src.gameAssets),
    q.topWinners(db),
    q.topCashOuts(db),
    capsRead,
  ]);
  const epochs = [...new Set([...withdrawals, ...deposits].map((f) => f.epoch))].sort((a, b) => a - b);
  const flow = (list: readonly q.EpochFlow[], epoch: number) => {
    const f = list.find((x) => x.epoch === epoch);
    return { count: f?.count ?? 0, coins: f?.coins ?? 0 };
  };
  return {
    generatedAt: Date.now(),
    units: { unitsPerChip: UNITS_PER_CHIP, coin: 'whole coins: GameAssets token 1, 1 coin = 1 chip' },
    epochSeconds,
    supply: samples,
    flows: epochs.map((epoch) => ({ epoch, startsAt: epoch * epochSeconds * 1000, withdrawals: flow(withdrawals, epoch), deposits: flow(deposits, epoch) })),
    capUse: caps,
    house: sums.map((s) => ({
      game: s.game,
      ...houseBand({ bets: s.bets, staked: chips(s.staked), profit: chips(s.profit), profitSquares: s.profitSquares / UNITS_PER_CHIP ** 2 }, src.publishedEdge(s.game)),
    })),
    gas: {
      totals: { ...totals, gasPerAward: gasPerAward(totals.gas, totals.awards) },
      recent: recent.map((t) => ({ n: t.n, hash: t.hash, gasUsed: t.gasUsed, awards: t.awards, gasPerAward: gasPerAward(t.gasUsed, t.awards) })),
      byPlayer: byPlayer.map((p) => ({ ...p, gasPerAward: gasPerAward(p.gas, p.awards) })),
    },
    topEarners: {
      byChipsWon: winners.map((w) => ({ address: w.address, chips: chips(w.units) })),
      byCoinsCashedOut: cashOuts,
    },
    bonusRule: src.bonusRule,
    ...(chainError ? { chainError } : {}),
  };
}
