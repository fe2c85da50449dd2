/**
 * Hostile, end to end: a player whose address carries EIP-7702 code (a type-4 transaction
 * through the chain the server serves) refuses the court's coins unless it sent the transaction
 * itself. The server voids the revealed draw and answers honestly
 * (FAIRPLAY_TEST_WITHHOLD=void-revealed-answered). The answer to a win still lands: it pays 0
 * coins (wins move chips only), so nothing is held nor transferred, and the win is settled in
 * chips (its payout credited, the refunded stake taken again); the claim that would pay maxPayout
 * is refused (NotOpen). In all the player gets no coins, and exactly the chips the outcomes owe.
 * (A claim's coins held for such an address: test/chain/reveal-court.test.ts and test/browser/court-held.test.ts.)
 * No HonestBettor here, against the house rule: under the withhold switch every revealed draw is
 * voided, an honest bettor's too, so it could not bet without errors; the switch is what this
 * case needs (the operator voiding a revealed win, then answering it).
 */
import { withholdingServer } from '../helpers/withholding-server.ts';
import { Contract, Interface, type Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { RulesDocument } from '../../games/rules-document.ts';
import type { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import { caseStatus, coinBalanceAbi, courtAbi, courtAt, fund, passTime, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { delegate, deployReceiver } from '../helpers/refusing-receivers.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BET = { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
const MAX_BETS = 16;
/** What the court's held payments add to the helpers' court ABI. */
const heldAbi = new Interface([
  'function collect(address player)',
  'function owed(address player) view returns (uint256)',
  'event PaymentHeld(address indexed player, uint256 amount)',
  'error NotOpen(bytes32 caseId)',
]);

let server: ServerProcess;
let provider: IpcJsonRpcProvider;

withholdingServer('void-revealed-answered', (s, p) => {
  server = s;
  provider = p;
});

describe('a player with EIP-7702 code that refuses the court\'s coins, and a voided win', () => {
  it('is answered all the same: no coins held or paid, the win settled in chips, the claim refused', async () => {
    const fairness = await getJson<{ rules: Record<string, RulesDocument>; chain: { gameAssets: string; court: { address: string } } }>(`${server.url}/fairness`);
    const courtAddress = fairness.chain.court.address;
    const court = courtAt(courtAddress, provider);
    const held = new Contract(courtAddress, heldAbi, provider);
    const assets = new Contract(fairness.chain.gameAssets, coinBalanceAbi, provider);
    const coinsOf = async (a: string) => (await assets.getFunction('balanceOf')(a, 1)) as bigint;
    const chipsOf = async (a: string) => (await getJson<{ balance: number }>(`${server.url}/players/${a}/chips`)).balance;
    const terms = fairness.rules['dice']!.terms;

    const wallet = randomWallet();
    const player = await TestPlayer.join(server.url, { wallet, create: true });
    const me = wallet.connect(provider) as Wallet;
    await fund(provider, me.address);
    await delegate(me, provider, await deployReceiver('Picky', me));
    console.log(`player ${me.address} code: ${await provider.getCode(me.address)}`);

    for (let bet = 1; ; bet++) {
      if (bet > MAX_BETS) throw new Error(`${MAX_BETS} bets at 50% and no win`);
      const chipsBefore = await chipsOf(wallet.address);
      const { receipt, seed } = await player.bet(BET);
      player.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
      await player.next('void', (v) => v.drawSeq === receipt.drawSeq);
      await waitFor(async () => (await chipsOf(wallet.address)) === chipsBefore, { what: 'the refund' });
      const revealed = await revealToCourt(courtAddress, me, receipt, seed);
      await waitFor(async () => (await caseStatus(court, revealed.caseId)) === 2, { what: `the answer of draw ${receipt.drawSeq}`, timeout: 60_000, interval: 250 });
      const [log] = await provider.getLogs({ address: courtAddress, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + revealed.caseId], fromBlock: 0 });
      const answered = courtAbi.parseLog(log!)!;
      const payout = answered.args.getValue('payout') as bigint;
      const settled = courtSettlement(receipt, hexToBytes((answered.args.getValue('beta') as string).slice(2)), terms);
      expect(payout).toBe(BigInt(settled.coins));
      expect(payout).toBe(0n);
      // Settled in chips when the answer came (committed before it was sent): the stake taken again, a win's payout credited.
      expect(await chipsOf(wallet.address)).toBe(chipsBefore - BET.stake + settled.payoutUnits);
      if (settled.payoutUnits === 0) {
        console.log(`bet ${bet}: a loss, answered with payout 0`);
        continue;
      }
      // A win: the answer landed although the player's hook refuses coins; it paid none, so nothing is held.
      const tx = (await provider.getTransactionReceipt(log!.transactionHash))!;
      const heldEvents = tx.logs.map((l) => (l.address.toLowerCase() === courtAddress.toLowerCase() ? held.interface.parseLog(l) : null)).filter((e) => e?.name === 'PaymentHeld');
      expect(heldEvents).toEqual([]);
      expect(await held.getFunction('owed')(me.address)).toBe(0n);
      console.log(`bet ${bet}: a win; chips ${chipsBefore} -> ${await chipsOf(wallet.address)}, answered with payout 0 coins (answer gas ${tx.gasUsed})`);
      // After answerBy the claim that would pay maxPayout is refused: the case is answered.
      await passTime(provider, revealed.answerBy);
      const claim = (court.connect(me) as Contract).getFunction('claim');
      await expect(claim.staticCall('0x' + revealed.caseId)).rejects.toMatchObject({ revert: { name: 'NotOpen' } });
      console.log(`claim refused (maxPayout ${receipt.maxPayout} coins)`);
      expect(await coinsOf(me.address)).toBe(0n);
      return;
    }
  }, 300_000);
});
