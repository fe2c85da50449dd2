/**
 * The token ids players can win (GameAssets ERC-1155 ids) and their ERC-1155 metadata, served
 * at the contract's URI (`${PUBLIC_URL}/assets/{id}.json`). Items join the coin with the
 * treasure raid's loot table.
 * @module
 */
import { LOOT_TABLE } from '../../games/raid/rules.ts';

export const COIN_TOKEN_ID = 1;

export interface TokenMetadata {
  readonly name: string;
  readonly description: string;
  /** ERC-1155 metadata: 0 for whole units. */
  readonly decimals: number;
  readonly properties: Readonly<Record<string, string>>;
}

export const TOKENS: ReadonlyMap<number, TokenMetadata> = new Map<number, TokenMetadata>([
  [
    COIN_TOKEN_ID,
    {
      name: 'Fairplay coin',
      description: 'Won in Fairplay games; every win traces to a VRF proof in a public room transcript.',
      decimals: 0,
      properties: { kind: 'currency' },
    },
  ],
  ...LOOT_TABLE.filter((l) => l.tokenId !== COIN_TOKEN_ID).map(
    (l) =>
      [
        l.tokenId,
        {
          name: `Fairplay ${l.item}`,
          description: `A ${l.rarity} find from a treasure-raid chest; its draw is in a public room transcript.`,
          decimals: 0,
          properties: { kind: 'item', rarity: l.rarity },
        },
      ] as [number, TokenMetadata],
  ),
]);

/** Per-epoch caps of the item tokens on a new deployment: in all, and per player. The coin's come from the configuration. */
export const ITEM_CAPS = { epochCap: 100_000n, playerEpochCap: 1_000n } as const;

export const TOKEN_IDS: readonly number[] = [...TOKENS.keys()];
