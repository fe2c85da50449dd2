/**
 * The token ids players can win (GameAssets ERC-1155 ids) and their ERC-1155 metadata, served
 * at the contract's URI (`${PUBLIC_URL}/assets/{id}.json`). Items join the coin with the
 * treasure raid.
 * @module
 */
export const COIN_TOKEN_ID = 1;

export interface TokenMetadata {
  readonly name: string;
  readonly description: string;
  /** ERC-1155 metadata: 0 for whole units. */
  readonly decimals: number;
  readonly properties: Readonly<Record<string, string>>;
}

export const TOKENS: ReadonlyMap<number, TokenMetadata> = new Map([
  [
    COIN_TOKEN_ID,
    {
      name: 'Fairplay coin',
      description: 'Won in Fairplay games; every win traces to a VRF proof in a public room transcript.',
      decimals: 0,
      properties: { kind: 'currency' },
    },
  ],
]);

export const TOKEN_IDS: readonly number[] = [...TOKENS.keys()];
