/**
 * The embedded node's isolation, on real anvil nodes: in its namespace it answers on its IPC
 * socket only; where namespaces are not allowed, the fallback is loopback HTTP with a loud warning.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { checkIpcPath, chooseIsolation, LOOPBACK_WARNING, namespaceAvailable } from '../../server/chain/node-isolation.ts';

const nodes: AnvilNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

const chainIdOver = (url: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' }).then(
    (r) => r.ok,
    () => false,
  );

async function started(isolation: 'namespace' | 'loopback'): Promise<AnvilNode> {
  const dir = join(mkdtempSync(join(tmpdir(), 'fairplay-iso-')), 'chain');
  const node = await startAnvil({ ipcPath: join(dir, 'anvil.ipc'), isolation });
  nodes.push(node);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  const provider = new IpcJsonRpcProvider(node.ipcPath!);
  try {
    expect((await provider.getNetwork()).chainId).toBe(31337n);
    // No funded development accounts: the well-known keys cannot pay for anything.
    expect(await provider.send('eth_accounts', [])).toEqual([]);
  } finally {
    provider.destroy();
  }
  return node;
}

describe('the embedded node', () => {
  it('falls back to loopback with the warning when `unshare -rn` is not there', async () => {
    expect(namespaceAvailable('/nonexistent/unshare')).toBe(false);
    const warnings: string[] = [];
    expect(chooseIsolation(false, (m) => warnings.push(m))).toBe('loopback');
    expect(warnings).toEqual([LOOPBACK_WARNING]);
    expect(chooseIsolation(true, (m) => warnings.push(m))).toBe('namespace');
    expect(warnings).toHaveLength(1);
    const node = await started('loopback');
    expect(await chainIdOver(node.url)).toBe(true); // what the warning is about
  });

  it.runIf(namespaceAvailable())('in its namespace answers on its IPC socket, and on no port outside', async () => {
    const node = await started('namespace');
    expect(await chainIdOver(node.url)).toBe(false);
  });

  it.runIf(namespaceAvailable())('in its namespace still stops when the process that started it is killed with SIGKILL', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const { answersOnIpc } = await import('../../server/chain/anvil.ts');
    const { waitFor } = await import('../helpers/wait-for.ts');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const ipcPath = join(mkdtempSync(join(tmpdir(), 'fairplay-iso-')), 'chain', 'anvil.ipc');
    const script = `const m = await import('./server/chain/anvil.ts'); await m.startAnvil({ ipcPath: ${JSON.stringify(ipcPath)}, isolation: 'namespace' }); console.log('up'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    const ask = () => answersOnIpc(ipcPath);
    expect(await ask()).toBe(true);
    child.kill('SIGKILL');
    await waitFor(async () => !(await ask()), { what: 'the namespaced node to stop after its starter was SIGKILLed', timeout: 30_000, interval: 100 });
  });

  it('refuses an IPC path longer than a unix socket holds', () => {
    expect(() => checkIpcPath('/' + 'd'.repeat(120) + '/anvil.ipc')).toThrow(/use a shorter DATA_DIR/);
  });
});
