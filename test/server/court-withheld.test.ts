/**
 * The reveal court against an operator who voids a revealed draw (FAIRNESS.md section 10): the
 * server runs with the test switch FAIRPLAY_TEST_WITHHOLD=void-revealed, so it voids the draw
 * after its player revealed, and its court watcher answers nothing. The player takes the
 * receipt and the seed to the court; once the answer window has passed, a claim pays the
 * receipt's maxPayout in coins from the court's bond exactly once, and a second claim is refused. The switch itself
 * is refused outside NODE_ENV=test.
 */
import { withholdingServer } from '../helpers/withholding-server.ts';
import { Contract, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { payoutOnWin } from '../../games/dice/rules.ts';
import type { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { readTestWithhold } from '../../server/court/test-withhold.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { receiptDigest } from '../../vrf/protocol/receipt.ts';
import { caseStatus, coinBalanceAbi, courtAt, fund, passTime, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

type CourtFairness = { chain: { gameAssets: string; court: { address: string; answerWindowSeconds: number; revealWindowSeconds: number; withdrawDelaySeconds: number; maxPayoutCoins: number } } };

let server: ServerProcess;
let provider: IpcJsonRpcProvider;

withholdingServer('void-revealed', (s, p) => {
  server = s;
  provider = p;
});

describe('a revealed draw the server voids, taken to the reveal court', () => {
  it('gets no answer; after the answer window a claim pays the maxPayout once, and a second claim is refused', async () => {
    const { chain } = await getJson<CourtFairness>(`${server.url}/fairness`);
    const court = courtAt(chain.court.address, provider);
    const coins = new Contract(chain.gameAssets, coinBalanceAbi, provider);

    const wallet = randomWallet();
    const player = await TestPlayer.join(server.url, { wallet, create: true });
    const bet = { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
    const { receipt, seed } = await player.bet(bet);
    expect(receipt.maxPayout).toBe(Math.floor(payoutOnWin({ ...bet, edgeBps: 100 }) / UNITS_PER_CHIP)); // HOUSE_EDGE_BPS default
    player.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
    const voided = await player.next('void', (v) => v.drawSeq === receipt.drawSeq);
    console.log(`the server voided draw ${receipt.drawSeq} after its seed was revealed (${voided.reason})`);

    const playerWallet = wallet.connect(provider) as Wallet;
    await fund(provider, playerWallet.address);
    const revealed = await revealToCourt(chain.court.address, playerWallet, receipt, seed);
    expect(revealed.caseId).toBe(bytesToHex(receiptDigest(receipt)));
    expect(await caseStatus(court, revealed.caseId)).toBe(1);

    // The watcher saw the case and, under the switch, left it: no answer is coming.
    await waitFor(() => server.logs.join('').includes(`"caseId":"${revealed.caseId}"`) && server.logs.join('').includes('court case left unanswered'), {
      what: 'the court watcher to see the case and leave it unanswered',
      timeout: 60_000,
    });
    expect(await caseStatus(court, revealed.caseId)).toBe(1);

    // Before answerBy the window is open: no claim yet.
    const claimer = randomWallet().connect(provider) as Wallet;
    await fund(provider, claimer.address);
    await expect(courtAt(chain.court.address, claimer).getFunction('claim').staticCall('0x' + revealed.caseId)).rejects.toMatchObject({ revert: { name: 'AnswerWindowOpen' } });

    await passTime(provider, revealed.answerBy);
    const before = (await coins.getFunction('balanceOf')(wallet.address, 1)) as bigint;
    const bondBefore = (await coins.getFunction('balanceOf')(chain.court.address, 1)) as bigint;
    const claimed = await (await courtAt(chain.court.address, claimer).getFunction('claim')('0x' + revealed.caseId)).wait();
    const after = (await coins.getFunction('balanceOf')(wallet.address, 1)) as bigint;
    expect(after - before).toBe(BigInt(receipt.maxPayout!));
    // Paid from the court's bond, not minted.
    expect(bondBefore - ((await coins.getFunction('balanceOf')(chain.court.address, 1)) as bigint)).toBe(BigInt(receipt.maxPayout!));
    expect(await caseStatus(court, revealed.caseId)).toBe(3);

    await expect(courtAt(chain.court.address, claimer).getFunction('claim').staticCall('0x' + revealed.caseId)).rejects.toMatchObject({ revert: { name: 'NotOpen' } });
    await expect(courtAt(chain.court.address, claimer).getFunction('claim')('0x' + revealed.caseId, { gasLimit: 300_000 }).then((t: { wait(): Promise<unknown> }) => t.wait())).rejects.toThrow();
    expect((await coins.getFunction('balanceOf')(wallet.address, 1)) as bigint).toBe(after);

    console.log(`reveal court gas (embedded anvil): reveal ${revealed.tx.gasUsed} (the player), claim ${claimed.gasUsed} (the claimer), maxPayout ${receipt.maxPayout} coins`);
  }, 180_000);
});

describe('the test switch outside tests', () => {
  it('keeps the server from starting, with a clear error', async () => {
    await expect(startServerProcess({ env: { NODE_ENV: 'production', FAIRPLAY_TEST_WITHHOLD: 'void-revealed' } })).rejects.toThrow(/FAIRPLAY_TEST_WITHHOLD is a test switch/);
  }, timeoutWithStarts(1, 0));

  it('is read only under NODE_ENV=test, and only with one of its values', () => {
    expect(readTestWithhold({ NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed' })).toBe('void-revealed');
    expect(readTestWithhold({ NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed-answered' })).toBe('void-revealed-answered');
    expect(readTestWithhold({ NODE_ENV: 'test' })).toBeUndefined();
    expect(() => readTestWithhold({ NODE_ENV: 'production', FAIRPLAY_TEST_WITHHOLD: 'void-revealed-answered' })).toThrow(/honoured only with NODE_ENV=test/);
    expect(() => readTestWithhold({ NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-all' })).toThrow(/the values are void-revealed and void-revealed-answered/);
  });
});
