/**
 * The reveal court from the game page, end to end: a server with the test switch
 * FAIRPLAY_TEST_WITHHOLD=void-revealed voids the dice draw whose seed the page revealed. The page
 * lists it under "Reveal court"; one click takes it there with the browser key (its gas from the
 * server's faucet), the case is revealed on chain, no answer comes, and once the chain's clock is
 * past the answer window, one more click claims the receipt's maxPayout in coins: exactly once (a
 * second claim is refused by the court). A reload keeps the case. With an injected wallet, the
 * wallet signs the CourtReveal and sends the reveal itself. And against an honest server, a
 * case the page takes to the court (a draw whose outcome it never heard) is answered, and the page
 * shows the answer with its proof checked against the pinned VRF key, and the 0 coins it paid (the
 * room settled the draw). Against a server that voids revealed draws and then answers
 * (FAIRPLAY_TEST_WITHHOLD=void-revealed-answered), the page shows how the answer settled the draw
 * in chips (0 coins: wins move chips only), as the outcome would have. And before revealing a seed the page checks the court's free bond: when
 * the admin has announced a withdrawal of the whole bond after the receipt was issued, the page
 * keeps its seed secret and says why.
 */
import { join } from 'node:path';
import { Contract, Interface, ZeroHash, type EventLog, type JsonRpcProvider } from 'ethers';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { launchChromium, rollDice, screenshot, signedInPage } from '../helpers/browser.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { courtAnswerProblems } from '../../vrf/protocol/court-answer.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import { formatChips, UNITS_PER_CHIP } from '../../games/chips.ts';
import type { DrawRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { getJson } from '../helpers/player.ts';
import { walletAtDiceTable } from '../helpers/injected-wallet.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { receiptTerms } from '../../vrf/protocol/record-checks.ts';

const COURT = new Interface([
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'function claim(bytes32 caseId)',
  'function freeBond() view returns (uint256)',
  'function reserved() view returns (uint256)',
  'function announceWithdrawal(uint256 amount)',
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout)',
  'error NotOpen(bytes32 caseId)',
]);
const COINS = new Interface(['function balanceOf(address account, uint256 id) view returns (uint256)']);

type Stored = { receipt: ReceiptRecord & { maxPayout: number }; seed: string; court?: { caseId: string; answerBy: number; revealTx: string; claimTx?: string } }[];
const courtOf = (fairness: { chain: { court: string | { address: string } } }) => (typeof fairness.chain.court === 'string' ? fairness.chain.court : fairness.chain.court.address);

/** Sends `data` to `to` as `from`, an account the node lets the test act for (anvil_impersonateAccount); resolves once mined. */
async function sendAs(node: JsonRpcProvider, from: string, to: string, data: string): Promise<void> {
  await node.send('anvil_impersonateAccount', [from]);
  await node.send('anvil_setBalance', [from, '0xde0b6b3a7640000']);
  const hash = (await node.send('eth_sendTransaction', [{ from, to, data }])) as string;
  const receipt = await waitFor(() => node.getTransactionReceipt(hash), { what: `transaction ${hash} to be mined` });
  if (receipt.status !== 1) throw new Error(`transaction ${hash} reverted`);
}

let server: ServerProcess;
let browser: Browser;
let chain: IpcJsonRpcProvider;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed' } }), launchChromium()]);
  // The embedded node itself, to read the chain and move its clock (the page reaches it through /chain only).
  chain = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
});
afterAll(async () => {
  chain?.destroy();
  await browser?.close();
  await server?.stop();
});

