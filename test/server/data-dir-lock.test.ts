/**
 * The data directory's lock (`server/storage/data-dir-lock.ts`): one exclusive holder at a time,
 * in this process or another, or any number of shared ones (cluster members) but never both; the
 * holders' pids named to whoever is refused, and the lock free again the moment its holder is
 * SIGKILLed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataDirInUse, lockDataDir, PID_FILE } from '../../server/storage/data-dir-lock.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tempDir = () => mkdtempSync(join(tmpdir(), 'fairplay-lock-'));

/** A child process that takes the lock, says so, and holds it until killed. */
async function holder(dir: string, opts: { sharedAs?: string } = {}): Promise<{ pid: number; exited: Promise<void> }> {
  const script = `import { lockDataDir } from './server/storage/data-dir-lock.ts'; lockDataDir(${JSON.stringify(dir)}, ${JSON.stringify(opts)}); console.log('locked'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('locked') && resolve());
    void exited.then(() => reject(new Error('the holder exited before taking the lock')));
  });
  return { pid: child.pid!, exited };
}

function refusal(dir: string, opts: { sharedAs?: string } = {}): DataDirInUse {
  try {
    lockDataDir(dir, opts).release();
  } catch (e) {
    if (e instanceof DataDirInUse) return e;
    throw e;
  }
  throw new Error(`${dir} was locked although another holder has it`);
}

describe('data directory lock', () => {
  it('creates a missing directory 0700 and writes the holder pid; release removes the pid', () => {
    const dir = join(tempDir(), 'data');
    const lock = lockDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    lock.release();
    expect(existsSync(join(dir, PID_FILE))).toBe(false);
  });

  it('refuses a second holder in the same process until the first releases', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    const refused = refusal(dir);
    expect(refused.holderPids).toEqual([process.pid]);
    expect(refused.message).toContain(`in use by process ${process.pid}`);
    // The refusal took nothing from the holder: its pid is still there.
    expect(readFileSync(join(dir, PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    lockDataDir(dir).release();
  });

  it('refuses while another process holds it, naming that pid, and is free at once when it is SIGKILLed', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const other = await holder(dir);
    try {
      const refused = refusal(dir);
      expect(refused.holderPids).toEqual([other.pid]);
      expect(refusal(dir, { sharedAs: 'node-a' }).holderPids).toEqual([other.pid]);
      expect(refused.message).toContain(`in use by process ${other.pid}`);
    } finally {
      process.kill(other.pid, 'SIGKILL');
      await other.exited;
    }
    // No staleness to wait out: the kernel dropped the dead holder's lock.
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('stays held by a process that dropped every reference to it and collected its garbage', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    // The child forgets the returned lock at once, then collects garbage (more than once, with
    // turns between, so that any finalizer has run) before it says it is ready.
    const script = [
      `import { lockDataDir } from './server/storage/data-dir-lock.ts';`,
      `lockDataDir(${JSON.stringify(dir)});`,
      `for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }`,
      `console.log('collected'); setInterval(() => {}, 1000);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (c: Buffer) => c.toString().includes('collected') && resolve());
        void exited.then(() => reject(new Error('the child exited before collecting its garbage')));
      });
      expect(refusal(dir).holderPids).toEqual([child.pid]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('lets cluster members share it, refusing a lone server beside them (naming them all) and them beside a lone server', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const other = await holder(dir, { sharedAs: 'node-a' });
    try {
      const mine = lockDataDir(dir, { sharedAs: 'node-b' });
      const refused = refusal(dir);
      expect(refused.holderPids).toEqual([process.pid, other.pid].sort((a, b) => a - b));
      mine.release();
      expect(refusal(dir).holderPids).toEqual([other.pid]);
    } finally {
      process.kill(other.pid, 'SIGKILL');
      await other.exited;
    }
    // The SIGKILLed member's pid file is left behind, but it is not named: its process is gone.
    const lone = lockDataDir(dir);
    expect(refusal(dir, { sharedAs: 'node-a' }).holderPids).toEqual([process.pid]);
    lone.release();
  });
});
