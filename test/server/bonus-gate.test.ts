/**
 * The sybil gate on the starting bonus (server/economy/bonus-gate.ts). On a real server with the
 * default settings (one bonus per client IP and per session key a day): the first address from an
 * IP gets its 1,000 chips at its first join, once; a second address from the same IP joins but
 * gets nothing, its chips answer says why, and its bets are refused for want of chips. With many
 * bonuses per IP, a second address signing in with the same session key gets none. The gate
 * itself on SQLite and PostgreSQL: the window ends, and the bonus after a first deposit.
 */
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { ChipLedger } from '../../server/chips/chip-ledger.ts';
import { BonusGate } from '../../server/economy/bonus-gate.ts';
import { Secret } from '../../server/log.ts';
import { chipsOf } from '../helpers/cash-out.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { authorize, signInToken, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';

const BONUS = 1000 * UNITS_PER_CHIP;

describe('the bonus gate on a server with the default settings', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { BONUS_PER_IP: '1', BONUS_PER_SESSION_KEY: '1' } });
  }, timeoutWithStarts(1, 10_000));
  afterAll(async () => {
    await server?.stop();
  });

  it('gives the first address from an IP its bonus once, and the next address from that IP none, saying why', async () => {
    const first = await TestPlayer.join(server.url);
    expect(await chipsOf(server.url, first.address)).toMatchObject({ balance: BONUS, bonus: BONUS });
    await first.room.leave();
    // Back again: still one bonus.
    const again = await TestPlayer.join(server.url, { wallet: first.wallet });
    await again.room.leave();
    expect(await chipsOf(server.url, first.address)).toMatchObject({ balance: BONUS, bonus: BONUS });

    const second = await TestPlayer.join(server.url);
    const chips = await chipsOf(server.url, second.address);
    console.log(`second address from 127.0.0.1: ${chips.bonusRefused}`);
    expect(chips).toMatchObject({ balance: 0, bonus: 0, withdrawable: 0 });
    expect(chips.bonusRefused).toMatch(/another address got them from the same internet connection within the last 24 hours/);
    // It plays with what it has: nothing.
    const action = { stake: UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
    const commitment = '11'.repeat(32);
    second.room.send('bet', { ...action, commitment, authorization: await authorize(second.drawSigner, second.room.roomId, 'dice', 'roll', action, commitment, second.rulesHash) });
    expect((await second.next('error')).code).toBe('insufficient-chips');
    await second.room.leave();
  });
});

describe('the bonus gate per session key', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { BONUS_PER_IP: '1000', BONUS_PER_SESSION_KEY: '1' } });
  }, timeoutWithStarts(1, 10_000));
  afterAll(async () => {
    await server?.stop();
  });

  it('gives one bonus per session key: a second address delegating to the same key gets none', async () => {
    const sessionKey = Wallet.createRandom().address;
    const [a, b, c] = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
    const pa = await TestPlayer.join(server.url, { wallet: a, token: await signInToken(server.url, a, { sessionKey }) });
    const pb = await TestPlayer.join(server.url, { wallet: b, token: await signInToken(server.url, b, { sessionKey }) });
    const pc = await TestPlayer.join(server.url, { wallet: c });
    expect(await chipsOf(server.url, a.address)).toMatchObject({ bonus: BONUS });
    const refused = await chipsOf(server.url, b.address);
    expect(refused).toMatchObject({ balance: 0, bonus: 0 });
    expect(refused.bonusRefused).toMatch(/its sign-in key got them for another address/);
    expect(await chipsOf(server.url, c.address)).toMatchObject({ bonus: BONUS });
    await Promise.all([pa, pb, pc].map((p) => p.room.leave()));
  });
});

describe.each(BACKENDS)('BonusGate on %s', (backend) => {
  const dbs = testDatabases(backend);
  const key = new Secret(new Uint8Array(32).fill(7));
  const silent = pino({ level: 'silent' });

  async function gateOn(opts: { perIp?: number; afterDepositCoins?: number; now?: () => number }) {
    const database = await dbs.open(await dbs.fresh());
    const chips = await ChipLedger.open(database, BONUS);
    const gate = new BonusGate({ chips, dialect: database.dialect, ipKey: key, perIp: opts.perIp ?? 1, perSessionKey: 1000, windowSeconds: 3600, afterDepositCoins: opts.afterDepositCoins ?? 0, log: silent, ...(opts.now ? { now: opts.now } : {}) });
    return { database, chips, gate };
  }

  it('grants one bonus per IP per window, at once as at any time, never the IP in the clear, and again after the window', async () => {
    let now = 1_000_000;
    const { database, chips, gate } = await gateOn({ now: () => now });
    const players = Array.from({ length: 6 }, () => ({ address: Wallet.createRandom().address.toLowerCase() }));
    const verdicts = await Promise.all(players.map((p) => gate.atJoin(p, '203.0.113.7')));
    expect(verdicts.filter((v) => v.granted === 'now')).toHaveLength(1);
    expect(await Promise.all(players.map((p) => chips.balanceNow(p.address)))).toEqual(expect.arrayContaining([BONUS, 0]));
    const rows = await database.db.selectFrom('bonus_grants').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ip_key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('203.0.113.7');
    // Another IP: its own bonus.
    const other = { address: Wallet.createRandom().address.toLowerCase() };
    expect(await gate.atJoin(other, '198.51.100.1')).toEqual({ granted: 'now' });
    // Past the window, a refused address gets its bonus at its next join; the granted one never a second.
    now += 3600 * 1000 + 1;
    const refused = players.find((_, i) => verdicts[i]!.granted !== 'now')!;
    expect(await gate.atJoin(refused, '203.0.113.7')).toEqual({ granted: 'now' });
    const granted = players.find((_, i) => verdicts[i]!.granted === 'now')!;
    expect((await gate.atJoin(granted, '192.0.2.9')).granted).toBe('before');
    expect(await chips.balanceNow(granted.address)).toBe(BONUS);
    await chips.close();
  });

  it('with BONUS_AFTER_DEPOSIT_COINS grants the bonus at a first deposit of at least that many coins, not at a join', async () => {
    const { chips, gate } = await gateOn({ afterDepositCoins: 20 });
    const address = Wallet.createRandom().address;
    expect(await gate.atJoin({ address }, '203.0.113.8')).toMatchObject({ granted: false });
    expect(gate.refusal(address)).toMatch(/first deposit of at least 20 coins/);
    expect(await gate.afterDeposit(address, 19)).toMatchObject({ granted: false });
    expect(await chips.balanceNow(address)).toBe(0);
    expect(await gate.afterDeposit(address, 20)).toEqual({ granted: 'now' });
    expect(await gate.afterDeposit(address, 500)).toEqual({ granted: 'before' });
    expect(await chips.balanceNow(address)).toBe(BONUS);
    expect(gate.refusal(address)).toBeUndefined();
    await chips.close();
  });
});
