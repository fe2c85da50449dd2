/** The token ids players can win (GameAssets ERC-1155 ids). Items will join the coin. */
export const COIN_TOKEN_ID = 1;

export const TOKEN_IDS: readonly number[] = [COIN_TOKEN_ID];
