/**
 * The token ids players can win (GameAssets ERC-1155 ids) and their ERC-1155 metadata, served
 * at the contract's URI (`${PUBLIC_URL}/assets/{id}.json`): the coin, and the items each game
 * declares in its rules.
 * @module
 */
import { GAMES } from '../../games/registry.ts';

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
      description: 'Fairplay chips cashed out: 1 coin is 1 chip, and a deposit turns it back into a chip.',
      decimals: 0,
      properties: { kind: 'currency' },
    },
  ],
  ...GAMES.flatMap((g) => g.items ?? []).map(
    (item) =>
      [
        item.tokenId,
        {
          name: `Fairplay ${item.name}`,
          description: `A ${item.rarity} find from ${item.foundIn}; its draw is in a public room transcript.`,
          decimals: 0,
          properties: { kind: 'item', rarity: item.rarity },
        },
      ] as [number, TokenMetadata],
  ),
]);

/** Per-epoch caps of the item tokens on a new deployment: in all, and per player. The coin's come from the configuration. */
export const ITEM_CAPS = { epochCap: 100_000n, playerEpochCap: 1_000n } as const;

export const TOKEN_IDS: readonly number[] = [...TOKENS.keys()];
