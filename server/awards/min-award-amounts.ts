/**
 * `MIN_AWARD_AMOUNTS`: the least a player's pending awards of a token must add up to before the
 * minter mints them, together in one batch (docs/operations.md, Fair minting). Written
 * `"<tokenId>:<amount>,..."`, e.g. `"101:3,102:2"`; a token not named has minimum 1 (every award
 * mints on its own). It keeps tiny awards from costing a transaction's gas each on a public chain.
 * @module
 */

/** Token id -> minimum amount (above 1 only: 1 is every token's default). */
export type MinAwardAmounts = ReadonlyMap<number, number>;

const ENTRY = /^(\d{1,9}):(\d{1,15})$/;

/** The minimum of a token's awards. */
export function minimumOf(minimums: MinAwardAmounts, tokenId: number): number {
  return minimums.get(tokenId) ?? 1;
}

/** Parses the variable's value, or says what is wrong with it in a sentence. */
export function parseMinAwardAmounts(text: string, knownTokenIds: readonly number[]): MinAwardAmounts | string {
  const out = new Map<number, number>();
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    const amount = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isSafeInteger(amount) || amount < 1)
      return `MIN_AWARD_AMOUNTS must be comma-separated <tokenId>:<amount> pairs with a whole amount of at least 1 (e.g. "101:3,102:2"), but "${entry.slice(0, 40)}" is not one`;
    const tokenId = Number(match[1]);
    if (!knownTokenIds.includes(tokenId)) return `MIN_AWARD_AMOUNTS names token ${tokenId}, which is not one of this server's tokens (${knownTokenIds.join(', ')})`;
    if (out.has(tokenId)) return `MIN_AWARD_AMOUNTS names token ${tokenId} twice`;
    if (amount > 1) out.set(tokenId, amount);
  }
  return out;
}
