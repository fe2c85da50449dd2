/**
 * The economy's services, built once at start (`server/app.ts`): the sybil gate on the starting
 * bonus and the cashier, on the server's chip ledger, award outbox and seats.
 * @module
 */
import type { Logger } from 'pino';
import type { SeatRegistry } from '../auth/seats.ts';
import type { SqlAwardOutbox } from '../awards/sql-award-outbox.ts';
import type { ChipLedger } from '../chips/chip-ledger.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { loadOrCreateBonusIpKey } from '../keys.ts';
import { BonusGate } from './bonus-gate.ts';
import { Cashier } from './cashier.ts';

export interface EconomyServices {
  readonly bonus: BonusGate;
  readonly cashier: Cashier;
}

export function startEconomy(deps: { config: Config; database: Database; chips: ChipLedger; awards: SqlAwardOutbox; seats: SeatRegistry; log: Logger }): EconomyServices {
  const { config, database, chips, awards, seats } = deps;
  const log = deps.log.child({ component: 'economy' });
  const e = config.economy;
  const bonus = new BonusGate({
    chips,
    dialect: database.dialect,
    ipKey: loadOrCreateBonusIpKey({ dataDir: config.dataDir, log: (msg, fields) => log.warn(fields ?? {}, msg) }),
    perIp: e.bonusPerIp,
    perSessionKey: e.bonusPerSessionKey,
    windowSeconds: e.bonusWindowSeconds,
    afterDepositCoins: e.bonusAfterDepositCoins,
    log,
  });
  const cashier = new Cashier({ chips, db: database.db, outbox: awards, seats, minCoins: e.minCashOutCoins,
    // A withdrawal above the coin's caps per epoch could never be minted.
    maxCoins: Math.min(config.coinPlayerEpochCap, config.coinEpochCap),
    log,
  });
  return { bonus, cashier };
}
