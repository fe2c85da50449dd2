/**
 * Runs the real server (`server/main.ts`) as a child process on a free loopback port, the way
 * `npm start` does, so tests can stop it with SIGTERM or SIGKILL and start it again on the same
 * data directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../server/free-port.ts';
import { reapWhenOrphaned } from './reaper.ts';
import { serverDatabaseEnv } from './server-database.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export const freePort = freeLoopbackPort;

/**
 * How long a server may take to answer its first HTTP request before `startServerProcess` gives up:
 * a bound on a hang, not a speed claim. A start loads the code, starts and deploys to the
 * embedded chain node: 5 s on a quiet machine, 15 s and more on a busy 2-core one.
 */
export const START_TIMEOUT_MS = 60_000;

/** A test's timeout when its body starts `starts` servers: their bounds, plus `rest` ms for everything else it waits on. */
export const timeoutWithStarts = (starts: number, rest: number): number => starts * START_TIMEOUT_MS + rest;

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'fairplay-test-'));
}

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  readonly logs: string[];
  /** Sends the signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Every test client comes from 127.0.0.1, and some tests open hundreds (bursts, load, the
 * browser's static files): rate limits far above what they reach, unless a test sets its own.
 */
export const TEST_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_HTTP: '1000000',
  RATE_LIMIT_EXPENSIVE: '1000000',
  RATE_LIMIT_JOINS: '1000000',
  RATE_LIMIT_ROOM_CREATES: '1000000',
  RATE_LIMIT_ROOM_CREATES_PER_IP: '1000000',
  // Every test player signs in from 127.0.0.1: each gets its starting bonus unless a test sets the gate's defaults.
  BONUS_PER_IP: '1000000',
  BONUS_PER_SESSION_KEY: '1000000',
};

/** `execArgv`: Node options before the script (the bench's `--cpu-prof`, which NODE_OPTIONS does not take). */
export async function startServerProcess(opts: { dataDir?: string; port?: number; env?: Record<string, string>; execArgv?: readonly string[] } = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const port = opts.port ?? (await freePort());
  // Node itself with tsx as its loader, not the tsx CLI: the CLI runs the script in a child
  // process of its own, so a SIGKILL would stop only the CLI and leave the server running.
  const child: ChildProcess = spawn(process.execPath, [...(opts.execArgv ?? []), '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    // The project's database unless the test names one (server-database.ts).
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...TEST_RATE_LIMITS, ...(await serverDatabaseEnv(dataDir)), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  reapWhenOrphaned(child.pid!);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (c: Buffer) => logs.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => logs.push(c.toString()));
  // Ready means answering HTTP, whatever the log level.
  let gone = false;
  let exitCode: number | null = null;
  void exited.then((code) => ((gone = true), (exitCode = code)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (gone) throw new Error(`server exited before listening (exit code ${exitCode}):\n${logs.join('')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // never leave a half-started server behind
      throw new Error(`server did not answer within ${START_TIMEOUT_MS} ms of its start:\n${logs.join('')}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://localhost:${port}`,
    port,
    dataDir,
    pid: child.pid!,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs the server's embedded anvil itself (not its guard, which would stop it gracefully). */
export function killEmbeddedNode(dataDir: string): void {
  const guard = readFileSync(join(dataDir, 'chain', 'anvil-state.json.pid'), 'utf8').trim();
  const pid = Number(execFileSync('pgrep', ['-P', guard]).toString().trim().split('\n')[0]);
  process.kill(pid, 'SIGKILL');
}
