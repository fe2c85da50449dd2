/**
 * Griefing the reveal court (FAIRNESS.md section 10): a player takes receipts of draws the
 * server already settled to the court. The honest server answers each from its outcome record,
 * byte for byte the transcript's beta and pi, paying nothing (the room paid the draw), so no claim
 * is ever possible and the court's bond is untouched; the griefer pays a
 * reveal's gas per answer the server pays for, and an honest player keeps betting throughout.
 */
import { join } from 'node:path';
import { Wallet, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { caseStatus, courtAbi, courtAt, fund, passTime, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const GRIEFS = 4;

let server: ServerProcess;
let provider: IpcJsonRpcProvider;

beforeAll(async () => {
  server = await startServerProcess();
  provider = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
}, timeoutWithStarts(1, 0));
afterAll(async () => {
  provider?.destroy();
  await server?.stop();
});

describe('settled draws taken to the reveal court', () => {
  it('are answered from their outcome records, none can be claimed, and an honest player is not disturbed', async () => {
    const bettor = await HonestBettor.start(server.url);
    const { chain } = await getJson<{ chain: { court: { address: string } } }>(`${server.url}/fairness`);
    const court = chain.court.address;
    const wallet = randomWallet();
    const griefer = await TestPlayer.join(server.url, { wallet, create: true });
    const settled = [];
    for (let i = 0; i < GRIEFS; i++) {
      const { receipt, seed } = await griefer.bet({ stake: 5 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      settled.push({ receipt, seed, outcome: await griefer.reveal(receipt.drawSeq, seed) });
    }
    const signer = wallet.connect(provider) as Wallet;
    await fund(provider, signer.address);
    const cases: ((typeof settled)[number] & Awaited<ReturnType<typeof revealToCourt>>)[] = [];
    for (const s of settled) cases.push({ ...s, ...(await revealToCourt(court, signer, s.receipt, s.seed)) });

    const courtContract = courtAt(court, provider);
    await waitFor(async () => (await Promise.all(cases.map((c) => caseStatus(courtContract, c.caseId)))).every((s) => s === 2), {
      what: `the server to answer all ${GRIEFS} cases`,
      timeout: 120_000,
      interval: 250,
    });
    let answerGas = 0n;
    for (const c of cases) {
      const [log] = await provider.getLogs({ address: court, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + c.caseId], fromBlock: 0 });
      const event = courtAbi.parseLog(log!)!;
      // The transcript's own outcome, nothing else: the answer is the record's beta and pi.
      expect((event.args.getValue('beta') as string).slice(2)).toBe(c.outcome.beta);
      expect((event.args.getValue('pi') as string).slice(2)).toBe(c.outcome.pi);
      // The room paid the draw when it settled: the answer pays nothing more from the bond.
      expect(event.args.getValue('payout')).toBe(0n);
      answerGas += ((await provider.getTransactionReceipt(log!.transactionHash)) as TransactionReceipt).gasUsed;
    }
    expect(server.logs.join('')).toContain('"from":"outcome","payout":0');

    await passTime(provider, Math.max(...cases.map((c) => c.answerBy)));
    const claimer = randomWallet().connect(provider) as Wallet;
    await fund(provider, claimer.address);
    for (const c of cases) await expect(courtAt(court, claimer).getFunction('claim').staticCall('0x' + c.caseId)).rejects.toMatchObject({ revert: { name: 'NotOpen' } });

    const report = await bettor.stop();
    console.log(describeHonest(`${GRIEFS} settled draws taken to the court`, report));
    const revealGas = cases.reduce((sum, c) => sum + c.tx.gasUsed, 0n);
    console.log(`griefing the court: the griefer paid ${revealGas} gas for ${GRIEFS} reveals (and ${GRIEFS} bets), the server ${answerGas} gas for the answers`);
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  }, 240_000);
});
