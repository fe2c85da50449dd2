/**
 * Coins the reveal court holds for a player, from the game page: the player's browser key takes a
 * voided draw to the court, then delegates its address (EIP-7702) to a receiver that takes coins
 * only in its own transactions (test/helpers/refusing-receivers.ts `Picky`). Someone else claims
 * the unanswered case past its answer window, so the court's transfer is refused and the coins
 * are held (`owed`). The card says "N coins are held for you by the court" with a Collect
 * button; one click sends `collect(player)` from the page's key (its own transaction: the
 * receiver takes it), and the coins reach the player's address on GameAssets.
 */
import { join } from 'node:path';
import { Contract, Interface, Wallet } from 'ethers';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { launchChromium, rollDice, screenshot, signedInPage } from '../helpers/browser.ts';
import { getJson } from '../helpers/player.ts';
import { delegate, deployReceiver } from '../helpers/refusing-receivers.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const COURT = new Interface([
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'function claim(bytes32 caseId)',
  'function owed(address player) view returns (uint256)',
  'event PaymentHeld(address indexed player, uint256 amount)',
]);
const COINS = new Interface(['function balanceOf(address account, uint256 id) view returns (uint256)']);
const ONE_ETHER = '0xde0b6b3a7640000';

type Stored = { receipt: { maxPayout: number }; court?: { caseId: string } }[];

let server: ServerProcess;
let browser: Browser;
let chain: IpcJsonRpcProvider;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed' } }), launchChromium()]);
  chain = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
});
afterAll(async () => {
  chain?.destroy();
  await browser?.close();
  await server?.stop();
});

describe('coins the court holds for the player, on the page', () => {
  it('shows a claim the player address refused as held, and Collect pays it to the address', async () => {
    const fairness = await getJson<{ chain: { gameAssets: string; court: string | { address: string } } }>(`${server.url}/fairness`);
    const courtAddress = typeof fairness.chain.court === 'string' ? fairness.chain.court : fairness.chain.court.address;
    const court = new Contract(courtAddress, COURT, chain);
    const coins = new Contract(fairness.chain.gameAssets, COINS, chain);

    const { page, address, errors } = await signedInPage(browser, server.url);
    await page.click('#create-dice');
    await page.waitForSelector('#dice:not([hidden])');
    expect((await rollDice(page, 0)).text).toMatch(/voided/);
    await page.locator('#court-cases li[data-state="open"] button.court-reveal').click();
    await page.locator('#court-cases li[data-state="revealed"]').waitFor({ timeout: 60_000 });
    const [draw] = JSON.parse((await page.evaluate(() => sessionStorage.getItem('fairplay.court'))) ?? '[]') as Stored;
    const caseId = draw!.court!.caseId;
    const maxPayout = BigInt(draw!.receipt.maxPayout);
    expect(maxPayout).toBeGreaterThan(0n);

    // The player's own key (in the tab's storage) gives its address code: a receiver paid only in its own transactions.
    const key = await page.evaluate(() => localStorage.getItem('fairplay.localKey'));
    const player = new Wallet(key!, chain);
    expect(player.address).toBe(address);
    const deployer = new Wallet(Wallet.createRandom().privateKey, chain);
    await chain.send('anvil_setBalance', [deployer.address, ONE_ETHER]);
    await chain.send('anvil_setBalance', [player.address, ONE_ETHER]);
    await delegate(player, chain, await deployReceiver('Picky', deployer));

    // No answer comes; past the answer window someone else claims: the transfer is refused, the coins held.
    const [, , , answerBy] = (await court.getFunction('cases')(caseId)) as bigint[];
    await chain.send('evm_increaseTime', [Number(answerBy) - (await chain.getBlock('latest'))!.timestamp + 1]);
    await chain.send('evm_mine', []);
    const claim = await (court.connect(deployer) as Contract).getFunction('claim')(caseId);
    const mined = await claim.wait();
    const heldEvent = mined!.logs.map((l: { topics: string[]; data: string }) => court.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === 'PaymentHeld');
    expect(heldEvent?.args.getValue('amount')).toBe(maxPayout);
    expect(await court.getFunction('owed')(address)).toBe(maxPayout);
    expect(await coins.getFunction('balanceOf')(address, 1)).toBe(0n);

    // The card shows the claimed case and the coins held, with Collect.
    await page.locator('#court-cases li[data-state="claimed"]').waitFor({ timeout: 30_000 });
    const held = page.locator(`#court-held[data-owed="${maxPayout}"]:not([hidden])`);
    await held.waitFor({ timeout: 30_000 });
    const text = await held.innerText();
    console.log(`the card, with the claim held: ${text}`);
    expect(text).toBe(`${maxPayout} coins are held for you by the court (your address refused the transfer): Collect`);
    await screenshot(page, 'court-held');

    // Collect: the page's key sends collect(player), its own transaction, which the receiver takes.
    await held.locator('button.court-collect').click();
    await page.locator('#court-held[data-owed="0"][hidden]').waitFor({ state: 'attached', timeout: 60_000 });
    expect(await coins.getFunction('balanceOf')(address, 1)).toBe(maxPayout);
    expect(await court.getFunction('owed')(address)).toBe(0n);
    await page.locator(`.token-card[data-token-id="1"][data-amount="${maxPayout}"]`).waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
  });
});
