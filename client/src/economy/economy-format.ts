/**
 * Numbers in words for the economy page: whole amounts with their unit and the plural right,
 * percentages, short addresses and dates.
 * @module
 */

/** `1 coin`, `2,500 coins`, `0.5 chips`. */
export function amount(n: number, unit: string, digits = 2): string {
  const text = n.toLocaleString('en', { maximumFractionDigits: digits });
  return `${text} ${unit}${n === 1 ? '' : 's'}`;
}

/** A fraction as a percentage: 0.0123 -> `1.23%`. */
export const percent = (fraction: number | null, digits = 2): string => (fraction === null ? 'not published' : `${(fraction * 100).toFixed(digits)}%`);

export const shortAddress = (a: string): string => `${a.slice(0, 6)}…${a.slice(-4)}`;

export const dateTime = (ms: number): string => new Date(ms).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });

export const epochLabel = (startsAt: number, epochSeconds: number): string =>
  epochSeconds % 86_400 === 0 ? new Date(startsAt).toLocaleDateString('en', { dateStyle: 'medium' }) : dateTime(startsAt);

/** An epoch's length in words: 86400 → "24 hours", 1380 → "23 minutes", 45 → "45 seconds". */
export function epochWords(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return amount(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return amount(seconds / 60, 'minute');
  return amount(seconds, 'second');
}
