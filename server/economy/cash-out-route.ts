/**
 * The economy's player routes (docs/economy.md):
 * - `POST /economy/cash-out`: chips into coins. The player proves the address with a sign-in
 *   token (`Authorization: Bearer <token>`, as rooms and `POST /chain/fund` take it; its nonce is
 *   spent whatever the outcome), and sends `{ "coins": <whole coins>, "requestId": <8-64 of
 *   A-Z a-z 0-9 _ -> }`. 200 `{ awardId, coins, status }` (the award's minting status, as the
 *   awards route tells it); the same request id again answers the same withdrawal. 400 a
 *   malformed body, 401 no or a bad token, 409 `{ error }` refused (above what may be cashed
 *   out, below the minimum, chips held by a table on another process). Counted in the
 *   `expensive` rate limit bucket (a signature check per request).
 * - `GET /economy/rules`: the bonus rule and its figures, in words and numbers.
 * @module
 */
import { ServerError } from '@colyseus/core';
import express, { type Application, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { authenticatePlayer } from '../auth/room-auth.ts';
import type { AwardStatus } from '../awards/minter.ts';
import type { EconomyConfig } from '../config.ts';
import { CashOutRefused, type Cashier } from './cashier.ts';

export const CASH_OUT_PATH = '/economy/cash-out';

const CashOutBody = z.strictObject({
  coins: z.number().int('coins must be a whole number').min(1, 'coins must be at least 1').max(Number.MAX_SAFE_INTEGER / UNITS_PER_CHIP, 'coins is too large'),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'requestId must be 8 to 64 letters, digits, _ or -'),
});

/** The bearer token of a request, if it has one. */
function bearer(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

/** The bonus rule in words, with the figures this server runs with. */
export function economyRules(economy: EconomyConfig, startingChips: number): Record<string, unknown> {
  const w = economy.bonusWagerMultiple;
  return {
    unitsPerChip: UNITS_PER_CHIP,
    coinsPerChip: 1,
    startingBonusChips: startingChips,
    bonusWagerMultiple: w,
    minCashOutCoins: economy.minCashOutCoins,
    bonusWindowSeconds: economy.bonusWindowSeconds,
    bonusPerIp: economy.bonusPerIp,
    bonusPerSessionKey: economy.bonusPerSessionKey,
    bonusAfterDepositCoins: economy.bonusAfterDepositCoins,
    rule:
      `1 chip is 1 coin. The ${startingChips.toLocaleString('en-US')} free starting chips are a bonus: they can be played but never cashed out. ` +
      `Chips found in treasure-raid chests are bonus too. ` +
      `Chips won beyond the bonus can be cashed out ${w === 0 ? 'at once' : `once you have bet ${w === 1 ? 'as much as the bonus' : `${w} times the bonus`} in all; before that, only chips you deposited can`}. ` +
      `A cash-out is whole coins, at least ${economy.minCashOutCoins}.`,
  };
}

export function installEconomyRoutes(
  app: Application,
  deps: { cashier: Cashier; log: Logger; statuses: (awardIds: readonly string[]) => Promise<AwardStatus[]>; economy: EconomyConfig; startingChips: number },
): void {
  const json = express.json({ limit: '1kb', type: () => true });
  app.get('/economy/rules', (_req: Request, res: Response) => void res.json(economyRules(deps.economy, deps.startingChips)));
  app.post(CASH_OUT_PATH, (req: Request, res: Response, next) => {
    const token = bearer(req);
    if (!token) return void res.status(401).json({ error: 'sign-in required: send Authorization: Bearer <sign-in token>' });
    json(req, res, (err?: unknown) => {
      if (err) return void res.status(400).json({ error: 'the body must be JSON {"coins": <whole coins>, "requestId": "<8-64 of A-Z a-z 0-9 _ ->"} of at most 1 kB' });
      void cashOut(req, res, token).catch((e: unknown) => {
        deps.log.error({ err: e }, 'a cash-out failed');
        if (res.headersSent) return next(e);
        // Nothing or all of it was written: the same request id again is safe.
        res.status(503).json({ error: 'the cash-out could not be completed now; try again with the same requestId' });
      });
    });
  });

  async function cashOut(req: Request, res: Response, token: string): Promise<void> {
    const body = CashOutBody.safeParse(req.body);
    if (!body.success) return void res.status(400).json({ error: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    let address: string;
    try {
      address = (await authenticatePlayer(token)).address;
    } catch (e) {
      if (e instanceof ServerError) return void res.status(e.code).json({ error: e.message });
      throw e;
    }
    try {
      const made = await deps.cashier.cashOut(address, body.data.coins, body.data.requestId);
      const [status] = await deps.statuses([made.awardId]);
      res.json({ awardId: made.awardId, coins: made.coins, ...(status ?? { status: 'pending' }), ...(made.replayed ? { replayed: true } : {}) });
    } catch (e) {
      if (e instanceof CashOutRefused) return void res.status(409).json({ error: e.message });
      throw e;
    }
  }
}
