/**
 * `GET /rules/:hash`: a rules document this server has served, by its hash (the `rulesHash` of
 * every receipt under it), now or before a change of rules (rules-archive.ts). /fairness names
 * only the rules served now; a verifier checking an older transcript, or a player checking the
 * court's answer to an older receipt, fetches its rules here and checks their hash itself.
 * A document never changes under its hash: the answer is cacheable for good.
 * @module
 */
import type { Request, Response } from 'express';
import { services } from '../services.ts';
import { RULES_HASH } from './rules-archive.ts';

export async function serveRules(req: Request, res: Response): Promise<void> {
  const hash = String(req.params['hash']);
  if (!RULES_HASH.test(hash)) return void res.status(400).json({ error: 'a rules hash is 64 lowercase hex digits' });
  const { fairness, rulesArchive } = services();
  const served = Object.values(fairness.rules).find((r) => r.hash === hash)?.document;
  const document = served ?? (await rulesArchive?.find(hash));
  if (!document) return void res.status(404).json({ error: `this server has served no rules ${hash}` });
  res.set({ 'Cache-Control': 'public, max-age=31536000, immutable', ETag: `"${hash}"` });
  res.json(document);
}
