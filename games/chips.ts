/**
 * Chip amounts. Every amount the server keeps, signs or records (balances, stakes, payouts, the
 * ledger's entries, a receipt's `stake`, an outcome's `payout`) is an integer count of units,
 * `UNITS_PER_CHIP` to the chip, so that a payout rounded down to the unit is within a millionth
 * of a chip of the exact figure. People read and type chips: `formatChips` and `parseChips`
 * convert. Operators' settings (`STARTING_CHIPS`, `MAX_BET`) and the terms `/fairness` publishes
 * are whole chips. Browser-safe: no Node imports.
 * @module
 */

/** Units in one chip. */
export const UNITS_PER_CHIP = 1_000_000;
/** Decimal places of a chip amount: log10(UNITS_PER_CHIP). */
export const CHIP_DECIMALS = 6;

/**
 * The smallest stake a room takes: 0.01 chip. Room policy, not a mapping's: a mapping takes any
 * stake it can pay exactly (dice from 1 unit, blackjack from 2).
 */
export const MIN_STAKE_UNITS = 10_000;

/** Why a room will not take this stake (in units), or undefined: at least MIN_STAKE_UNITS, at most `maxBetUnits` (MAX_BET). */
export function stakeProblem(stake: number, maxBetUnits: number): string | undefined {
  if (stake < MIN_STAKE_UNITS) return `stake below the minimum bet of ${formatChips(MIN_STAKE_UNITS)} chips`;
  if (stake > maxBetUnits) return `stake above the maximum bet of ${formatChips(maxBetUnits)} chips`;
  return undefined;
}

/** The whole chips in an amount of units, rounded down (a coin is a whole chip: a receipt's maxPayout in coins). */
export function wholeChips(units: number): number {
  return Math.floor(units / UNITS_PER_CHIP);
}

/** Whole chips (an operator's setting) as units; throws unless the result is a safe integer. */
export function unitsOfChips(chips: number): number {
  if (!Number.isSafeInteger(chips)) throw new RangeError(`a whole number of chips is expected, got ${chips}`);
  const units = chips * UNITS_PER_CHIP;
  if (!Number.isSafeInteger(units)) throw new RangeError(`${chips} chips is more units than a safe integer holds`);
  return units;
}

/** 1234567 → "1,234,567". */
function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Units as chips for people: thousands grouped with commas, decimals only as many as needed
 * (at most 6): 19_800_000 → "19.8", 1_000_000_000 → "1,000", 1 → "0.000001", -2_500_000 → "-2.5".
 * Throws on anything but a safe integer.
 */
export function formatChips(units: number): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`an amount in units must be a safe integer, got ${units}`);
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  const whole = grouped(String(Math.floor(abs / UNITS_PER_CHIP)));
  const fraction = String(abs % UNITS_PER_CHIP).padStart(CHIP_DECIMALS, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Digits, or digits grouped by three with commas; then an optional point and up to any decimals (checked below). */
const CHIPS_TEXT = /^(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d*))?$/;

/**
 * Chips typed by a person, as units: "19.8" → 19_800_000, "1,000" → 1_000_000_000, ".5",
 * "2." and surrounding spaces are accepted. Throws a RangeError naming the problem for anything
 * else: empty text, a sign (negative amounts are refused), exponents, NaN or Infinity, more than
 * 6 decimals (less than a unit) or than `maxDecimals` if given (a form taking cents), or more units
 * than a safe integer holds.
 */
export function parseChips(text: string, maxDecimals = CHIP_DECIMALS): number {
  const trimmed = text.trim();
  const m = CHIPS_TEXT.exec(trimmed);
  const whole = m?.[1];
  const fraction = m?.[2];
  if (!m || (whole === undefined && !fraction)) throw new RangeError(`not an amount of chips: ${JSON.stringify(text)}`);
  const most = Math.min(maxDecimals, CHIP_DECIMALS);
  if (fraction !== undefined && fraction.length > most)
    throw new RangeError(`at most ${most} decimals${most === CHIP_DECIMALS ? ` (a chip is ${grouped(String(UNITS_PER_CHIP))} units)` : ''}: ${JSON.stringify(text)}`);
  const units = BigInt((whole ?? '0').replaceAll(',', '')) * BigInt(UNITS_PER_CHIP) + BigInt((fraction ?? '').padEnd(CHIP_DECIMALS, '0'));
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`too many chips: ${JSON.stringify(text)}`);
  return Number(units);
}
