/**
 * A void answered truthfully settles the draw in chips as its outcome would have (FAIRNESS.md section 10): the
 * server runs with the test switch FAIRPLAY_TEST_WITHHOLD=void-revealed-answered, so it voids
 * each draw after its player revealed (the stake refunded) and its court watcher then answers the
 * court honestly. For each draw taken to the court the test checks, from the chain and the
 * server's own endpoints alone:
 * (a) the Answered event's payout is courtSettlement(receipt, beta, terms).coins (0: wins move chips only), with beta the
 *     answered one after its pi verified against the VRF key published on GameAssets, and the
 *     terms those of the rules the receipt names (the served rules, by hash);
 * (b) the player's coins on GameAssets and the court's bond are unchanged (the payout, 0);
 * (c) the player's chips are what a settled draw would have left: the stake taken again, the
 *     payout credited when it won.
 * It bets at 50% until it has seen both a win and a loss (each bet's roll printed), at most MAX_BETS.
 */
import { withholdingServer } from '../helpers/withholding-server.ts';
import { Contract, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { RulesDocument } from '../../games/rules-document.ts';
import { rulesHash } from '../../games/rules-document.ts';
import type { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { caseStatus, coinBalanceAbi, courtAbi, courtAt, fund, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A 50% bet: the chance of not seeing both a win and a loss in MAX_BETS bets is 2^(1-MAX_BETS), about 1 in 8 million. */
const MAX_BETS = 24;
/** Ten chips at 50%: a win pays 19.8 chips (in chips: no coins). */
const BET = { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
const COIN = 1;

type Fairness = { keyId: string; suite: string; rules: Record<string, RulesDocument>; chain: { gameAssets: string; court: { address: string } } };

let server: ServerProcess;
let provider: IpcJsonRpcProvider;

withholdingServer('void-revealed-answered', (s, p) => {
  server = s;
  provider = p;
});

describe('a revealed draw the server voids, taken to the reveal court and answered', () => {
  it('pays no coins and settles the chips as the outcome would have, for a win and a loss', async () => {
    const fairness = await getJson<Fairness>(`${server.url}/fairness`);
    const courtAddress = fairness.chain.court.address;
    const court = courtAt(courtAddress, provider);
    const assets = new Contract(fairness.chain.gameAssets, coinBalanceAbi, provider);
    const coinsOf = async (address: string): Promise<bigint> => (await assets.getFunction('balanceOf')(address, COIN)) as bigint;
    const chipsOf = async (address: string): Promise<number> => (await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance;

    // The VRF key as published on chain, not as the server says it.
    const registered = (await new Contract(fairness.chain.gameAssets, readArtifact().abi as never, provider).getFunction('vrfKey')('0x' + fairness.keyId)) as { suite: string; publicKey: string };
    const suite = getSuite(registered.suite);
    const publicKey = hexToBytes(registered.publicKey.slice(2));
    const diceRules = fairness.rules['dice']!;

    const wallet = randomWallet();
    const player = await TestPlayer.join(server.url, { wallet, create: true });
    const playerWallet = wallet.connect(provider) as Wallet;
    await fund(provider, playerWallet.address);

    const seen = { win: 0, loss: 0 };
    for (let bet = 1; seen.win === 0 || seen.loss === 0; bet++) {
      if (bet > MAX_BETS) throw new Error(`${MAX_BETS} bets at 50% and only ${seen.win} wins, ${seen.loss} losses: both should have come (odds about 1 in 8 million)`);
      const chipsBefore = await chipsOf(wallet.address);
      const { receipt, seed } = await player.bet(BET);
      player.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
      const voided = await player.next('void', (v) => v.drawSeq === receipt.drawSeq);
      // The void refunds the stake: the balance is back where it was.
      await waitFor(async () => (await chipsOf(wallet.address)) === chipsBefore, { what: `the void of draw ${receipt.drawSeq} to refund its stake` });

      const bondBefore = await coinsOf(courtAddress);
      const coinsBefore = await coinsOf(wallet.address);
      const revealed = await revealToCourt(courtAddress, playerWallet, receipt, seed);
      await waitFor(async () => (await caseStatus(court, revealed.caseId)) === 2, { what: `the server to answer the case of draw ${receipt.drawSeq}`, timeout: 60_000, interval: 250 });

      const [answered] = await provider.getLogs({ address: courtAddress, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + revealed.caseId], fromBlock: 0 });
      const event = courtAbi.parseLog(answered!)!;
      const beta = hexToBytes((event.args.getValue('beta') as string).slice(2));
      const pi = hexToBytes((event.args.getValue('pi') as string).slice(2));
      const payout = event.args.getValue('payout') as bigint;

      // (a) the answer's beta is the draw's (pi verifies against the published key), and its payout what that beta owes.
      const verified = suite.verify(publicKey, receiptAlpha(receipt, [seed]), pi);
      if (!verified.valid) throw new Error(`the answer's pi for draw ${receipt.drawSeq} does not verify against the published VRF key`);
      expect(bytesToHex(verified.beta)).toBe(bytesToHex(beta));
      expect(rulesHash(diceRules)).toBe(receipt.rulesHash);
      const settled = courtSettlement(receipt, verified.beta, diceRules.terms);
      expect(payout).toBe(BigInt(settled.coins));
      // (b) no coins moved from the bond to the player: the payout is 0.
      expect((await coinsOf(wallet.address)) - coinsBefore).toBe(payout);
      expect(bondBefore - (await coinsOf(courtAddress))).toBe(payout);
      // (c) committed before the answer was sent: already there when the case shows answered.
      expect(await chipsOf(wallet.address)).toBe(chipsBefore - BET.stake + settled.payoutUnits);

      const won = settled.payoutUnits > 0;
      if (won) seen.win++;
      else seen.loss++;
      expect(payout).toBe(0n);
      console.log(
        `bet ${bet}: seed ${seed}, draw ${receipt.drawSeq} voided (${voided.reason}), roll ${String(settled.result['roll'])} ${BET.direction} ${BET.target}: ${won ? 'win' : 'loss'}; ` +
          `answered with payout ${payout} coins (maxPayout ${receipt.maxPayout}), chips ${chipsBefore} -> ${chipsBefore - BET.stake + settled.payoutUnits}`,
      );
    }
    // The win's answer: 0 coins, its 19.8-chip payout credited and the refunded stake taken again.
    expect(server.logs.join('')).toMatch(/"from":"proof","payout":0,"chips":\{"payout":19800000,"stake":-10000000\}/);
  }, 300_000);
});
