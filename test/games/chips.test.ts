/**
 * games/chips.ts: units as chips for people and back, and what is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChips, parseChips, UNITS_PER_CHIP, unitsOfChips } from '../../games/chips.ts';
import { propertyParams } from '../helpers/seed.ts';

describe('formatChips', () => {
  it('shows chips with grouped thousands and only the decimals needed, at most 6', () => {
    expect(UNITS_PER_CHIP).toBe(1_000_000);
    expect(formatChips(19_800_000)).toBe('19.8');
    expect(formatChips(1_980_000)).toBe('1.98');
    expect(formatChips(1_000_000_000)).toBe('1,000');
    expect(formatChips(1_234_567_890_123)).toBe('1,234,567.890123');
    expect(formatChips(0)).toBe('0');
    expect(formatChips(1)).toBe('0.000001');
    expect(formatChips(10_000)).toBe('0.01');
    expect(formatChips(999_999)).toBe('0.999999');
    expect(formatChips(100_000_000)).toBe('100');
    expect(formatChips(-2_500_000)).toBe('-2.5');
    expect(formatChips(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254.740991');
  });

  it('refuses what is not a safe integer of units', () => {
    for (const bad of [0.5, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1]) expect(() => formatChips(bad)).toThrow(RangeError);
  });
});

describe('parseChips', () => {
  it('reads decimal chips as units', () => {
    expect(parseChips('19.8')).toBe(19_800_000);
    expect(parseChips('1.98')).toBe(1_980_000);
    expect(parseChips('1,000')).toBe(1_000_000_000);
    expect(parseChips('1000')).toBe(1_000_000_000);
    expect(parseChips('0.000001')).toBe(1);
    expect(parseChips('0.01')).toBe(10_000);
    expect(parseChips('.5')).toBe(500_000);
    expect(parseChips('2.')).toBe(2_000_000);
    expect(parseChips(' 3.25 ')).toBe(3_250_000);
    expect(parseChips('0')).toBe(0);
    expect(parseChips('007')).toBe(7_000_000);
    expect(parseChips('9007199254.740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['', /not an amount/],
    ['   ', /not an amount/],
    ['.', /not an amount/],
    ['-1', /not an amount/],
    ['-0.5', /not an amount/],
    ['+1', /not an amount/],
    ['NaN', /not an amount/],
    ['Infinity', /not an amount/],
    ['1e3', /not an amount/],
    ['0x10', /not an amount/],
    ['1,00', /not an amount/],
    ['10,00,000', /not an amount/],
    [',100', /not an amount/],
    ['1.2.3', /not an amount/],
    ['1,000.5,0', /not an amount/],
    ['1 000', /not an amount/],
    ['١٢', /not an amount/], // Arabic-Indic digits
    ['0.0000001', /at most 6 decimals/],
    ['1.1234567', /at most 6 decimals/],
    ['9007199254.740992', /too many chips/],
    ['99999999999', /too many chips/],
    ['123456789012345678901234567890', /too many chips/],
  ])('refuses %j', (text, reason) => {
    expect(() => parseChips(text)).toThrow(RangeError);
    expect(() => parseChips(text)).toThrow(reason);
  });

  it('round trips: parseChips(formatChips(u)) is u for every safe amount; formatChips(parseChips(t)) is t for formatted text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat({ max: 10 * UNITS_PER_CHIP }), fc.maxSafeNat(), fc.nat({ max: 1_000_000 }).map((c) => c * UNITS_PER_CHIP)), (units) => {
        const text = formatChips(units);
        expect(parseChips(text)).toBe(units);
        expect(formatChips(parseChips(text))).toBe(text);
        expect(text).toMatch(/^\d{1,3}(,\d{3})*(\.\d{0,5}[1-9])?$/);
      }),
      propertyParams('chips round trip', { numRuns: 2000 }),
    );
  });

  it('agrees with decimal arithmetic on text of up to 6 decimals', () => {
    fc.assert(
      fc.property(fc.nat({ max: 9_007_199_253 }), fc.stringMatching(/^\d{0,6}$/), (whole, decimals) => {
        const text = decimals ? `${whole}.${decimals}` : String(whole);
        expect(BigInt(parseChips(text))).toBe(BigInt(whole) * 1_000_000n + BigInt(decimals.padEnd(6, '0')));
      }),
      propertyParams('parseChips is decimal arithmetic'),
    );
  });
});

describe('unitsOfChips', () => {
  it('converts whole chips, refusing fractions and amounts past a safe integer', () => {
    expect(unitsOfChips(1000)).toBe(1_000_000_000);
    expect(unitsOfChips(0)).toBe(0);
    expect(() => unitsOfChips(1.5)).toThrow(RangeError);
    expect(() => unitsOfChips(10_000_000_000)).toThrow(RangeError);
  });
});

describe('parseChips with fewer decimals (a form taking cents)', () => {
  it('refuses more decimals than asked for, never more than 6', () => {
    expect(parseChips('1.25', 2)).toBe(1_250_000);
    expect(parseChips('7', 0)).toBe(7_000_000);
    expect(() => parseChips('1.255', 2)).toThrow('at most 2 decimals');
    expect(() => parseChips('1.5', 0)).toThrow('at most 0 decimals');
    expect(() => parseChips('1.1234567', 9)).toThrow('at most 6 decimals');
  });
});
