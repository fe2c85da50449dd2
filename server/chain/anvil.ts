/**
 * Runs anvil (Foundry's Ethereum node, shipped as a binary inside its npm package): the embedded
 * chain of `npm start`, reached over an IPC socket from inside a private network namespace
 * (node-isolation.ts), and the plain loopback node the contract tests run against.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../free-port.ts';
import { IpcRpc } from './ipc-rpc.ts';
import { checkIpcPath, isolatedCommand, type NodeIsolation } from './node-isolation.ts';

export interface AnvilNode {
  /** Its HTTP URL: on loopback, or (isolation 'namespace') inside its namespace, where nothing else reaches it. */
  readonly url: string;
  readonly port: number;
  /** The IPC socket the server uses, when asked for one. */
  readonly ipcPath: string | undefined;
  readonly isolation: NodeIsolation;
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

export interface AnvilOptions {
  /** Where the node keeps its state between runs (the embedded chain's `${DATA_DIR}/chain/anvil-state.json`). */
  readonly stateFile?: string;
  readonly port?: number;
  /**
   * The embedded node's IPC socket, in a 0700 directory. With it the node is the server's own:
   * no CORS, no funded development accounts, and (isolation 'namespace') no reachable port.
   * Without it (test-owned nodes), a plain loopback node whose cheat methods the test uses.
   */
  readonly ipcPath?: string;
  /** Only with `ipcPath`; 'loopback' (the default) when namespaces are not allowed. */
  readonly isolation?: NodeIsolation;
}

/** The port anvil listens on inside its own network namespace: nothing else is there to collide with. */
const NAMESPACE_PORT = 8545;

export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilNode> {
  const isolation: NodeIsolation = opts.ipcPath ? (opts.isolation ?? 'loopback') : 'loopback';
  const port = opts.port ?? (isolation === 'namespace' ? NAMESPACE_PORT : await freeLoopbackPort());
  // --prune-history keeps no state history on disk: without it, history grows without bound.
  // It keeps 64 recent states in memory: with none, a read racing the sealing of a block finds
  // no state and answers as if the contract had no code (seen here: 37 of 1,500 calls).
  const args = ['--host', '127.0.0.1', '--port', String(port), '--prune-history', '64', '--silent'];
  if (opts.ipcPath) {
    checkIpcPath(opts.ipcPath);
    // The well-known development keys get no funds: the minter is funded by the server alone.
    args.push('--ipc', opts.ipcPath, '--no-cors', '--accounts', '0');
    mkdirSync(dirname(opts.ipcPath), { recursive: true, mode: 0o700 });
    chmodSync(dirname(opts.ipcPath), 0o700); // made by an older version, or by hand
  }
  const pidFile = opts.stateFile ? `${opts.stateFile}.pid` : undefined;
  if (opts.stateFile) {
    args.push('--state', opts.stateFile, '--state-interval', '1');
    mkdirSync(dirname(opts.stateFile), { recursive: true, mode: 0o700 });
    await awaitPreviousNode(pidFile!);
  }
  // A socket file a killed node left behind (its node is gone: awaited above).
  if (opts.ipcPath) rmSync(opts.ipcPath, { force: true });
  // Through a guard that stops the node when this process dies, however it dies.
  const guard = fileURLToPath(new URL('./anvil-guard.mjs', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [guard, ...isolatedCommand(isolation, anvilBinary(), args)], {
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
    if (await answers(url, opts.ipcPath)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${opts.ipcPath ?? url}: ${errors.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    ipcPath: opts.ipcPath,
    isolation,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Whether the node answers eth_chainId, on its IPC socket if it has one. */
async function answers(url: string, ipcPath: string | undefined): Promise<boolean> {
  if (!ipcPath) {
    const body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}';
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.ok, () => false);
  }
  return answersOnIpc(ipcPath);
}

/** Whether a node answers eth_chainId on the IPC socket at `ipcPath`. */
export async function answersOnIpc(ipcPath: string): Promise<boolean> {
  const ipc = new IpcRpc(ipcPath);
  try {
    return 'result' in (await ipc.call('eth_chainId', []));
  } catch {
    return false;
  } finally {
    ipc.close();
  }
}
