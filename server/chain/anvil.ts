/**
 * Runs anvil (Foundry's Ethereum node, shipped as a binary inside its npm package) on loopback:
 * the embedded chain of `npm start`, and the real node the contract tests run against.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../free-port.ts';

export interface AnvilNode {
  readonly url: string;
  readonly port: number;
  /** Stops the node; with a state file, SIGTERM lets it write its last state first. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves when the node has exited, stopped or not. */
  readonly exited: Promise<void>;
}

/** The anvil binary: `ANVIL_PATH`, else the one in `@foundry-rs/anvil-linux-amd64`. */
export function anvilBinary(env: Record<string, string | undefined> = process.env): string {
  if (env['ANVIL_PATH']) return env['ANVIL_PATH'];
  try {
    const pkg = createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/package.json');
    return join(dirname(pkg), 'bin', 'anvil');
  } catch {
    throw new Error('no anvil binary: the embedded chain needs Linux x64 (npm package @foundry-rs/anvil-linux-amd64) or ANVIL_PATH');
  }
}

/** Waits until the process in `pidFile` (a node a killed server left behind) has exited. */
async function awaitPreviousNode(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && Number.isInteger(pid) && pid > 0 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
}

export async function startAnvil(opts: { stateFile?: string; port?: number } = {}): Promise<AnvilNode> {
  const port = opts.port ?? (await freeLoopbackPort());
  // --prune-history keeps no state history on disk: without it, history grows without bound.
  // It keeps 64 recent states in memory: with none, a read racing the sealing of a block finds
  // no state and answers as if the contract had no code (seen here: 37 of 1,500 calls).
  const args = ['--host', '127.0.0.1', '--port', String(port), '--prune-history', '64', '--silent'];
  const pidFile = opts.stateFile ? `${opts.stateFile}.pid` : undefined;
  if (opts.stateFile) {
    args.push('--state', opts.stateFile, '--state-interval', '1');
    mkdirSync(dirname(opts.stateFile), { recursive: true, mode: 0o700 });
    await awaitPreviousNode(pidFile!);
  }
  // Through a guard that stops the node when this process dies, however it dies.
  const guard = fileURLToPath(new URL('./anvil-guard.mjs', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [guard, anvilBinary(), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ANVIL_GUARD_PARENT: String(process.pid) },
  });
  if (pidFile) writeFileSync(pidFile, String(child.pid));
  const errors: string[] = [];
  child.stderr!.on('data', (c: Buffer) => errors.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${errors.join('')}`);
    const ready = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${url}: ${errors.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
