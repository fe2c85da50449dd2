/**
 * Where the embedded node runs so that only the server reaches it. Anvil always listens on an
 * HTTP port (it has no flag to turn that off) and its cheat methods (anvil_*, evm_*) mint,
 * impersonate and roll back at will. So the server runs it in a private network namespace of
 * its own (`unshare -rn`: a user and network namespace where nothing outside reaches any port)
 * and talks to it over an IPC socket in the 0700 chain directory. Where namespaces are not
 * allowed (some containers), the node falls back to loopback HTTP, which every local process
 * can reach: the server says so loudly.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { MAX_IPC_PATH_BYTES } from './ipc-rpc.ts';

export type NodeIsolation = 'namespace' | 'loopback';

/** The command that puts the node in its namespace: `UNSHARE_PATH`, else `unshare` on the PATH. */
export function unshareBinary(env: Record<string, string | undefined> = process.env): string {
  return env['UNSHARE_PATH'] || 'unshare';
}

/** Whether `unshare -rn` works here: it is run once, on a command that does nothing. */
export function namespaceAvailable(unshare = unshareBinary()): boolean {
  const probe = spawnSync(unshare, ['-rn', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0;
}

/** The loud warning of the fallback, once per start. */
export const LOOPBACK_WARNING =
  'the embedded chain node runs on loopback HTTP, not in a network namespace (`unshare -rn` is not allowed here): ' +
  'every local process can reach it and use its cheat methods (anvil_*, evm_*) to mint or roll back; ' +
  'allow user namespaces, or use CHAIN_RPC_URL and GAME_ASSETS_ADDRESS';

/** How the node is started: the namespace if the probe allows it, loopback otherwise (then `warn` is called). */
export function chooseIsolation(available: boolean, warn: (message: string) => void): NodeIsolation {
  if (available) return 'namespace';
  warn(LOOPBACK_WARNING);
  return 'loopback';
}

/** The command line that runs `binary args` with the isolation: `unshare` execs the node, so its pid is the node's. */
export function isolatedCommand(isolation: NodeIsolation, binary: string, args: readonly string[]): [string, ...string[]] {
  return isolation === 'namespace' ? [unshareBinary(), '-rn', binary, ...args] : [binary, ...args];
}

/** Refuses an IPC path the kernel cannot hold, naming the fix, rather than letting the node fail obscurely. */
export function checkIpcPath(path: string): void {
  if (Buffer.byteLength(path) > MAX_IPC_PATH_BYTES)
    throw new Error(`the chain node's IPC socket ${path} is longer than ${MAX_IPC_PATH_BYTES} bytes, the most a unix socket path holds: use a shorter DATA_DIR`);
}