describe('the reveal court from the page', () => {
  it('takes a voided draw to the court in one click, and claims its maxPayout once when no answer comes', async () => {
    const fairness = await getJson<{ chain: { gameAssets: string; court: string | { address: string } } }>(`${server.url}/fairness`);
    const courtAddress = typeof fairness.chain.court === 'string' ? fairness.chain.court : fairness.chain.court.address;
    const court = new Contract(courtAddress, COURT, chain);
    const coins = new Contract(fairness.chain.gameAssets, COINS, chain);

    const { page, address, errors } = await signedInPage(browser, server.url);
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    const roll = await rollDice(page, 0);
    console.log(`the draw as the page showed it: ${roll.text}`);
    expect(roll.text).toMatch(/voided/);

    const row = page.locator('#court-cases li[data-case$="/0"]');
    await row.locator('button.court-reveal').click();
    await page.locator('#court-cases li[data-state="revealed"]').waitFor({ timeout: 60_000 });
    const stored = (await page.evaluate(() => sessionStorage.getItem('fairplay.court'))) ?? '[]';
    const [draw] = JSON.parse(stored) as Stored;
    const caseId = draw!.court!.caseId;
    const maxPayout = draw!.receipt.maxPayout;
    expect(maxPayout).toBeGreaterThan(0);
    const opened = (await court.getFunction('cases')(caseId)) as [string, bigint, bigint, bigint, bigint];
    expect([opened[0], opened[1], opened[4]]).toEqual([address, BigInt(maxPayout), 1n]);
    // The card shows the court's bond, the case's maxPayout now reserved from it.
    const bond = page.locator('#court-bond', { hasText: `${maxPayout} reserved for cases still open` });
    await bond.waitFor({ timeout: 15_000 });
    expect(await bond.innerText()).toBe(`The court pays from a bond of coins it holds: ${await court.getFunction('freeBond')()} free for new cases, ${maxPayout} reserved for cases still open.`);
    const revealGas = (await chain.getTransactionReceipt(draw!.court!.revealTx))!.gasUsed;
    console.log(`court case ${caseId}: revealed by the page (gas ${revealGas}, paid by the player), answer due by ${new Date(Number(opened[3]) * 1000).toISOString()}; player's ether now ${await chain.getBalance(address)} wei`);
    await screenshot(page, 'court-revealed');

    // No answer comes (the switch). The chain's clock moves past the answer window.
    await chain.send('evm_increaseTime', [Number(opened[3]) - (await chain.getBlock('latest'))!.timestamp + 1]);
    await chain.send('evm_mine', []);
    const claim = page.locator('#court-cases li[data-state="claimable"] button.court-claim');
    await claim.waitFor({ timeout: 30_000 });
    expect(await claim.innerText()).toBe(`Claim ${maxPayout} coins`);
    await claim.click();
    await page.locator('#court-cases li[data-state="claimed"]').waitFor({ timeout: 60_000 });
    expect(await coins.getFunction('balanceOf')(address, 1)).toBe(BigInt(maxPayout));
    expect(((await court.getFunction('cases')(caseId)) as bigint[])[4]).toBe(3n);
    // The inventory shows the coins the claim minted.
    await page.locator(`.token-card[data-token-id="1"][data-amount="${maxPayout}"]`).waitFor({ timeout: 15_000 });
    await screenshot(page, 'court-claimed');

    // A second claim is refused by the court; the coins stay as they were.
    const again = await chain.call({ to: courtAddress, data: COURT.encodeFunctionData('claim', [caseId]) }).then(
      () => 'accepted',
      (e: { data?: string }) => (e.data ? COURT.parseError(e.data)?.name : undefined) ?? 'unparsed',
    );
    expect(again).toBe('NotOpen');
    expect(await coins.getFunction('balanceOf')(address, 1)).toBe(BigInt(maxPayout));

    // A reload keeps the case.
    await page.reload();
    await page.locator('#court-cases li[data-state="claimed"]').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  it('takes a voided draw to the court with an injected wallet, which signs and sends the reveal itself', async () => {
    const fairness = await getJson<{ chain: { court: string | { address: string } } }>(`${server.url}/fairness`);
    const courtAddress = typeof fairness.chain.court === 'string' ? fairness.chain.court : fairness.chain.court.address;
    const court = new Contract(courtAddress, COURT, chain);
    const { wallet, sent, context, page, errors } = await walletAtDiceTable(browser, server.url, chain);
    expect((await rollDice(page, 0)).text).toMatch(/voided/);
    await page.locator('#court-cases li[data-state="open"] button.court-reveal').click();
    await page.locator('#court-cases li[data-state="revealed"]').waitFor({ timeout: 60_000 });
    const [draw] = JSON.parse((await page.evaluate(() => sessionStorage.getItem('fairplay.court'))) ?? '[]') as Stored;
    expect(sent).toEqual([draw!.court!.revealTx]);
    const opened = (await court.getFunction('cases')(draw!.court!.caseId)) as [string, bigint, bigint, bigint, bigint];
    expect([opened[0], opened[1], opened[4]]).toEqual([wallet.address, BigInt(draw!.receipt.maxPayout), 1n]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the seed secret when the court has less bond free than the receipt could pay (the whole bond announced for withdrawal)', async () => {
    const fairness = await getJson<{ chain: { court: string | { address: string } } }>(`${server.url}/fairness`);
    const courtAddress = courtOf(fairness);
    const court = new Contract(courtAddress, COURT, chain);
    // The court's admin: the account its DEFAULT_ADMIN_ROLE went to at deployment.
    const [granted] = (await court.queryFilter(court.filters.RoleGranted!(ZeroHash), 0)) as EventLog[];
    const admin = granted!.args.getValue('account') as string;
    const { page, errors } = await signedInPage(browser, server.url);
    // The room issues the receipt while the whole bond is free (the server checks maxPayout against it);
    // the admin announces a withdrawal of all of it just as the page asks for the free bond before revealing.
    const freeBondCall = COURT.getFunction('freeBond')!.selector;
    let announced: bigint | undefined;
    await page.route('**/chain', async (route) => {
      if (announced === undefined && route.request().postData()?.includes(freeBondCall)) {
        announced = (await court.getFunction('freeBond')()) as bigint;
        await sendAs(chain, admin, courtAddress, COURT.encodeFunctionData('announceWithdrawal', [announced]));
      }
      await route.continue();
    });
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    const roll = await rollDice(page, 0);
    console.log(`the draw as the page showed it, once ${announced} coins of bond were announced for withdrawal: ${roll.text}`);
    expect(announced).toBeGreaterThan(19n);
    expect(await court.getFunction('freeBond')()).toBe(0n);
    expect(roll.verified).toBe('withheld');
    expect(roll.text).toBe(
      'draw 0: not played: ⊘ seed kept secret: the reveal court has only 0 coins of bond free, less than the 19 coins this draw could pay: if the server withheld the outcome, the court could not pay it, so this page keeps its seed secret: the room will void the draw and give the stake back',
    );
    // No seed went out: the tab holds no evidence for the court, and the room's draw is still waiting for the seed.
    expect(await page.evaluate(() => sessionStorage.getItem('fairplay.court'))).toBeNull();
    const roomId = (await page.locator('#dice-room-id').innerText()).trim();
    const { records } = await getJson<{ records: { type: string }[] }>(`${server.url}/rooms/${roomId}/transcript`);
    expect(records.map((r) => r.type)).toEqual(['receipt']);
    await screenshot(page, 'court-bond-refused');
    expect(errors).toEqual([]);
  });

  it("shows an honest server's answer to a case the page took there, its proof checked against the pinned key", { timeout: timeoutWithStarts(1, 120_000) }, async () => {
    const honest = await startServerProcess();
    try {
      const { page, address, errors } = await signedInPage(browser, honest.url);
      await page.click('#create-dice');
      await page.waitForSelector('#dice:not([hidden])');
      expect((await rollDice(page, 0)).verified).toBe('true');
      const roomId = (await page.locator('#dice-room-id').innerText()).trim();
      // A page that revealed this draw's seed and never heard its outcome: its tab holds the receipt and
      // seed from before the reveal clock ran out (here written from the room's transcript).
      const { records } = await getJson<{ records: { type: string; drawSeq: number; seeds?: string[]; beta?: string }[] }>(`${honest.url}/rooms/${roomId}/transcript`);
      const receipt = records.find((r) => r.type === 'receipt' && r.drawSeq === 0)!;
      const outcome = records.find((r) => r.type === 'outcome' && r.drawSeq === 0)!;
      const seed = outcome.seeds![0]!;
      const witnessed = [{ roomId, drawSeq: 0, receipt, seed, revealedAt: Date.now() - 10 * 60_000 }];
      await page.evaluate((w) => sessionStorage.setItem('fairplay.court', w), JSON.stringify(witnessed));
      await page.reload();
      await page.locator('#court-cases li[data-state="open"] button.court-reveal').click();
      // The server's court watcher answers with the draw's outcome, well before the answer window ends.
      const answered = page.locator('#court-cases li[data-state="answered"]');
      await answered.waitFor({ timeout: 60_000 });
      const text = await answered.innerText();
      console.log(`the page, after the server answered: ${text}`);
      // The answer is the outcome the room recorded.
      expect(text).toContain(`The server answered on chain: beta ${outcome.beta!.slice(0, 10)}… ✓ proof checked against the pinned VRF key`);
      // The room settled (and paid) the draw: the answer pays nothing.
      expect(await answered.getAttribute('data-payout')).toBe('0');
      expect(text).toContain('It paid no coins and moved no chips: nothing is owed if the room settled this draw');
      expect(await answered.locator('a').getAttribute('href')).toBe(`/verify?room=${encodeURIComponent(roomId)}`);
      expect(await page.locator('#court-cases button.court-claim').count()).toBe(0);
      console.log(`player ${address} took draw 0 of room ${roomId} to the court; the honest server answered`);
      expect(errors).toEqual([]);
    } finally {
      await honest.stop();
    }
  });

  it('shows how an answer settled a draw the room voided after the reveal: in chips, as the outcome would have, and 0 coins', { timeout: timeoutWithStarts(1, 120_000) }, async () => {
    const answering = await startServerProcess({ env: { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed-answered' } });
    const node = new IpcJsonRpcProvider(join(answering.dataDir, 'chain', 'anvil.ipc'));
    try {
      const fairness = await getJson<TrustedKeys & { chain: { gameAssets: string; court: string | { address: string } } }>(`${answering.url}/fairness`);
      const court = new Contract(courtOf(fairness), COURT, node);
      const coins = new Contract(fairness.chain.gameAssets, COINS, node);
      const { page, address, errors } = await signedInPage(browser, answering.url);
      await page.click('#create-dice');
      await page.waitForSelector('#dice:not([hidden])');
      // 200 chips under 9800: a 98% chance of a win paying 202.04 chips (the page shows whichever came).
      await page.fill('#stake', '200');
      await page.locator('#target').evaluate((el: HTMLInputElement) => ((el.value = '9800'), el.dispatchEvent(new Event('input'))));
      expect((await rollDice(page, 0)).text).toMatch(/voided/);
      await page.locator('#court-cases li[data-state="open"] button.court-reveal').click();
      // The server's court watcher answers: the draw's beta and proof, 0 coins, and the draw settled in chips.
      const answered = page.locator('#court-cases li[data-state="answered"]');
      await answered.waitFor({ timeout: 60_000 });
      const [draw] = JSON.parse((await page.evaluate(() => sessionStorage.getItem('fairplay.court'))) ?? '[]') as Stored;
      const [event] = (await court.queryFilter(court.filters.Answered!(draw!.court!.caseId), 0)) as EventLog[];
      const [beta, pi, payout] = [event!.args.getValue('beta') as string, event!.args.getValue('pi') as string, event!.args.getValue('payout') as bigint];
      // The answer is right by the room's transcript (a void for the draw): checked here apart from the page.
      const roomId = (await page.locator('#dice-room-id').innerText()).trim();
      const { records } = await getJson<{ records: DrawRecord[] }>(`${answering.url}/rooms/${roomId}/transcript`);
      expect(records.map((r) => r.type)).toEqual(['receipt', 'void']);
      const { terms } = receiptTerms(draw!.receipt, fairness);
      expect(courtAnswerProblems(draw!.receipt, draw!.seed, { beta, pi, payout: Number(payout) }, records, fairness.publicKey, terms)).toEqual([]);
      const text = await answered.innerText();
      console.log(`the page, after the server answered the voided draw (payout ${payout} coins): ${text}`);
      expect(await answered.getAttribute('data-payout')).toBe(String(payout));
      expect(text).toContain(`The server answered on chain: beta ${beta.slice(2, 12)}… ✓ proof checked against the pinned VRF key. `);
      expect(payout).toBe(0n);
      // Settled in chips as the outcome would have been: the stake taken again, a win's payout credited.
      const settled = courtSettlement(draw!.receipt, hexToBytes(beta.slice(2)), terms);
      expect(text).toContain(
        settled.payoutUnits > 0
          ? `It settled the draw in chips, as its outcome would have been: it won, and ${formatChips(settled.payoutUnits)} chips were credited to you.`
          : 'It settled the draw in chips, as its outcome would have been: it lost, so the stake the void gave back was taken again.',
      );
      const { balance } = await getJson<{ balance: number }>(`${answering.url}/players/${address}/chips`);
      expect(balance).toBe(1000 * UNITS_PER_CHIP - 200 * UNITS_PER_CHIP + settled.payoutUnits);
      // No coins moved from the court's bond; the case's reserve is released.
      expect(await coins.getFunction('balanceOf')(address, 1)).toBe(0n);
      expect(await court.getFunction('reserved')()).toBe(0n);
      await screenshot(page, 'court-answered-payout');
      expect(errors).toEqual([]);
    } finally {
      node.destroy();
      await answering.stop();
    }
  });
});
