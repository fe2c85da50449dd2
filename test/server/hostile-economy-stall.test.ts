/**
 * Hostile: `GET /economy` as a way to stall the server. On SQLite every query runs on the event
 * loop's thread; house profit by game was one query over every draw ever played, run again at
 * every request after the 10 s cache, holding every room and request meanwhile (seconds at a few
 * hundred thousand draws: figures printed). It is now read in ranges of draws with the event loop
 * let through between them, and the settled past is summed once: the sums must equal the one
 * query's, through draws settling later and chip entries a court answer adds within the horizon.
 * On SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { houseSumsByGame } from '../../server/economy/economy-queries.ts';
import { CHUNK, HouseSums } from '../../server/economy/house-sums.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';

const U = UNITS_PER_CHIP;
const DAY = 86_400_000;

/** Turns of the event loop (setImmediate callbacks) while `work` runs, and its result. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; ms: number; value: T }> {
  let turns = 0;
  let running = true;
  const spin = () => void setImmediate(() => running && (turns++, spin()));
  spin();
  const t0 = performance.now();
  const value = await work();
  running = false;
  return { turns, ms: Math.round(performance.now() - t0), value };
}

describe.each(BACKENDS)('house sums on %s', (backend) => {
  const dbs = testDatabases(backend);

  it('equal the one query over every draw, read in ranges with the event loop let through, the settled past read once', { timeout: 120_000 }, async () => {
    const { db } = await dbs.open(await dbs.fresh());
    const now = 100 * DAY;
    const draws = 5 * CHUNK + 123;
    for (let i = 0; i < draws; i += 1000) {
      const rows = [];
      const entries = [];
      for (let j = i; j < Math.min(draws, i + 1000); j++) {
        const game = j % 3 === 0 ? 'blackjack' : 'dice';
        // The older half long past the horizon, the rest recent; one draw still open.
        const issued = j < draws / 2 ? now - 10 * DAY : now - 1000;
        rows.push({ room_id: `r${j % 7}`, draw_seq: j, receipt_seq: 0, receipt_hash: 'h', game, kind: 'bet', issued_at: issued, status: j === 3 * CHUNK + 5 ? ('open' as const) : ('settled' as const) });
        entries.push({ ref: `r${j % 7}/${j}/stake`, address: '0x' + 'a1'.repeat(20), delta: -(1 + (j % 5)) * U, reason: 'stake' as const });
        if (j % 2) entries.push({ ref: `r${j % 7}/${j}/payout`, address: '0x' + 'a1'.repeat(20), delta: 2 * (1 + (j % 5)) * U, reason: 'payout' as const });
      }
      await db.insertInto('draws').values(rows).execute();
      await db.insertInto('chip_entries').values(entries).execute();
    }
    const sums = new HouseSums(db, 2 * DAY, () => now);
    const whole = await turnsDuring(() => houseSumsByGame(db));
    const chunked = await turnsDuring(() => sums.read());
    console.log(`${backend}, ${draws} draws: one query ${whole.ms} ms with ${whole.turns} event loop turns; in ranges ${chunked.ms} ms with ${chunked.turns} turns`);
    expect(chunked.value).toEqual(whole.value);
    expect(chunked.turns).toBeGreaterThanOrEqual(Math.floor(draws / CHUNK));

    // The open draw settles and a recent void gets a court answer's entries: both counted.
    await db.updateTable('draws').set({ status: 'settled' }).where('draw_seq', '=', 3 * CHUNK + 5).execute();
    await db.insertInto('chip_entries').values({ ref: `r${(draws - 1) % 7}/${draws - 1}/court-payout`, address: '0x' + 'b2'.repeat(20), delta: 7 * U, reason: 'payout' }).execute();
    expect(await sums.read()).toEqual(await houseSumsByGame(db));
    // More draws: read after the frozen past only.
    await db.insertInto('draws').values({ room_id: 'late', draw_seq: 0, receipt_seq: 0, receipt_hash: 'h', game: 'dice', kind: 'bet', issued_at: now, status: 'void' }).execute();
    await db.insertInto('chip_entries').values([
      { ref: 'late/0/stake', address: '0x' + 'b2'.repeat(20), delta: -3 * U, reason: 'stake' },
      { ref: 'late/0/refund', address: '0x' + 'b2'.repeat(20), delta: 3 * U, reason: 'refund' },
    ]).execute();
    const again = await turnsDuring(() => sums.read());
    expect(again.value).toEqual(await houseSumsByGame(db));
    console.log(`${backend}: a reading after the settled past was kept: ${again.ms} ms, ${again.turns} turns`);
  });
});
