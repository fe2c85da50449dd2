/**
 * A Redis of a test's own: Debian's redis-server on a free loopback port, in memory only
 * (CI installs the package; see .ci/run).
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freeLoopbackPort } from '../../server/free-port.ts';
import { reapWhenOrphaned } from './reaper.ts';

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freeLoopbackPort();
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  if (child.pid) reapWhenOrphaned(child.pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`redis-server could not start (apt-get install redis-server): ${e.message}`))));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await Promise.race([failed, answers(port)]);
    if (up) break;
    if (Date.now() > deadline) throw new Error('redis-server did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
