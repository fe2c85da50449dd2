import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, JsonRpcProvider } from 'ethers';
import { describe, expect, it, onTestFailed } from 'vitest';
import { readArtifact } from '../../server/chain/artifact.ts';
import { COURT_BOND, COURT_WITHDRAW_DELAY, startExternalChain } from '../helpers/external-chain.ts';
import { cashOut, CASH_OUT_TEST_ENV, earnWithdrawable, playerBettor } from '../helpers/earn-coins.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { killEmbeddedNode, startServerProcess, timeoutWithStarts } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

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
  it('deploys GameAssets with the VRF key on first start, and finds it again after SIGTERM and SIGKILL', { timeout: timeoutWithStarts(3, 30_000) }, async () => {
    const first = await startServerProcess();
    const f1 = await getJson<Fairness>(`${first.url}/fairness`);
    expect(f1.chain).toMatchObject({ chainId: '31337', gameAssets: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/), rpcUrl: `${first.url}/chain` });
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

/** `count` awards of 1 coin each, as players make coins: chips won at dice over the bonus, cashed out one coin at a time. */
async function cashOutAwards(baseUrl: string, player: TestPlayer, count: number): Promise<number> {
  await earnWithdrawable(baseUrl, playerBettor(player), count);
  for (let i = 0; i < count; i++) await cashOut(baseUrl, player.wallet, 1);
  return count;
}

type AwardsAnswer = { awards: { status: string; txHash?: string; amount: number }[]; balances: Record<string, string> | null };

/** The player's awards once none is pending any more. */
async function settledAwards(baseUrl: string, address: string): Promise<AwardsAnswer> {
  return waitFor(
    async () => {
      const answer = await getJson<AwardsAnswer>(`${baseUrl}/players/${address}/awards`);
      return answer.awards.every((a) => a.status === 'minted') && answer;
    },
    // The minter backs off up to 30 s between failed attempts, and the node's own restart up to 30 s.
    { what: `${address}'s awards minted`, timeout: 120_000, interval: 100 },
  );
}

describe('the embedded node dies under a running server', () => {
  it('is started again from its state file, and the awards are minted', { timeout: timeoutWithStarts(1, 180_000) }, async () => {
    const server = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '10000', ...CASH_OUT_TEST_ENV } });
    onTestFailed(() => console.log('server log:\n' + server.logs.join('').split('\n').filter((l) => !l.includes('recovered a room')).join('\n').slice(-4000)));
    try {
      const player = await TestPlayer.join(server.url);
      const before = await cashOutAwards(server.url, player, 2);
      killEmbeddedNode(server.dataDir);
      const after = await cashOutAwards(server.url, player, 2); // the game goes on; awards wait in the outbox
      await player.room.leave();
      const answer = await settledAwards(server.url, player.address);
      expect(answer.awards.filter((a) => a.status !== 'minted')).toEqual([]);
      expect(answer.awards).toHaveLength(before + after);
      expect(answer.balances?.['1']).toBe(String(before + after));
      expect(server.logs.join('')).toMatch(/the embedded chain node exited; starting it again/);
    } finally {
      await server.stop();
    }
  });
});

describe('npm start on another chain (CHAIN_RPC_URL)', () => {
  it('starts no node of its own, warns of what the contract lacks, and mints cash-outs there', { timeout: timeoutWithStarts(1, 120_000) }, async () => {
    const chain = await startExternalChain();
    const { provider, assets } = chain;
    try {
      const server = await startServerProcess({
        env: { ...chain.env, MAX_MESSAGES_PER_SECOND: '10000', ...CASH_OUT_TEST_ENV },
      });
      try {
        expect(existsSync(join(server.dataDir, 'chain'))).toBe(false);
        expect(server.logs.join('')).toMatch(/the VRF key is not in GameAssets' key registry/);
        const f = await getJson<Fairness>(`${server.url}/fairness`);
        expect(f.chain).toMatchObject({
          chainId: '31337',
          gameAssets: await assets.getAddress(),
          rpcUrl: `${server.url}/chain`,
          registry: chain.env.FAIRNESS_REGISTRY_ADDRESS,
          changeDelaySeconds: 86_400,
          court: { address: chain.env.REVEAL_COURT_ADDRESS, answerWindowSeconds: 21_600, withdrawDelaySeconds: COURT_WITHDRAW_DELAY, maxPayoutCoins: Number(COURT_BOND) },
        });
        // The operator has not registered the server's keys and rules there: the server says so.
        expect(server.logs.join('')).toMatch(/the fairness registry does not hold the server's value in force/);
        // Reads pass through the server's endpoint to CHAIN_RPC_URL.
        expect((await onChain(f)).count).toBe(0n);

        const player = await TestPlayer.join(server.url);
        const won = await cashOutAwards(server.url, player, 3);
        await player.room.leave();
        const answer = await settledAwards(server.url, player.address);
        expect(answer.awards.length).toBe(won);
        expect(answer.awards.every((a) => a.status === 'minted')).toBe(true);
        const receipt = await provider.getTransactionReceipt(answer.awards[0]!.txHash!);
        expect(receipt?.from).toBe(chain.minterAddress);
        expect(await assets.getFunction('balanceOf')(player.address, 1)).toBe(BigInt(won));
      } finally {
        await server.stop();
      }
    } finally {
      await chain.stop();
    }
  });
});
