/**
 * `GET /economy`: the economy's figures as JSON (economy-stats.ts, at most 10 s old), or, to a
 * browser asking for HTML, the page that plots them (client/economy.html). Counted under the
 * `expensive` rate limit (limits/rate-limited-server.ts) either way.
 * @module
 */
import { join } from 'node:path';
import type { Application, Request, Response } from 'express';
import { CLIENT_DIST } from '../client-dist.ts';
import type { EconomyService } from './economy-service.ts';

export function installEconomyView(app: Application, economy: Pick<EconomyService, 'report'>): void {
  app.get('/economy', async (req: Request, res: Response) => {
    // A page load asks for text/html first; fetch() and curl take JSON.
    if (req.accepts(['json', 'html']) === 'html') return void res.sendFile(join(CLIENT_DIST, 'economy.html'));
    try {
      res.set('Cache-Control', 'public, max-age=10').json(await economy.report());
    } catch (e) {
      res.status(503).json({ error: `the economy's figures could not be read: ${(e as Error).message.slice(0, 200)}` });
    }
  });
}
