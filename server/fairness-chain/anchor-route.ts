/**
 * `GET /anchors/:index`: an anchor whole, its leaves and its status on chain, so anyone can
 * archive every anchor and check any room head against the registry. 404 until anchors run
 * (no registry yet) or for an index not built.
 * @module
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { services } from '../services.ts';

const Index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export async function serveAnchor(req: Request, res: Response): Promise<void> {
  const index = Index.safeParse(req.params['index']);
  if (!index.success) return void res.status(400).json({ error: 'anchor index must be a whole number from 0' });
  const anchors = services().anchors;
  if (!anchors) return void res.status(404).json({ error: 'this server does not anchor transcripts (no fairness registry)' });
  const anchor = await anchors.anchor(index.data);
  if (!anchor) return void res.status(404).json({ error: `no anchor ${index.data}` });
  // A pending anchor's status changes; a confirmed one only with a reorg: revalidate either way.
  res.set('Cache-Control', 'no-cache').json(anchor);
}
