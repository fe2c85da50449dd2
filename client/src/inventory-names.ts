/**
 * What the inventory calls each token: the coin (token 1) and the items games declare in their
 * rules, counted in plain English ("1 coin", "3 coins", "2 rubies", "1 golden chalice").
 * @module
 */
import { GAMES } from '../../games/registry.ts';

export const COIN_TOKEN_ID = 1;

/** Singular names by token id. */
const NAMES: ReadonlyMap<number, string> = new Map([[COIN_TOKEN_ID, 'coin'], ...GAMES.flatMap((g) => g.items ?? []).map((i) => [i.tokenId, i.name] as [number, string])]);

/** The item's rarity and where it is found, when a game declares it. */
export const ITEM_FACTS: ReadonlyMap<number, { readonly rarity: string; readonly foundIn: string }> = new Map(
  GAMES.flatMap((g) => g.items ?? []).map((i) => [i.tokenId, { rarity: i.rarity, foundIn: i.foundIn }] as [number, { rarity: string; foundIn: string }]),
);

/** The English plural of a noun phrase: its last word takes the ending ("golden chalice" → "golden chalices"). */
export function plural(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** The token's name, one of it. */
export function tokenName(tokenId: number): string {
  return NAMES.get(tokenId) ?? `token ${tokenId}`;
}

/** "1 coin", "3 coins", "0 rubies"; an unknown token reads "2 of token 7". Amounts may be bigints (balances). */
export function countOf(tokenId: number, amount: number | bigint): string {
  const name = NAMES.get(tokenId);
  const n = amount.toLocaleString('en-US');
  if (!name) return `${n} of token ${tokenId}`;
  return `${n} ${amount === 1 || amount === 1n ? name : plural(name)}`;
}
