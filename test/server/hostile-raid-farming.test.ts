/**
 * Farming the treasure raid: its draws take no stake, so chests are free to open. A raider opens
 * chests until it holds 10 chips or more of finds, then tries to cash them out: refused (409),
 * nothing taken, no coin minted. The finds are bonus chips, never withdrawable; the raid mints
 * only items. An honest dice player bets throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { CHIPS_LOOT } from '../../games/raid/rules.ts';
import { awardsOf, cashOut, chipsOf } from '../helpers/cash-out.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MIN_CASHOUT_COINS = 10;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '100', RAID_ROUND_SECONDS: '60', MIN_CASHOUT_COINS: String(MIN_CASHOUT_COINS) } });
}, timeoutWithStarts(1, 10_000));

afterAll(async () => {
  await server?.stop();
});

describe('farming raid chests for coins', () => {
  it('finds 10 chips or more for free, and cannot cash out a coin of them', { timeout: 180_000 }, async () => {
    const honest = await HonestBettor.start(server.url);
    const raider = await Raider.join(server.url);
    const start = await waitFor(async () => {
      const c = await chipsOf(server.url, raider.address);
      return c.bonus > 0 && c;
    }, { what: 'the starting bonus' });

    let foundChips = 0;
    const items: string[] = [];
    for (let opened = 0; foundChips < MIN_CASHOUT_COINS && opened < 12; opened++) {
      const loot = await raider.openNearest();
      if (loot?.record.result.item === CHIPS_LOOT) foundChips += loot.record.result.amount;
      else if (loot) items.push(loot.record.result.item);
    }
    console.log(`the raider found ${foundChips} bonus chips${items.length ? ` and ${items.join(', ')}` : ''}`);
    expect(foundChips).toBeGreaterThanOrEqual(MIN_CASHOUT_COINS);
    const farmed = await waitFor(async () => {
      const c = await chipsOf(server.url, raider.address);
      return c.balance === start.balance + foundChips * UNITS_PER_CHIP && c;
    }, { what: `the ${foundChips} chips found in the balance` });
    expect(farmed).toMatchObject({ bonus: start.bonus + foundChips * UNITS_PER_CHIP, withdrawable: 0, withdrawableCoins: 0 });

    // Out of the room (no bet of its own in flight), every way of asking for the finds as coins
    // is refused as more than may be cashed out, with nothing taken.
    await raider.room.leave();
    for (const coins of [MIN_CASHOUT_COINS, foundChips]) {
      const answer = await cashOut(server.url, raider.wallet, { coins, requestId: `raid-farm-${coins}` });
      console.log(`cash-out of ${coins} coins: ${answer.status} ${JSON.stringify(answer.body)}`);
      expect(answer.status).toBe(409);
      expect(String(answer.body['error'])).toMatch(/more than the 0 coins/);
    }
    expect(await chipsOf(server.url, raider.address)).toMatchObject({ balance: farmed.balance, withdrawable: 0 });
    // No coin recorded to mint: the only awards are the items found.
    const awards = await awardsOf(server.url, raider.address);
    expect(awards.awards.filter((a) => a.tokenId === 1)).toEqual([]);
    expect(awards.awards).toHaveLength(items.length);
    // The published rule says so.
    const rules = (await (await fetch(`${server.url}/economy/rules`)).json()) as { rule: string };
    expect(rules.rule).toMatch(/Chips found in treasure-raid chests are bonus too/);

    const report = await honest.stop();
    console.log(describeHonest('honest dice player while the raider farmed', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
