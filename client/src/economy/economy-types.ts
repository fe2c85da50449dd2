/**
 * The shape of `GET /economy` (server/economy/economy-stats.ts) and of `/health`'s `economy`
 * field (server/economy/reconciliation.ts), as the page reads them.
 * @module
 */

export interface HouseRow {
  readonly game: string;
  readonly bets: number;
  readonly staked: number;
  readonly houseProfit: number;
  readonly realisedEdge: number | null;
  readonly expectedEdge: number | null;
  readonly band: { readonly low: number; readonly high: number } | null;
  readonly expectedProfit: number | null;
  readonly expectedInBand: boolean | null;
}

export interface EconomyReport {
  readonly generatedAt: number;
  readonly epochSeconds: number;
  readonly supply: readonly { tokenId: number; name: string; samples: readonly { at: number; supply: number }[] }[];
  readonly flows: readonly { epoch: number; startsAt: number; withdrawals: { count: number; coins: number }; deposits: { count: number; coins: number } }[];
  readonly capUse: readonly { epoch: number; startsAt: number; tokens: readonly { tokenId: number; name: string; minted: number; epochCap: number; share: number }[] }[] | null;
  readonly house: readonly HouseRow[];
  readonly gas: {
    readonly totals: { txs: number; awards: number; gas: number; wei: number; gasPerAward: number | null };
    readonly recent: readonly { n: number; hash: string; gasUsed: number; awards: number; gasPerAward: number | null }[];
    readonly byPlayer: readonly { address: string; awards: number; gas: number; wei: number; gasPerAward: number | null }[];
  };
  readonly topEarners: {
    readonly byChipsWon: readonly { address: string; chips: number }[];
    readonly byCoinsCashedOut: readonly { address: string; coins: number; count: number }[];
  };
  readonly bonusRule: { readonly text: string };
  readonly chainError?: string;
}

export interface CoinReconciliation {
  readonly reconciled: boolean | null;
  readonly why?: string;
  readonly coinSupply?: number;
  readonly withdrawn?: number;
  readonly deposited?: number;
  readonly houseIssued?: number;
  readonly courtBonds?: number;
  readonly otherAwards?: number;
  readonly difference?: number;
  readonly chips?: { readonly netDepositChips: number; readonly depositCoins: number; readonly withdrawalCoins: number; readonly creditedToBlock: number; readonly agree: boolean };
}
