/**
 * `GET /anchors/:index`: an anchor whole, its leaves and its status on chain, so anyone can
 * archive every anchor, check any room head against the registry, and check that no anchor newer
 * than a transcript's own holds its room further on (FAIRNESS.md section 7a: a verifier reads up
 * to 1440 of them per transcript). The body is bounded: an anchor has at most 10,000 leaves
 * (ANCHOR_MAX_LEAVES). Its root and leaves never change once built; its status and block can (a
 * pending anchor is confirmed, a confirmed one moves with a reorg), so it is revalidated, by a
 * strong ETag naming all three, and a match is answered 304 without reading the leaves.
 * 404 until anchors run (no registry yet) or for an index not built.
 * @module
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { services } from '../services.ts';
import { matches } from '../transcript-route.ts';

const Index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export async function serveAnchor(req: Request, res: Response): Promise<void> {
  const index = Index.safeParse(req.params['index']);
  if (!index.success) return void res.status(400).json({ error: 'anchor index must be a whole number from 0' });
  const anchors = services().anchors;
  if (!anchors) return void res.status(404).json({ error: 'this server does not anchor transcripts (no fairness registry)' });
  const head = await anchors.anchorHead(index.data);
  if (!head) return void res.status(404).json({ error: `no anchor ${index.data}` });
  const etag = `"${head.root}.${head.status === 'confirmed' ? `${head.blockNumber}.${head.txHash}` : 'pending'}"`;
  res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
  if (matches(req.get('If-None-Match'), etag)) return void res.status(304).end();
  res.json({ ...head, leaves: await anchors.leaves(index.data) });
}
