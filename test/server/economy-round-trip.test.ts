/**
 * One currency, two places, exact to the unit: a real server process and its embedded chain. A
 * player with coins minted to it (and the starting bonus, played with odd stakes so its chips
 * carry sub-chip units) deposits its coins into chips, cashes out N coins (minted on chain),
 * deposits them back, and cashes out again. At every settled step the chips (the chips answer,
 * the balance row and the sum of the chip entries, all three equal) plus the coins on chain
 * x 1,000,000 equal what it was given plus its net play: no unit lost or made. Each cash-out and
 * each deposit is applied once (a repeated request id is the same withdrawal; one chip entry per
 * Deposited event), and the sub-chip units stay in chips throughout.
 */
import type { TransactionReceipt } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { withdrawalAwardId } from '../../server/awards/award-sink.ts';
import { awardsOf, cashOut, chipsOf } from '../helpers/cash-out.ts';
import { COIN, deposit, embeddedAdmin, fundedPlayer, mintCoins, type EmbeddedAdmin } from '../helpers/coins.ts';
import { coinsHeld, playerLedger } from '../helpers/economy-ledger.ts';
import { Gambler } from '../helpers/gambler.ts';
import { getJson } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MINTED_BY_TEST = 100;
let server: ServerProcess | undefined;
let admin: EmbeddedAdmin | undefined;

afterAll(async () => {
  admin?.close();
  await server?.stop();
});

describe('cash-out -> deposit -> cash-out', () => {
  it('is exact to the unit at every step, and applies each cash-out and deposit once', { timeout: timeoutWithStarts(1, 180_000) }, async () => {
    server = await startServerProcess({ env: { MIN_CASHOUT_COINS: '10' } });
    const { url, dataDir } = server;
    const { chain } = await getJson<{ chain: { chainId: string; gameAssets: string } }>(`${url}/fairness`);
    admin = embeddedAdmin(dataDir, chain.gameAssets);
    const player = await fundedPlayer(admin.provider);
    const address = player.address;
    await mintCoins(admin.assets, address, MINTED_BY_TEST);

    // The bonus at its first join, played with odd stakes: the chips carry sub-chip units.
    const gambler = await Gambler.enter(url, player);
    for (let i = 0; i < 6; i++) {
      const placed = await gambler.bet({ stake: 1_234_567 + i * 3_001, target: 5000, direction: i % 2 ? 'over' : 'under' });
      if ('refused' in placed) throw new Error(`bet refused: ${placed.refused}`);
      gambler.reveal(placed.receipt.drawSeq, placed.seed);
      await gambler.outcome(placed.receipt.drawSeq);
    }
    await gambler.room.leave();

    const steps: string[] = [];
    let fraction: number | undefined;
    /** The identity, checked when nothing is in flight; returns the chips in units. */
    const settled = async (step: string): Promise<{ units: number; coins: number }> => {
      const [answer, ledger, coins] = await Promise.all([chipsOf(url, address), playerLedger(dataDir, address), coinsHeld(admin!.assets, address)]);
      expect([answer.balance, ledger.entriesSum], step).toEqual([ledger.balance, ledger.balance]);
      expect(answer.balance + coins * UNITS_PER_CHIP, step).toBe(ledger.grantAndPlay + (MINTED_BY_TEST + ledger.roomCoins) * UNITS_PER_CHIP);
      fraction ??= answer.balance % UNITS_PER_CHIP;
      expect(answer.balance % UNITS_PER_CHIP, `${step}: the sub-chip units stay`).toBe(fraction);
      steps.push(`${step}: ${answer.balance} units + ${coins} coins`);
      return { units: answer.balance, coins };
    };
    const credited = async (receipt: TransactionReceipt, before: number, coins: number, step: string) => {
      await waitFor(async () => (await chipsOf(url, address)).balance === before + coins * UNITS_PER_CHIP, { what: `${step}: the deposit credited`, timeout: 60_000 });
      const log = receipt.logs.find((l) => l.topics.length === 3)!; // Deposited (TransferSingle has 4 topics)
      expect((await playerLedger(dataDir, address)).refs('deposit')).toContain(`deposit/${chain.chainId}:${receipt.hash.toLowerCase()}:${log.index}`);
    };
    const minted = (awardId: string, step: string) =>
      waitFor(async () => (await awardsOf(url, address)).awards.find((a) => a.awardId === awardId)?.status === 'minted', { what: `${step}: the withdrawal minted`, timeout: 60_000 });

    // Coins a room awarded (wins minted coins before play moved chips only) are minted first.
    const roomAwards = (await awardsOf(url, address)).awards.filter((a) => a.source.roomId !== 'withdrawal').map((a) => a.awardId);
    await Promise.all(roomAwards.map((id) => minted(id, 'a room award')));
    const start = await settled('played the bonus, coins minted to it');
    const roomCoins = (await playerLedger(dataDir, address)).roomCoins;
    expect(start.coins).toBe(MINTED_BY_TEST + roomCoins);

    // Every coin into chips.
    await credited(await deposit(chain.gameAssets, player, COIN, start.coins), start.units, start.coins, 'deposit 1');
    const deposited = await settled('deposited every coin');
    expect(deposited.coins).toBe(0);

    // Cash out N coins: once, also when the same request comes again.
    const n = 37;
    const first = await cashOut(url, player, { coins: n, requestId: 'round-trip-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await cashOut(url, player, { coins: n, requestId: 'round-trip-1' });
    expect(again.body).toMatchObject({ awardId: withdrawalAwardId(address, 'round-trip-1'), coins: n, replayed: true });
    await minted(String(first.body['awardId']), 'cash-out 1');
    const cashed = await settled('cashed out 37');
    expect([cashed.units, cashed.coins]).toEqual([deposited.units - n * UNITS_PER_CHIP, n]);

    // The same coins back into chips.
    await credited(await deposit(chain.gameAssets, player, COIN, n), cashed.units, n, 'deposit 2');
    const back = await settled('deposited the 37 back');
    expect([back.units, back.coins]).toEqual([deposited.units, 0]);

    // And out again.
    const second = await cashOut(url, player, { coins: n, requestId: 'round-trip-2' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    await minted(String(second.body['awardId']), 'cash-out 2');
    const out = await settled('cashed out 37 again');
    expect([out.units, out.coins]).toEqual([cashed.units, n]);

    const ledger = await playerLedger(dataDir, address);
    expect(ledger.refs('deposit')).toHaveLength(2);
    expect(ledger.refs('cashout').sort()).toEqual([`withdrawal/${withdrawalAwardId(address, 'round-trip-1')}`, `withdrawal/${withdrawalAwardId(address, 'round-trip-2')}`].sort());
    expect([ledger.byReason['deposit'], ledger.byReason['cashout']]).toEqual([(start.coins + n) * UNITS_PER_CHIP, -2 * n * UNITS_PER_CHIP]);
    console.log(`economy round trip:\n  ${steps.join('\n  ')}`);
  });
});
