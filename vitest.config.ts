import { defineConfig } from 'vitest/config';

/**
 * The fast tests: in-process code, files and short-lived helper processes (the VRF CLI, a journal
 * writer to SIGKILL), no game server, chain node, Redis or browser. `npm run test:unit` runs these;
 * `npm test` runs them and every other test file.
 */
const UNIT = [
  'test/fairness/**/*.test.ts',
  'test/vrf/**/*.test.ts',
  'test/server/applied-refs.test.ts',
  'test/server/award-sink.test.ts',
  'test/server/config.test.ts',
  'test/server/journal.test.ts',
  'test/server/journal-follower.test.ts',
  'test/server/keys.test.ts',
  'test/server/log.test.ts',
  'test/server/mint-log.test.ts',
  'test/server/siwe.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // Bounds on a hang, not speed claims: a test that starts servers waits for them (about 15 s each
    // on a busy 2-core machine), and each wait inside a test has a bound of its own with a message.
    testTimeout: 60_000,
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
    ],
  },
});
