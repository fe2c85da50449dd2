/**
 * Cluster liveness is renewed off the main thread (`server/cluster/liveness-worker.ts`): a
 * process whose main thread is kept busy three times the liveness TTL keeps its key the whole
 * time and is not told it is lost; one whose main thread hangs past MAIN_STALL_MS is ended, and
 * its key lapses for survivors to see; one whose main thread is busy when Redis goes away is
 * ended by its worker once the key is lost, long before MAIN_STALL_MS, since its main thread
 * cannot stop writing in time. Real redis-server, real child processes, and a watcher
 * with its own Redis connection sampling the key's remaining time to live.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX, LIVENESS_MS, MAIN_STALL_MS } from '../../server/cluster/cluster-node.ts';
import { reapWhenOrphaned } from '../helpers/reaper.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait-for.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let redis: TestRedis;
let watcher: Redis;
beforeAll(async () => {
  redis = await startRedis();
  watcher = new Redis(redis.url);
});
afterAll(async () => {
  watcher?.disconnect();
  await redis?.stop();
});

interface Member {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  send(command: string): void;
}

async function startMember(nodeId: string, mainStallMs?: number, redisUrl = redis.url): Promise<Member> {
  const args = ['--import', 'tsx', 'test/helpers/cluster-node-child.ts', redisUrl, nodeId, ...(mainStallMs ? [String(mainStallMs)] : [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  reapWhenOrphaned(child.pid!);
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (c: Buffer) => {
    buffered += c.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitFor(() => lines.some((l) => l['joined'] === nodeId), { what: `${nodeId} to join the cluster`, timeout: 60_000 });
  return { child, lines, stderr, exited, send: (command) => child.stdin!.write(`${command}\n`) };
}

/** Samples the key's remaining time to live (ms; -2 once it is gone) until `done` resolves. */
async function sampleTtl(key: string, done: Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    samples.push(await watcher.pttl(key));
    await new Promise((r) => setTimeout(r, 50));
  }
  return samples;
}

describe('cluster liveness renewal', () => {
  it('a main thread busy for three liveness TTLs keeps its key throughout and is not declared lost', { timeout: 120_000 }, async () => {
    const busyMs = 3 * LIVENESS_MS;
    const member = await startMember('busy1');
    const key = `${KEY_PREFIX}node:busy1`;
    try {
      member.send(`busy ${busyMs}`);
      const idle = waitFor(() => member.lines.find((l) => l['idle']), { what: 'the member to come back from its busy spell', timeout: busyMs + 60_000 });
      const samples = await sampleTtl(key, idle);
      const reported = await idle;
      console.log(
        `liveness key while the main thread spun ${busyMs} ms: ${samples.length} samples, lowest remaining TTL ${Math.min(...samples)} ms of ${LIVENESS_MS} (2026-12-01)`,
      );
      expect(samples.length).toBeGreaterThan(0);
      // -2 would be a missing key: it never lapsed, not for one sample.
      expect(samples.every((ttl) => ttl > 0)).toBe(true);
      expect(reported['lost']).toEqual([]);
      expect(member.lines.filter((l) => 'lost' in l && !('idle' in l))).toEqual([]);
    } finally {
      member.send('leave');
      await member.exited;
    }
    expect(await watcher.exists(key)).toBe(0);
  });

  it('a busy main thread cut off from Redis is ended by its worker once the key is lost, before MAIN_STALL_MS', { timeout: 120_000 }, async () => {
    // A Redis of this test's own, to stop under the member. The spell is shorter than
    // MAIN_STALL_MS, so the stall limit cannot be what ends it; without the worker's own stop
    // the member would come back from it, be told it is lost, and live on.
    const own = await startRedis();
    const spellMs = MAIN_STALL_MS - 20_000;
    let member: Member | undefined;
    try {
      member = await startMember('cut1', undefined, own.url);
      member.send(`busy ${spellMs}`);
      await waitFor(() => member!.lines.some((l) => l['spinning']), { what: 'the member to start spinning' });
      const cutAt = performance.now();
      await own.stop();
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      void member.exited.then((e) => (exit = e));
      await waitFor(() => exit, { what: 'the member to be ended while its main thread spins', timeout: spellMs });
      const said = member.lines.find((l) => /the main thread did not stop within \d+ ms/.test(String(l['msg'])));
      console.log(`member cut off from Redis while busy: ${JSON.stringify(exit)} ${Math.round(performance.now() - cutAt)} ms after Redis stopped (its spell ${spellMs} ms, MAIN_STALL_MS ${MAIN_STALL_MS}), logged: ${JSON.stringify(said)}`);
      expect(exit!.signal).toBe('SIGKILL');
      // Ended for its lost key, not as hung, and while its main thread still spun.
      expect(said).toMatchObject({ level: 60 });
      expect(String(said!['msg'])).toContain('no liveness renewal');
      expect(member.lines.some((l) => 'idle' in l || 'lost' in l)).toBe(false);
    } finally {
      if (member && member.child.exitCode === null && member.child.signalCode === null) member.child.kill('SIGKILL');
      await own.stop();
    }
  });

  it('a main thread hung past MAIN_STALL_MS is ended, and its key lapses', { timeout: 120_000 }, async () => {
    const member = await startMember('hung1', 3_000);
    const key = `${KEY_PREFIX}node:hung1`;
    member.send('hang');
    const exit = await member.exited;
    const said = member.lines.find((l) => /main thread hung for \d+ ms/.test(String(l['msg'])));
    console.log(`hung member: ${JSON.stringify(exit)}, logged: ${JSON.stringify(said)}`);
    expect(exit.signal).toBe('SIGKILL');
    expect(said).toMatchObject({ level: 60 });
    await waitFor(async () => (await watcher.exists(key)) === 0, { what: "the hung member's liveness key to lapse", timeout: LIVENESS_MS + 30_000 });
  });
});
