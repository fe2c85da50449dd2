/**
 * GameAssets deployment and deposits: a fresh deployment makes the coin depositable; a recorded
 * contract that predates `deposit()` (test/fixtures/GameAssets-before-deposit.json, the artifact
 * before deposits) is replaced when nothing was minted on it to a player, and kept with deposits
 * unavailable otherwise.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, ContractFactory, JsonRpcProvider, type JsonRpcSigner } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { ensureGameAssets, type DeploymentPlan } from '../../server/chain/deployment.ts';
import { depositsState, hasDeposit } from '../../server/chain/deposit-support.ts';

const before = JSON.parse(readFileSync(new URL('../fixtures/GameAssets-before-deposit.json', import.meta.url), 'utf8')) as { abi: unknown[]; bytecode: string };

const nodes: AnvilNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function chain() {
  const node = await startAnvil();
  nodes.push(node);
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const [admin, minter, player] = (await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)))) as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  return { provider, admin, minter, player };
}

function plan(dir: string, minter: string): DeploymentPlan {
  return {
    recordFile: join(dir, 'chain', 'deployment.json'),
    uri: 'https://fairplay.example/assets/{id}.json',
    epochSeconds: 86_400,
    tokens: [{ id: 1, epochCap: 1_000_000n, playerEpochCap: 50_000n }],
    minter,
    vrfKey: { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' },
    depositable: [1],
    redeployWithoutDeposit: true,
  };
}

/** Deploys the GameAssets of before deposits and records it as the server would have. */
async function recordOldContract(provider: JsonRpcProvider, admin: JsonRpcSigner, minter: string, p: DeploymentPlan): Promise<Contract> {
  const deployed = await (await new ContractFactory(before.abi as never, before.bytecode, admin).deploy(p.uri, await admin.getAddress(), p.epochSeconds)).waitForDeployment();
  const old = new Contract(await deployed.getAddress(), before.abi as never, admin);
  await (await old.getFunction('configureToken')(1, 1_000_000n, 50_000n)).wait();
  await (await old.getFunction('grantRole')(await old.getFunction('MINTER_ROLE')(), minter)).wait();
  mkdirSync(join(p.recordFile, '..'), { recursive: true });
  const chainId = (await provider.getNetwork()).chainId.toString();
  writeFileSync(p.recordFile, JSON.stringify({ chainId, address: await old.getAddress(), deployedAt: new Date().toISOString() }));
  return old;
}

describe('GameAssets deployment and deposits', () => {
  it('makes the coin depositable on a fresh deployment and finds it so on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-deposits-'));
    const { provider, admin, minter } = await chain();
    const p = plan(dir, await minter.getAddress());
    const first = await ensureGameAssets(provider, admin, p);
    expect(first.deposits).toBe('open');
    expect(await first.contract.getFunction('depositable')(1)).toBe(true);
    const again = await ensureGameAssets(provider, admin, p);
    expect([again.fresh, again.deposits]).toEqual([false, 'open']);
    // Without ids to open, a contract that can take deposits reports them closed.
    const bare = await ensureGameAssets(provider, admin, { ...p, recordFile: join(dir, 'other.json'), depositable: [] });
    expect(bare.deposits).toBe('closed');
    expect(await depositsState(bare.contract, 1)).toBe('closed');
  });

  it('replaces a recorded contract without deposit() on which nothing was minted to a player', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-deposits-'));
    const { provider, admin, minter } = await chain();
    const p = plan(dir, await minter.getAddress());
    const old = await recordOldContract(provider, admin, await minter.getAddress(), p);
    expect(await hasDeposit(old)).toBe(false);
    const deployment = await ensureGameAssets(provider, admin, p);
    expect(deployment.fresh).toBe(true);
    expect(deployment.replacedWithoutDeposit).toBe(await old.getAddress());
    expect(await deployment.contract.getAddress()).not.toBe(await old.getAddress());
    expect(deployment.deposits).toBe('open');
    expect(JSON.parse(readFileSync(p.recordFile, 'utf8')).address).toBe(await deployment.contract.getAddress());
  });

  it('keeps a recorded contract without deposit() once an award was minted on it, deposits unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-deposits-'));
    const { provider, admin, minter, player } = await chain();
    const p = plan(dir, await minter.getAddress());
    const old = await recordOldContract(provider, admin, await minter.getAddress(), p);
    const award = '0x' + '11'.repeat(32);
    await (await (old.connect(minter) as Contract).getFunction('mintAwards')([await player.getAddress()], [1], [5], [award])).wait();
    const deployment = await ensureGameAssets(provider, admin, p);
    expect([deployment.fresh, deployment.deposits, deployment.replacedWithoutDeposit]).toEqual([false, 'unavailable', undefined]);
    expect(await deployment.contract.getAddress()).toBe(await old.getAddress());
    expect(await depositsState(deployment.contract, 1)).toBe('unavailable');
    // Without redeployWithoutDeposit (another chain's rule), even an empty old contract is kept.
    const dir2 = mkdtempSync(join(tmpdir(), 'deploy-deposits-'));
    const p2 = { ...plan(dir2, await minter.getAddress()), redeployWithoutDeposit: false };
    const empty = await recordOldContract(provider, admin, await minter.getAddress(), p2);
    const kept = await ensureGameAssets(provider, admin, p2);
    expect([await kept.contract.getAddress(), kept.deposits]).toEqual([await empty.getAddress(), 'unavailable']);
  });
});
