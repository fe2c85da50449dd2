/**
 * No page of the server may be shown inside another site's frame: the game signs bets with a key
 * the browser keeps, so a hostile page framing it under a decoy could have a player click "Roll"
 * or "Send" without knowing (clickjacking). `frame-ancestors 'none'` says so to current browsers,
 * `X-Frame-Options: DENY` to older ones.
 * @module
 */
import type { NextFunction, Request, Response } from 'express';

export function refuseFraming(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  next();
}
