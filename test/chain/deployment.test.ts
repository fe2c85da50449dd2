import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, type JsonRpcSigner } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { ensureGameAssets, type DeploymentPlan } from '../../server/chain/deployment.ts';
import { waitFor } from '../helpers/wait-for.ts';

const nodes: AnvilNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function chain(stateFile?: string) {
  const node = await startAnvil(stateFile ? { stateFile } : {});
  nodes.push(node);
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const [admin, minter] = (await Promise.all([0, 1].map((i) => provider.getSigner(i)))) as [JsonRpcSigner, JsonRpcSigner];
  return { node, provider, admin, minter };
}

function plan(dir: string, minter: string): DeploymentPlan {
  return {
    recordFile: join(dir, 'chain', 'deployment.json'),
    uri: 'https://fairplay.example/assets/{id}.json',
    epochSeconds: 86_400,
    tokens: [{ id: 1, epochCap: 1_000_000n, playerEpochCap: 50_000n }],
    minter,
    vrfKey: { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' },
  };
}

describe('GameAssets deployment', () => {
  it('deploys once, records it (0600), and finds the same contract on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    const { provider, admin, minter } = await chain();
    const p = plan(dir, await minter.getAddress());
    const first = await ensureGameAssets(provider, admin, p);
    expect(first.fresh).toBe(true);
    expect(statSync(p.recordFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(p.recordFile, 'utf8')).address).toBe(await first.contract.getAddress());
    const c = first.contract;
    expect(await c.getFunction('hasRole')(await c.getFunction('MINTER_ROLE')(), await minter.getAddress())).toBe(true);
    expect((await c.getFunction('tokens')(1)).slice(0, 3)).toEqual([true, 1_000_000n, 50_000n]);
    expect((await c.getFunction('vrfKey')('0x' + p.vrfKey.keyId)).publicKey).toBe('0x' + p.vrfKey.publicKey);

    const again = await ensureGameAssets(provider, admin, p);
    expect(again.fresh).toBe(false);
    expect(await again.contract.getAddress()).toBe(await c.getAddress());
    expect(await c.getFunction('vrfKeyCount')()).toBe(1n);
  });

  it('deploys anew when the recorded contract is gone (a node that lost its state)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    const one = await chain();
    const p = plan(dir, await one.minter.getAddress());
    await ensureGameAssets(one.provider, one.admin, p);
    await one.node.stop();
    const two = await chain();
    const second = await ensureGameAssets(two.provider, two.admin, p);
    expect(second.fresh).toBe(true);
    expect(await two.provider.getCode(await second.contract.getAddress())).not.toBe('0x');
  });

  it('refuses a key id that the chain holds with another public key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    const { provider, admin, minter } = await chain();
    const p = plan(dir, await minter.getAddress());
    await ensureGameAssets(provider, admin, p);
    const other = { ...p, vrfKey: { ...p.vrfKey, publicKey: '11'.repeat(32) } };
    await expect(ensureGameAssets(provider, admin, other)).rejects.toThrow(/registered on chain with another public key/);
  });

  it('a chain kept in a state file survives a graceful node restart with the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    const stateFile = join(dir, 'chain', 'anvil-state.json');
    const one = await chain(stateFile);
    const p = plan(dir, await one.minter.getAddress());
    const first = await ensureGameAssets(one.provider, one.admin, p);
    await one.node.stop('SIGTERM');
    const two = await chain(stateFile);
    const again = await ensureGameAssets(two.provider, two.admin, p);
    expect(again.fresh).toBe(false);
    expect(await again.contract.getAddress()).toBe(await first.contract.getAddress());
  });
});

describe('the embedded node', () => {
  it('stops when the process that started it is killed with SIGKILL', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = "const m = await import('./server/chain/anvil.ts'); const n = await m.startAnvil(); console.log(n.url); setInterval(() => {}, 1000);";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve) => child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())));
    const ask = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' }).then((r) => r.ok, () => false);
    expect(await ask()).toBe(true);
    child.kill('SIGKILL');
    await waitFor(async () => !(await ask()), { what: 'the embedded node to stop after its starter was SIGKILLed', timeout: 30_000, interval: 100 });
  });

  it('stops even when its starter died before the guard came up (the starter names itself)', async () => {
    const { spawn, spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const { anvilBinary } = await import('../../server/chain/anvil.ts');
    const { freeLoopbackPort } = await import('../../server/free-port.ts');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid whose process is gone
    const port = await freeLoopbackPort();
    const guard = fileURLToPath(new URL('../../server/chain/anvil-guard.mjs', import.meta.url));
    const child = spawn(process.execPath, [guard, anvilBinary(), '--host', '127.0.0.1', '--port', String(port), '--silent'], {
      stdio: 'ignore',
      env: { ...process.env, ANVIL_GUARD_PARENT: String(dead) },
    });
    const exited = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000); // bounds a hang, no speed claim
      child.once('exit', () => (clearTimeout(timer), resolve(true)));
    });
    if (!exited) child.kill('SIGKILL');
    expect(exited).toBe(true);
  });
});
