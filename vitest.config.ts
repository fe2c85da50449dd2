import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * The fast tests: in-process code, files and short-lived helper processes (the VRF CLI, a
 * PostgreSQL of the database and index tests' own), no game server, chain node, Redis or browser. `npm run test:unit` runs these;
 * `npm test` runs them and every other test file.
 */
const UNIT = [
  'test/fairness/**/*.test.ts',
  'test/games/**/*.test.ts',
  'test/vrf/**/*.test.ts',
  'test/server/award-sink.test.ts',
  'test/server/chip-ledger.test.ts',
  'test/server/config.test.ts',
  'test/server/data-dir-lock.test.ts',
  'test/server/database.test.ts',
  'test/server/economy-stats.test.ts',
  'test/server/fair-order.test.ts',
  'test/server/indexes.test.ts',
  'test/server/keys.test.ts',
  'test/server/log.test.ts',
  'test/server/mint-log.test.ts',
  'test/server/old-journal-reader.test.ts',
  'test/server/rate-limits.test.ts',
  'test/server/room-auth.test.ts',
  'test/server/siwe.test.ts',
  'test/server/statement-cache.test.ts',
  'test/server/start-imports.test.ts',
];

/**
 * Server tests whose subject is not storage: the chain's isolation, sign-in, rate limits, and the
 * transcript route's streaming under load (its reads on PostgreSQL are covered by
 * transcript-pages, which runs there; the 10 MB room it plays takes minutes on 2 cores).
 */
const NOT_ON_POSTGRES = [
  'test/server/hostile-chain.test.ts',
  'test/server/hostile-signin.test.ts',
  'test/server/hostile-rate-limits.test.ts',
  'test/server/hostile-transcripts.test.ts',
];

/**
 * The server suite again on PostgreSQL: every test file under test/server that starts servers,
 * but those that choose their backends themselves (they import test/helpers/databases.ts and run
 * on both already, or start a PostgreSQL of their own) and those of NOT_ON_POSTGRES. Found by
 * reading the files, so a new server test joins without a list to keep.
 */
const SERVER_ON_POSTGRES = readdirSync('test/server')
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `test/server/${name}`)
  .filter((path) => !UNIT.includes(path) && !NOT_ON_POSTGRES.includes(path))
  .filter((path) => {
    const text = readFileSync(path, 'utf8');
    return text.includes('startServerProcess') && !text.includes('helpers/databases.ts') && !text.includes('helpers/postgres.ts');
  });

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // A backstop against a hang, not a speed claim. Each wait inside a test has a bound of its own
    // that names what it waited for (waitFor, Playwright's waits, a start's START_TIMEOUT_MS); the
    // backstop must exceed their sum, or a slow step is reported only as "timed out in N ms" (as
    // the two-browser raid test was at 60 s, under load, with waits of 20 + 30 + 30 + 10 + 10 + 20 s).
    // Tests that start servers in their body set their own, from timeoutWithStarts().
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          // The browser client is built once, so server processes started by tests find it fresh.
          globalSetup: ['./test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'system-postgres',
          include: SERVER_ON_POSTGRES,
          globalSetup: ['./test/global-setup.ts', './test/postgres-global-setup.ts'],
          setupFiles: ['./test/postgres-setup.ts'],
        },
      },
    ],
  },
});
