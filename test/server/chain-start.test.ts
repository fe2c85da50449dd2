import { Contract, JsonRpcProvider } from 'ethers';
import { describe, expect, it } from 'vitest';
import { readArtifact } from '../../server/chain/compile.ts';
import { getJson } from '../helpers/player.ts';
import { startServerProcess } from '../helpers/server-process.ts';

interface Fairness {
  keyId: string;
  suite: string;
  publicKey: string;
  chain: { chainId: string; gameAssets: string; rpcUrl: string };
}

async function onChain(f: Fairness) {
  const provider = new JsonRpcProvider(f.chain.rpcUrl, undefined, { staticNetwork: true });
  const contract = new Contract(f.chain.gameAssets, readArtifact().abi as never, provider);
  const key = (await contract.getFunction('vrfKey')('0x' + f.keyId)) as { suite: string; publicKey: string };
  const count = (await contract.getFunction('vrfKeyCount')()) as bigint;
  provider.destroy();
  return { suite: key.suite, publicKey: key.publicKey, count };
}

describe('npm start with the embedded chain', () => {
  it('deploys GameAssets with the VRF key on first start, and finds it again after SIGTERM and SIGKILL', async () => {
    const first = await startServerProcess();
    const f1 = await getJson<Fairness>(`${first.url}/fairness`);
    expect(f1.chain).toMatchObject({ chainId: '31337', gameAssets: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/), rpcUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(await onChain(f1)).toEqual({ suite: f1.suite, publicKey: '0x' + f1.publicKey, count: 1n });

    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await startServerProcess({ dataDir: first.dataDir });
    const f2 = await getJson<Fairness>(`${second.url}/fairness`);
    expect(f2.chain.gameAssets).toBe(f1.chain.gameAssets);
    expect(second.logs.join('')).not.toMatch(/deployed GameAssets/);

    await second.stop('SIGKILL');
    const third = await startServerProcess({ dataDir: first.dataDir });
    const f3 = await getJson<Fairness>(`${third.url}/fairness`);
    expect(f3.chain.gameAssets).toBe(f1.chain.gameAssets);
    expect(await onChain(f3)).toEqual({ suite: f1.suite, publicKey: '0x' + f1.publicKey, count: 1n });
    await third.stop();
  });
});
