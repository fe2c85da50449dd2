/**
 * server/chips/chip-ledger.ts in units: the starting allowance, reservations and entries are safe
 * integers of units, and an entry that would take a balance past one is refused unjournaled.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { ChipLedger, InsufficientChips } from '../../server/chips/chip-ledger.ts';

const A = '0x' + 'a1'.repeat(20);
let dir: string;
let ledger: ChipLedger | undefined;

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'chip-ledger-'));
});
afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('ChipLedger in units', () => {
  it('grants the starting allowance in units, takes stakes and pays fractions of a chip exactly, and reads them back', async () => {
    const file = path.join(dir, 'chips.jsonl');
    ledger = await ChipLedger.open(file, 1000 * UNITS_PER_CHIP);
    expect(ledger.balance(A)).toBe(1_000_000_000);
    await ledger.apply([{ ref: 'r/0/stake', address: A, delta: -UNITS_PER_CHIP, reason: 'stake' }]);
    await ledger.apply([{ ref: 'r/0/payout', address: A, delta: 1_980_000, reason: 'payout' }]);
    expect(ledger.balance(A)).toBe(1_000_980_000);
    await ledger.close();
    ledger = await ChipLedger.open(file, 1000 * UNITS_PER_CHIP);
    expect(ledger.balance(A)).toBe(1_000_980_000);
  });

  it('reserves positive safe integers of units only, and no more than is available', async () => {
    ledger = await ChipLedger.open(path.join(dir, 'chips.jsonl'), 5 * UNITS_PER_CHIP);
    for (const bad of [0, -1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) expect(() => ledger!.reserve(A, bad)).toThrow(RangeError);
    ledger.reserve(A, 4_990_000);
    expect(ledger.available(A)).toBe(10_000);
    expect(() => ledger!.reserve(A, 10_001)).toThrow(InsufficientChips);
    expect(() => ledger!.reserve(A, 10_001)).toThrow('bet of 0.010001 chips exceeds the available balance of 0.01');
    ledger.release(A, 4_990_000);
    expect(ledger.available(A)).toBe(5 * UNITS_PER_CHIP);
  });

  it('refuses, unjournaled and unapplied, entries that would take a balance out of the safe integers', async () => {
    const file = path.join(dir, 'chips.jsonl');
    ledger = await ChipLedger.open(file, Number.MAX_SAFE_INTEGER - 10);
    await expect(ledger.apply([{ ref: 'r/0/payout', address: A, delta: 11, reason: 'payout' }])).rejects.toThrow(/out of the safe integers/);
    expect(ledger.balance(A)).toBe(Number.MAX_SAFE_INTEGER - 10);
    await ledger.apply([{ ref: 'r/0/payout', address: A, delta: 10, reason: 'payout' }]);
    expect(ledger.balance(A)).toBe(Number.MAX_SAFE_INTEGER);
    await ledger.close();
    ledger = await ChipLedger.open(file, 0);
    expect(ledger.balance(A)).toBe(Number.MAX_SAFE_INTEGER);
    await expect(ChipLedger.open(path.join(dir, 'other.jsonl'), 1.5)).rejects.toThrow(RangeError);
  });
});
