/**
 * A second server started on a data directory that a running server holds: it is refused
 * before it starts a chain node or listens, exits non-zero and names the holder's pid, while
 * the first server serves on and an honest player bets throughout; `npm run migrate-data` from
 * that directory is refused likewise. Once the holder is SIGKILLed,
 * a new server starts on the directory at once (the lock is the kernel's, nothing stale is left).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PID_FILE } from '../../server/storage/data-dir-lock.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = promisify(execFile);

describe('hostile: a second server on the same data directory', () => {
  it('is refused, naming the holder, while the first serves an honest player; after a SIGKILL the directory is free at once', { timeout: timeoutWithStarts(3, 60_000) }, async () => {
    const first = await startServerProcess();
    const bettor = await HonestBettor.start(first.url);
    const anvilPidFile = join(first.dataDir, 'chain', 'anvil-state.json.pid');
    const anvilGuard = readFileSync(anvilPidFile, 'utf8');
    let refusal = '';
    try {
      await startServerProcess({ dataDir: first.dataDir });
    } catch (e) {
      refusal = (e as Error).message;
    }
    console.log(`second server on ${first.dataDir}: ${refusal.split('\n').find((l) => l.includes('in use')) ?? refusal}`);
    expect(refusal).toMatch(/server exited before listening \(exit code [1-9]\d*\)/);
    expect(refusal).toContain(`in use by process ${first.pid}`);
    expect(refusal).not.toContain('fairplay listening');
    // It never reached the chain node: the first server's guard is still the one on record.
    expect(readFileSync(anvilPidFile, 'utf8')).toBe(anvilGuard);
    expect(readFileSync(join(first.dataDir, PID_FILE), 'utf8').trim()).toBe(String(first.pid));

    // Nor may a migration read and rename the files under it.
    const migration = await run(process.execPath, ['--import', 'tsx', 'server/migrate-data.ts', '--from', first.dataDir], { env: { ...process.env, DATA_DIR: tempDataDir() } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    console.log(`migrate-data --from ${first.dataDir}: exit code ${migration.code}, ${migration.stderr.trim()}`);
    expect(migration.code).toBe(1);
    expect(migration.stderr).toContain(`in use by process ${first.pid}`);

    // The first server plays on after the attempts.
    const outcomesAtRefusal = bettor.gambler.outcomes.length;
    await waitFor(() => bettor.gambler.outcomes.length > outcomesAtRefusal, { what: 'the honest player to get an outcome after the refusal' });
    const report = await bettor.stop();
    console.log(describeHonest('second server refused', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
    expect((await fetch(`${first.url}/health`)).ok).toBe(true);

    await first.stop('SIGKILL');
    const next = await startServerProcess({ dataDir: first.dataDir });
    try {
      expect((await fetch(`${next.url}/health`)).ok).toBe(true);
      expect(readFileSync(join(first.dataDir, PID_FILE), 'utf8').trim()).toBe(String(next.pid));
    } finally {
      expect(await next.stop()).toBe(0);
    }
  });
});
