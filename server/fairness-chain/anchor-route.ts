/**
 * `GET /anchors/:index`: an anchor whole, its leaves and its status on chain, so anyone can
 * archive every anchor, check any room head against the registry, and check that no anchor newer
 * than a transcript's own holds its room further on (FAIRNESS.md section 7a: a verifier reads up
 * to 1440 of them per transcript). `GET /anchors?from=i&limit=n`: the anchors from i on, whole,
 * in one answer (`{ anchors, next }`), so that check takes a few requests, not one per anchor.
 * Bodies are bounded: an anchor has at most 10,000 leaves (ANCHOR_MAX_LEAVES), and a range stops
 * at ANCHOR_RANGE_MAX anchors or before ANCHOR_RANGE_LEAVES leaves in all (one anchor at least).
 * Roots and leaves never change once built; status and block can (a pending anchor is confirmed,
 * a confirmed one moves with a reorg), so answers are revalidated, by a strong ETag naming them
 * all, and a match is answered 304 without reading the leaves.
 * 404 until anchors run (no registry yet) or for an index not built.
 * @module
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { services } from '../services.ts';
import { matches } from '../transcript-route.ts';
import type { AnchorView } from './anchor-reader.ts';

const Index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Anchors in one range answer at most: a day at the default period, what a verifier scans per transcript. */
export const ANCHOR_RANGE_MAX = 1440;
/** Leaves in one range answer at most, past its first anchor (about 1.2 MB of JSON). */
export const ANCHOR_RANGE_LEAVES = 10_000;
const Range = z.object({ from: Index, limit: z.coerce.number().int().min(1).max(ANCHOR_RANGE_MAX).default(ANCHOR_RANGE_MAX) });

/** What an anchor's answer depends on: its root, and its status with its block and transaction. */
const version = (h: Omit<AnchorView, 'leaves'>): string => `${h.root}.${h.status === 'confirmed' ? `${h.blockNumber}.${h.txHash}` : 'pending'}`;

export async function serveAnchor(req: Request, res: Response): Promise<void> {
  const index = Index.safeParse(req.params['index']);
  if (!index.success) return void res.status(400).json({ error: 'anchor index must be a whole number from 0' });
  const anchors = services().anchors;
  if (!anchors) return void res.status(404).json({ error: 'this server does not anchor transcripts (no fairness registry)' });
  const head = await anchors.anchorHead(index.data);
  if (!head) return void res.status(404).json({ error: `no anchor ${index.data}` });
  const etag = `"${version(head)}"`;
  res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
  if (matches(req.get('If-None-Match'), etag)) return void res.status(304).end();
  res.json({ ...head, leaves: await anchors.leaves(index.data) });
}

/** `GET /anchors?from=&limit=`: consecutive anchors whole from `from`; `next` is the index to ask from next, or null past the last built. */
export async function serveAnchorRange(req: Request, res: Response): Promise<void> {
  const range = Range.safeParse(req.query);
  if (!range.success) return void res.status(400).json({ error: `from must be a whole number from 0, and limit one from 1 to ${ANCHOR_RANGE_MAX}` });
  const anchors = services().anchors;
  if (!anchors) return void res.status(404).json({ error: 'this server does not anchor transcripts (no fairness registry)' });
  const { from, limit } = range.data;
  const heads = await anchors.headsFrom(from, limit, ANCHOR_RANGE_LEAVES);
  const last = heads.at(-1);
  // More may follow when the range stopped short of its limit for its leaves, or took all it could.
  const next = last === undefined ? null : (await anchors.headsFrom(last.index + 1, 1, 0)).length ? last.index + 1 : null;
  const etag = `"${createHash('sha256').update(`${from}.${next}.${heads.map(version).join(',')}`).digest('hex')}"`;
  res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
  if (matches(req.get('If-None-Match'), etag)) return void res.status(304).end();
  res.json({ anchors: await anchors.leavesOf(heads), next });
}
