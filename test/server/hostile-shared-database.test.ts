/**
 * A second lone server on the PostgreSQL database a running one uses, with a data directory of
 * its own (so the directory's lock does not stop it): both would own rooms as `local`, and the
 * second's recovery would settle the first's live rooms. It is refused before it starts a chain
 * node or listens, naming the owner and the holder's pid, while the first serves an honest
 * player throughout; once the first is SIGKILLed, a new server starts on the database at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startServerProcess, timeoutWithStarts } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

describe('hostile: a second lone server on the same PostgreSQL database', () => {
  it('is refused, naming the owner and holder, while the first serves an honest player; after a SIGKILL the owner is free at once', { timeout: timeoutWithStarts(3, 60_000) }, async () => {
    const env = { DATABASE_URL: await postgres.createDatabase() };
    const first = await startServerProcess({ env });
    const bettor = await HonestBettor.start(first.url);
    try {
      await waitFor(() => bettor.gambler.outcomes.length > 0, { what: 'the honest player to get an outcome before the second start' });
      let refusal = '';
      try {
        const second = await startServerProcess({ env });
        await second.stop();
      } catch (e) {
        refusal = (e as Error).message;
      }
      console.log(`second lone server on the same database: ${refusal.split('\n').find((l) => l.includes('in use')) ?? refusal}`);
      expect(refusal).toMatch(/server exited before listening \(exit code [1-9]\d*\)/);
      expect(refusal).toContain(`rooms owner 'local' is in use`);
      expect(refusal).toContain(`fairplay local pid ${first.pid}`);
      expect(refusal).not.toContain('settled rooms left open');

      // The first server plays on after the attempt: its room was not settled under it.
      const outcomesAtRefusal = bettor.gambler.outcomes.length;
      await waitFor(() => bettor.gambler.outcomes.length > outcomesAtRefusal, { what: 'the honest player to get an outcome after the refusal' });
    } finally {
      const report = await bettor.stop();
      console.log(describeHonest('second lone server refused', report));
      expect(report.errors).toEqual([]);
      expect(report.bets).toBeGreaterThan(0);
    }
    expect((await fetch(`${first.url}/health`)).ok).toBe(true);

    // PostgreSQL ends a SIGKILLed holder's session as its socket closes: nothing to wait out.
    await first.stop('SIGKILL');
    const next = await startServerProcess({ env });
    try {
      expect((await fetch(`${next.url}/health`)).ok).toBe(true);
    } finally {
      expect(await next.stop()).toBe(0);
    }
  });
});
