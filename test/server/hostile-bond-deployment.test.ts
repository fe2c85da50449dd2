/**
 * A reveal court left behind (server/chain/fairness-deployment.ts): receipts name no court, so a
 * court the server no longer uses still takes every receipt it signs, and pays its bond to anyone
 * who claims there. Here the embedded chain's GameAssets record is lost between two runs: the
 * second run deploys GameAssets anew, so the recorded court (bound to the old one) is replaced.
 * A receipt signed by the second run, for a draw its room settled, taken to the court left behind
 * is answered there by the server (not claimable); another taken to the new court is answered too
 * (a watcher per court); the old court's whole bond is announced for withdrawal. An honest player
 * bets throughout.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { caseStatus, courtAt, fund, passTime, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

type CourtFairness = { chain: { gameAssets: string; court: { address: string; earlier: string[] } } };

let server: ServerProcess;
let provider: IpcJsonRpcProvider;
let oldCourt: string;

beforeAll(async () => {
  const first = await startServerProcess();
  oldCourt = (await getJson<CourtFairness>(`${first.url}/fairness`)).chain.court.address;
  expect(await first.stop('SIGTERM')).toBe(0);
  // GameAssets' record lost: the next run deploys it anew, and the court bound to the old one cannot be kept.
  rmSync(join(first.dataDir, 'chain', 'deployment.json'));
  server = await startServerProcess({ dataDir: first.dataDir, env: { MAX_MESSAGES_PER_SECOND: '10000' } });
  provider = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
}, timeoutWithStarts(2, 0));
afterAll(async () => {
  provider?.destroy();
  await server?.stop();
});

describe('a court left behind by a new deployment', () => {
  it("stays answered: today's receipt taken there is answered, not claimable, and the new court is answered too", async () => {
    onTestFailed(() => console.log('server log:\n' + server.logs.join('').slice(-4000)));
    const honest = await HonestBettor.start(server.url);
    try {
      const { chain } = await getJson<CourtFairness>(`${server.url}/fairness`);
      expect(chain.court.address).not.toBe(oldCourt);
      expect(chain.court.earlier).toEqual([oldCourt]);
      expect(server.logs.join('')).toMatch(/the recorded reveal court was bound elsewhere \(assets\(\) is 0x[0-9a-f]{40}, not 0x[0-9a-f]{40}\)/);
      // The old court's whole bond is on its way out, after its withdrawal delay.
      const old = new Contract(oldCourt, readArtifact('RevealCourt').abi as never, provider);
      const bond = (await old.getFunction('bond')()) as bigint;
      const [announced] = (await old.getFunction('pendingWithdrawal')()) as [bigint, bigint];
      console.log(`court left behind ${oldCourt}: bond ${bond}, withdrawal announced of ${announced}; the server now uses ${chain.court.address}`);
      expect(bond).toBeGreaterThan(0n);
      expect(announced).toBe(bond);

      // Two draws of today's server, settled in their room.
      const wallet = randomWallet();
      const player = await TestPlayer.join(server.url, { wallet, create: true });
      const bet = { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
      const draws = [];
      for (let i = 0; i < 2; i++) {
        const { receipt, seed } = await player.bet(bet);
        await player.reveal(receipt.drawSeq, seed);
        draws.push({ receipt, seed });
      }
      await player.room.leave();
      const playerWallet = wallet.connect(provider) as Wallet;
      await fund(provider, playerWallet.address);
      // One to the court left behind, one to the court in use: each court's watcher answers its own.
      const atOld = await revealToCourt(oldCourt, playerWallet, draws[0]!.receipt, draws[0]!.seed);
      const atNew = await revealToCourt(chain.court.address, playerWallet, draws[1]!.receipt, draws[1]!.seed);
      for (const [court, c] of [[oldCourt, atOld], [chain.court.address, atNew]] as const)
        await waitFor(async () => (await caseStatus(courtAt(court, provider), c.caseId)) === 2, { what: `the case at ${court} to be answered`, timeout: 60_000 });

      // Past the answer window, nothing is left to claim at the court left behind.
      await passTime(provider, atOld.answerBy);
      const claimer = randomWallet().connect(provider) as Wallet;
      await fund(provider, claimer.address);
      await expect(courtAt(oldCourt, claimer).getFunction('claim').staticCall('0x' + atOld.caseId)).rejects.toMatchObject({ revert: { name: 'NotOpen' } });
      console.log(`today's receipt at the court left behind: answered (case ${atOld.caseId.slice(0, 12)}...), not claimable`);
    } finally {
      const report = await honest.stop();
      console.log(describeHonest('honest bettor beside a court left behind', report));
      expect(report.errors).toEqual([]);
      expect(report.bets).toBeGreaterThan(0);
    }
  }, 180_000);
});
