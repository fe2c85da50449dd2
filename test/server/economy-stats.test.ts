/**
 * The economy's figures on fixed data: the 95% band's arithmetic, gas per award, and the SQL
 * that aggregates house profit by game, gas per award and per player, top earners and the coin
 * reconciliation's database side, on SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { gasByPlayer, gasTotals, houseSumsByGame, mintedCoinsByKind, recentMintGas, topWinners } from '../../server/economy/economy-queries.ts';
import { gasPerAward, houseBand, Z_95 } from '../../server/economy/house-band.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';

const U = UNITS_PER_CHIP;
const A = '0x' + 'a1'.repeat(20);
const B = '0x' + 'b2'.repeat(20);
const ASSETS = '0x' + 'cc'.repeat(20);

describe('the house band', () => {
  it('gives the realised edge, the sample variance band and whether the published edge is in it', () => {
    // Four 1-chip bets; one paid 1.98 chips: profits -0.98, 1, 1, 1.
    const band = houseBand({ bets: 4, staked: 4, profit: 2.02, profitSquares: 0.98 ** 2 + 3 }, 0.01);
    expect(band.realisedEdge).toBeCloseTo(0.505, 12);
    // s² = (3.9604 − 2.02²/4) / 3 = 0.9801, s = 0.99; half width = 1.96 · 0.99 · √4 / 4.
    const half = (Z_95 * 0.99 * 2) / 4;
    expect(band.band!.low).toBeCloseTo(0.505 - half, 12);
    expect(band.band!.high).toBeCloseTo(0.505 + half, 12);
    expect(band.expectedProfit).toBeCloseTo(0.04, 12);
    expect(band.expectedInBand).toBe(true);
    // Outside [0.505 − 0.970, 0.505 + 0.970]: a published edge of 150%.
    expect(houseBand({ bets: 4, staked: 4, profit: 2.02, profitSquares: 3.9604 }, 1.5).expectedInBand).toBe(false);
  });

  it('draws no band under 2 bets or without stakes, and a zero-width band when every bet is alike', () => {
    expect(houseBand({ bets: 1, staked: 1, profit: 1, profitSquares: 1 }, 0.01).band).toBeNull();
    expect(houseBand({ bets: 0, staked: 0, profit: 0, profitSquares: 0 }, null)).toMatchObject({ realisedEdge: null, band: null, expectedInBand: null, expectedProfit: null });
    const same = houseBand({ bets: 3, staked: 3, profit: 3, profitSquares: 3 }, null);
    expect(same.band).toEqual({ low: 1, high: 1 });
  });

  it('shares a transaction’s gas evenly among its awards', () => {
    expect(gasPerAward(150_000, 3)).toBe(50_000);
    expect(gasPerAward(150_000, 0)).toBeNull();
  });
});

describe.each(BACKENDS)('the economy queries on %s', (backend) => {
  const dbs = testDatabases(backend);

  it('aggregate house profit by game over ended draws, gas per award and per player, top earners and minted coins', async () => {
    const { db } = await dbs.open(await dbs.fresh());
    let n = 0;
    const draw = (room: string, seq: number, game: string, status: 'open' | 'settled' | 'void') => ({
      room_id: room, draw_seq: seq, receipt_seq: 1, receipt_hash: 'h', game, kind: 'bet', issued_at: 0, status, end_seq: null, end_hash: null, n: ++n,
    });
    await db.insertInto('draws').values([
      draw('d1', 0, 'dice', 'settled'), draw('d1', 1, 'dice', 'settled'), draw('d1', 2, 'dice', 'settled'), draw('d1', 3, 'dice', 'settled'),
      draw('d1', 4, 'dice', 'void'), draw('d1', 5, 'dice', 'open'),
      draw('b1', 0, 'blackjack', 'settled'), draw('b1', 1, 'blackjack', 'settled'),
    ]).execute();
    const e = (ref: string, address: string, delta: number, reason: 'grant' | 'stake' | 'double' | 'payout' | 'refund') => ({ ref, address, delta, reason });
    await db.insertInto('chip_entries').values([
      e(`grant/${A}`, A, 1000 * U, 'grant'),
      e('d1/0/stake', A, -U, 'stake'), e('d1/0/payout', A, 1.98 * U, 'payout'),
      e('d1/1/stake', A, -U, 'stake'), e('d1/2/stake', B, -U, 'stake'), e('d1/3/stake', B, -U, 'stake'),
      e('d1/4/stake', B, -5 * U, 'stake'), e('d1/4/refund', B, 5 * U, 'refund'),
      e('d1/5/stake', B, -7 * U, 'stake'),
      e('b1/0/stake', A, -2 * U, 'stake'), e('b1/0/double', A, -2 * U, 'double'), e('b1/0/payout', A, 8 * U, 'payout'),
      e('b1/1/stake', B, -U, 'stake'),
    ]).execute();
    // The ledger keeps each address's row in the same transaction as its entries.
    await db.insertInto('chip_balances').values([
      { address: A, units: 1003.98 * U, bonus_units: 1000 * U, wagered_units: 6 * U, net_deposit_units: 0 },
      { address: B, units: -10 * U, bonus_units: 0, wagered_units: 10 * U, net_deposit_units: 0 },
    ]).execute();
    const sums = await houseSumsByGame(db);
    expect(sums).toEqual([
      { game: 'blackjack', bets: 2, staked: 5 * U, profit: -3 * U, profitSquares: (4 * U) ** 2 + U ** 2 },
      { game: 'dice', bets: 4, staked: 4 * U, profit: 2.02 * U, profitSquares: expect.closeTo((0.98 * U) ** 2 + 3 * U ** 2, -3) },
    ]);
    // A won 0.98 + (-1) + 4 chips from play; B lost 1 + 1 + 7 (open stake) + 1; grants are not winnings.
    expect(await topWinners(db)).toEqual([{ address: A, units: 3.98 * U }, { address: B, units: -10 * U }]);

    const award = (id: string, who: string, tokenId: number, amount: number) => ({
      award_id: id, n: ++n, player: who, address: who, token_id: tokenId, amount, room_id: 'r', draw_seq: 0, record_seq: 0, record_hash: id,
    });
    await db.insertInto('awards').values([award('w1', A, 1, 50), award('x1', B, 1, 7), award('i1', A, 101, 1), award('s1', B, 1, 3)]).execute();
    await db.insertInto('withdrawals').values({ award_id: 'w1', address: A, request_id: 'req-0001', coins: 50, requested_at: 0 }).execute();
    const tx = (hash: string, state: 'sent' | 'confirmed', gas: string | null, price: string | null) => ({
      hash, contract: ASSETS, n: ++n, state, nonce: 0, raw: null, award_ids: null, block_number: null, block_hash: null, reason: null, gas_used: gas, gas_price: price,
    });
    await db.insertInto('mint_txs').values([tx('t1', 'confirmed', '100000', '2'), tx('t2', 'confirmed', '60000', '1'), tx('t3', 'sent', null, null)]).execute();
    // The fairness key's transactions share the table under another label: not mint gas.
    await db.insertInto('mint_txs').values({ ...tx('f1', 'confirmed', '900000', '5'), contract: 'fairness:0x' + 'dd'.repeat(20) }).execute();
    await db.insertInto('minted_awards').values([
      { contract: ASSETS, award_id: 'w1', hash: 't1' }, { contract: ASSETS, award_id: 'x1', hash: 't1' }, { contract: ASSETS, award_id: 'i1', hash: 't2' },
    ]).execute();
    await db.insertInto('mint_tx_awards').values([{ hash: 't3', award_id: 's1' }]).execute();

    expect(await gasTotals(db, ASSETS)).toEqual({ txs: 2, awards: 3, gas: 160_000, wei: 260_000 });
    expect((await recentMintGas(db, ASSETS)).map((t) => [t.hash, t.gasUsed, t.awards])).toEqual([['t1', 100_000, 2], ['t2', 60_000, 1]]);
    expect(await gasByPlayer(db, ASSETS)).toEqual([
      { address: A, awards: 2, gas: 110_000, wei: 160_000 },
      { address: B, awards: 1, gas: 50_000, wei: 100_000 },
    ]);
    expect(await mintedCoinsByKind(db, ASSETS.toUpperCase().replace('0X', '0x'), 1)).toEqual({ withdrawn: 50, otherAwards: 7, inFlight: 3 });
  });
});
