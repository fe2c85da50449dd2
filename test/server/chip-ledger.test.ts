/**
 * server/chips/chip-ledger.ts on SQLite and on PostgreSQL, in units: a never-seen address has no
 * chips; the starting bonus is granted only when asked, once per address (a `grant/<address>`
 * row); entries count exactly once however often
 * and however concurrently they are applied (by ref, from the database's key, also across two
 * ledgers sharing the database), balances read back after reopening, reservations are safe
 * integers no greater than the available balance, and an entry that would take a balance past a
 * safe integer is refused with nothing written. An old `chips.jsonl` is imported (damaged lines
 * skipped), renamed, and importing it again changes nothing.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { ChipLedger, InsufficientChips, NotWithdrawable, oldChipJournals, type ChipEntry } from '../../server/chips/chip-ledger.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';

const A = '0x' + 'a1'.repeat(20);
const B = '0x' + 'B2'.repeat(20);
const START = 1000 * UNITS_PER_CHIP;
const silent = pino({ level: 'silent' });

describe.each(BACKENDS)('ChipLedger on %s', (backend) => {
  const dbs = testDatabases(backend);

  async function ledgerOn(startingUnits = START) {
    const place = await dbs.fresh();
    const database = await dbs.open(place);
    return { place, database, ledger: await ChipLedger.open(database, startingUnits) };
  }

  async function rowsOf(ledger: { close(): Promise<void> }, database: Awaited<ReturnType<typeof dbs.open>>) {
    await ledger.close();
    const entries = await database.db.selectFrom('chip_entries').selectAll().orderBy('ref').execute();
    const balances = await database.db.selectFrom('chip_balances').select(['address', 'units']).orderBy('address').execute();
    return { entries: entries.map((e) => ({ ...e, delta: Number(e.delta) })), balances: balances.map((b) => ({ ...b, units: Number(b.units) })) };
  }

  it('grants the starting bonus once when asked, takes stakes and pays fractions of a chip exactly, and reads them back after reopening', async () => {
    const { place, database, ledger } = await ledgerOn();
    await ledger.load(A);
    expect(ledger.balance(A)).toBe(0);
    await Promise.all([ledger.grantBonus(A), ledger.grantBonus(A.toUpperCase().replace('0X', '0x'))]);
    await ledger.grantBonus(A);
    expect(ledger.balance(A)).toBe(1_000_000_000);
    await ledger.apply([{ ref: 'r/0/stake', address: A, delta: -UNITS_PER_CHIP, reason: 'stake' }]);
    await ledger.apply([{ ref: 'r/0/payout', address: A, delta: 1_980_000, reason: 'payout' }]);
    expect(ledger.balance(A)).toBe(1_000_980_000);
    const { entries, balances } = await rowsOf(ledger, database);
    expect(entries.map((e) => [e.ref, e.delta, e.reason])).toEqual([
      [`grant/${A}`, START, 'grant'],
      ['r/0/payout', 1_980_000, 'payout'],
      ['r/0/stake', -UNITS_PER_CHIP, 'stake'],
    ]);
    expect(balances).toEqual([{ address: A, units: 1_000_980_000 }]);
    const again = await ChipLedger.open(await dbs.open(place), START);
    expect(await again.balanceNow(A)).toBe(1_000_980_000);
    await again.load(A.toUpperCase().replace('0X', '0x'));
    expect(again.balance(A)).toBe(1_000_980_000);
  });

  it('counts each ref once: repeated, in one call, across calls at once, after commit, and from two ledgers sharing the database', async () => {
    const { place, database, ledger } = await ledgerOn();
    const other = await ChipLedger.open(await dbs.open(place), START);
    await Promise.all([ledger.grantBonus(A), other.grantBonus(A), ledger.grantBonus(B), other.grantBonus(B)]);
    await Promise.all([ledger.load(A), ledger.load(B)]);
    const stake: ChipEntry = { ref: 'r/1/stake', address: A, delta: -5 * UNITS_PER_CHIP, reason: 'stake' };
    const refund: ChipEntry = { ref: 'r/1/refund', address: A, delta: 5 * UNITS_PER_CHIP, reason: 'refund' };
    const payB: ChipEntry = { ref: 'r/2/payout', address: B, delta: 7, reason: 'payout' };
    // The same entries applied at once, in the same turn, by two ledgers of two processes' kind.
    await Promise.all([
      ledger.apply([stake, stake]),
      ledger.apply([stake]),
      other.apply([stake, payB]),
      ledger.apply([payB]),
      ...Array.from({ length: 5 }, () => other.apply([stake])),
    ]);
    await ledger.load(A);
    expect(ledger.balance(A)).toBe(START - 5 * UNITS_PER_CHIP);
    // Again after commit (a recovery re-applying a room's records): unchanged.
    await ledger.apply([stake]);
    await other.apply([stake, refund]);
    await ledger.apply([refund]);
    await ledger.load(A);
    await ledger.load(B);
    expect(ledger.balance(A)).toBe(START);
    expect(ledger.balance(B)).toBe(START + 7);
    expect(await other.balanceNow(B)).toBe(START + 7);
    await other.close();
    const { entries, balances } = await rowsOf(ledger, database);
    expect(entries.map((e) => e.ref)).toEqual([`grant/${A}`, `grant/${B.toLowerCase()}`, 'r/1/refund', 'r/1/stake', 'r/2/payout']);
    expect(balances).toEqual([
      { address: A, units: START },
      { address: B.toLowerCase(), units: START + 7 },
    ]);
  });

  it('counts an entry at once, before it is committed, so that a bet cannot spend the same chips twice', async () => {
    const { ledger } = await ledgerOn(10 * UNITS_PER_CHIP);
    await ledger.grantBonus(A);
    await ledger.load(A);
    ledger.reserve(A, 10 * UNITS_PER_CHIP);
    const staked = ledger.apply([{ ref: 'r/0/stake', address: A, delta: -10 * UNITS_PER_CHIP, reason: 'stake' }]);
    ledger.release(A, 10 * UNITS_PER_CHIP);
    expect(ledger.available(A)).toBe(0);
    expect(() => ledger.reserve(A, 1)).toThrow(InsufficientChips);
    await staked;
    expect(ledger.available(A)).toBe(0);
  });

  it('reserves positive safe integers of units only, and no more than is available', async () => {
    const { ledger } = await ledgerOn(5 * UNITS_PER_CHIP);
    await ledger.grantBonus(A);
    await ledger.load(A);
    for (const bad of [0, -1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) expect(() => ledger.reserve(A, bad)).toThrow(RangeError);
    ledger.reserve(A, 4_990_000);
    expect(ledger.available(A)).toBe(10_000);
    expect(() => ledger.reserve(A, 10_001)).toThrow(InsufficientChips);
    expect(() => ledger.reserve(A, 10_001)).toThrow('bet of 0.010001 chips exceeds the available balance of 0.01');
    ledger.release(A, 4_990_000);
    expect(ledger.available(A)).toBe(5 * UNITS_PER_CHIP);
  });

  it('refuses, with nothing written, entries that would take a balance out of the safe integers; the others of the turn are written', async () => {
    const { place, database, ledger } = await ledgerOn(Number.MAX_SAFE_INTEGER - 10);
    await ledger.grantBonus(A);
    await ledger.load(A);
    const [tooMuch, fine] = await Promise.allSettled([
      ledger.apply([{ ref: 'r/0/payout', address: A, delta: 11, reason: 'payout' }]),
      ledger.apply([{ ref: 'r/9/payout', address: B, delta: 1, reason: 'payout' }]),
    ]);
    expect(tooMuch.status).toBe('rejected');
    expect(String((tooMuch as PromiseRejectedResult).reason)).toMatch(/out of the safe integers/);
    expect(fine.status).toBe('fulfilled');
    expect(ledger.balance(A)).toBe(Number.MAX_SAFE_INTEGER - 10);
    expect((await rowsOf(ledger, database)).entries.map((e) => e.ref)).toEqual([`grant/${A}`, 'r/9/payout']);
    await ledger.apply([{ ref: 'r/0/payout', address: A, delta: 10, reason: 'payout' }]);
    expect(ledger.balance(A)).toBe(Number.MAX_SAFE_INTEGER);
    const again = await ChipLedger.open(await dbs.open(place), 0);
    expect(await again.balanceNow(A)).toBe(Number.MAX_SAFE_INTEGER);
    await expect(ChipLedger.open(database, 1.5)).rejects.toThrow(RangeError);
  });

  it('imports an old chips.jsonl (damaged lines skipped), renames it, and a second import changes nothing', async () => {
    const { place, database, ledger } = await ledgerOn();
    const old: ChipEntry[] = [
      { ref: `grant/${A}`, address: A, delta: START, reason: 'grant' },
      { ref: 'r/0/stake', address: A, delta: -3 * UNITS_PER_CHIP, reason: 'stake' },
      { ref: `grant/${B.toLowerCase()}`, address: B, delta: START, reason: 'grant' },
      { ref: 'r/0/payout', address: A, delta: 5_940_000, reason: 'payout' },
      { ref: 'r/1/stake', address: B, delta: -UNITS_PER_CHIP, reason: 'stake' },
    ];
    const file = join(place.dataDir, 'chips.jsonl');
    const text = old.map((e) => JSON.stringify(e)).join('\n') + '\n{"ref":"r/1/payout","addr\n';
    await writeFile(file, text);
    expect(await oldChipJournals(place.dataDir)).toContain(file);
    // One of its entries is in the database already (applied since by a server of the new version).
    await ledger.apply([old[1]!]);
    expect(await ledger.importJournal(file, silent)).toEqual({ imported: 5, bad: 1 });
    expect(existsSync(file)).toBe(false);
    // Its damaged line is skipped and reported: the file is kept as it was, as `.damaged`, beside the report.
    expect(await readFile(`${file}.damaged`, 'utf8')).toBe(text);
    expect(JSON.parse(await readFile(`${file}.damaged.json`, 'utf8'))).toMatchObject({ imported: 5, damagedLines: [{ line: 6, reason: 'line is not valid JSON' }] });
    const expected = { [A]: START - 3 * UNITS_PER_CHIP + 5_940_000, [B.toLowerCase()]: START - UNITS_PER_CHIP };
    for (const [address, units] of Object.entries(expected)) expect(await ledger.balanceNow(address)).toBe(units);
    const first = await rowsOf(ledger, database);
    expect(first.entries).toHaveLength(5);
    // Imported again (say, the renamed file restored by hand): nothing changes.
    await writeFile(file, text);
    await ledger.importJournal(file, silent);
    expect(await rowsOf(ledger, database)).toEqual(first);
    for (const [address, units] of Object.entries(expected)) expect(await ledger.balanceNow(address)).toBe(units);
    // No file: nothing to do.
    expect(await ledger.importJournal(join(place.dataDir, 'none.jsonl'), silent)).toBeUndefined();
  });

  async function columnsOf(database: Awaited<ReturnType<typeof dbs.open>>, address: string) {
    const row = await database.db.selectFrom('chip_balances').selectAll().where('address', '=', address.toLowerCase()).executeTakeFirst();
    return row && { units: Number(row.units), bonus: Number(row.bonus_units), wagered: Number(row.wagered_units), netDeposit: Number(row.net_deposit_units) };
  }

  it('gives a never-seen address no chips: no implicit grant on its first entry', async () => {
    const { database, ledger } = await ledgerOn();
    expect(ledger.balance(A)).toBe(0);
    expect(await ledger.balanceNow(A)).toBe(0);
    expect(await ledger.standingNow(A)).toEqual({ balance: 0, bonus: 0, wagered: 0, netDeposit: 0 });
    await ledger.apply([{ ref: 'r/0/payout', address: A, delta: 3, reason: 'payout' }]);
    await ledger.load(A);
    expect(ledger.balance(A)).toBe(3);
    expect((await rowsOf(ledger, database)).entries.map((e) => e.ref)).toEqual(['r/0/payout']);
    const none = await ChipLedger.open(database, 0);
    await none.grantBonus(B);
    expect(await none.balanceNow(B)).toBe(0);
  });

  it('keeps bonus, wagered and net deposit per address with the balance, each entry counted once', async () => {
    const { database, ledger } = await ledgerOn();
    await ledger.grantBonus(A);
    const entries: ChipEntry[] = [
      { ref: 'r/0/stake', address: A, delta: -4 * UNITS_PER_CHIP, reason: 'stake' },
      { ref: 'r/0/double', address: A, delta: -4 * UNITS_PER_CHIP, reason: 'double' },
      { ref: 'r/0/payout', address: A, delta: 16 * UNITS_PER_CHIP, reason: 'payout' },
      { ref: 'r/1/stake', address: A, delta: -UNITS_PER_CHIP, reason: 'stake' },
      { ref: 'r/1/refund', address: A, delta: UNITS_PER_CHIP, reason: 'refund' },
      { ref: 'deposit/1:0xab:0', address: A, delta: 25 * UNITS_PER_CHIP, reason: 'deposit' },
    ];
    await Promise.all([ledger.apply(entries), ledger.apply(entries.slice(2))]);
    await ledger.apply(entries);
    // The voided bet's refund takes its stake out of what was wagered: it was never at risk.
    const expected = { units: START + 33 * UNITS_PER_CHIP, bonus: START, wagered: 8 * UNITS_PER_CHIP, netDeposit: 25 * UNITS_PER_CHIP };
    expect(await columnsOf(database, A)).toEqual(expected);
    expect(await ledger.standingNow(A)).toEqual({ balance: expected.units, bonus: START, wagered: expected.wagered, netDeposit: expected.netDeposit });
    // Under the rule (multiple 30): before the requirement only deposits leave.
    await ledger.apply([{ ref: 'withdrawal/x', address: A, delta: -25 * UNITS_PER_CHIP, reason: 'cashout' }]);
    expect(await columnsOf(database, A)).toEqual({ ...expected, units: expected.units - 25 * UNITS_PER_CHIP, netDeposit: 0 });
  });

  it('refuses a cash-out above the withdrawable amount inside its transaction, with nothing of its apply written', async () => {
    const { database, ledger } = await ledgerOn();
    await ledger.grantBonus(A);
    await ledger.load(A);
    const cash = (ref: string, chips: number): ChipEntry => ({ ref, address: A, delta: -chips * UNITS_PER_CHIP, reason: 'cashout' });
    // The bonus alone: nothing withdrawable.
    const refused = await ledger.apply([{ ref: 'r/0/payout', address: A, delta: 1, reason: 'payout' }, cash('withdrawal/a', 1)]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotWithdrawable);
    expect(String(refused)).toMatch(/a cash-out of 1 chips is more than the 0 chips/);
    expect(ledger.balance(A)).toBe(START);
    expect((await rowsOf(ledger, database)).entries.map((e) => e.ref)).toEqual([`grant/${A}`]);
    // A deposit of 50 chips: 50 leave, not 50.000001.
    await ledger.apply([{ ref: 'deposit/d', address: A, delta: 50 * UNITS_PER_CHIP, reason: 'deposit' }]);
    await expect(ledger.apply([{ ...cash('withdrawal/b', 50), delta: -50 * UNITS_PER_CHIP - 1 }])).rejects.toBeInstanceOf(NotWithdrawable);
    await ledger.apply([cash('withdrawal/c', 50)]);
    await expect(ledger.apply([cash('withdrawal/d', 1)])).rejects.toBeInstanceOf(NotWithdrawable);
    expect(ledger.balance(A)).toBe(START);
    // A positive cash-out delta is no cash-out.
    await expect(ledger.apply([{ ...cash('withdrawal/e', 1), delta: 5 }])).rejects.toThrow(RangeError);
    expect(await columnsOf(database, A)).toEqual({ units: START, bonus: START, wagered: 0, netDeposit: 0 });
  });

  it('lets the winnings beyond the bonus leave once the wagering requirement is met, never the bonus', async () => {
    const place = await dbs.fresh();
    const database = await dbs.open(place);
    const ledger = await ChipLedger.open(database, 10 * UNITS_PER_CHIP, 2);
    await ledger.grantBonus(A);
    await ledger.apply([{ ref: 'r/0/stake', address: A, delta: -10 * UNITS_PER_CHIP, reason: 'stake' }, { ref: 'r/0/payout', address: A, delta: 19 * UNITS_PER_CHIP, reason: 'payout' }]);
    // 10 of the 20 chips staked: nothing yet.
    await expect(ledger.apply([{ ref: 'withdrawal/a', address: A, delta: -UNITS_PER_CHIP, reason: 'cashout' }])).rejects.toBeInstanceOf(NotWithdrawable);
    await ledger.apply([{ ref: 'r/1/stake', address: A, delta: -10 * UNITS_PER_CHIP, reason: 'stake' }, { ref: 'r/1/payout', address: A, delta: 12 * UNITS_PER_CHIP, reason: 'payout' }]);
    // Balance 21, bonus 10: 11 may leave.
    await expect(ledger.apply([{ ref: 'withdrawal/b', address: A, delta: -11 * UNITS_PER_CHIP - 1, reason: 'cashout' }])).rejects.toBeInstanceOf(NotWithdrawable);
    await ledger.apply([{ ref: 'withdrawal/c', address: A, delta: -11 * UNITS_PER_CHIP, reason: 'cashout' }]);
    expect(await ledger.standingNow(A)).toEqual({ balance: 10 * UNITS_PER_CHIP, bonus: 10 * UNITS_PER_CHIP, wagered: 20 * UNITS_PER_CHIP, netDeposit: -11 * UNITS_PER_CHIP });
  });

  it('transact: its rows and its entries commit together or not at all, and its held chips are out of reach meanwhile', async () => {
    const { database, ledger } = await ledgerOn();
    await ledger.grantBonus(A);
    await ledger.apply([{ ref: 'deposit/d', address: A, delta: 30 * UNITS_PER_CHIP, reason: 'deposit' }]);
    await ledger.load(A);
    const row = (id: string) => ({ award_id: id, address: A, request_id: id, coins: 20, requested_at: 1 });
    const entry = (id: string, chips: number): ChipEntry => ({ ref: `withdrawal/${id}`, address: A, delta: -chips * UNITS_PER_CHIP, reason: 'cashout' });
    // Above what may leave: the withdrawal row it wrote is rolled back with it.
    const tooMuch = ledger.transact(async (trx) => {
      await trx.insertInto('withdrawals').values(row('w1')).execute();
      return { entries: [entry('w1', 31)], value: 'w1' };
    }, [entry('w1', 31)]);
    expect(ledger.available(A)).toBe(START - UNITS_PER_CHIP);
    await expect(tooMuch).rejects.toBeInstanceOf(NotWithdrawable);
    // Work that throws after its insert: nothing written either, and its error is the caller's.
    await expect(ledger.transact(async (trx) => {
      await trx.insertInto('withdrawals').values(row('w2')).execute();
      throw new Error('refused by the work');
    }, [entry('w2', 5)])).rejects.toThrow('refused by the work');
    expect(ledger.balance(A)).toBe(START + 30 * UNITS_PER_CHIP);
    // A good one: held at once (no bet can reserve those chips), then committed with its row.
    const good = ledger.transact(async (trx) => {
      await trx.insertInto('withdrawals').values(row('w3')).execute();
      return { entries: [entry('w3', 20)], value: 'w3' };
    }, [entry('w3', 20)]);
    expect(ledger.available(A)).toBe(START + 10 * UNITS_PER_CHIP);
    expect(() => ledger.reserve(A, START + 10 * UNITS_PER_CHIP + 1)).toThrow(InsufficientChips);
    expect(await good).toBe('w3');
    expect(ledger.balance(A)).toBe(START + 10 * UNITS_PER_CHIP);
    const ids = (await database.db.selectFrom('withdrawals').select('award_id').execute()).map((r) => r.award_id);
    expect(ids).toEqual(['w3']);
    expect((await rowsOf(ledger, database)).entries.map((e) => e.ref)).toEqual(['deposit/d', `grant/${A}`, 'withdrawal/w3']);
  });

  it('two ledgers sharing the database cash out the same chips once', async () => {
    const { place, ledger } = await ledgerOn();
    const other = await ChipLedger.open(await dbs.open(place), START);
    await ledger.grantBonus(A);
    await ledger.apply([{ ref: 'deposit/d', address: A, delta: 40 * UNITS_PER_CHIP, reason: 'deposit' }]);
    const results = await Promise.allSettled([
      ledger.apply([{ ref: 'withdrawal/1', address: A, delta: -40 * UNITS_PER_CHIP, reason: 'cashout' }]),
      other.apply([{ ref: 'withdrawal/2', address: A, delta: -40 * UNITS_PER_CHIP, reason: 'cashout' }]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await ledger.balanceNow(A)).toBe(START);
    await other.close();
  });
});
